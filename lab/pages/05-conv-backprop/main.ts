// Page 5: the gradients of a convolution as convolutions, next to autograd; convBackprop.ts computes.
import { type ConvBackprop, type UpstreamKind, backpropPage } from "./convBackprop.js";
import { grid, panel, show } from "../../shared/grid.js";
import { num } from "../../shared/format.js";
import { productsText, windowKeys } from "../../shared/cells.js";
import { byId, controlBar, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const n = ui.range({ label: "input H = W", min: 3, max: 7, value: 4, id: "size" });
const k = ui.range({ label: "kernel FH = FW", min: 2, max: 4, value: 2, id: "kernel-size" });
const p = ui.range({ label: "padding P", min: 0, max: 3, value: 0, id: "padding" });
const dyKind = ui.select<UpstreamKind>({
  label: "upstream gradient dY",
  options: [
    ["one", "a single 1 at Y[0, 0]"],
    ["ones", "all ones (L = ΣY)"],
    ["random", "random integers"],
  ],
  value: "one",
  id: "dy",
});

const page = stepThrough<ConvBackprop>({
  compute: () => {
    // the flipped kernel's padding FH − 1 − P must not go negative
    if (p.value > k.value - 1) p.value = k.value - 1;
    return backpropPage(n.value, k.value, p.value, dyKind.value);
  },
  count: (r) => r.dxAsConv.cells.length,
  draw,
});

function draw(r: ConvBackprop, at: number): void {
  const P = p.value,
    Q = r.fullPadding,
    W = r.input[0]!.length;
  show(
    $("forward"),
    panel("Input X", grid(r.input)),
    panel("Kernel W", grid(r.kernel)),
    panel(`Y = F.conv2d(X, W, padding ${P})`, grid(r.output)),
    panel("dY = ∂L/∂Y", grid(r.dy)),
  );
  const cell = r.dxAsConv.cells[at]!;
  const win = windowKeys(cell, Q);
  const [i, j] = [Math.floor(at / W), at % W];
  show(
    $("dx"),
    panel(
      `dY padded by FH − 1 − P = ${Q}`,
      grid(r.dyPadded, {
        id: "dy-padded",
        cellClass: (a, b) =>
          win.has(`${a},${b}`) ? "win" : a < Q || b < Q || a >= r.dyPadded.length - Q || b >= r.dyPadded[0]!.length - Q ? "pad" : "",
      }),
    ),
    panel("W flipped", grid(r.flipped)),
    panel("dX from autograd (X.grad)", grid(r.dx, { id: "dx-grid", cellClass: (a, b) => (a === i && b === j ? "cur" : "") })),
  );
  show(
    $("dx-sum"),
    `conv2d(dY, flip(W), padding ${Q}) at [${i}, ${j}] = ${productsText(cell.taps)} = ${num(cell.sum)}\nautograd's X.grad[${i}, ${j}] = ${num(r.dx[i]![j]!)}   tl.explain.convInputGrad's sum of dY·W there = ${num(r.dxExplained[at]!)}`,
  );
  const diff = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((row, x) => row.map((v, y) => Math.abs(v - b[x]![y]!))));
  // the weight-gradient entry in step with the input-gradient cell, cycling over the k × k entries
  const wCell = r.dwCells[at % r.dwCells.length]!;
  const [a, b] = wCell.index.slice(-2) as [number, number];
  const xWin = windowKeys(wCell, P);
  const xPadded = Array.from({ length: r.input.length + 2 * P }, (_, i) =>
    Array.from({ length: W + 2 * P }, (_, j) => r.input[i - P]?.[j - P] ?? 0),
  );
  show(
    $("dw"),
    panel(
      P ? `X padded by P = ${P}` : "X",
      grid(xPadded, {
        cellClass: (i, j) =>
          xWin.has(`${i},${j}`) ? "win" : i < P || j < P || i >= xPadded.length - P || j >= xPadded[0]!.length - P ? "pad" : "",
      }),
    ),
    panel("dY as the kernel", grid(r.dy)),
    panel("dW from autograd (W.grad)", grid(r.dw, { id: "dw-grid", cellClass: (i, j) => (i === a && j === b ? "cur" : "") })),
    panel(`conv2d(X, dY, padding ${P})`, grid(r.dwAsConv)),
  );
  show(
    $("dw-check"),
    `dW[${a}, ${b}] = ${productsText(wCell.taps)} = ${num(wCell.sum)}   (autograd: ${num(r.dw[a]![b]!)})\nlargest |difference|: dX ${num(diff(r.dx, (r.dxAsConv.output.toArray() as number[][][])[0]!))}, dW ${num(diff(r.dw, r.dwAsConv))}`,
  );
}

await startPage(() => page.update());
