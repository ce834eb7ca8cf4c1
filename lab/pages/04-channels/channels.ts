// Page 4's computation: a C-channel input and O_c kernels of C channels each (F.conv2d with a
// bias, explained with tl.explain.conv): every output cell sums one window per input channel,
// then adds its kernel's bias; O_c kernels give O_c output channels. No DOM.
import * as tl from "../../../src/index.js";
import { sampleTensor } from "../../shared/samples.js";

export interface ChannelsSetup {
  /** Input channels C. */
  channels: number;
  /** Output channels O_c (the number of kernels). */
  kernels: number;
  /** Input H = W and kernel FH = FW. */
  size: number;
  kernelSize: number;
  seed: number;
}

export interface MultiChannel {
  /** [C][H][W], [O_c][C][FH][FW], [O_c], [O_c][OH][OW]. */
  input: number[][][];
  weight: number[][][][];
  bias: number[];
  output: number[][][];
  shapes: { input: number[]; weight: number[]; bias: number[]; output: number[] };
  /** Row-major over [O_c, OH, OW]. */
  cells: tl.explain.ConvCellExplanation[];
}

export function multiChannel(s: ChannelsSetup): MultiChannel {
  const x = sampleTensor([s.channels, s.size, s.size], s.seed);
  const w = sampleTensor([s.kernels, s.channels, s.kernelSize, s.kernelSize], s.seed + 1, -1, 2);
  return explainChannels(x, w, sampleTensor([s.kernels], s.seed + 2, -3, 4));
}

/** x [C, H, W] convolved with w [O_c, C, FH, FW] plus bias b [O_c], explained. */
export function explainChannels(x: tl.Tensor, w: tl.Tensor, b: tl.Tensor): MultiChannel {
  const e = tl.explain.conv(x, w, { bias: b });
  return {
    input: x.toArray() as number[][][],
    weight: w.toArray() as number[][][][],
    bias: b.toArray() as number[],
    output: e.output.toArray() as number[][][],
    shapes: { input: [...x.shape], weight: [...w.shape], bias: [...b.shape], output: e.outputShape },
    cells: e.cells,
  };
}

/** Each input channel's share of a cell: the sum of its window's products. They add up to cell.sum − cell.bias. */
export function channelSums(cell: tl.explain.ConvCellExplanation, channels: number): number[] {
  const sums = Array<number>(channels).fill(0);
  for (const t of cell.taps) sums[t.input[0]!]! += t.product;
  return sums;
}
