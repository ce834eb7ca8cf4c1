// Activation functions. Those whose naive composite would give NaN gradients at saturation
// (elu, softplus: exp overflows in the branch not taken) are primitives with closed-form
// derivatives; silu and gelu are composites over ops, as the style guide asks.

import { record, recordFused } from "../autograd/graph.js";
import { floatResult } from "../tensor/dtype.js";
import { DTypeError, ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, gt, mul, reluGradRaw, sub } from "./binary.js";
import { erf } from "./unary.js";
import { where } from "./select.js";
import { mapUnary, requireFinite, requireFloat, scalar } from "./op.js";

/** max(x, 0). PyTorch's derivative at exactly 0 is 0. */
export function relu(x: Tensor): Tensor {
  if (x.dtype === "bool") {
    throw new DTypeError(
      'relu: bool input is not supported (as PyTorch): there is nothing below 0 to clip. Convert it first, e.g. x.to("float32").',
    );
  }
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
