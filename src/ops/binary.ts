// Broadcasting binary ops: arithmetic (differentiable), comparisons and logical ops (bool out).
// Shape rule: NumPy broadcasting. Dtype rule: PyTorch's result_type, operands cast to it first
// so that a float32 tensor compares with 0.1 as PyTorch does (0.1 rounded to float32).

import { noGrad, record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { BinaryOp } from "../backends/backend.js";
import { type DType, getDefaultDtype, isFloat, resultType } from "../tensor/dtype.js";
import { DTypeError, ValueError } from "../tensor/errors.js";
import { broadcastShapes } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castRaw, unfilled } from "./op.js";
import { log, neg } from "./unary.js";
import { where } from "./select.js";
import { asOp } from "../tensor/opContext.js";

/** Compute `op` on a and b cast to `computeDtype`, into a new tensor of `outDtype` (no graph). */
function compute(name: string, op: BinaryOp, a: TensorLike, b: TensorLike, computeDtype: DType, outDtype: DType): Tensor {
  // as an op of its own, so that a broadcast too large to allocate is reported as this op's
  return asOp(name, () => {
    const ta = castRaw(asTensor(a, computeDtype), computeDtype);
    const tb = castRaw(asTensor(b, computeDtype), computeDtype);
    const shape = broadcastShapes(name, ta.shape, tb.shape);
    const out = unfilled(outDtype, shape);
    kernels().binary(op, ta.operand, ta.shape, tb.operand, tb.shape, out.operand, shape);
    return out;
  });
}

const inputsOf = (...xs: TensorLike[]): Tensor[] => xs.filter((x): x is Tensor => x instanceof Tensor);
const needsGrad = (x: TensorLike): boolean => x instanceof Tensor && x.requiresGrad;

/**
 * The gradient thunks of the operands that are tensors, in the order inputsOf lists them: when a
 * is a JS number (tl.sub(1, x)), x is record()'s only input and must get b's rule, not a's.
 */
const thunksOf = (a: TensorLike, b: TensorLike, da: () => Tensor, db: () => Tensor): (() => Tensor)[] => [
  ...(a instanceof Tensor ? [da] : []),
  ...(b instanceof Tensor ? [db] : []),
];

/**
 * alpha * b in the result dtype `dt`, as PyTorch scales the other operand of add/sub. b is
 * lifted to dt first: mul(number, number) would compute in the default dtype, so a float64 add
 * with a JS-number operand would see alpha * b rounded to float32.
 */
function scaledOperand(op: string, b: TensorLike, alpha: number, dt: DType): TensorLike {
  if (alpha === 1) return b;
  if (!isFloat(dt) && !Number.isInteger(alpha)) {
    throw new DTypeError(
      `${op}: alpha ${alpha} is not an integer, but the operands are ${dt}; for integer tensors alpha must be an integer (as in PyTorch). Convert an operand to float first, e.g. x.to("float32").`,
    );
  }
  return noGrad(() => mul(castRaw(asTensor(b, dt), dt), alpha));
}

/** a + alpha * b, broadcasting. */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const dt = resultType(a, b);
  const bb = scaledOperand("add", b, alpha, dt);
  const out = compute("add", "add", a, bb, dt, dt);
  // d(a + alpha b) = da + alpha db
  return record(
    "AddBackward0",
    out,
    inputsOf(a, b),
    (g) =>
      thunksOf(
        a,
        b,
        () => g,
        () => (alpha === 1 ? g : mul(g, alpha)),
      ),
    [],
  );
}

/** a - alpha * b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const dt = resultType(a, b);
  if (dt === "bool")
    throw new DTypeError(
      `sub: subtracting two bool tensors is not supported (as in PyTorch). Use logicalXor, or convert with .to("int32").`,
    );
  const isBool = (v: TensorLike): boolean => (v instanceof Tensor ? v.dtype === "bool" : typeof v === "boolean");
  if (isBool(a) || isBool(b))
    throw new DTypeError(
      `sub: got a bool ${isBool(a) ? "first" : "second"} operand, and subtraction with a bool is not supported (as in PyTorch). To invert a mask use logicalNot; otherwise convert it with .to("int32") or .to("float32").`,
    );
  const bb = scaledOperand("sub", b, alpha, dt);
  const out = compute("sub", "sub", a, bb, dt, dt);
  return record(
    "SubBackward0",
    out,
    inputsOf(a, b),
    (g) =>
      thunksOf(
        a,
        b,
        () => g,
        () => (alpha === 1 ? neg(g) : mul(g, -alpha)),
      ),
    [],
  );
}

/** Elementwise a * b with broadcasting and type promotion, as torch.mul. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  const out = compute("mul", "mul", a, b, dt, dt);
  // d(ab) = b da + a db: as PyTorch, b is saved only for a's gradient and a only for b's, so an
  // in-place write to an operand whose value no gradient reads (w in x * 2 * w.detach()) is allowed
  return record(
    "MulBackward0",
    out,
    inputsOf(a, b),
    (g) =>
      thunksOf(
        a,
        b,
        () => mul(g, b),
        () => mul(g, a),
      ),
    [...(needsGrad(a) ? [b] : []), ...(needsGrad(b) ? [a] : [])],
  );
}

/** True division: integer inputs give the default float dtype, as torch.div. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let dt = resultType(a, b);
  if (!isFloat(dt)) dt = getDefaultDtype();
  const out = compute("div", "div", a, b, dt, dt);
  // d(a/b) = da / b - a db / b^2 = (da - out db) / b
  return record(
    "DivBackward0",
    out,
    inputsOf(a, b),
    (g) =>
      thunksOf(
        a,
        b,
        () => div(g, b),
        () => neg(div(mul(g, out), b)),
      ),
    // out is read only by b's gradient (saved then alone, as PyTorch saves a only for it)
    [b, ...(needsGrad(b) ? [out] : [])],
  );
}

/**
 * a ** b. With a number exponent this is the scalar power (PyTorch's pow(Tensor, Scalar));
 * d/da = b a^(b-1), taken as 0 when b is 0 (as PyTorch). d/db = out * log(a), 0 where a = 0 and b >= 0.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  let dt = resultType(a, b);
  if (dt === "bool") dt = "int32";
  // PyTorch refuses only a negative number exponent of an integer tensor; a tensor of exponents
  // computes the integer power (0 for |base| > 1, as the integer part of the reciprocal)
  if (dt === "int32" && !(b instanceof Tensor) && Number(b) < 0) {
    throw new DTypeError(
      `pow: integers to negative integer powers are not allowed (as in PyTorch), got exponent ${b}. Convert the base to float first: x.to("float32").pow(${b}).`,
    );
  }
  const out = compute("pow", "pow", a, b, dt, dt);
  return record(
    "PowBackward0",
    out,
    inputsOf(a, b),
    (g) =>
      thunksOf(
        a,
        b,
        () => {
          if (typeof b === "number" || typeof b === "boolean") {
            return Number(b) === 0 ? mul(g, 0) : mul(g, mul(pow(a, Number(b) - 1), Number(b)));
          }
          // b * a^(b-1), with 0 where b == 0
          return mul(g, where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1)))));
        },
        // a may be a JS number (tl.pow(2, x)): lifted to dt, as eq(number, 0) would compare in the
        // default dtype (a float64 base of 1e-50 is 0 in float32)
        () => {
          const at = asTensor(a, dt);
          return mul(g, where(logicalAnd(eq(at, 0), ge(b, 0)), 0, mul(out, log(at))));
        },
      ),
    [...inputsOf(a, b), out],
  );
}

/** Elementwise max; on ties the gradient is split evenly, as torch.maximum. */
export function maximum(a: Tensor, b: TensorLike): Tensor {
  return minmax("maximum", a, b);
}

/** Elementwise smaller of a and b (NaN propagates), as torch.minimum. */
export function minimum(a: Tensor, b: TensorLike): Tensor {
  return minmax("minimum", a, b);
}

function minmax(op: "maximum" | "minimum", a: Tensor, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  const out = compute(op, op, a, b, dt, dt);
  const wins = (x: TensorLike, y: TensorLike): Tensor => (op === "maximum" ? gt(x, y) : lt(x, y));
  // gradient goes to the winner; half to each on a tie
  const share = (x: TensorLike, y: TensorLike): Tensor => add(wins(x, y).to(out.dtype), mul(eq(x, y).to(out.dtype), 0.5));
  return record(op === "maximum" ? "MaximumBackward0" : "MinimumBackward0", out, inputsOf(a, b), (g) =>
    thunksOf(
      a,
      b,
      () => mul(g, share(a, b)),
      () => mul(g, share(b, a)),
    ),
  );
}

/** Integer division by zero has no value: PyTorch raises, and an int32 store would silently hold 0. */
function checkIntDivisor(op: string, dt: DType, b: TensorLike): void {
  if (isFloat(dt)) return;
  if (b instanceof Tensor ? b.storage.includes(0) : Number(b) === 0) {
    throw new ValueError(
      `${op}: integer division by zero (the ${dt} divisor has a 0 entry), as PyTorch's ZeroDivisionError. Convert to float for inf/NaN results, or mask the zeros first.`,
    );
  }
}

/** Python-style remainder (sign of the divisor), as torch.remainder; d/da = 1, d/db = -floor(a/b). */
export function remainder(a: Tensor, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  checkIntDivisor("remainder", dt, b);
  const out = compute("remainder", "remainder", a, b, dt, dt);
  return record("RemainderBackward0", out, inputsOf(a, b), (g) =>
    thunksOf(
      a,
      b,
      () => g,
      () => mul(g, neg(floorDivide(a, b))),
    ),
  );
}

/** floor(a / b), as torch.floor_divide (not differentiable). */
export function floorDivide(a: Tensor, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  checkIntDivisor("floorDivide", dt, b);
  return compute("floorDivide", "floorDivide", a, b, dt, dt);
}

/** Elementwise atan2(a, b), the angle of the point (b, a), as torch.atan2. */
export function atan2(a: Tensor, b: TensorLike): Tensor {
  let dt = resultType(a, b);
  if (!isFloat(dt)) dt = getDefaultDtype();
  const out = compute("atan2", "atan2", a, b, dt, dt);
  // d atan2(a, b) = (b da - a db) / (a^2 + b^2); a number b is lifted to dt first, since
  // mul(b, b) of two numbers would be computed (and rounded) in the default dtype
  return record("Atan2Backward0", out, inputsOf(a, b), (g) => {
    const bt = b instanceof Tensor ? b : asTensor(b, dt);
    const r = add(mul(a, a), mul(bt, bt));
    return thunksOf(
      a,
      b,
      () => mul(g, div(bt, r)),
      () => mul(g, neg(div(a, r))),
    );
  });
}

function comparison(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  return compute(op, op, a, b, dt, "bool");
}

/** a == b elementwise, broadcasting (bool tensor), as torch.eq. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => comparison("eq", a, b);
/** a != b elementwise, broadcasting (bool tensor), as torch.ne. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => comparison("ne", a, b);
/** a < b elementwise, broadcasting (bool tensor), as torch.lt. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => comparison("lt", a, b);
/** a <= b elementwise, broadcasting (bool tensor), as torch.le. */
export const le = (a: TensorLike, b: TensorLike): Tensor => comparison("le", a, b);
/** a > b elementwise, broadcasting (bool tensor), as torch.gt. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => comparison("gt", a, b);
/** a >= b elementwise, broadcasting (bool tensor), as torch.ge. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => comparison("ge", a, b);
/** Elementwise AND of the operands' truthiness (bool tensor), as torch.logical_and. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => comparison("logicalAnd", a, b);
/** Elementwise OR of the operands' truthiness (bool tensor), as torch.logical_or. */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => comparison("logicalOr", a, b);
/** Elementwise XOR of the operands' truthiness (bool tensor), as torch.logical_xor. */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => comparison("logicalXor", a, b);

/** relu's gradient g * (out > 0) in one kernel pass (no graph: the backward of relu when it is not recorded). */
export function reluGradRaw(g: Tensor, out: Tensor): Tensor {
  return compute("relu", "reluGrad", g, out, g.dtype, g.dtype);
}
