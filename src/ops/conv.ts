// Convolution in 1, 2 and 3 dims (deep learning's cross-correlation) and its transpose.
// Both lower to per-sample im2col/col2im plus one GEMM per group (the backend's conv kernels).
// Backprop of convolution is convolution:
//   d conv(x, w) / dx  = convTranspose(dy, w)           (same stride, padding, dilation, groups)
//   d conv(x, w) / dw  = correlation of x with dy        (convWeightGrad)
//   d convTranspose(x, w) / dx = conv(dy, w),  / dw = convWeightGrad(dy, x)
// outputLength is the one place the output-size formula lives; tl.convOutputSize is its checked
// public form. Inputs are batched [N, C, ...] or unbatched [C, ...] (withBatchDim).

import { record, recordFused } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { ConvGeometry } from "../backends/backend.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { asOp } from "../tensor/opContext.js";
import { fmt, numelOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./binary.js";
import { reshape } from "./movement.js";
import { sum } from "./reduce.js";
import { unfilled, lazy, requireFloat } from "./op.js";
import { pad } from "./pad.js";

export type IntOrTuple = number | readonly number[];

/** Options of F.conv1d/2d/3d and the Conv layers: stride, padding (number, per dim, "same" or "valid"), dilation, groups; PyTorch's keyword arguments as an object. */
export interface ConvOptions {
  stride?: IntOrTuple;
  /** A number or one per dim (symmetric), "valid" (0) or "same" (stride 1 only; output size = input size). */
  padding?: IntOrTuple | "same" | "valid";
  dilation?: IntOrTuple;
  groups?: number;
}

/** Options of F.convTranspose1d/2d/3d and the ConvTranspose layers: stride, padding, outputPadding, dilation, groups; PyTorch's keyword arguments (output_padding) as an object. */
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

/** The output-size formula without checks, for ops that validate their arguments and word their own errors. */
export function outputLength(
  n: number,
  k: number,
  s: number,
  p: number,
  d: number,
  o: { transposed?: boolean; outputPadding?: number; ceilMode?: boolean } = {},
): number {
  if (o.transposed) return (n - 1) * s - 2 * p + d * (k - 1) + (o.outputPadding ?? 0) + 1;
  const span = n + 2 * p - d * (k - 1) - 1;
  if (!o.ceilMode) return Math.floor(span / s) + 1;
  // PyTorch's pooling rule: in ceil mode the last window must start inside the input or the left padding
  const out = Math.ceil(span / s) + 1;
  return (out - 1) * s >= n + p ? out - 1 : out;
}

/**
 * The unchecked object form of outputLength, kept under this name for ops/pool.ts, which checks its
 * arguments and words its own errors; users get checkedConvOutputSize as tl.convOutputSize.
 */
export const convOutputSize = (a: ConvOutputSizeArgs): number =>
  outputLength(a.inputSize, a.kernelSize, a.stride ?? 1, a.padding ?? 0, a.dilation ?? 1, a);

/** The formula with the user's numbers, for error messages. */
export const formulaText = (n: number, k: number, s: number, p: number, d: number): string =>
  `floor((${n} + 2*${p} - ${d}*(${k} - 1) - 1) / ${s}) + 1 = ${outputLength(n, k, s, p, d)}`;

export interface ConvOutputSizeArgs {
  inputSize: number;
  kernelSize: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  transposed?: boolean;
  outputPadding?: number;
  ceilMode?: boolean;
  /** Throw when the floor drops input rows (the last window ends before the input does). */
  exact?: boolean;
}

/**
 * Output length of a convolution or pooling along one dim:
 * floor((n + 2p - d(k - 1) - 1) / s) + 1, or with `transposed`, (n - 1)s - 2p + d(k - 1) + outputPadding + 1.
 * `ceilMode` rounds up as pooling does, less one when the last window would start in the right padding.
 * Throws on arguments PyTorch refuses (stride 0, negative padding, ...) and when the result is
 * below 1. When the division is not exact, the last (n + 2p - d(k - 1) - 1) mod s padded positions
 * are never read; beyond the right padding those are input rows, which `exact: true` reports
 * as an error instead of dropping them silently.
 * @example tl.convOutputSize({ inputSize: 32, kernelSize: 3, padding: 1, stride: 2 }) // => 16
 */
export function checkedConvOutputSize(a: ConvOutputSizeArgs): number {
  const op = "convOutputSize";
  if (typeof a !== "object" || a === null)
    throw new ValueError(`${op}: expected an object such as { inputSize: 32, kernelSize: 3 }, got ${String(a)}.`);
  const { inputSize: n, kernelSize: k, stride: s = 1, padding: p = 0, dilation: d = 1, outputPadding: opad = 0 } = a;
  const need = (name: string, v: unknown, min: number): void => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min)
      throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}.`);
  };
  need("inputSize", n, 0);
  need("kernelSize", k, 1);
  need("stride", s, 1);
  need("padding", p, 0);
  need("dilation", d, 1);
  need("outputPadding", opad, 0);
  if (a.transposed) {
    if (a.ceilMode || a.exact)
      throw new ValueError(`${op}: ceilMode and exact apply to convolutions and pooling, not to transposed: true.`);
    if (opad >= s && opad >= d)
      throw new ValueError(`${op}: outputPadding ${opad} must be smaller than stride (${s}) or dilation (${d}), as in PyTorch.`);
    const out = outputLength(n, k, s, p, d, { transposed: true, outputPadding: opad });
    if (out < 1)
      throw new ShapeError(
        `${op}: the transposed output would be ${out} < 1: (${n} - 1)*${s} - 2*${p} + ${d}*(${k} - 1) + ${opad} + 1. Reduce padding (at most ${Math.floor(((n - 1) * s + d * (k - 1) + opad) / 2)} here).`,
      );
    return out;
  }
  if (opad !== 0) throw new ValueError(`${op}: outputPadding applies to transposed convolutions; pass transposed: true or drop it.`);
  const out = outputLength(n, k, s, p, d, { ceilMode: a.ceilMode });
  if (out < 1) {
    throw new ShapeError(
      `${op}: the output would be ${out} < 1: ${formulaText(n, k, s, p, d)}. The dilated kernel (${d * (k - 1) + 1}) is larger than the padded input (${n + 2 * p}); use a smaller kernel or dilation, or more padding.`,
    );
  }
  const dropped = ((n + 2 * p - d * (k - 1) - 1) % s) - p;
  if (a.exact && !a.ceilMode && dropped > 0) {
    const fit = n - dropped;
    throw new ValueError(
      `${op}: (${n} + 2*${p} - ${d}*(${k} - 1) - 1) / ${s} is not an integer, so the output floors to ${out} and the last ${dropped} input row${dropped === 1 ? " is" : "s are"} never read. Use inputSize ${fit} or ${fit + s}, padding that makes the division exact, or ceilMode for pooling.`,
    );
  }
  return out;
}

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

/** Divisors shared by a and b, for the groups hints. */
export const commonDivisors = (a: number, b: number): number[] =>
  Array.from({ length: Math.max(a, b) }, (_, i) => i + 1).filter((g) => a % g === 0 && b % g === 0);

/**
 * Run `fn` on the batched form of x ([N, C, ...spatial]): an unbatched [C, ...spatial] input gets
 * a batch dim of 1 and the result loses it again, as PyTorch 1.13's conv and convTranspose do.
 * `channels` is the weight's input channel count, for the hint when the rank is wrong; `fn` gets
 * the user's shape too, for its messages.
 */
export function withBatchDim(
  op: string,
  nd: number,
  x: Tensor,
  channels: number,
  fn: (xb: Tensor, shown: readonly number[]) => Tensor,
): Tensor {
  if (x.ndim === nd + 2) return fn(x, x.shape);
  if (x.ndim === nd + 1) {
    const y = fn(reshape(x, [1, ...x.shape]), x.shape);
    return reshape(y, y.shape.slice(1));
  }
  const dims = ["L", "H, W", "D, H, W"][nd - 1];
  let hint: string;
  if (x.ndim === nd && channels === 1)
    hint = ` The weight expects 1 input channel: x.unsqueeze(0) has shape ${fmt([1, ...x.shape])}, which works.`;
  else if (x.ndim === nd)
    hint = ` The weight expects ${channels} input channels: give [${channels}, ${dims}] or [N, ${channels}, ${dims}]${nd > 1 && x.shape[0] === channels ? `; an input [${channels}, ...] with ${nd - 1} spatial dim${nd > 2 ? "s" : ""} is for ${op.replace(String(nd), String(nd - 1))}` : ""}.`;
  else if (x.ndim > nd + 2)
    hint = ` To treat the leading dims as one batch, x.reshape(${fmt([numelOf(x.shape.slice(0, x.ndim - nd - 1)), ...x.shape.slice(x.ndim - nd - 1)])}) works.`;
  else
    hint = ` The weight expects ${channels} input channel${channels === 1 ? "" : "s"}: give [${channels}, ${dims}] or [N, ${channels}, ${dims}].`;
  throw new ShapeError(
    `${op}: expected a ${nd + 1}-D (unbatched [C, ${dims}]) or ${nd + 2}-D (batched [N, C, ${dims}]) input, got ${fmt(x.shape)}.${hint}`,
  );
}

function checkConvOperands(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  requireFloat(op, x);
  if (weight.ndim !== nd + 2) throw new ShapeError(`${op}: weight must be ${nd + 2}-D, got ${fmt(weight.shape)}.`);
  if (weight.shape.includes(0))
    throw new ShapeError(
      `${op}: weight ${fmt(weight.shape)} has a size-0 dim; channel counts and kernel sizes must be at least 1, as in PyTorch.`,
    );
  if (weight.dtype !== x.dtype)
    throw new DTypeError(
      `${op}: input is ${x.dtype} but weight is ${weight.dtype}; they must match. Convert one, e.g. weight.to("${x.dtype}").`,
    );
  if (bias && (bias.ndim !== 1 || bias.dtype !== x.dtype))
    throw new ShapeError(`${op}: bias must be a 1-D ${x.dtype} tensor, got ${bias.dtype} ${fmt(bias.shape)}.`);
}

/** An empty spatial dim is allowed only in an empty batch (then the output is empty too), as in PyTorch. */
function checkSpatial(op: string, x: Tensor, shown: readonly number[]): void {
  const d = x.shape.slice(2).indexOf(0);
  if (d >= 0 && x.shape[0] !== 0) {
    throw new ShapeError(`${op}: input ${fmt(shown)} has size 0 in spatial dim ${d}; only the batch dim may be empty, as in PyTorch.`);
  }
}

/**
 * A conv's padding option as symmetric padding per dim plus extra zeros on the right: "same"
 * splits the total d(k - 1) as left = total // 2 with the odd one on the right (PyTorch's choice).
 */
export function resolvePadding(
  op: string,
  p: IntOrTuple | "same" | "valid",
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): { padding: number[]; extraRight: number[] } {
  const nd = kernel.length;
  if (p === "valid") return { padding: new Array<number>(nd).fill(0), extraRight: new Array<number>(nd).fill(0) };
  if (p === "same") {
    if (stride.some((s) => s !== 1))
      throw new ValueError(
        `${op}: padding="same" is not supported for strided convolutions (stride ${fmt(stride)}), as in PyTorch. Give explicit padding.`,
      );
    return {
      padding: kernel.map((k, i) => Math.floor((dilation[i]! * (k - 1)) / 2)),
      extraRight: kernel.map((k, i) => (dilation[i]! * (k - 1)) % 2),
    };
  }
  return { padding: perDim(op, "padding", p, nd, 0), extraRight: new Array<number>(nd).fill(0) };
}

/** Checks and geometry of a conv on a batched input x (the user gave `shown`). */
function resolveConv(
  op: string,
  nd: number,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  o: ConvOptions,
  shown: readonly number[],
): Resolved {
  checkSpatial(op, x, shown);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}.`);
  const C = x.shape[1]!,
    O = weight.shape[0]!,
    Cg = weight.shape[1]!;
  if (C % groups !== 0 || O % groups !== 0) {
    throw new ShapeError(
      `${op}: in channels (${C}) and out channels (${O}) must both be divisible by groups (${groups}); groups that divide both: ${commonDivisors(C, O).join(", ")}.`,
    );
  }
  if (Cg * groups !== C) {
    // groups = C / weight.shape[1] fits when it is an integer that divides the out channels too
    const g = C / Cg;
    const fix =
      Number.isInteger(g) && O % g === 0
        ? `Pass groups=${g}, or a weight`
        : `No groups value fits this weight (${C} / ${Cg}${Number.isInteger(g) ? ` = ${g} does not divide the ${O} out channels` : " is not an integer"}); use a weight`;
    throw new ShapeError(
      `${op}: input ${fmt(shown)} has ${C} channels, but weight ${fmt(weight.shape)} with groups=${groups} expects ${Cg * groups} (weight.shape[1] * groups). ${fix} of shape ${fmt([O, C / groups, ...weight.shape.slice(2)])}, or an input with ${Cg * groups} channels.`,
    );
  }
  if (bias && bias.shape[0] !== O)
    throw new ShapeError(`${op}: bias has ${bias.shape[0]} entries but the weight has ${O} output channels.`);
  const stride = perDim(op, "stride", o.stride ?? 1, nd, 1);
  const dilation = perDim(op, "dilation", o.dilation ?? 1, nd, 1);
  const kernel = weight.shape.slice(2);
  const { padding, extraRight } = resolvePadding(op, o.padding ?? 0, kernel, stride, dilation);
  const spatial = x.shape.slice(2);
  spatial.forEach((n, i) => {
    const out = outputLength(n + extraRight[i]!, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!);
    if (out <= 0) {
      throw new ShapeError(
        `${op}: output size along spatial dim ${i} would be ${out} <= 0: ${formulaText(n, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!)}. The dilated kernel (${dilation[i]! * (kernel[i]! - 1) + 1}) is larger than the padded input (${n + 2 * padding[i]!}); use a smaller kernel or dilation, or more padding.`,
      );
    }
  });
  return { nd, stride, padding, dilation, groups, kernel, extraRight };
}

function geometry(img: Tensor | readonly number[], r: Resolved, colSize: readonly number[]): ConvGeometry {
  const shape = Array.isArray(img) ? img : (img as Tensor).shape;
  return {
    batch: shape[0]!,
    channels: shape[1]!,
    imgSize: shape.slice(2),
    kernel: r.kernel,
    stride: r.stride,
    padding: r.padding,
    dilation: r.dilation,
    colSize,
  };
}

/** The conv output size of the formula, per spatial dim of x. */
const convOutSize = (x: Tensor, r: Resolved): number[] =>
  x.shape.slice(2).map((n, i) => outputLength(n, r.kernel[i]!, r.stride[i]!, r.padding[i]!, r.dilation[i]!));

/**
 * conv forward on resolved geometry (no "same" asymmetry left): per sample, W @ im2col(x) per
 * group, for the first `outSize` output positions per dim (at most the formula's size).
 */
function convCore(x: Tensor, weight: Tensor, r: Resolved, bias: Tensor | null, outSize: readonly number[]): Tensor {
  const O = weight.shape[0]!;
  const out = unfilled(x.dtype, [x.shape[0]!, O, ...outSize]);
  kernels().convForward(x.operand, weight.operand, bias?.operand ?? null, out.operand, geometry(x, r, outSize), r.groups, O);
  return out;
}

/**
 * The transposed convolution: col2im(W^T @ x) per sample and group, into an image of `imgSize`.
 * Weight layout [C_in, C_out / groups, ...kernel], as PyTorch.
 */
function convTransposeCore(x: Tensor, weight: Tensor, r: Resolved, imgSize: readonly number[]): Tensor {
  const Cout = weight.shape[1]! * r.groups;
  const img = unfilled(x.dtype, [x.shape[0]!, Cout, ...imgSize]);
  kernels().convBackwardInput(x.operand, weight.operand, img.operand, geometry(img, r, x.shape.slice(2)), r.groups, x.shape[1]!);
  return img;
}

/**
 * Gradient of a convolution's weight: for each group, sum over the batch of colSide @ im2col(img)^T.
 * For conv, img = input and colSide = grad of output ([O, C/g, ...k]); for convTranspose,
 * img = grad of output and colSide = input ([C_in, C_out/g, ...k]).
 */
export function convWeightGrad(img: Tensor, colSide: Tensor, r: Resolved, weightShape: readonly number[]): Tensor {
  const dw = unfilled(img.dtype, weightShape);
  kernels().convBackwardWeight(
    img.operand,
    colSide.operand,
    dw.operand,
    geometry(img, r, colSide.shape.slice(2)),
    r.groups,
    colSide.shape[1]!,
  );
  // bilinear in img and colSide: each gradient is the other operand convolved with dW
  return record("ConvolutionWeightBackward", dw, [img, colSide], (g) => [
    () => convTranspose(colSide, g, r, img.shape.slice(2)),
    () => conv(img, g, r, null, colSide.shape.slice(2)),
  ]);
}

const biasView = (bias: Tensor, nd: number): Tensor => reshape(bias, [bias.shape[0]!, ...new Array<number>(nd).fill(1)]);

/** N-d convolution (cross-correlation), the shared implementation of conv1d/2d/3d; x is [N, C, ...] or [C, ...]. */
export function convNd(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  return asOp(op, () => {
    checkConvOperands(op, nd, x, weight, bias);
    return withBatchDim(op, nd, x, weight.shape[1]! * (opts.groups ?? 1), (xb, shown) => {
      const r = resolveConv(op, nd, xb, weight, bias, opts, shown);
      // F.pad lists (left, right) pairs from the last dim backwards
      const input = r.extraRight.some((e) => e > 0)
        ? pad(
            xb,
            r.extraRight
              .slice()
              .reverse()
              .flatMap((e) => [0, e]),
          )
        : xb;
      return conv(input, weight, r, bias ?? null);
    });
  });
}

/**
 * The differentiable primitive: forward by im2col + GEMM (+ bias, fused), backward as
 * convolutions; the bias gradient sums the output gradient over the batch and positions.
 * `outSize` (default: the formula's) may be smaller than the formula's: a transposed conv's
 * backward needs only as many outputs as its input had, and the formula gives more when
 * outputPadding >= stride (allowed while it is below the dilation).
 */
function conv(x: Tensor, weight: Tensor, r: Resolved, bias: Tensor | null = null, outSize: readonly number[] = convOutSize(x, r)): Tensor {
  const biasGrad = (g: Tensor) => () =>
    sum(
      sum(
        g,
        Array.from({ length: r.nd }, (_, i) => i + 2),
      ),
      [0],
    ); // spatial dims first (adjacent: one contiguous pass), then the batch: no permuted copy
  const rule = (g: Tensor) => [
    () => convTranspose(g, weight, r, x.shape.slice(2)),
    () => convWeightGrad(x, g, r, weight.shape),
    ...(bias ? [biasGrad(g)] : []),
  ];
  // both gradients from one kernel pass when both are wanted
  const shortcut = (g: Tensor) => {
    if (!(x.requiresGrad && weight.requiresGrad)) return rule(g);
    const both = lazy(() => {
      const dx = unfilled(x.dtype, x.shape),
        dw = unfilled(x.dtype, weight.shape);
      kernels().convBackward(
        x.operand,
        weight.operand,
        g.operand,
        dx.operand,
        dw.operand,
        geometry(x, r, g.shape.slice(2)),
        r.groups,
        weight.shape[0]!,
      );
      return [dx, dw] as const;
    });
    return [() => both()[0], () => both()[1], ...(bias ? [biasGrad(g)] : [])];
  };
  return recordFused("ConvolutionBackward0", convCore(x, weight, r, bias, outSize), bias ? [x, weight, bias] : [x, weight], rule, shortcut);
}

/**
 * The transposed convolution as a differentiable op: its backward is a conv (cut to x's size,
 * see conv) and a weight gradient.
 */
function convTranspose(x: Tensor, weight: Tensor, r: Resolved, imgSize: readonly number[]): Tensor {
  return record("ConvolutionBackward1", convTransposeCore(x, weight, r, imgSize), [x, weight], (g) => [
    () => conv(g, weight, r, null, x.shape.slice(2)),
    () => convWeightGrad(g, x, r, weight.shape),
  ]);
}

/** N-d transposed convolution, the shared implementation of convTranspose1d/2d/3d; x is [N, C, ...] or [C, ...]. */
export function convTransposeNd(
  op: string,
  nd: number,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions,
): Tensor {
  return asOp(op, () => {
    checkConvOperands(op, nd, x, weight, bias);
    return withBatchDim(op, nd, x, weight.shape[0]!, (xb, shown) => convTransposeBatched(op, nd, xb, weight, bias, opts, shown));
  });
}

function convTransposeBatched(
  op: string,
  nd: number,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions,
  shown: readonly number[],
): Tensor {
  checkSpatial(op, x, shown);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}.`);
  const Cin = x.shape[1]!;
  if (weight.shape[0] !== Cin) {
    throw new ShapeError(
      `${op}: input ${fmt(shown)} has ${Cin} channels but weight ${fmt(weight.shape)} expects ${weight.shape[0]} (weight.shape[0]); a transposed conv's weight is [in_channels, out_channels / groups, ...kernel].`,
    );
  }
  if (Cin % groups !== 0) {
    throw new ShapeError(
      `${op}: in channels (${Cin}) must be divisible by groups (${groups}); groups that divide it: ${commonDivisors(Cin, Cin).join(", ")}.`,
    );
  }
  const Cout = weight.shape[1]! * groups;
  if (bias && bias.shape[0] !== Cout)
    throw new ShapeError(`${op}: bias has ${bias.shape[0]} entries but the output has ${Cout} channels (weight.shape[1] * groups).`);
  const stride = perDim(op, "stride", opts.stride ?? 1, nd, 1);
  const padding = perDim(op, "padding", opts.padding ?? 0, nd, 0);
  const dilation = perDim(op, "dilation", opts.dilation ?? 1, nd, 1);
  const outputPadding = perDim(op, "outputPadding", opts.outputPadding ?? 0, nd, 0);
  outputPadding.forEach((p, i) => {
    if (p >= stride[i]! && p >= dilation[i]!) {
      throw new ValueError(
        `${op}: outputPadding ${p} must be smaller than either stride (${stride[i]}) or dilation (${dilation[i]}) in dim ${i}.`,
      );
    }
  });
  const kernel = weight.shape.slice(2);
  const imgSize = x.shape
    .slice(2)
    .map((n, i) =>
      outputLength(n, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, { transposed: true, outputPadding: outputPadding[i]! }),
    );
  // As PyTorch: a 0-size output dim is allowed only in an empty batch (whose output is empty anyway).
  const emptyBatch = x.shape[0] === 0;
  if (imgSize.some((n) => n < 0 || (n === 0 && !emptyBatch)))
    throw new ShapeError(
      `${op}: output size ${fmt(imgSize)} is not positive for input ${fmt(shown)}: (n - 1)*stride - 2*padding + dilation*(k - 1) + outputPadding + 1. Reduce padding.`,
    );
  const r: Resolved = { nd, stride, padding, dilation, groups, kernel, extraRight: new Array<number>(nd).fill(0) };
  const y = convTranspose(x, weight, r, imgSize);
  return bias ? add(y, biasView(bias, nd)) : y;
}
