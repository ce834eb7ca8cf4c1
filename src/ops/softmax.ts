// softmax and logSoftmax along a dim, as composites: logSoftmax(x) = x - logsumexp(x), which is
// stable for large inputs, and softmax = exp(logSoftmax). Their gradients follow from the parts.

import type { Tensor } from "../tensor/tensor.js";
import { normDim } from "../tensor/shape.js";
import { sub } from "./binary.js";
import { exp } from "./unary.js";
import { logsumexp } from "./reduce.js";
import { requireFloat } from "./op.js";

/**
 * exp(x) / sum(exp(x)) along dim. **Shape**: unchanged.
 * @example tl.softmax(tl.zeros([2]), 0) // => tensor([0.5000, 0.5000])
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return exp(logSoftmax(x, dim));
}

/** log(softmax(x)) along dim, computed as x - logsumexp(x, dim). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireFloat("logSoftmax", x);
  const d = normDim("logSoftmax", dim, x.ndim);
  return sub(x, logsumexp(x, d, true));
}
