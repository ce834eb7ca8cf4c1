// Page 4: multi-channel input and O_c kernels; channels.ts computes.
import { type MultiChannel, channelSums, multiChannel } from "./channels.js";
import { grid, panel, show } from "../../shared/grid.js";
import { num, term } from "../../shared/format.js";
import { productsText, windowKeys } from "../../shared/cells.js";
import { byId, controlBar, el, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const c = ui.range({ label: "input channels C", min: 1, max: 3, value: 3, id: "channels" });
const o = ui.range({ label: "kernels O_c", min: 1, max: 4, value: 2, id: "kernels" });
const n = ui.range({ label: "input H = W", min: 3, max: 6, value: 4, id: "size" });
const k = ui.range({ label: "kernel FH = FW", min: 1, max: 3, value: 2, id: "kernel-size" });

const page = stepThrough<MultiChannel>({
  compute: () => multiChannel({ channels: c.value, kernels: o.value, size: n.value, kernelSize: k.value, seed: 5 }),
  count: (r) => r.cells.length,
  draw,
});

const shape = (s: readonly number[]): string => `[${s.join(", ")}]`;
const COLORS = ["#e53935", "#43a047", "#1e88e5"];

function draw(r: MultiChannel, at: number): void {
  const cell = r.cells[at]!;
  const [oc, oi, oj] = cell.index as [number, number, number];
  const C = r.shapes.input[0]!,
    [O, OH, OW] = r.shapes.output as [number, number, number];
  show(
    $("shapes"),
    `input X ${shape(r.shapes.input)} (C, H, W)   weight W ${shape(r.shapes.weight)} (O_c, C, FH, FW)   bias b ${shape(r.shapes.bias)}\n→ output Y ${shape(r.shapes.output)} (O_c, OH, OW) = F.conv2d(X, W, b)`,
  );
  const channel = (ch: number): string => (C === 3 ? ["red", "green", "blue"][ch]! : `channel ${ch}`);
  const inputs = r.input.map((plane, ch) => {
    const win = windowKeys(cell, 0, ch);
    const g = grid(plane, { caption: `X[${ch}] (${channel(ch)})`, cellClass: (i, j) => (win.has(`${i},${j}`) ? "win" : "") });
    g.style.borderTop = `3px solid ${COLORS[ch]}`;
    return g;
  });
  const kernels = r.weight.map((kern, m) =>
    el(
      "div",
      { class: m === oc ? "panel" : "panel note" },
      el("h3", {}, `kernel ${m}${m === oc ? " (in use)" : ""}, bias ${num(r.bias[m]!)}`),
      el(
        "div",
        { class: "row" },
        ...kern.map((sl, ch) => {
          const g = grid(sl, { caption: `W[${m}, ${ch}]` });
          g.style.borderTop = `3px solid ${COLORS[ch]}`;
          return g;
        }),
      ),
    ),
  );
  const outputs = r.output.map((plane, m) =>
    grid(plane, {
      caption: `Y[${m}]`,
      cellClass: (i, j) => (m === oc && i === oi && j === oj ? "cur" : ""),
      text: (v, i, j) => ((m * OH + i) * OW + j <= at ? num(v) : "·"),
    }),
  );
  show(
    $("tensors"),
    panel(`Input: ${C} channel${C === 1 ? "" : "s"}`, el("div", { class: "row" }, ...inputs)),
    panel(`${O} kernel${O === 1 ? "" : "s"}, each ${C} deep`, ...kernels),
    panel(`Output: ${O} channel${O === 1 ? "" : "s"}`, el("div", { class: "row" }, ...outputs)),
  );
  const sums = channelSums(cell, C);
  const lines = sums.map((v, ch) => `  channel ${ch}: ${productsText(cell.taps.filter((t) => t.input[0] === ch))} = ${num(v)}`);
  show(
    $("cell-sum"),
    `Y[${oc}, ${oi}, ${oj}] = Σ over channels of (window · kernel ${oc}'s slice) + b[${oc}]\n${lines.join("\n")}\n  = ${sums.map(term).join(" + ")} + ${term(cell.bias)} = ${num(cell.sum)}\nF.conv2d computes Y[${oc}, ${oi}, ${oj}] = ${num(cell.value)}`,
  );
}

await startPage(() => page.update());
