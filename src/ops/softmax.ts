// softmax and logSoftmax along a dim. logSoftmax is one kernel (x - logsumexp(x), stable for large
// inputs) with the backward g - softmax(x) * sum(g), written with ops so it is differentiable
// again; softmax = exp(logSoftmax).

import type { Tensor } from "../tensor/tensor.js";
import { normDim } from "../tensor/shape.js";
import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { mul, sub } from "./binary.js";
import { exp } from "./unary.js";
import { sum } from "./reduce.js";
import { unfilled, requireFloat } from "./op.js";

/**
 * exp(x) / sum(exp(x)) along dim. **Shape**: unchanged.
 * @example tl.softmax(tl.zeros([2]), 0) // => tensor([0.5000, 0.5000])
 */
export function softmax(x: Tensor, dim: number): Tensor {
  requireFloat("softmax", x);
  normDim("softmax", dim, x.ndim);
  return exp(logSoftmax(x, dim));
}

/** log(softmax(x)) along dim, computed as x - logsumexp(x, dim). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireFloat("logSoftmax", x);
  const d = normDim("logSoftmax", dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const outer = x.shape.slice(0, d).reduce((a, b) => a * b, 1),
    inner = x.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const out = unfilled(x.dtype, x.shape);
  kernels().logSoftmax(x.operand, out.operand, outer, size, inner);
  return record("LogSoftmaxBackward0", out, [x], (g) => [() => sub(g, mul(exp(out), sum(g, x.ndim === 0 ? [] : [d], true)))], [out]);
}
