// Activation functions. Those whose naive composite would give NaN gradients at saturation
// (elu, softplus: exp overflows in the branch not taken) are primitives with closed-form
// derivatives; silu and gelu are composites over ops, as the style guide asks.

import { noGrad, record, recordFused } from "../autograd/graph.js";
import { floatResult } from "../tensor/dtype.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, ge, gt, le, logicalAnd, logicalOr, lt, minimum, mul, reluGradRaw, sub } from "./binary.js";
import { reshape } from "./movement.js";
import { abs, clamp, erf, exp, expm1, log1p, logicalNot, neg } from "./unary.js";
import { where } from "./select.js";
import { softmax } from "./softmax.js";
import { mapUnary, requireFinite, requireFloat, requireNotBool, scalar } from "./op.js";

/** max(x, 0). PyTorch's derivative at exactly 0 is 0. */
export function relu(x: Tensor): Tensor {
  requireNotBool("relu", x);
  const out = mapUnary("relu", x, x.dtype);
  // the shortcut is one kernel pass (PyTorch's threshold_backward)
  return recordFused(
    "ReluBackward0",
    out,
    [x],
    (g) => [() => mul(g, gt(out, 0))],
    (g) => [() => reluGradRaw(g, out)],
    [out],
  );
}

/** x > 0 ? x : negativeSlope * x; the derivative at 0 is negativeSlope (PyTorch's choice). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  requireFloat("leakyRelu", x);
  requireFinite("leakyRelu", "negativeSlope", negativeSlope);
  const out = mapUnary("leakyRelu", x, x.dtype, negativeSlope);
  return record("LeakyReluBackward0", out, [x], (g) => [() => mul(g, where(gt(x, 0), scalar(1, g.dtype), negativeSlope))]);
}

/**
 * x > 0 ? x : alpha (e^x - 1); derivative 1 or out + alpha (alpha at 0, as PyTorch). At a NaN
 * input the gradient is NaN, as PyTorch's vectorized elu_backward (its scalar loop over the last
 * few elements, past the last full vector, passes the gradient through instead).
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  requireFloat("elu", x);
  requireFinite("elu", "alpha", alpha);
  const out = mapUnary("elu", x, x.dtype, alpha);
  return record("EluBackward0", out, [x], (g) => [() => mul(g, where(gt(x, 0), 1, add(out, alpha)))], [x, out]);
}

/**
 * log(1 + e^{beta x}) / beta, linear (x) where beta x > threshold; derivative sigmoid(beta x) or 1.
 * A negative beta is taken, as PyTorch (a softplus mirrored through the origin).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  requireFloat("softplus", x);
  if (beta === 0 || !Number.isFinite(beta)) {
    // PyTorch divides by it: every output inf or NaN
    throw new ValueError(
      `softplus: beta must be a finite nonzero number, got ${beta}; PyTorch's log(1 + e^(beta x)) / beta divides by it.`,
    );
  }
  const out = mapUnary("softplus", x, x.dtype, beta, threshold);
  return record("SoftplusBackward0", out, [x], (g) => [() => mul(g, where(gt(mul(x, beta), threshold), 1, sigmoid(mul(x, beta))))]);
}

/** 1 / (1 + e^{-x}), computed without overflow; derivative out (1 - out). */
export function sigmoid(x: Tensor): Tensor {
  const out = mapUnary("sigmoid", x, floatResult(x.dtype));
  return record("SigmoidBackward0", out, [x], (g) => [() => mul(g, mul(out, sub(1, out)))], [out]);
}

/** tanh(x); derivative 1 - out^2. */
export function tanh(x: Tensor): Tensor {
  const out = mapUnary("tanh", x, floatResult(x.dtype));
  return record("TanhBackward0", out, [x], (g) => [() => mul(g, sub(1, mul(out, out)))], [out]);
}

/** x * sigmoid(x) (swish). */
export function silu(x: Tensor): Tensor {
  requireFloat("silu", x);
  return mul(x, sigmoid(x));
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU. approximate "none": x/2 (1 + erf(x / sqrt 2)); "tanh": x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
 * the same formulas as torch.nn.functional.gelu.
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  requireFloat("gelu", x);
  if (approximate === "none") return mul(mul(x, 0.5), add(erf(mul(x, SQRT1_2)), 1));
  if (approximate === "tanh") {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  throw new ValueError(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}.`);
}

/**
 * x > 0 ? x : weight * x with a learnable slope per channel (dim 1) or one shared slope, as
 * torch.nn.functional.prelu. The gradient at 0 is weight (PyTorch's choice).
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  requireFloat("prelu", x);
  requireFloat("prelu", weight);
  const n = weight.numel();
  const channels = x.ndim >= 2 ? x.shape[1]! : 1;
  if (n !== 1 && n !== channels) {
    throw new ShapeError(
      `prelu: weight ${fmt(weight.shape)} has ${n} slopes but input ${fmt(x.shape)} has ${channels} channel${channels === 1 ? "" : "s"} (dim 1; 1 below 2-D); give one slope or one per channel, e.g. new nn.PReLU(${channels}).`,
    );
  }
  // one slope per channel, broadcast along dim 1
  const w = n === 1 || x.ndim < 2 ? reshape(weight, []) : reshape(weight, [n, ...Array<number>(x.ndim - 2).fill(1)]);
  return where(gt(x, 0), x, mul(w, x));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** scale * elu(x, alpha) with PyTorch's fixed alpha 1.6732632 and scale 1.0507010, as torch.nn.functional.selu. */
export function selu(x: Tensor): Tensor {
  requireFloat("selu", x);
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/**
 * x > 0 ? x : alpha (e^(x / alpha) - 1), as torch.nn.functional.celu; derivative 1 or e^(x / alpha)
 * (1 at 0, as PyTorch). The exponential sees only the non-positive inputs, so a large x cannot
 * overflow it into a NaN gradient.
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  requireFloat("celu", x);
  requireFinite("celu", "alpha", alpha);
  if (alpha === 0) {
    throw new ValueError("celu: alpha cannot be 0 (the negative side divides by it), got 0; pass a nonzero alpha such as 1.");
  }
  const pos = gt(x, 0);
  const neg = where(pos, 0, x);
  return where(pos, x, mul(expm1(div(neg, alpha)), alpha));
}

/**
 * x clamped to [minVal, maxVal] (defaults -1, 1), as torch.nn.functional.hardtanh. The gradient
 * passes strictly inside the interval (0 at both ends, as PyTorch's hardtanh_backward, where
 * clamp passes it).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  requireNotBool("hardtanh", x);
  if (Number.isNaN(minVal) || Number.isNaN(maxVal)) {
    throw new ValueError(`hardtanh: bounds must not be NaN, got minVal=${minVal}, maxVal=${maxVal}.`);
  }
  let out: Tensor;
  if (x.dtype === "int32") {
    // PyTorch converts the bounds to the input's integer type (toward zero) and keeps int32
    const lo = Number.isFinite(minVal) ? Math.trunc(minVal) : minVal < 0 ? -(2 ** 31) : 2 ** 31 - 1;
    const hi = Number.isFinite(maxVal) ? Math.trunc(maxVal) : maxVal < 0 ? -(2 ** 31) : 2 ** 31 - 1;
    out = clamp(x, lo, hi);
  } else out = noGrad(() => clamp(x, minVal, maxVal));
  // a NaN input passes the gradient through, as PyTorch's (x <= min || x >= max) ? 0 : g
  return record("HardtanhBackward0", out, [x], (g) => [() => mul(g, logicalNot(logicalOr(le(x, minVal), ge(x, maxVal))).to(g.dtype))]);
}

/** min(max(x, 0), 6), as torch.nn.functional.relu6; the gradient is 0 at 0 and 6 (hardtanh's). */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/**
 * x * relu6(x + 3) / 6, as torch.nn.functional.hardswish. Derivative 0 below -3, x / 3 + 0.5 on
 * [-3, 3) and 1 from 3 up, as PyTorch's vectorized hardswish_backward (its scalar tail loop
 * gives 1.5 at exactly 3).
 */
export function hardswish(x: Tensor): Tensor {
  requireFloat("hardswish", x);
  const out = noGrad(() => div(mul(x, clamp(add(x, 3), 0, 6)), 6));
  return record("HardswishBackward0", out, [x], (g) => [() => mul(g, where(lt(x, -3), 0, where(ge(x, 3), 1, add(div(x, 3), 0.5))))]);
}

/** relu6(x + 3) / 6, as torch.nn.functional.hardsigmoid; the gradient is 1/6 strictly inside (-3, 3), else 0. */
export function hardsigmoid(x: Tensor): Tensor {
  requireFloat("hardsigmoid", x);
  const out = noGrad(() => div(clamp(add(x, 3), 0, 6), 6));
  return record("HardsigmoidBackward0", out, [x], (g) => [() => mul(g, where(logicalAnd(gt(x, -3), lt(x, 3)), 1 / 6, 0))]);
}

/** x * tanh(softplus(x)), as torch.nn.functional.mish. */
export function mish(x: Tensor): Tensor {
  requireFloat("mish", x);
  return mul(x, tanh(softplus(x)));
}

/** x / (1 + |x|), as torch.nn.functional.softsign (PyTorch composes it the same way; ints give floats). */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

/** x - tanh(x), as torch.nn.functional.tanhshrink (PyTorch composes it the same way; ints give floats). */
export function tanhshrink(x: Tensor): Tensor {
  return sub(x, tanh(x));
}

/**
 * x > threshold ? x : value, as torch.nn.functional.threshold; the gradient passes where
 * x > threshold (and at NaN, as PyTorch's x <= threshold ? 0 : g).
 */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  requireNotBool("threshold", x);
  return where(le(x, threshold), value, x);
}

/**
 * log(sigmoid(x)) = -softplus(-x), computed as min(x, 0) - log1p(e^-|x|) (no overflow, no
 * threshold), as torch.nn.functional.logsigmoid. Its own backward g * sigmoid(-x), PyTorch's
 * log_sigmoid_backward: the composite's would depend on min's tie rule at 0.
 */
export function logSigmoid(x: Tensor): Tensor {
  requireFloat("logSigmoid", x);
  const out = noGrad(() => sub(minimum(x, 0), log1p(exp(neg(abs(x))))));
  return record("LogSigmoidBackward0", out, [x], (g) => [
    () => {
      const z = exp(neg(abs(x)));
      const s = div(z, add(z, 1));
      return mul(g, where(lt(x, 0), sub(1, s), s));
    },
  ]);
}

/** softmax(-x) along dim, as torch.nn.functional.softmin. */
export function softmin(x: Tensor, dim: number): Tensor {
  requireFloat("softmin", x);
  return softmax(neg(x), dim);
}
