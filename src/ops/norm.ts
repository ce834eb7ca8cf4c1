// Normalisation as composites of ops (their gradients follow from the parts): batchNorm over
// every dim but the channel dim, with running statistics updated in place, and layerNorm over
// the trailing dims.

import { noGrad } from "../autograd/graph.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, numelOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, mul, sub } from "./binary.js";
import { rsqrt } from "./unary.js";
import { reshape } from "./movement.js";
import { mean } from "./reduce.js";
import { copy_ } from "./inplace.js";
import { requireFloat } from "./op.js";
import { asOp } from "../tensor/opContext.js";

/** Options of F.batchNorm: weight, bias, training, momentum (default 0.1), eps; torch.nn.functional.batch_norm's keyword arguments as an object (running statistics are positional). */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** Weight of the new batch in the running averages (PyTorch's default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation, as torch.nn.functional.batch_norm: normalise each channel (dim 1) by the
 * batch's mean and biased variance while training (updating runningMean/runningVar in place with
 * the unbiased variance), or by the running statistics in eval.
 * **Shape**: [N, C] or [N, C, ...]; runningMean, runningVar, weight, bias [C].
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  return asOp("batchNorm", () => batchNormOf(x, runningMean, runningVar, opts));
}

function batchNormOf(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = opts;
  requireFloat("batchNorm", x);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input of at least 2 dims [N, C, ...], got ${fmt(x.shape)}.`);
  const C = x.shape[1]!;
  for (const [name, t] of [
    ["runningMean", runningMean],
    ["runningVar", runningVar],
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C))
      throw new ShapeError(`batchNorm: ${name} must have shape [${C}] (one per channel of input ${fmt(x.shape)}), got ${fmt(t.shape)}.`);
    sameDtype("batchNorm", name, t, x);
  }
  const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const chan = (t: Tensor): Tensor => reshape(t, [C, ...x.shape.slice(2).map(() => 1)]);
  let m: Tensor, v: Tensor;
  if (training) {
    const n = numelOf(dims.map((d) => x.shape[d]!));
    // PyTorch refuses exactly one value; an empty batch gives an empty result, statistics unchanged
    if (n === 1)
      throw new ValueError(
        `batchNorm: expected more than 1 value per channel when training, got input ${fmt(x.shape)}. Use a batch larger than 1, or call eval().`,
      );
    m = mean(x, dims, true);
    const d = sub(x, m);
    v = mean(mul(d, d), dims, true);
    if (runningMean && runningVar && n > 0) {
      noGrad(() => {
        copy_(runningMean, add(mul(runningMean, 1 - momentum), mul(reshape(m, [C]), momentum)));
        copy_(runningVar, add(mul(runningVar, 1 - momentum), mul(reshape(v, [C]), (momentum * n) / (n - 1))));
      });
    }
  } else {
    if (!runningMean || !runningVar)
      throw new ValueError(
        `batchNorm: running statistics are needed in eval mode (training=false). Pass runningMean and runningVar, or training: true.`,
      );
    m = chan(runningMean);
    v = chan(runningVar);
  }
  let y = mul(sub(x, m), rsqrt(add(v, eps)));
  if (weight) y = mul(y, chan(weight));
  if (bias) y = add(y, chan(bias));
  return y;
}

/** As PyTorch, parameters and statistics are not promoted: a float64 weight would make a float32 layer's output float64. */
function sameDtype(op: string, name: string, t: Tensor | null | undefined, x: Tensor): void {
  if (t && t.dtype !== x.dtype) {
    throw new DTypeError(
      `${op}: ${name} is ${t.dtype} but the input is ${x.dtype}; they must have one dtype. Convert the input (x.to("${t.dtype}")) or the module (module.to("${x.dtype}")).`,
    );
  }
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims, as torch.nn.functional.layer_norm.
 * **Shape**: input [..., ...normalizedShape]; weight and bias normalizedShape.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  return asOp("layerNorm", () => layerNormOf(x, normalizedShape, weight, bias, eps));
}

function layerNormOf(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
  eps: number,
): Tensor {
  requireFloat("layerNorm", x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || k > x.ndim || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(`layerNorm: normalizedShape ${fmt(normalizedShape)} must match the last ${k} dims of the input ${fmt(x.shape)}.`);
  }
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t && (t.ndim !== k || t.shape.some((d, i) => d !== normalizedShape[i])))
      throw new ShapeError(`layerNorm: ${name} must have shape ${fmt(normalizedShape)}, got ${fmt(t.shape)}.`);
    sameDtype("layerNorm", name, t, x);
  }
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const m = mean(x, dims, true);
  const d = sub(x, m);
  const v = mean(mul(d, d), dims, true);
  let y = mul(d, rsqrt(add(v, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
