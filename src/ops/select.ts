// where(cond, a, b): elementwise choice with three-way broadcasting, and maskedFill built on it.
// Gradient: g flows to a where cond holds and to b elsewhere (the engine sums broadcast dims).

import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { resultType } from "../tensor/dtype.js";
import { DTypeError, ValueError } from "../tensor/errors.js";
import { broadcastShapes, fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castRaw, unfilled } from "./op.js";
import { asOp } from "../tensor/opContext.js";

/**
 * a where cond holds, b elsewhere, all three broadcast together, as torch.where.
 * @example tl.where(tl.tensor([true, false]), 1.5, -1) // => tensor([ 1.5000, -1.0000])
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor) || cond.dtype !== "bool") {
    throw new DTypeError(
      `where: condition must be a bool tensor, got ${cond instanceof Tensor ? `${cond.dtype} ${fmt(cond.shape)}` : typeof cond}. Build it with a comparison, e.g. x.gt(0).`,
    );
  }
  const dt = resultType(a, b);
  const ta = castRaw(asTensor(a, dt), dt),
    tb = castRaw(asTensor(b, dt), dt);
  const shape = broadcastShapes("where", cond.shape, ta.shape, tb.shape);
  const out = unfilled(dt, shape);
  kernels().where(cond.operand, cond.shape, ta.operand, ta.shape, tb.operand, tb.shape, out.operand, shape);
  const inputs = [a, b].filter((x): x is Tensor => x instanceof Tensor);
  const zero = (g: Tensor) => asTensor(0, g.dtype);
  return record(
    "WhereBackward0",
    out,
    inputs,
    (g) => {
      const thunks = [() => where(cond, g, zero(g)), () => where(cond, zero(g), g)];
      return a instanceof Tensor ? (b instanceof Tensor ? thunks : [thunks[0]]) : [thunks[1]];
    },
    [cond],
  );
}

/** x with `value` where mask is true, as torch.masked_fill. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  // checked here too, so that the message names maskedFill rather than the where it calls
  if (!(mask instanceof Tensor) || mask.dtype !== "bool") {
    throw new DTypeError(
      `maskedFill: mask must be a bool tensor, got ${mask instanceof Tensor ? `${mask.dtype} ${fmt(mask.shape)}` : typeof mask}. Build it with a comparison, e.g. x.lt(0), or convert with mask.bool().`,
    );
  }
  // PyTorch converts the value to x's dtype and refuses one that does not fit
  const v = Number(value);
  const overflows =
    (x.dtype === "int32" && !(v >= -2147483648 && v <= 2147483647)) ||
    (x.dtype === "float32" && Number.isFinite(v) && !Number.isFinite(Math.fround(v)));
  if (overflows) {
    throw new ValueError(
      `maskedFill: value ${value} cannot be converted to the tensor's dtype ${x.dtype} without overflow (as PyTorch). Convert the tensor first, e.g. x.to("float64"), or pick a value in range.`,
    );
  }
  return asOp("maskedFill", () => where(mask, asTensor(value, x.dtype), x));
}
