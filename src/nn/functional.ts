// torch.nn.functional for the ops that exist so far: activations, softmax, linear, pad,
// dropout. Later layers (conv, pooling, losses, norms) add their functions here.

import type { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { rand } from "../tensor/create.js";
import { add, div, lt, mul } from "../ops/binary.js";
import { mm } from "../ops/matmul.js";
import { reshape } from "../ops/movement.js";
import { numelOf } from "../tensor/shape.js";

export { relu, leakyRelu, elu, gelu, sigmoid, tanh, softplus, silu } from "../ops/activation.js";
export { softmax, logSoftmax } from "../ops/softmax.js";
export { pad } from "../ops/pad.js";

/**
 * y = x W^T + b, as torch.nn.functional.linear.
 * **Shape**: input [..., in], weight [out, in], bias [out] -> [..., out].
 * @example F.linear(tl.ones([4, 3]), tl.ones([5, 3])) // shape [4, 5]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out_features, in_features], got ${fmt(weight.shape)}.`);
  const inF = weight.shape[1]!;
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input ${fmt(input.shape)} has ${input.shape[input.ndim - 1] ?? "no"} features in its last dim but weight ${fmt(weight.shape)} expects ${inF}; input.shape[-1] must equal weight.shape[1].`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${fmt(bias.shape)} must be 1-D with ${weight.shape[0]} entries (weight.shape[0]).`);
  }
  const lead = input.shape.slice(0, -1);
  // fold leading dims into rows: one GEMM against W read transposed (no copy of W)
  const y = mm(reshape(input, [numelOf(lead), inF]), weight, false, true);
  const out = reshape(y, [...lead, weight.shape[0]!]);
  return bias ? add(out, bias) : out;
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

export { crossEntropy, nllLoss, mseLoss, type Reduction, type CrossEntropyOptions, type NllOptions } from "./loss.js";
