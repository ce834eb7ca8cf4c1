// Page 1: convolution as a sliding kernel. Controls pick the sizes, stride, padding and
// dilation; the player steps through the output cells; slidingKernel.ts computes everything.
import { type SlidingKernel, type SlidingKernelSetup, DEFAULT_SETUP, slidingKernel } from "./slidingKernel.js";
import { KERNELS, type KernelName } from "../../shared/samples.js";
import { grid, panel, show } from "../../shared/grid.js";
import { num } from "../../shared/format.js";
import { cellSumText, windowKeys } from "../../shared/cells.js";
import { unusedText } from "../../shared/convGeometry.js";
import { byId, controlBar, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const d = DEFAULT_SETUP;
const h = ui.range({ label: "input height H", min: 3, max: 9, value: d.height, id: "height" });
const w = ui.range({ label: "input width W", min: 3, max: 9, value: d.width, id: "width" });
const k = ui.range({ label: "kernel FH = FW", min: 1, max: 5, value: d.kernelSize, id: "kernel-size" });
const kind = ui.select<KernelName>({ label: "kernel", options: KERNELS, value: d.kernel, id: "kernel" });
const s = ui.range({ label: "stride S", min: 1, max: 4, value: d.stride, id: "stride" });
const p = ui.range({ label: "padding P", min: 0, max: 3, value: d.padding, id: "padding" });
const dil = ui.range({ label: "dilation D", min: 1, max: 3, value: d.dilation, id: "dilation" });

function setup(): SlidingKernelSetup {
  return {
    height: h.value,
    width: w.value,
    kernelSize: k.value,
    kernel: kind.value,
    stride: s.value,
    padding: p.value,
    dilation: dil.value,
    seed: d.seed,
  };
}

const page = stepThrough<SlidingKernel>({
  compute: () => slidingKernel(setup()),
  count: (r) => r.cells.length,
  draw,
  clear: () => {
    for (const id of ["grids", "cell-sum", "formula", "unused"]) show($(id));
  },
});

/** Draws the grids with output cell `at` current, its sum of products, and the size formula. */
function draw(r: SlidingKernel, at: number): void {
  const P = r.rows.p;
  const cell = r.cells[at]!;
  const ow = r.cols.out;
  // tap positions in padded coordinates
  const window = windowKeys(cell, P);
  const padded = Array.from({ length: r.rows.n + 2 * P }, (_, i) =>
    Array.from({ length: r.cols.n + 2 * P }, (_, j) => r.input[i - P]?.[j - P] ?? 0),
  );
  const unusedRows = new Set(r.rows.unused),
    unusedCols = new Set(r.cols.unused);
  const input = grid(padded, {
    id: "input-grid",
    caption: `input ${r.rows.n} × ${r.cols.n}` + (P ? `, padded to ${r.rows.n + 2 * P} × ${r.cols.n + 2 * P}` : ""),
    cellClass: (i, j) => {
      if (window.has(`${i},${j}`)) return "win";
      const ri = i - P,
        cj = j - P;
      if (ri < 0 || cj < 0 || ri >= r.rows.n || cj >= r.cols.n) return "pad";
      return unusedRows.has(ri) || unusedCols.has(cj) ? "unused" : "";
    },
  });
  const kernel = grid(r.kernel, {
    id: "kernel-grid",
    caption: `${r.rows.k} × ${r.cols.k}` + (r.rows.d > 1 ? `, taps ${r.rows.d} apart` : ""),
  });
  const output = grid(r.output, {
    id: "output-grid",
    caption: `${r.rows.out} × ${ow}`,
    cellClass: (i, j) => (i * ow + j === at ? "cur" : i * ow + j < at ? "done" : ""),
    text: (v, i, j) => (i * ow + j <= at ? num(v) : "·"),
  });
  show($("grids"), panel("Input X", input), panel("Kernel W", kernel), panel("Output Y", output));
  show($("cell-sum"), cellSumText(cell));
  show($("formula"), `${r.rows.text}\n${r.cols.text}`);
  const notes = [unusedText("H", r.rows), unusedText("W", r.cols)].filter(Boolean);
  show($("unused"), notes.length ? notes.join(" ") : "Every input row and column is read by some window.");
}

await startPage(() => page.update());
