// Page 6's computation: max and average pooling (F.maxPool2d with returnIndices, F.avgPool2d)
// of one channel, each output cell's window, and the input gradient autograd gives for an
// upstream gradient dY: max pooling routes each dY to its window's winner only, average pooling
// spreads it evenly over the window. No DOM.
import * as tl from "../../../src/index.js";
import { type AxisFormula, axisFormula } from "../../shared/convGeometry.js";
import { rows2d, sampleTensor } from "../../shared/samples.js";

export type PoolMode = "max" | "avg";

export interface PoolWindow {
  /** The output cell [i, j]. */
  index: [number, number];
  /** The input positions [row, col] the window covers (inside the input; padding left out). */
  cells: [number, number][];
  /** max: the input position the maximum came from (F.maxPool2d's index); avg: null. */
  winner: [number, number] | null;
  value: number;
}

export interface Pooling {
  input: number[][];
  output: number[][];
  windows: PoolWindow[];
  /** The upstream gradient used. */
  dy: number[][];
  /** autograd's X.grad for dY. */
  dx: number[][];
  rows: AxisFormula;
  cols: AxisFormula;
}

/**
 * Pools `input` and backpropagates dY: given, all ones, or "sequence" (1, 2, 3... row by row,
 * distinct values whose routing a learner can trace).
 */
export function pooling(
  input: number[][],
  dyGiven: number[][] | "ones" | "sequence",
  o: { mode: PoolMode; kernelSize: number; stride: number; padding: number },
): Pooling {
  const H = input.length,
    W = input[0]!.length;
  const rows = axisFormula("H", H, o.kernelSize, o.stride, o.padding, 1);
  const cols = axisFormula("W", W, o.kernelSize, o.stride, o.padding, 1);
  const x = tl.tensor([[input]], { dtype: "float64", requiresGrad: true });
  const opts = { kernelSize: o.kernelSize, stride: o.stride, padding: o.padding };
  let y: tl.Tensor,
    idx: tl.Tensor | null = null;
  if (o.mode === "max") [y, idx] = tl.F.maxPool2d(x, { ...opts, returnIndices: true });
  else y = tl.F.avgPool2d(x, opts);
  const dy =
    dyGiven === "ones"
      ? rows2d(tl.onesLike(y).reshape([rows.out, cols.out]))
      : dyGiven === "sequence"
        ? Array.from({ length: rows.out }, (_, i) => Array.from({ length: cols.out }, (_, j) => i * cols.out + j + 1))
        : dyGiven;
  y.backward(tl.tensor([[dy]], { dtype: "float64" }));
  const out = rows2d(y.detach().reshape([rows.out, cols.out]));
  const flat = idx ? (idx.toArray() as number[][][][])[0]![0]! : null;
  const windows: PoolWindow[] = [];
  for (let i = 0; i < rows.out; i++) {
    for (let j = 0; j < cols.out; j++) {
      const cells: [number, number][] = [];
      for (let a = 0; a < o.kernelSize; a++) {
        for (let b = 0; b < o.kernelSize; b++) {
          const r = i * o.stride - o.padding + a,
            c = j * o.stride - o.padding + b;
          if (r >= 0 && r < H && c >= 0 && c < W) cells.push([r, c]);
        }
      }
      const f = flat?.[i]?.[j];
      windows.push({ index: [i, j], cells, winner: f === undefined ? null : [Math.floor(f / W), f % W], value: out[i]![j]! });
    }
  }
  return { input, output: out, windows, dy, dx: rows2d(x.grad!.reshape([H, W])), rows, cols };
}

/** What the page computes for its controls: a seeded size × size input and the "sequence" dY. */
export const poolingPage = (size: number, o: { mode: PoolMode; kernelSize: number; stride: number; padding: number }): Pooling =>
  pooling(rows2d(sampleTensor([size, size], 11)), "sequence", o);
