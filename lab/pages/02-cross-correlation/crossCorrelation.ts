// Page 2's computation: the same input and kernel through cross-correlation (what F.conv2d and
// nn.Conv2d compute) and through true convolution (the kernel flipped on both axes, tl.flip),
// each explained cell by cell with tl.explain.conv, and checked against tl.signal's
// scipy-style correlate and convolve. No DOM.
import * as tl from "../../../src/index.js";
import { type KernelName, kernel2d, rows2d, sampleTensor } from "../../shared/samples.js";

export interface Side {
  /** The kernel as it is applied at every window (as given, or flipped). */
  kernel: number[][];
  output: number[][];
  cells: tl.explain.ConvCellExplanation[];
  /** tl.signal.correlate / convolve in "valid" mode: the signal-processing definition, for comparison. */
  signal: number[][];
}

export interface CrossVsTrue {
  input: number[][];
  correlation: Side;
  convolution: Side;
}

export function crossVsTrue(input: number[][], kernel: number[][]): CrossVsTrue {
  const x = tl.tensor(input, { dtype: "float64" }),
    w = tl.tensor(kernel, { dtype: "float64" });
  // true convolution reads the kernel back to front on every axis: W[FH−1−a, FW−1−b]
  const flipped = tl.flip(w, [0, 1]);
  const side = (k: tl.Tensor, signal: tl.Tensor): Side => {
    const e = tl.explain.conv(x.unsqueeze(0), k.reshape([1, 1, ...k.shape]));
    return { kernel: rows2d(k), output: rows2d(e.output.squeeze(0)), cells: e.cells, signal: rows2d(signal) };
  };
  return {
    input,
    correlation: side(w, tl.signal.correlate(x, w, "valid")),
    convolution: side(flipped, tl.signal.convolve(x, w, "valid")),
  };
}

/** The page's kernels: the shared named ones, with the diagonal weighted 1, 2, 3... so that flipping it shows. */
export function pageKernel(name: KernelName, k: number): number[][] {
  const w = rows2d(kernel2d(name, k));
  return name === "diagonal" ? w.map((r, i) => r.map((v) => v * (i + 1))) : w;
}

/** What the page computes for its controls: a seeded n × n input and the chosen k × k kernel. */
export const crossPage = (n: number, kernel: KernelName, k: number): CrossVsTrue =>
  crossVsTrue(rows2d(sampleTensor([n, n], 2)), pageKernel(kernel, k));
