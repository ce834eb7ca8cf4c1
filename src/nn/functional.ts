// torch.nn.functional: activations, softmax, linear, pad, dropout, convolution, pooling,
// normalisation and losses. Thin wrappers: the ops themselves live in src/ops and src/nn/loss.ts.

import type { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { rand } from "../tensor/create.js";
import { div, lt, mul } from "../ops/binary.js";
import { mm, mmBias } from "../ops/matmul.js";
import { reshape } from "../ops/movement.js";
import { numelOf } from "../tensor/shape.js";
import { type ConvOptions, type ConvTransposeOptions, convNd, convTransposeNd } from "../ops/conv.js";
import { type MaxUnpoolOptions, maxUnpoolNd } from "../ops/unpool.js";
import { type AvgPoolOptions, type MaxPoolOptions, adaptiveAvgPoolNd, adaptiveMaxPoolNd, avgPoolNd, maxPoolNd } from "../ops/pool.js";

export {
  relu,
  leakyRelu,
  elu,
  gelu,
  sigmoid,
  tanh,
  softplus,
  silu,
  prelu,
  selu,
  celu,
  hardtanh,
  relu6,
  hardswish,
  hardsigmoid,
  mish,
  softsign,
  tanhshrink,
  threshold,
  logSigmoid,
  softmin,
} from "../ops/activation.js";
export { softmax, logSoftmax } from "../ops/softmax.js";
export { pad } from "../ops/pad.js";
export { pixelShuffle, pixelUnshuffle } from "../ops/shuffle.js";
export { interpolate, type InterpolateOptions, type InterpolateMode } from "../ops/resample.js";

/**
 * y = x W^T + b, as torch.nn.functional.linear.
 * **Shape**: input [..., in], weight [out, in], bias [out] -> [..., out].
 * @example F.linear(tl.ones([4, 3]), tl.ones([5, 3])) // shape [4, 5]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out_features, in_features], got ${fmt(weight.shape)}.`);
  const inF = weight.shape[1]!;
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmt(input.shape)} has ${input.shape[input.ndim - 1] ?? "no"} features in its last dim but weight ${fmt(weight.shape)} expects ${inF}; input.shape[-1] must equal weight.shape[1].`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${fmt(bias.shape)} must be 1-D with ${weight.shape[0]} entries (weight.shape[0]).`);
  }
  const lead = input.shape.slice(0, -1);
  // fold leading dims into rows: one GEMM against W read transposed (no copy of W), the bias
  // fused into it
  const rows = reshape(input, [numelOf(lead), inF]);
  const y = bias ? mmBias(rows, weight, bias, false, true) : mm(rows, weight, false, true);
  return reshape(y, [...lead, weight.shape[0]!]);
}

/**
 * Zero each element with probability p and scale the rest by 1/(1-p) while training, as
 * torch.nn.functional.dropout; the identity when training is false. Draws from the seeded generator.
 */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: probability must be between 0 and 1, got ${p}.`);
  if (!training || p === 0) return input;
  if (p === 1) return mul(input, 0);
  const keep = lt(rand(input.shape, { dtype: input.dtype === "float64" ? "float64" : "float32" }), 1 - p);
  return div(mul(input, keep), 1 - p);
}

/**
 * Channel dropout (torch.nn.functional.dropout2d/3d): zero whole channels of [N, C, ...] with
 * probability p while training, scaling the kept ones by 1/(1-p).
 */
export function dropoutNd(input: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout2d: probability must be between 0 and 1, got ${p}.`);
  if (input.ndim < 2) throw new ShapeError(`dropout2d: expects [N, C, ...] input, got ${fmt(input.shape)}.`);
  if (!training || p === 0) return input;
  const maskShape = input.shape.map((d, i) => (i < 2 ? d : 1));
  const keep = lt(rand(maskShape, { dtype: input.dtype === "float64" ? "float64" : "float32" }), 1 - p);
  return p === 1 ? mul(input, 0) : div(mul(input, keep), 1 - p);
}

export {
  crossEntropy,
  nllLoss,
  mseLoss,
  l1Loss,
  smoothL1Loss,
  binaryCrossEntropyWithLogits,
  type Reduction,
  type CrossEntropyOptions,
  type NllOptions,
} from "./loss.js";

// --- convolution, pooling, normalisation (thin wrappers over src/ops; the N-d logic lives there) ---

/**
 * 1-D convolution (cross-correlation) over [N, C, L], as torch.nn.functional.conv1d.
 * **Shape**: input [N, C_in, L], weight [C_out, C_in / groups, k] -> [N, C_out, L_out].
 * @example F.conv1d(tl.ones([1, 2, 5]), tl.ones([3, 2, 3])) // shape [1, 3, 3]
 */
export const conv1d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor =>
  convNd("conv1d", 1, input, weight, bias, opts);
/**
 * 2-D convolution over NCHW, as torch.nn.functional.conv2d.
 * **Shape**: input [N, C_in, H, W], weight [C_out, C_in / groups, kH, kW] -> [N, C_out, H_out, W_out].
 * @example F.conv2d(tl.ones([1, 3, 8, 8]), tl.ones([4, 3, 3, 3]), null, { padding: 1, stride: 2 }) // shape [1, 4, 4, 4]
 */
export const conv2d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor =>
  convNd("conv2d", 2, input, weight, bias, opts);
/** 3-D convolution over NCDHW, as torch.nn.functional.conv3d. */
export const conv3d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor =>
  convNd("conv3d", 3, input, weight, bias, opts);
/**
 * Transposed 1-D convolution, as torch.nn.functional.conv_transpose1d.
 * **Shape**: input [N, C_in, L], weight [C_in, C_out / groups, k] -> [N, C_out, (L - 1)s - 2p + d(k - 1) + outputPadding + 1].
 */
export const convTranspose1d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd("convTranspose1d", 1, input, weight, bias, opts);
/**
 * Transposed 2-D convolution ("deconvolution"), as torch.nn.functional.conv_transpose2d; options `{ stride, padding, outputPadding, dilation, groups }`. Shape: input [N, C_in, H, W], weight [C_in, C_out / groups, kH, kW].
 * @example F.convTranspose2d(tl.ones([1, 2, 4, 4]), tl.ones([2, 3, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }) // shape [1, 3, 8, 8]
 */
export const convTranspose2d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd("convTranspose2d", 2, input, weight, bias, opts);
/** Transposed 3-D convolution, as torch.nn.functional.conv_transpose3d; options `{ stride, padding, outputPadding, dilation, groups }`. Shape: input [N, C_in, D, H, W], weight [C_in, C_out / groups, kD, kH, kW]. */
export const convTranspose3d = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd("convTranspose3d", 3, input, weight, bias, opts);

type WithIndices = MaxPoolOptions & { returnIndices: true };
type NoIndices = MaxPoolOptions & { returnIndices?: false };

/** Max pooling over [N, C, L] (or [C, L]); with returnIndices also the flat argmax positions. */
export function maxPool1d(input: Tensor, opts: NoIndices): Tensor;
export function maxPool1d(input: Tensor, opts: WithIndices): [Tensor, Tensor];
export function maxPool1d(input: Tensor, opts: MaxPoolOptions & { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool1d", 1, input, opts);
}
/**
 * Max pooling over [N, C, H, W] (or [C, H, W]), as torch.nn.functional.max_pool2d; `{ kernelSize, stride, padding, dilation, ceilMode, returnIndices }`; with returnIndices, `[output, indices]` (int32 flat positions per plane; PyTorch int64; a dilated window that holds no input position gives -inf at index -1).
 * @example F.maxPool2d(tl.ones([1, 1, 6, 6]), { kernelSize: 2 }) // shape [1, 1, 3, 3]
 */
export function maxPool2d(input: Tensor, opts: NoIndices): Tensor;
export function maxPool2d(input: Tensor, opts: WithIndices): [Tensor, Tensor];
export function maxPool2d(input: Tensor, opts: MaxPoolOptions & { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool2d", 2, input, opts);
}
/** Max pooling over [N, C, D, H, W] (or [C, D, H, W]), as torch.nn.functional.max_pool3d; options as maxPool2d; with returnIndices, `[output, indices]` (int32). */
export function maxPool3d(input: Tensor, opts: NoIndices): Tensor;
export function maxPool3d(input: Tensor, opts: WithIndices): [Tensor, Tensor];
export function maxPool3d(input: Tensor, opts: MaxPoolOptions & { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool3d", 3, input, opts);
}

/** Average pooling over [N, C, L], as torch.nn.functional.avg_pool1d; `{ kernelSize, stride, padding, ceilMode, countIncludePad }`. */
export const avgPool1d = (input: Tensor, opts: AvgPoolOptions): Tensor => avgPoolNd("avgPool1d", 1, input, opts);
/** Average pooling over [N, C, H, W], as torch.nn.functional.avg_pool2d; `{ kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride }`. */
export const avgPool2d = (input: Tensor, opts: AvgPoolOptions): Tensor => avgPoolNd("avgPool2d", 2, input, opts);
/** Average pooling over [N, C, D, H, W], as torch.nn.functional.avg_pool3d; options as avgPool2d. */
export const avgPool3d = (input: Tensor, opts: AvgPoolOptions): Tensor => avgPoolNd("avgPool3d", 3, input, opts);

type OutSize = number | readonly (number | null)[];
/** Average pooling to a fixed output length, as torch.nn.functional.adaptive_avg_pool1d. */
export const adaptiveAvgPool1d = (input: Tensor, outputSize: OutSize): Tensor =>
  adaptiveAvgPoolNd("adaptiveAvgPool1d", 1, input, outputSize);
/**
 * Average pooling to a fixed [H, W] (a number for both; null keeps a size), as torch.nn.functional.adaptive_avg_pool2d.
 * @example F.adaptiveAvgPool2d(tl.ones([2, 3, 7, 7]), 1) // shape [2, 3, 1, 1]
 */
export const adaptiveAvgPool2d = (input: Tensor, outputSize: OutSize): Tensor =>
  adaptiveAvgPoolNd("adaptiveAvgPool2d", 2, input, outputSize);
/** Average pooling to a fixed [D, H, W] (a number for all; null keeps a size), as torch.nn.functional.adaptive_avg_pool3d. */
export const adaptiveAvgPool3d = (input: Tensor, outputSize: OutSize): Tensor =>
  adaptiveAvgPoolNd("adaptiveAvgPool3d", 3, input, outputSize);
/** Max pooling to a fixed output length, as torch.nn.functional.adaptive_max_pool1d; returnIndices adds the int32 positions as `[output, indices]`. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: OutSize, returnIndices?: false): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: OutSize, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: OutSize, returnIndices = false): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool1d", 1, input, outputSize, returnIndices);
}
/** Max pooling to a fixed [H, W], as torch.nn.functional.adaptive_max_pool2d; returnIndices adds the int32 positions as `[output, indices]`. */
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutSize, returnIndices?: false): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutSize, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: OutSize, returnIndices = false): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool2d", 2, input, outputSize, returnIndices);
}
/** Max pooling to a fixed [D, H, W], as torch.nn.functional.adaptive_max_pool3d; returnIndices adds the int32 positions as `[output, indices]`. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutSize, returnIndices?: false): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutSize, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutSize, returnIndices = false): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool3d", 3, input, outputSize, returnIndices);
}

export { unfold, fold, type UnfoldOptions } from "../ops/unfold.js";

/**
 * Partial inverse of maxPool1d, as torch.nn.functional.max_unpool1d: each value goes to the position its index names, zeros elsewhere.
 * Options `{ kernelSize, stride, padding, outputSize }` as the pooling's; indices int32 (PyTorch int64).
 */
export const maxUnpool1d = (input: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor =>
  maxUnpoolNd("maxUnpool1d", 1, input, indices, opts);
/**
 * Partial inverse of maxPool2d, as torch.nn.functional.max_unpool2d: each value of [N, C, H, W] goes to the flat position of its plane that its index names, zeros elsewhere.
 * Options `{ kernelSize, stride, padding, outputSize }` as the pooling's; indices int32 from maxPool2d's returnIndices (PyTorch int64).
 * @example F.maxUnpool2d(...F.maxPool2d(tl.randn([1, 1, 4, 4]), { kernelSize: 2, returnIndices: true }), { kernelSize: 2 }) // shape [1, 1, 4, 4]
 */
export const maxUnpool2d = (input: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor =>
  maxUnpoolNd("maxUnpool2d", 2, input, indices, opts);
/** Partial inverse of maxPool3d, as torch.nn.functional.max_unpool3d; options and indices as maxUnpool2d. */
export const maxUnpool3d = (input: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor =>
  maxUnpoolNd("maxUnpool3d", 3, input, indices, opts);
export { batchNorm, layerNorm, type BatchNormOptions } from "../ops/norm.js";
export type { ConvOptions, ConvTransposeOptions, MaxPoolOptions, AvgPoolOptions, MaxUnpoolOptions };
export { embedding, type EmbeddingOptions } from "./embedding.js";
