// Page 5's computation: the gradients of Y = conv2d(X, W) (stride 1, padding P) for an upstream
// gradient dY, from autograd, next to the same numbers written as convolutions:
//   dX = conv2d(dY, W flipped, padding FH − 1 − P)  (a full convolution of dY with W when P = 0)
//   dW = conv2d(X, dY, padding P)                   (X correlated with dY)
// Both sides are tensorloom: autograd on one, the conv op (through tl.explain.conv, which lays
// each convolution out cell by cell) and tl.flip on the other. No DOM.
import * as tl from "../../../src/index.js";
import { kernel2d, rows2d, sampleTensor } from "../../shared/samples.js";

export interface ConvBackprop {
  input: number[][];
  kernel: number[][];
  flipped: number[][];
  output: number[][];
  dy: number[][];
  /** autograd's X.grad and W.grad. */
  dx: number[][];
  dw: number[][];
  /** dY zero-padded by FH − 1 − P on every side: what the flipped kernel slides over. */
  dyPadded: number[][];
  /** The padding of that convolution, FH − 1 − P. */
  fullPadding: number;
  /** conv2d(dY, flip(W), padding FH − 1 − P), explained cell by cell (one cell per input position). */
  dxAsConv: tl.explain.ConvExplanation;
  /** conv2d(X, dY, padding P), the weight gradient as a correlation. */
  dwAsConv: number[][];
  /** The same, explained entry by entry: dW[a, b]'s window of X and the products X·dY. */
  dwCells: tl.explain.ConvCellExplanation[];
  /** tl.explain.convInputGrad's per-cell sums of dY·W (the library's own view of the same gradient). */
  dxExplained: number[];
}

export function convBackprop(input: number[][], kernel: number[][], dy: number[][], padding: number): ConvBackprop {
  const k = kernel.length;
  if (padding > k - 1)
    throw new tl.ValueError(
      `convBackprop: padding ${padding} is more than FH − 1 = ${k - 1}; the input gradient's convolution would need negative padding.`,
    );
  const x = tl.tensor([[input]], { dtype: "float64", requiresGrad: true });
  const w = tl.tensor([[kernel]], { dtype: "float64", requiresGrad: true });
  const y = tl.F.conv2d(x, w, null, { padding });
  const g = tl.tensor([[dy]], { dtype: "float64" });
  if (y.shape.join() !== g.shape.join())
    throw new tl.ShapeError(`convBackprop: dY is ${g.shape.slice(2).join(" × ")} but Y is ${y.shape.slice(2).join(" × ")}.`);
  y.backward(g);
  const flipped = tl.flip(w.detach(), [2, 3]);
  const fullPadding = k - 1 - padding;
  const dxAsConv = tl.explain.conv(g.squeeze(0), flipped, { padding: fullPadding });
  // dY plays the kernel: each dW[a, b] is the window of X at (a, b) times dY, summed
  const dwAsConv = tl.explain.conv(x.detach().squeeze(0), g, { padding });
  const explained = tl.explain.convInputGrad(x.detach().squeeze(0), w.detach(), g.squeeze(0), { padding });
  return {
    input,
    kernel,
    flipped: rows2d(flipped.reshape([k, k])),
    output: rows2d(y.detach().reshape(y.shape.slice(2))),
    dy,
    dx: rows2d(x.grad!.reshape([input.length, input[0]!.length])),
    dw: rows2d(w.grad!.reshape([k, k])),
    dyPadded: rows2d(
      tl
        .pad(g, [fullPadding, fullPadding, fullPadding, fullPadding])
        .reshape([dy.length + 2 * fullPadding, dy[0]!.length + 2 * fullPadding]),
    ),
    fullPadding,
    dxAsConv,
    dwAsConv: rows2d(dwAsConv.output.reshape([k, k])),
    dwCells: dwAsConv.cells,
    dxExplained: explained.cells.map((c) => c.sum),
  };
}

export type UpstreamKind = "one" | "ones" | "random";

/** The page's choices of dY for an out × out output: a single 1 at Y[0, 0], all ones (L = ΣY), or seeded integers in [−2, 2]. */
export function upstreamGradient(kind: UpstreamKind, out: number): number[][] {
  if (kind === "random") return rows2d(sampleTensor([out, out], 9, -2, 3));
  return Array.from({ length: out }, (_, i) => Array.from({ length: out }, (_, j) => (kind === "ones" || (i === 0 && j === 0) ? 1 : 0)));
}

/** What the page computes for its controls: a seeded size × size input, a seeded k × k kernel, padding P and the chosen dY. */
export function backpropPage(size: number, k: number, padding: number, dy: UpstreamKind): ConvBackprop {
  const out = tl.convOutputSize({ inputSize: size, kernelSize: k, padding });
  return convBackprop(rows2d(sampleTensor([size, size], 6)), rows2d(kernel2d("random", k, 8)), upstreamGradient(dy, out), padding);
}
