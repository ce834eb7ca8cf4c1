// Page 3's computation: one kernel sliding along 1, 2 or 3 axes (F.conv1d / conv2d / conv3d,
// explained cell by cell with tl.explain.conv, which picks the dimension from the weight), the
// output-size formula per axis, and the N-d tensors cut into 2-D slices for display. No DOM.
import * as tl from "../../../src/index.js";
import { type AxisFormula, axisFormula } from "../../shared/convGeometry.js";
import { sampleTensor } from "../../shared/samples.js";

export type Dims = 1 | 2 | 3;

/** The axes' names per dimension, in tensor order. */
export const AXES: Record<Dims, readonly string[]> = { 1: ["L"], 2: ["H", "W"], 3: ["D", "H", "W"] };

export interface ConvDimensions {
  nd: Dims;
  /** The call the page shows, with the shapes (batch N = 1, one channel). */
  call: string;
  /** Input, kernel and output as lists of 2-D slices (1-D: one slice of one row; 3-D: one slice per depth). */
  input: number[][][];
  kernel: number[][][];
  output: number[][][];
  cells: tl.explain.ConvCellExplanation[];
  axes: AxisFormula[];
}

/** An N-d tensor's values as 2-D slices: [L] -> [[row]], [H, W] -> [grid], [D, H, W] -> D grids. */
export function slices(t: tl.Tensor): number[][][] {
  const a = t.toArray();
  return t.ndim === 1 ? [[a as number[]]] : t.ndim === 2 ? [a as number[][]] : (a as number[][][]);
}

/** A cell's input position [..., pos] as [slice, row, col] in the slices view. */
export function slicePosition(pos: readonly number[]): [number, number, number] {
  return pos.length === 1 ? [0, 0, pos[0]!] : pos.length === 2 ? [0, pos[0]!, pos[1]!] : [pos[0]!, pos[1]!, pos[2]!];
}

const FN = { 1: "F.conv1d", 2: "F.conv2d", 3: "F.conv3d" } as const;

/** An n-long (n × n, n × n × n) seeded input convolved with a seeded k-wide kernel along every axis. */
export function convDimensions(nd: Dims, n: number, k: number, stride: number, seed = 3): ConvDimensions {
  return explainDims(sampleTensor(Array<number>(nd).fill(n), seed), sampleTensor(Array<number>(nd).fill(k), seed + 1, -1, 2), stride);
}

/** x ([L], [H, W] or [D, H, W]) convolved with a kernel of as many dims, explained. */
export function explainDims(x: tl.Tensor, w: tl.Tensor, stride: number): ConvDimensions {
  const nd = x.ndim as Dims;
  const names = AXES[nd];
  const axes = names.map((a, i) => axisFormula(a, x.shape[i]!, w.shape[i]!, stride, 0, 1));
  // batch N = 1 and one channel in and out: [1, 1, ...spatial]
  const x5 = x.reshape([1, 1, ...x.shape]),
    w5 = w.reshape([1, 1, ...w.shape]);
  const e = tl.explain.conv(x5, w5, { stride });
  const shape = (t: readonly number[]): string => `[${t.join(", ")}]`;
  const call = `${FN[nd]}(input ${shape(x5.shape)}, weight ${shape(w5.shape)}, { stride: ${stride} }) → ${shape(e.outputShape)}   (N, C, ${names.join(", ")})`;
  return { nd, call, input: slices(x), kernel: slices(w), output: slices(e.output.reshape(e.outputShape.slice(2))), cells: e.cells, axes };
}
