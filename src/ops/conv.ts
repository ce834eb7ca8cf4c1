// Convolution in 1, 2 and 3 dims (deep learning's cross-correlation) and its transpose.
// Both lower to per-sample im2col/col2im plus one GEMM per group (the backend's conv kernels).
// Backprop of convolution is convolution:
//   d conv(x, w) / dx  = convTranspose(dy, w)           (same stride, padding, dilation, groups)
//   d conv(x, w) / dw  = correlation of x with dy        (convWeightGrad)
//   d convTranspose(x, w) / dx = conv(dy, w),  / dw = convWeightGrad(dy, x)
// convOutputSize is the one place the output-size formula lives.

import { isGradEnabled, record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { ConvGeometry } from "../backends/backend.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./binary.js";
import { reshape } from "./movement.js";
import { sum } from "./reduce.js";
import { empty, lazy, requireFloat } from "./op.js";
import { pad } from "./pad.js";

export type IntOrTuple = number | readonly number[];

export interface ConvOptions {
  stride?: IntOrTuple;
  /** A number or one per dim (symmetric), "valid" (0) or "same" (stride 1 only; output size = input size). */
  padding?: IntOrTuple | "same" | "valid";
  dilation?: IntOrTuple;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
}

/** Expand a number or tuple to one value per spatial dim, checking each. */
export function perDim(op: string, name: string, v: IntOrTuple, nd: number, min: number): number[] {
  if (typeof v !== "number" && !Array.isArray(v)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a list of ${nd} of them, got ${String(v)}.`);
  }
  const list = typeof v === "number" ? new Array<number>(nd).fill(v) : [...v];
  if (list.length !== nd || list.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a list of ${nd} of them, got ${JSON.stringify(v)}.`);
  }
  return list;
}

/**
 * Output length of a convolution or pooling along one dim:
 * floor((n + 2p - d(k - 1) - 1) / s) + 1, or with `transposed`, (n - 1)s - 2p + d(k - 1) + outputPadding + 1.
 * @example tl.convOutputSize({ inputSize: 32, kernelSize: 3, padding: 1, stride: 2 }) // => 16
 */
export function convOutputSize(a: { inputSize: number; kernelSize: number; stride?: number; padding?: number; dilation?: number; transposed?: boolean; outputPadding?: number; ceilMode?: boolean }): number {
  const { inputSize: n, kernelSize: k, stride: s = 1, padding: p = 0, dilation: d = 1, outputPadding: op = 0 } = a;
  if (a.transposed) return (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
  const span = n + 2 * p - d * (k - 1) - 1;
  return (a.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
}

/** The formula with the user's numbers, for error messages. */
export const formulaText = (n: number, k: number, s: number, p: number, d: number): string =>
  `floor((${n} + 2*${p} - ${d}*(${k} - 1) - 1) / ${s}) + 1 = ${convOutputSize({ inputSize: n, kernelSize: k, stride: s, padding: p, dilation: d })}`;

interface Resolved {
  nd: number;
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
  kernel: number[];
  /** Extra zeros on the right of each dim, for "same" with an even total padding. */
  extraRight: number[];
}

function checkConvOperands(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  requireFloat(op, x);
  if (x.ndim !== nd + 2) {
    const layout = ["NCL", "NCHW", "NCDHW"][nd - 1];
    throw new ShapeError(`${op}: expected a ${nd + 2}-D input (${layout}: batch, channels, ${nd} spatial dims), got ${fmt(x.shape)}. Add a batch dim with x.unsqueeze(0) if you have a single sample.`);
  }
  if (weight.ndim !== nd + 2) throw new ShapeError(`${op}: weight must be ${nd + 2}-D, got ${fmt(weight.shape)}.`);
  if (weight.dtype !== x.dtype) throw new DTypeError(`${op}: input is ${x.dtype} but weight is ${weight.dtype}; they must match. Convert one, e.g. weight.to("${x.dtype}").`);
  if (bias && (bias.ndim !== 1 || bias.dtype !== x.dtype)) throw new ShapeError(`${op}: bias must be a 1-D ${x.dtype} tensor, got ${bias.dtype} ${fmt(bias.shape)}.`);
}

function resolveConv(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, o: ConvOptions): Resolved {
  checkConvOperands(op, nd, x, weight, bias);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}.`);
  const C = x.shape[1]!, O = weight.shape[0]!;
  if (C % groups !== 0 || O % groups !== 0) {
    throw new ShapeError(`${op}: in channels (${C}) and out channels (${O}) must both be divisible by groups (${groups}).`);
  }
  if (weight.shape[1]! * groups !== C) {
    throw new ShapeError(`${op}: input ${fmt(x.shape)} has ${C} channels, but weight ${fmt(weight.shape)} with groups=${groups} expects ${weight.shape[1]! * groups} (weight.shape[1] * groups). Pass groups=${C / weight.shape[1]!}, or a weight of shape [${O}, ${C / groups}, ${weight.shape.slice(2).join(", ")}].`);
  }
  if (bias && bias.shape[0] !== O) throw new ShapeError(`${op}: bias has ${bias.shape[0]} entries but the weight has ${O} output channels.`);
  const stride = perDim(op, "stride", o.stride ?? 1, nd, 1);
  const dilation = perDim(op, "dilation", o.dilation ?? 1, nd, 1);
  const kernel = weight.shape.slice(2);
  let padding: number[];
  const extraRight = new Array<number>(nd).fill(0);
  const p = o.padding ?? 0;
  if (p === "valid") padding = new Array<number>(nd).fill(0);
  else if (p === "same") {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding="same" is not supported for strided convolutions (stride ${fmt(stride)}), as in PyTorch. Give explicit padding.`);
    // total padding d(k-1) split left = total // 2, the odd one on the right (PyTorch's choice)
    padding = kernel.map((k, i) => Math.floor((dilation[i]! * (k - 1)) / 2));
    kernel.forEach((k, i) => (extraRight[i] = (dilation[i]! * (k - 1)) % 2));
  } else padding = perDim(op, "padding", p, nd, 0);
  const spatial = x.shape.slice(2);
  spatial.forEach((n, i) => {
    const out = convOutputSize({ inputSize: n + extraRight[i]!, kernelSize: kernel[i]!, stride: stride[i]!, padding: padding[i]!, dilation: dilation[i]! });
    if (out <= 0) {
      throw new ShapeError(`${op}: output size along spatial dim ${i} would be ${out} <= 0: ${formulaText(n, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!)}. The dilated kernel (${dilation[i]! * (kernel[i]! - 1) + 1}) is larger than the padded input (${n + 2 * padding[i]!}); use a smaller kernel or dilation, or more padding.`);
    }
  });
  return { nd, stride, padding, dilation, groups, kernel, extraRight };
}

function geometry(img: Tensor | readonly number[], r: Resolved, colSize: readonly number[]): ConvGeometry {
  const shape = Array.isArray(img) ? img : (img as Tensor).shape;
  return { batch: shape[0]!, channels: shape[1]!, imgSize: shape.slice(2), kernel: r.kernel, stride: r.stride, padding: r.padding, dilation: r.dilation, colSize };
}

/** conv forward on resolved geometry (no "same" asymmetry left): per sample, W @ im2col(x) per group. */
function convCore(x: Tensor, weight: Tensor, r: Resolved, bias: Tensor | null = null): Tensor {
  const spatial = x.shape.slice(2);
  const outSize = spatial.map((n, i) => convOutputSize({ inputSize: n, kernelSize: r.kernel[i]!, stride: r.stride[i]!, padding: r.padding[i]!, dilation: r.dilation[i]! }));
  const O = weight.shape[0]!;
  const out = empty(x.dtype, [x.shape[0]!, O, ...outSize]);
  kernels().convForward(x.storage, weight.storage, bias?.storage ?? null, out.storage, geometry(x, r, outSize), r.groups, O);
  return out;
}

/**
 * The transposed convolution: col2im(W^T @ x) per sample and group, into an image of `imgSize`.
 * Weight layout [C_in, C_out / groups, ...kernel], as PyTorch.
 */
function convTransposeCore(x: Tensor, weight: Tensor, r: Resolved, imgSize: readonly number[]): Tensor {
  const Cout = weight.shape[1]! * r.groups;
  const img = empty(x.dtype, [x.shape[0]!, Cout, ...imgSize]);
  kernels().convBackwardInput(x.storage, weight.storage, img.storage, geometry(img, r, x.shape.slice(2)), r.groups, x.shape[1]!);
  return img;
}

/**
 * Gradient of a convolution's weight: for each group, sum over the batch of colSide @ im2col(img)^T.
 * For conv, img = input and colSide = grad of output ([O, C/g, ...k]); for convTranspose,
 * img = grad of output and colSide = input ([C_in, C_out/g, ...k]).
 */
export function convWeightGrad(img: Tensor, colSide: Tensor, r: Resolved, weightShape: readonly number[]): Tensor {
  const dw = empty(img.dtype, weightShape);
  kernels().convBackwardWeight(img.storage, colSide.storage, dw.storage, geometry(img, r, colSide.shape.slice(2)), r.groups, colSide.shape[1]!);
  // bilinear in img and colSide: each gradient is the other operand convolved with dW
  return record("ConvolutionWeightBackward", dw, [img, colSide], (g) => [
    () => convTranspose(colSide, g, r, img.shape.slice(2)),
    () => conv(img, g, r),
  ]);
}

const biasView = (bias: Tensor, nd: number): Tensor => reshape(bias, [bias.shape[0]!, ...new Array<number>(nd).fill(1)]);

/** N-d convolution (cross-correlation), the shared implementation of conv1d/2d/3d. */
export function convNd(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  const r = resolveConv(op, nd, x, weight, bias, opts);
  // F.pad lists (left, right) pairs from the last dim backwards
  const input = r.extraRight.some((e) => e > 0) ? pad(x, r.extraRight.slice().reverse().flatMap((e) => [0, e])) : x;
  return conv(input, weight, r, bias ?? null);
}

/**
 * The differentiable primitive: forward by im2col + GEMM (+ bias, fused), backward as
 * convolutions; the bias gradient sums the output gradient over the batch and positions.
 */
function conv(x: Tensor, weight: Tensor, r: Resolved, bias: Tensor | null = null): Tensor {
  const rules = (g: Tensor) => {
    // both gradients from one kernel pass, unless the backward itself is recorded (createGraph)
    // or only one of them is wanted
    const both = lazy(() => {
      const dx = empty(x.dtype, x.shape), dw = empty(x.dtype, weight.shape);
      kernels().convBackward(x.storage, weight.storage, g.storage, dx.storage, dw.storage, geometry(x, r, g.shape.slice(2)), r.groups, weight.shape[0]!);
      return [dx, dw] as const;
    });
    const fused = () => !isGradEnabled() && x.requiresGrad && weight.requiresGrad;
    return [
      () => (fused() ? both()[0] : convTranspose(g, weight, r, x.shape.slice(2))),
      () => (fused() ? both()[1] : convWeightGrad(x, g, r, weight.shape)),
    // spatial dims first (adjacent: one contiguous pass), then the batch: no permuted copy
    () => sum(sum(g, Array.from({ length: r.nd }, (_, i) => i + 2)), [0]),
    ];
  };
  const out = convCore(x, weight, r, bias);
  return bias ? record("ConvolutionBackward0", out, [x, weight, bias], rules) : record("ConvolutionBackward0", out, [x, weight], (g) => rules(g).slice(0, 2));
}

/** The transposed convolution as a differentiable op: its backward is a conv and a weight gradient. */
function convTranspose(x: Tensor, weight: Tensor, r: Resolved, imgSize: readonly number[]): Tensor {
  return record("ConvolutionBackward1", convTransposeCore(x, weight, r, imgSize), [x, weight], (g) => [
    () => conv(g, weight, r),
    () => convWeightGrad(g, x, r, weight.shape),
  ]);
}

/** N-d transposed convolution, the shared implementation of convTranspose1d/2d/3d. */
export function convTransposeNd(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  checkConvOperands(op, nd, x, weight, bias);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}.`);
  const Cin = x.shape[1]!;
  if (weight.shape[0] !== Cin) {
    throw new ShapeError(`${op}: input ${fmt(x.shape)} has ${Cin} channels but weight ${fmt(weight.shape)} expects ${weight.shape[0]} (weight.shape[0]); a transposed conv's weight is [in_channels, out_channels / groups, ...kernel].`);
  }
  if (Cin % groups !== 0) throw new ShapeError(`${op}: in channels (${Cin}) must be divisible by groups (${groups}).`);
  const Cout = weight.shape[1]! * groups;
  if (bias && bias.shape[0] !== Cout) throw new ShapeError(`${op}: bias has ${bias.shape[0]} entries but the output has ${Cout} channels (weight.shape[1] * groups).`);
  const stride = perDim(op, "stride", opts.stride ?? 1, nd, 1);
  const padding = perDim(op, "padding", opts.padding ?? 0, nd, 0);
  const dilation = perDim(op, "dilation", opts.dilation ?? 1, nd, 1);
  const outputPadding = perDim(op, "outputPadding", opts.outputPadding ?? 0, nd, 0);
  outputPadding.forEach((p, i) => {
    if (p >= stride[i]! && p >= dilation[i]!) {
      throw new ValueError(`${op}: outputPadding ${p} must be smaller than either stride (${stride[i]}) or dilation (${dilation[i]}) in dim ${i}.`);
    }
  });
  const kernel = weight.shape.slice(2);
  const imgSize = x.shape.slice(2).map((n, i) => convOutputSize({ inputSize: n, kernelSize: kernel[i]!, stride: stride[i]!, padding: padding[i]!, dilation: dilation[i]!, transposed: true, outputPadding: outputPadding[i]! }));
  if (imgSize.some((n) => n <= 0)) throw new ShapeError(`${op}: output size ${fmt(imgSize)} is not positive for input ${fmt(x.shape)}: (n - 1)*stride - 2*padding + dilation*(k - 1) + outputPadding + 1. Reduce padding.`);
  const r: Resolved = { nd, stride, padding, dilation, groups, kernel, extraRight: new Array<number>(nd).fill(0) };
  const y = convTranspose(x, weight, r, imgSize);
  return bias ? add(y, biasView(bias, nd)) : y;
}
