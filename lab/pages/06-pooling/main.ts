// Page 6: max and average pooling and where their gradients go; pooling.ts computes.
import { type PoolMode, type Pooling, poolingPage } from "./pooling.js";
import { grid, panel, show } from "../../shared/grid.js";
import { num } from "../../shared/format.js";
import { unusedText } from "../../shared/convGeometry.js";
import { byId, controlBar, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const mode = ui.select<PoolMode>({
  label: "pooling",
  options: [
    ["max", "max"],
    ["avg", "average"],
  ],
  value: "max",
  id: "mode",
});
const n = ui.range({ label: "input H = W", min: 3, max: 9, value: 6, id: "size" });
const k = ui.range({ label: "window k", min: 1, max: 4, value: 2, id: "kernel-size" });
const s = ui.range({ label: "stride S", min: 1, max: 4, value: 2, id: "stride" });
const p = ui.range({ label: "padding P", min: 0, max: 2, value: 0, id: "padding" });

const page = stepThrough<Pooling>({
  compute: () => {
    // PyTorch allows padding of at most half the window
    if (p.value > Math.floor(k.value / 2)) p.value = Math.floor(k.value / 2);
    return poolingPage(n.value, { mode: mode.value, kernelSize: k.value, stride: s.value, padding: p.value });
  },
  count: (r) => r.windows.length,
  draw,
});

function draw(r: Pooling, at: number): void {
  const dy = r.dy;
  const w = r.windows[at]!;
  const inWin = new Set(w.cells.map((c) => c.join()));
  const win = w.winner?.join();
  const ow = r.cols.out;
  const input = r.input;
  show(
    $("tensors"),
    panel(
      "Input X",
      grid(input, {
        id: "input-grid",
        cellClass: (i, j) =>
          `${i},${j}` === win
            ? "cur"
            : inWin.has(`${i},${j}`)
              ? "win"
              : r.rows.unused.includes(i) || r.cols.unused.includes(j)
                ? "unused"
                : "",
      }),
    ),
    panel(
      `${mode.value === "max" ? "F.maxPool2d" : "F.avgPool2d"} → Y`,
      grid(r.output, { id: "output-grid", cellClass: (i, j) => (i * ow + j === at ? "cur" : "") }),
    ),
    panel("upstream dY", grid(dy, { cellClass: (i, j) => (i * ow + j === at ? "cur" : "") })),
    panel(
      "dX = X.grad from autograd",
      grid(r.dx, { id: "dx-grid", cellClass: (i, j) => (`${i},${j}` === win || (!win && inWin.has(`${i},${j}`)) ? "win" : "") }),
    ),
  );
  const [i, j] = w.index;
  const values = w.cells.map(([a, b]) => num(input[a]![b]!));
  const g = dy[i]![j]!;
  show(
    $("cell"),
    mode.value === "max"
      ? `Y[${i}, ${j}] = max(${values.join(", ")}) = ${num(w.value)}, found at X[${w.winner!.join(", ")}]\nbackward: dY[${i}, ${j}] = ${g} goes to X[${w.winner!.join(", ")}] alone; the window's other cells get 0 from it`
      : `Y[${i}, ${j}] = (${values.join(" + ")}) / ${k.value * k.value} = ${num(w.value)}${w.cells.length < k.value * k.value ? `  (padding counts as zeros in the ${k.value * k.value})` : ""}\nbackward: each of the window's cells gets dY[${i}, ${j}] / ${k.value * k.value} = ${num(g / (k.value * k.value))}`,
  );
  show($("formula"), `${r.rows.text}\n${r.cols.text}`);
  show($("unused"), [unusedText("H", r.rows), unusedText("W", r.cols)].filter(Boolean).join(" "));
}

await startPage(() => page.update());
