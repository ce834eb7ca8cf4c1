// Page 1's computation: a 2-D single-channel convolution cell by cell, through tl.explain.conv
// (each output cell's window, products and sum, next to F.conv2d's value) and the output-size
// formula on both axes. No DOM: the Node test checks these numbers.
import * as tl from "../../../src/index.js";
import { type AxisFormula, axisFormula } from "../../shared/convGeometry.js";
import { type KernelName, kernel2d, rows2d, sampleTensor } from "../../shared/samples.js";

export interface SlidingKernelSetup {
  /** Input height H and width W. */
  height: number;
  width: number;
  /** Kernel size (FH = FW). */
  kernelSize: number;
  kernel: KernelName;
  stride: number;
  padding: number;
  dilation: number;
  seed: number;
}

export const DEFAULT_SETUP: SlidingKernelSetup = {
  height: 6,
  width: 6,
  kernelSize: 3,
  kernel: "edge",
  stride: 1,
  padding: 0,
  dilation: 1,
  seed: 1,
};

export interface SlidingKernel {
  input: number[][];
  kernel: number[][];
  /** F.conv2d's output [OH, OW]. */
  output: number[][];
  /** One per output cell, row-major: the window (taps with padded positions marked), products, sum. */
  cells: tl.explain.ConvCellExplanation[];
  rows: AxisFormula;
  cols: AxisFormula;
}

/** The convolution of the setup's input and kernel, explained cell by cell. Throws the library's error for a kernel larger than the padded input. */
export function slidingKernel(s: SlidingKernelSetup): SlidingKernel {
  return explainSliding(rows2d(sampleTensor([s.height, s.width], s.seed)), rows2d(kernel2d(s.kernel, s.kernelSize)), s);
}

/** One 2-D input and square kernel convolved and explained (the page's numbers for any values). */
export function explainSliding(
  input: number[][],
  kernel: number[][],
  o: { stride: number; padding: number; dilation: number },
): SlidingKernel {
  const H = input.length,
    W = input[0]!.length,
    k = kernel.length;
  // the formulas first: tl.convOutputSize words the error when the kernel does not fit
  const rows = axisFormula("H", H, k, o.stride, o.padding, o.dilation);
  const cols = axisFormula("W", W, k, o.stride, o.padding, o.dilation);
  // unbatched [C=1, H, W] input and a [C_out=1, C_in=1, FH, FW] weight
  const x = tl.tensor([input], { dtype: "float64" }),
    w = tl.tensor([[kernel]], { dtype: "float64" });
  const e = tl.explain.conv(x, w, { stride: o.stride, padding: o.padding, dilation: o.dilation });
  return { input, kernel, output: rows2d(e.output.reshape([rows.out, cols.out])), cells: e.cells, rows, cols };
}
