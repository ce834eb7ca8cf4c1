// Page 2: cross-correlation and true convolution side by side; crossCorrelation.ts computes.
import { type CrossVsTrue, type Side, crossPage } from "./crossCorrelation.js";
import { KERNELS, type KernelName } from "../../shared/samples.js";
import { grid, show } from "../../shared/grid.js";
import { num } from "../../shared/format.js";
import { cellSumText, windowKeys } from "../../shared/cells.js";
import { byId, controlBar, el, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const n = ui.range({ label: "input size H = W", min: 3, max: 8, value: 5, id: "size" });
const k = ui.range({ label: "kernel FH = FW", min: 2, max: 4, value: 3, id: "kernel-size" });
const kind = ui.select<KernelName>({ label: "kernel", options: KERNELS, value: "diagonal", id: "kernel" });

const page = stepThrough<CrossVsTrue>({
  compute: () => crossPage(n.value, kind.value, k.value),
  count: (r) => r.correlation.cells.length,
  draw,
});

function side(target: HTMLElement, title: string, input: number[][], s: Side, at: number, opName: string, kernelName: string): void {
  const cell = s.cells[at]!;
  const win = windowKeys(cell);
  const ow = s.output[0]!.length;
  show(
    target,
    el("h3", {}, title),
    el(
      "div",
      { class: "row" },
      grid(input, { caption: "input X", cellClass: (i, j) => (win.has(`${i},${j}`) ? "win" : "") }),
      grid(s.kernel, { caption: kernelName }),
      grid(s.output, {
        caption: "output",
        cellClass: (i, j) => (i * ow + j === at ? "cur" : ""),
        text: (v, i, j) => (i * ow + j <= at ? num(v) : "·"),
      }),
    ),
    el("div", { class: "formula" }, cellSumText(cell, opName)),
  );
}

function draw(r: CrossVsTrue, at: number): void {
  side($("correlation"), "Cross-correlation: what F.conv2d computes", r.input, r.correlation, at, "F.conv2d", "kernel W as stored");
  side(
    $("convolution"),
    "True convolution: the kernel flipped",
    r.input,
    r.convolution,
    at,
    "F.conv2d with tl.flip(W)",
    "W flipped on both axes",
  );
  const same = (a: number[][], b: number[][]): boolean => a.every((row, i) => row.every((v, j) => Math.abs(v - b[i]![j]!) < 1e-9));
  const equal = same(r.correlation.output, r.convolution.output);
  show(
    $("agree"),
    `tl.signal.correlate(X, W, "valid") ${same(r.correlation.signal, r.correlation.output) ? "equals" : "DIFFERS from"} the left output and tl.signal.convolve(X, W, "valid") ${same(r.convolution.signal, r.convolution.output) ? "equals" : "DIFFERS from"} the right one (scipy.signal's definitions). ` +
      (equal
        ? "With this kernel the two outputs are the same: the kernel is symmetric under the flip."
        : "The two outputs differ: this kernel changes under the flip."),
  );
}

await startPage(() => page.update());
