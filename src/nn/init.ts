// Parameter initialisation, as torch.nn.init, drawing from the seeded generator (tl.manualSeed).
// Each function fills a tensor in place (outside the graph) and returns it.

import { noGrad } from "../autograd/graph.js";
import { ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { syncViews } from "../ops/inplace.js";
import { type Generator, defaultGenerator } from "../tensor/random.js";

function fill(t: Tensor, draw: () => number): Tensor {
  noGrad(() => {
    const s = t.storage;
    for (let i = 0; i < s.length; i++) s[i] = draw();
    t.version.v++;
    syncViews(t); // a view's base (and the base's other views) see the values, as in PyTorch
  });
  return t;
}

/** U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => a + (b - a) * generator.uniform());
}

/** N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => mean + std * generator.normal());
}

/** Fill t with value in place, as torch.nn.init.constant_ (runs outside the graph). */
export const constant_ = (t: Tensor, value: number): Tensor => fill(t, () => value);
/** Fill t with zeros in place, as torch.nn.init.zeros_. */
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
/** Fill t with ones in place, as torch.nn.init.ones_. */
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (PyTorch's rule). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2)
    throw new ValueError(
      `calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got ${fmt(t.shape)}.`,
    );
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** The nonlinearities calculateGain knows, torch.nn.init.calculate_gain's names ("leaky_relu" keeps PyTorch's spelling). */
export type Nonlinearity = "linear" | "conv1d" | "conv2d" | "conv3d" | "sigmoid" | "tanh" | "relu" | "leaky_relu";

/** The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    default:
      return nonlinearity satisfies never;
  }
}

/**
 * He/Kaiming uniform: U(-b, b) with b = gain * sqrt(3 / fan). PyTorch's Linear and ConvNd use
 * a = sqrt(5), leaky_relu, fan_in: b = 1 / sqrt(fan_in).
 */
export function kaimingUniform_(
  t: Tensor,
  a = 0,
  mode: "fan_in" | "fan_out" = "fan_in",
  nonlinearity: Nonlinearity = "leaky_relu",
  generator: Generator = defaultGenerator,
): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === "fan_in" ? fanIn : fanOut;
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound, generator);
}

/** He/Kaiming normal in place: N(0, std^2) with std = gain / sqrt(fan), as torch.nn.init.kaiming_normal_ (positional a, mode, nonlinearity, then a Generator). */
export function kaimingNormal_(
  t: Tensor,
  a = 0,
  mode: "fan_in" | "fan_out" = "fan_in",
  nonlinearity: Nonlinearity = "leaky_relu",
  generator: Generator = defaultGenerator,
): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = calculateGain(nonlinearity, a) / Math.sqrt(mode === "fan_in" ? fanIn : fanOut);
  return normal_(t, 0, std, generator);
}

/** Glorot/Xavier uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, generator);
}

/** Glorot/Xavier normal in place: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)), as torch.nn.init.xavier_normal_. */
export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}
