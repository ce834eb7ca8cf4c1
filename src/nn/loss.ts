// Loss functions as in torch.nn.functional, composed from ops (their gradients come from the
// parts): nllLoss, crossEntropy (class indices or probabilities, weight, ignoreIndex,
// labelSmoothing) and mseLoss. Targets are checked here so a bad label fails with its value
// and position instead of a silent wrong loss.

import type { Tensor } from "../tensor/tensor.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { isFloat, resultType } from "../tensor/dtype.js";
import { asOp } from "../tensor/opContext.js";
import { add, div, lt, mul, ne, sub } from "../ops/binary.js";
import { abs } from "../ops/unary.js";
import { softplus } from "../ops/activation.js";
import { Module } from "./module.js";
import { checkIndexValues, gather, indexSelect } from "../ops/indexing.js";
import { permute, reshape, squeeze, unsqueeze } from "../ops/movement.js";
import { mean, sum } from "../ops/reduce.js";
import { where } from "../ops/select.js";
import { logSoftmax } from "../ops/softmax.js";
import { scalar } from "../ops/op.js";

/** How a loss reduces its per-element values: "mean" (default), "sum" or "none", PyTorch's reduction argument. */
export type Reduction = "mean" | "sum" | "none";

/** Options of F.nllLoss: weight, ignoreIndex (default -100), reduction; torch.nn.functional.nll_loss's keyword arguments as an object. */
export interface NllOptions {
  /** A manual rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Target value whose positions contribute neither loss nor gradient (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Options of F.crossEntropy: weight, ignoreIndex, reduction and labelSmoothing; torch.nn.functional.cross_entropy's keywords as an object. */
export interface CrossEntropyOptions extends NllOptions {
  /** Mix the target with the uniform distribution: (1 - eps) target + eps / C. */
  labelSmoothing?: number;
}

function checkReduction(op: string, r: string): Reduction {
  if (r !== "mean" && r !== "sum" && r !== "none")
    throw new ValueError(`${op}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(r)}.`);
  return r;
}

/** [N, C, d1...] (or [C]) scores to [M, C] rows with the class dim last, M = N * d1 * ... */
function rowsOf(input: Tensor): Tensor {
  if (input.ndim === 1) return reshape(input, [1, input.shape[0]!]);
  const C = input.shape[1]!;
  const moved = input.ndim > 2 ? permute(input, [0, ...input.shape.slice(2).map((_, i) => i + 2), 1]) : input;
  return reshape(moved, [-1, C]);
}

/** Whether `t`'s values are in device memory the host cannot read synchronously (a webgpu tensor). */
const onDevice = (t: Tensor): boolean => t.deviceStorage !== null && t.deviceStorage.hostAddressable === false;

/** How many targets are not ignoreIndex; null for a target on the GPU (meanOverKept decides there). */
function countKept(target: Tensor, ignoreIndex: number): number | null {
  if (onDevice(target)) return null;
  let n = 0;
  for (const v of target.storage) if (v !== ignoreIndex) n++;
  return n;
}

/**
 * The "mean" reduction of the index-target losses: their sum over the total weight of the kept
 * targets. With no target kept PyTorch's value is 0/0 = NaN but its gradient is 0 (no position
 * contributes); dividing by the zero total would make the gradient NaN too, so the NaN is added
 * instead (the sum's gradient reaches only the zero-weighted positions).
 */
function meanOverKept(lossSum: Tensor, total: Tensor, kept: number | null): Tensor {
  if (kept === null) {
    // a GPU target: the same choice made on the device, from the total (zero only when no target is kept,
    // or all kept ones weigh 0, where PyTorch's 0/0 is NaN too), dividing by 1 where it is 0 so no NaN gradient flows
    const none = total.eq(0);
    return where(none, add(lossSum, NaN), div(lossSum, where(none, scalar(1, total.dtype), total)));
  }
  return kept === 0 ? add(lossSum, NaN) : div(lossSum, total);
}

function checkIndexTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  if (target.dtype !== "int32") {
    throw new DTypeError(
      `${op}: class-index targets must be int32, got ${target.dtype} ${fmt(target.shape)}. Convert with target.to("int32"), or pass float probabilities with the input's shape.`,
    );
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target ${fmt(target.shape)} does not fit input ${fmt(input.shape)}; class-index targets have the input's shape without the class dim (dim ${input.ndim === 1 ? 0 : 1}): ${fmt(expected)}.`,
    );
  }
  const C = input.shape[input.ndim === 1 ? 0 : 1]!;
  checkIndexValues(
    target,
    C,
    ignoreIndex,
    (v, i) =>
      new IndexError(
        `${op}: target ${v} at position ${i} is out of bounds for ${C} classes; targets must be in [0, ${C - 1}] (or equal ignoreIndex ${ignoreIndex}).`,
      ),
  );
}

function checkWeight(op: string, weight: Tensor | null | undefined, C: number, input: Tensor): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new ShapeError(`${op}: weight ${fmt(weight.shape)} must be 1-D with one entry per class (${C}).`);
  }
  // as PyTorch: the class weights are not promoted (a float64 weight would make a float32 loss float64)
  if (weight && weight.dtype !== input.dtype) {
    throw new DTypeError(
      `${op}: weight is ${weight.dtype} but the input is ${input.dtype}; class weights must have the input's dtype. Convert with weight.to("${input.dtype}").`,
    );
  }
}

/**
 * Negative log-likelihood of log-probabilities, as torch.nn.functional.nll_loss.
 * **Shape**: input [N, C] or [N, C, d1, ...] or [C]; target int32 [N] or [N, d1, ...] or [].
 * With reduction "mean" the sum is divided by the total weight of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  return asOp("nllLoss", () => nllLossOf(input, target, opts));
}

function nllLossOf(input: Tensor, target: Tensor, opts: NllOptions): Tensor {
  const { weight = null, ignoreIndex = -100 } = opts;
  const reduction = checkReduction("nllLoss", opts.reduction ?? "mean");
  checkIndexTarget("nllLoss", input, target, ignoreIndex);
  const C = input.shape[input.ndim === 1 ? 0 : 1]!;
  checkWeight("nllLoss", weight, C, input);
  const rows = rowsOf(input);
  const flatT = reshape(target, [-1]);
  const valid = ne(flatT, ignoreIndex);
  const safeT = where(valid, flatT, scalar(0, "int32"));
  const picked = squeeze(gather(rows, 1, unsqueeze(safeT, 1)), 1);
  const w = weight ? mul(indexSelect(weight, 0, safeT), valid) : valid.to(input.dtype);
  const losses = mul(mul(picked, w), -1);
  if (reduction === "none") return reshape(losses, target.shape);
  if (reduction === "sum") return sum(losses);
  return meanOverKept(sum(losses), sum(w), countKept(target, ignoreIndex));
}

/**
 * Cross-entropy of unnormalised scores, as torch.nn.functional.cross_entropy: logSoftmax over
 * the class dim, then nll with class indices, or -sum(target * logp) with class probabilities
 * (a float target of the input's shape).
 * **Shape**: input [N, C] / [N, C, d1, ...] / [C]; target int32 [N] / [N, d1, ...] / [], or float like input.
 * @example F.crossEntropy(tl.randn([4, 5]), tl.tensor([1, 0, 4, 2]))
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  return asOp("crossEntropy", () => crossEntropyOf(input, target, opts));
}

function crossEntropyOf(input: Tensor, target: Tensor, opts: CrossEntropyOptions): Tensor {
  const { weight = null, ignoreIndex = -100, labelSmoothing = 0 } = opts;
  const reduction = checkReduction("crossEntropy", opts.reduction ?? "mean");
  if (!isFloat(input.dtype)) throw new DTypeError(`crossEntropy: input scores must be float, got ${input.dtype}.`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
    throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}.`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  checkWeight("crossEntropy", weight, C, input);
  const logp = logSoftmax(input, classDim);
  // weight shaped to broadcast along the class dim: [C, 1, 1...] after the batch dim
  const wView = weight ? reshape(weight, [C, ...input.shape.slice(classDim + 1).map(() => 1)]) : null;

  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape)) {
      throw new ShapeError(
        `crossEntropy: probability targets must have the input's shape ${fmt(input.shape)}, got ${fmt(target.shape)}. For class indices pass an int32 target.`,
      );
    }
    const t = labelSmoothing > 0 ? add(mul(target, 1 - labelSmoothing), labelSmoothing / C) : target;
    const prodT = wView ? mul(mul(logp, t), wView) : mul(logp, t);
    const losses = mul(sum(prodT, classDim), -1);
    if (reduction === "none") return losses;
    if (reduction === "sum") return sum(losses);
    return div(sum(losses), input.numel() / C);
  }

  const nll = nllLoss(logp, target, { weight, ignoreIndex, reduction });
  if (labelSmoothing === 0) return nll;
  checkIndexTarget("crossEntropy", input, target, ignoreIndex);
  // PyTorch's smoothing term: -sum_c w_c logp_c per position, zero where ignored
  const ignored = target.eq(ignoreIndex);
  const smooth = where(ignored, scalar(0, input.dtype), mul(sum(wView ? mul(logp, wView) : logp, classDim), -1));
  let smoothRed: Tensor;
  if (reduction === "none") smoothRed = smooth;
  else if (reduction === "sum") smoothRed = sum(smooth);
  else {
    const kept = countKept(target, ignoreIndex);
    if (weight) {
      const safeT = where(ignored, scalar(0, "int32"), target);
      const wsum = sum(mul(indexSelect(weight, 0, reshape(safeT, [-1])), reshape(ignored.logicalNot(), [-1])));
      smoothRed = meanOverKept(sum(smooth), wsum, kept);
    } else {
      smoothRed = meanOverKept(sum(smooth), sum(ignored.logicalNot()), kept); // mean over the non-ignored positions
    }
  }
  return add(mul(nll, 1 - labelSmoothing), mul(smoothRed, labelSmoothing / C));
}

/**
 * Mean squared error, as torch.nn.functional.mse_loss. Unlike PyTorch, which only warns,
 * input and target must have the same shape: broadcasting [N, 1] against [N] silently
 * computes an N x N loss, a classic bug.
 */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return asOp("mseLoss", () => {
    sameShape("mseLoss", input, target);
    requireFloatOperand("mseLoss", input, target);
    const d = sub(input, target);
    return reduce("mseLoss", mul(d, d), opts.reduction);
  });
}

/** mse and smooth L1 have no integer kernels in PyTorch: one operand at least must be float. */
function requireFloatOperand(op: string, input: Tensor, target: Tensor): void {
  if (!isFloat(resultType(input, target))) {
    throw new DTypeError(
      `${op}: input ${input.dtype} and target ${target.dtype} are both integer tensors; ${op} needs float values (as PyTorch). Convert first, e.g. input.to("float32").`,
    );
  }
}

function reduce(op: string, losses: Tensor, reduction: Reduction | undefined): Tensor {
  const r = checkReduction(op, reduction ?? "mean");
  return r === "none" ? losses : r === "sum" ? sum(losses) : mean(losses);
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: input ${fmt(input.shape)} and target ${fmt(target.shape)} differ in shape; broadcasting them would compare every pair. Reshape one to match.`,
    );
  }
}

/** Mean absolute error, as torch.nn.functional.l1_loss (same shapes required, as mseLoss). */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return asOp("l1Loss", () => {
    sameShape("l1Loss", input, target);
    return reduce("l1Loss", abs(sub(input, target)), opts.reduction);
  });
}

/**
 * Huber-like loss, as torch.nn.functional.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta,
 * else |d| - 0.5 beta; beta = 0 is the L1 loss.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number } = {}): Tensor {
  return asOp("smoothL1Loss", () => smoothL1LossOf(input, target, opts));
}

function smoothL1LossOf(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number }): Tensor {
  sameShape("smoothL1Loss", input, target);
  requireFloatOperand("smoothL1Loss", input, target);
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be >= 0, got ${beta}.`);
  const d = sub(input, target);
  const a = abs(d);
  // beta = 0 would divide by zero in the quadratic branch (NaN gradients through where)
  const losses = beta === 0 ? a : where(lt(a, beta), div(mul(mul(d, d), 0.5), beta), sub(a, 0.5 * beta));
  return reduce("smoothL1Loss", losses, opts.reduction);
}

/**
 * Binary cross-entropy on logits, as torch.nn.functional.binary_cross_entropy_with_logits,
 * in the stable form (1 - y) x + (1 + (posWeight - 1) y) softplus(-x), times weight.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  return asOp("binaryCrossEntropyWithLogits", () => bceWithLogitsOf(input, target, opts));
}

function bceWithLogitsOf(
  input: Tensor,
  target: Tensor,
  opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction },
): Tensor {
  sameShape("binaryCrossEntropyWithLogits", input, target);
  if (!isFloat(target.dtype))
    throw new DTypeError(
      `binaryCrossEntropyWithLogits: target must be float (probabilities in [0, 1]), got ${target.dtype}. Convert with target.to("${input.dtype}").`,
    );
  const sp = softplus(mul(input, -1));
  const lw = opts.posWeight ? add(mul(sub(opts.posWeight, 1), target), 1) : null;
  let losses = add(mul(sub(1, target), input), lw ? mul(lw, sp) : sp);
  if (opts.weight) losses = mul(losses, opts.weight);
  return reduce("binaryCrossEntropyWithLogits", losses, opts.reduction);
}

// Loss modules, as torch.nn.*Loss: options at construction, forward(input, target).

/** Cross-entropy of logits against int32 class indices (PyTorch: int64) or class probabilities, as torch.nn.CrossEntropyLoss; options `{ weight, ignoreIndex, reduction, labelSmoothing }` at construction; forward(input, target). */
export class CrossEntropyLoss extends Module {
  constructor(
    /** The options given at construction: weight, ignoreIndex, reduction, labelSmoothing. */ readonly opts: CrossEntropyOptions = {},
  ) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.opts);
  }
}
/** Negative log-likelihood of log-probabilities against int32 class indices, as torch.nn.NLLLoss; options `{ weight, ignoreIndex, reduction }`. */
export class NLLLoss extends Module {
  constructor(/** The options given at construction: weight, ignoreIndex, reduction. */ readonly opts: NllOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.opts);
  }
}
/** Mean squared error, as torch.nn.MSELoss; `{ reduction }`. Refuses mismatched shapes instead of broadcasting (PyTorch warns and broadcasts). */
export class MSELoss extends Module {
  constructor(/** The options given at construction: reduction. */ readonly opts: { reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.opts);
  }
}
/** Mean absolute error, as torch.nn.L1Loss; `{ reduction }`. */
export class L1Loss extends Module {
  constructor(/** The options given at construction: reduction. */ readonly opts: { reduction?: Reduction } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.opts);
  }
}
/** Huber-like loss, quadratic below beta (default 1) and linear above, as torch.nn.SmoothL1Loss; `{ reduction, beta }`. */
export class SmoothL1Loss extends Module {
  constructor(/** The options given at construction: reduction, beta. */ readonly opts: { reduction?: Reduction; beta?: number } = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.opts);
  }
}
/** Binary cross-entropy on logits (sigmoid fused, numerically stable), as torch.nn.BCEWithLogitsLoss; `{ weight, posWeight, reduction }`. */
export class BCEWithLogitsLoss extends Module {
  constructor(
    /** The options given at construction: weight, posWeight, reduction. */ readonly opts: {
      weight?: Tensor | null;
      posWeight?: Tensor | null;
      reduction?: Reduction;
    } = {},
  ) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.opts);
  }
}
