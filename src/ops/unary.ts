// Elementwise math of one tensor: forward kernel call and derivative side by side.
// Float functions of int/bool tensors give the default float dtype, as in PyTorch.

import { record } from "../autograd/graph.js";
import type { UnaryOp } from "../backends/backend.js";
import { type DType, floatResult } from "../tensor/dtype.js";
import { DTypeError, ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, ge, le, logicalAnd, mul } from "./binary.js";
import { mapUnary } from "./op.js";

type Derivative = (x: Tensor, out: Tensor, g: Tensor) => Tensor;

/** A float-valued elementwise function with its derivative. */
function floatUnary(name: string, op: UnaryOp, x: Tensor, d: Derivative, savesOut = false): Tensor {
  const out = mapUnary(op, x, floatResult(x.dtype));
  return record(name, out, [x], (g) => [() => d(x, out, g)], savesOut ? [out] : [x]);
}

/** A dtype-preserving function whose derivative is zero almost everywhere (floor, round...). */
function stepUnary(name: string, op: UnaryOp, x: Tensor): Tensor {
  const out = mapUnary(op, x, x.dtype);
  return record(name, out, [x], (g) => [() => mul(g, 0)], []);
}

// d(-x) = -dx
/** -x elementwise, as torch.neg. */
export function neg(x: Tensor): Tensor {
  if (x.dtype === "bool") throw new DTypeError(`neg: negating a bool tensor is not supported (as in PyTorch). Use logicalNot(x) instead.`);
  const out = mapUnary("neg", x, x.dtype);
  return record("NegBackward0", out, [x], (g) => [() => neg(g)], []);
}

// d|x| = sign(x) dx (0 at 0)
/** |x| elementwise, as torch.abs. */
export function abs(x: Tensor): Tensor {
  const out = mapUnary("abs", x, x.dtype === "bool" ? "int32" : x.dtype);
  return record("AbsBackward0", out, [x], (g) => [() => mul(g, sign(x))]);
}

/** -1, 0 or 1 by the sign of each element (gradient 0), as torch.sign. */
export const sign = (x: Tensor): Tensor => stepUnary("SignBackward0", "sign", x);
/** Round down elementwise (gradient 0), as torch.floor. */
export const floor = (x: Tensor): Tensor => stepUnary("FloorBackward0", "floor", x);
/** Round up elementwise (gradient 0), as torch.ceil. */
export const ceil = (x: Tensor): Tensor => stepUnary("CeilBackward0", "ceil", x);
/** Round half to even, as torch.round. */
export const round = (x: Tensor): Tensor => stepUnary("RoundBackward0", "round", x);
/** Round toward zero elementwise (gradient 0), as torch.trunc. */
export const trunc = (x: Tensor): Tensor => stepUnary("TruncBackward0", "trunc", x);

// d exp(x) = exp(x) dx
/** e^x elementwise (integers give the default float dtype), as torch.exp. */
export const exp = (x: Tensor): Tensor => floatUnary("ExpBackward0", "exp", x, (_x, out, g) => mul(g, out), true);
// d expm1(x) = (expm1(x) + 1) dx
/** e^x - 1, accurate near 0, as torch.expm1. */
export const expm1 = (x: Tensor): Tensor => floatUnary("Expm1Backward0", "expm1", x, (_x, out, g) => mul(g, add(out, 1)), true);
// d log(x) = dx / x
/** Natural logarithm elementwise, as torch.log. */
export const log = (x: Tensor | number): Tensor => floatUnary("LogBackward0", "log", x as Tensor, (x, _o, g) => div(g, x));
// d log1p(x) = dx / (1 + x)
/** log(1 + x), accurate near 0, as torch.log1p. */
export const log1p = (x: Tensor): Tensor => floatUnary("Log1PBackward0", "log1p", x, (x, _o, g) => div(g, add(x, 1)));
// d sqrt(x) = dx / (2 sqrt(x))
/** Square root elementwise, as torch.sqrt. */
export const sqrt = (x: Tensor): Tensor => floatUnary("SqrtBackward0", "sqrt", x, (_x, out, g) => div(g, mul(out, 2)), true);
// d x^{-1/2} = -1/2 x^{-3/2} dx = -0.5 out^3 dx
/** 1 / sqrt(x) elementwise, as torch.rsqrt. */
export const rsqrt = (x: Tensor): Tensor =>
  floatUnary("RsqrtBackward0", "rsqrt", x, (_x, out, g) => mul(g, mul(mul(mul(out, out), out), -0.5)), true);
// d (1/x) = -dx / x^2 = -out^2 dx
/** 1 / x elementwise, as torch.reciprocal. */
export const reciprocal = (x: Tensor): Tensor =>
  floatUnary("ReciprocalBackward0", "reciprocal", x, (_x, out, g) => mul(g, mul(mul(out, out), -1)), true);
// d sin(x) = cos(x) dx ; d cos(x) = -sin(x) dx
/** Sine elementwise, as torch.sin. */
export const sin = (x: Tensor): Tensor => floatUnary("SinBackward0", "sin", x, (x, _o, g) => mul(g, cos(x)));
/** Cosine elementwise, as torch.cos. */
export const cos = (x: Tensor): Tensor => floatUnary("CosBackward0", "cos", x, (x, _o, g) => mul(g, mul(sin(x), -1)));
// d erf(x) = 2/sqrt(pi) exp(-x^2) dx
/** The Gauss error function elementwise, as torch.erf. */
export const erf = (x: Tensor): Tensor =>
  floatUnary("ErfBackward0", "erf", x, (x, _o, g) => mul(g, mul(exp(mul(mul(x, x), -1)), 2 / Math.sqrt(Math.PI))));

/** x * x (differentiable; keeps int dtypes). */
export function square(x: Tensor): Tensor {
  const out = mapUnary("square", x, x.dtype === "bool" ? "int32" : x.dtype);
  return record("PowBackward0", out, [x], (g) => [() => mul(g, mul(x, 2))]);
}

/**
 * Limit values to [min, max], as torch.clamp; either bound may be omitted. The gradient passes
 * where min <= x <= max (both ends included, as PyTorch) and is 0 outside.
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity,
    hi = max ?? Infinity;
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ValueError(`clamp: at least one of min or max must be given. Pass clamp(x, 0) or clamp(x, null, 1).`);
  }
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new ValueError(`clamp: bounds must not be NaN, got min=${min}, max=${max}.`);
  let dt: DType = x.dtype;
  if (dt === "int32" || dt === "bool") {
    // the result type of x and the given bounds, as PyTorch's clamp: a fractional or infinite
    // bound (a Python float) lifts ints and bools to the default float, integer bounds lift bools to int
    const given = [min, max].filter((v): v is number => v !== undefined && v !== null);
    if (given.some((v) => !Number.isInteger(v))) dt = floatResult(dt);
    else if (dt === "bool") dt = "int32";
  }
  const out = mapUnary("clamp", x, dt, lo, hi);
  return record("ClampBackward1", out, [x], (g) => [() => mul(g, logicalAnd(ge(x, lo), le(x, hi)).to(g.dtype))]);
}

// Predicates: bool out, no gradient.
/** Elementwise NOT of x's truthiness (bool tensor), as torch.logical_not. */
export const logicalNot = (x: Tensor): Tensor => mapUnary("logicalNot", x, "bool");
/** True where x is NaN (bool tensor), as torch.isnan. */
export const isnan = (x: Tensor): Tensor => mapUnary("isnan", x, "bool");
/** True where x is +-Infinity (bool tensor), as torch.isinf. */
export const isinf = (x: Tensor): Tensor => mapUnary("isinf", x, "bool");
/** True where x is neither NaN nor infinite (bool tensor), as torch.isfinite. */
export const isfinite = (x: Tensor): Tensor => mapUnary("isfinite", x, "bool");
