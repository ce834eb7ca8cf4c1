// Running reductions along one dim: cumsum and cumprod. One kernel (`scan`) computes both, in
// either direction: the reverse running sum is cumsum's gradient and half of cumprod's.

import { record, recordFused } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { ScanOp } from "../backends/backend.js";
import { type DType, assertDType, isFloat } from "../tensor/dtype.js";
import { DTypeError } from "../tensor/errors.js";
import { normDim, outerSizeInner } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { div, eq, logicalAnd, mul } from "./binary.js";
import { to } from "./movement.js";
import { where } from "./select.js";
import { sum } from "./reduce.js";
import { castRaw, empty } from "./op.js";

/** Options of cumsum and cumprod: `dtype`, the dtype to cast to first (torch.cumsum's dtype keyword). */
export interface CumOptions {
  /** Cast the input to this dtype first (torch's `dtype=`); bool is refused, as PyTorch does. */
  dtype?: DType;
}

/** The scan kernel along dim d (already normalised) into a new tensor of x's dtype (no graph). */
function scanRaw(op: ScanOp, x: Tensor, d: number, reverse: boolean): Tensor {
  const shape = x.ndim === 0 ? [1] : x.shape;
  const out = empty(x.dtype, x.shape);
  kernels().scan(op, x.operand, ...outerSizeInner(shape, d), reverse, out.operand);
  return out;
}

/** Running sum from either end; each direction's gradient is the other direction. */
function cumsumFrom(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = scanRaw("sum", x, d, reverse);
  return record("CumsumBackward0", out, [x], (g) => [() => cumsumFrom(g, d, !reverse)], []);
}

/** The result dtype and the cast input: dtype= if given, else ints and bools promote to int32 (PyTorch: int64). */
function castInput(op: string, x: Tensor, opts: CumOptions): Tensor {
  const dtype = opts.dtype === undefined ? (isFloat(x.dtype) ? x.dtype : "int32") : assertDType(op, opts.dtype);
  if (dtype === "bool") {
    throw new DTypeError(
      `${op}: dtype bool is not supported (PyTorch: not implemented for 'Bool'); a running ${op === "cumsum" ? "count" : "and"} of bools needs an integer result: pass { dtype: "int32" } or omit dtype.`,
    );
  }
  return to(x, dtype);
}

/**
 * Running sum along dim, as torch.cumsum(x, dim, dtype=...): out[..., i, ...] = sum of x[..., :i+1, ...].
 * Int and bool inputs give int32 (PyTorch: int64), which wraps on overflow; `dtype` casts the
 * input first. Float32 sums accumulate in float64 and round once per element, as PyTorch's CPU
 * kernel.
 * @example tl.tensor([1, 2, 3, 4]).cumsum(0) // => tensor([ 1,  3,  6, 10], dtype=int32)
 */
export function cumsum(x: Tensor, dim: number, opts: CumOptions = {}): Tensor {
  const d = normDim("cumsum", dim, x.ndim);
  return cumsumFrom(castInput("cumsum", x, opts), d, false);
}

/**
 * Running product along dim, as torch.cumprod(x, dim, dtype=...); ints and bools give int32.
 * The gradient is exact where the input has zeros (no division by them): before the first zero
 * of a line it is the reversed cumsum of g * out divided by x, at the first zero the running
 * products with that zero taken as 1, after it 0 (PyTorch's rule).
 * @example tl.tensor([1, 2, 3, 4]).cumprod(0) // => tensor([ 1,  2,  6, 24], dtype=int32)
 */
export function cumprod(x: Tensor, dim: number, opts: CumOptions = {}): Tensor {
  const d = normDim("cumprod", dim, x.ndim);
  return cumprodAlong(castInput("cumprod", x, opts), d);
}

function cumprodAlong(x: Tensor, d: number): Tensor {
  const out = scanRaw("prod", x, d, false);
  return recordFused(
    "CumprodBackward0",
    out,
    [x],
    (g) => [() => cumprodGrad(x, out, g, d, true)],
    (g) => [() => cumprodGrad(x, out, g, d, false)],
    [x, out],
  );
}

/** g times the Jacobian of out = cumprod(x) along d, without dividing by a zero of x. */
function cumprodGrad(x: Tensor, out: Tensor, g: Tensor, d: number, differentiable: boolean): Tensor {
  const reversedSum = (t: Tensor) => cumsumFrom(t, d, true);
  // includes(0) also finds -0; values on a GPU are not read back: the general path serves any x
  if (x.deviceStorage?.hostAddressable !== false && !x.storage.includes(0)) return div(reversedSum(mul(g, out)), x);
  const zero = eq(x, 0);
  const zerosSoFar = scanRaw("sum", castRaw(zero, "int32"), d, false);
  const before = eq(zerosSoFar, 0);
  const first = logicalAnd(zero, eq(zerosSoFar, 1));
  // Past the first zero out is 0, or NaN after an inf or NaN there; the shortcut masks those
  // terms, as PyTorch's (non-recorded) masked_fill. The differentiable rule keeps them: 0 in value,
  // but their derivatives in the zeros make the second derivative.
  const region = (t: Tensor, keep: Tensor): Tensor => (differentiable ? t : where(keep, t, 0));
  // before the first zero: the division formula holds there
  const head = div(reversedSum(region(mul(g, out), before)), where(before, x, 1));
  // at the first zero: the running products of the line with that zero replaced by 1, up to the second zero
  const xOne = where(first, 1, x);
  const outOne = cumprodAlong(xOne, d);
  const atZero = reversedSum(region(mul(g, outOne), eq(zerosSoFar, 1)));
  // after it the gradient is 0; the differentiable rule writes it as x_z times the gradient
  // with x_z replaced by 1 (0 in value, not in its derivative in x_z). That line has one zero
  // fewer, so the recursion ends. The shortcut writes the 0.
  const after = differentiable ? mul(sum(where(first, x, 0), d, true), cumprodGrad(xOne, outOne, where(before, 0, g), d, true)) : 0;
  return where(before, head, where(first, atZero, after));
}
