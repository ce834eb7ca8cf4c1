// Basic layers as in torch.nn: Linear, Flatten, Dropout/Dropout2d, Identity, the activation
// modules, and the containers Sequential and ModuleList. Each is a thin Module over F.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { empty, full } from "../tensor/create.js";
import { flatten } from "../ops/movement.js";
import { unflatten } from "../ops/shuffle.js";
import * as A from "../ops/activation.js";
import { logSoftmax, softmax } from "../ops/softmax.js";
import { dropout, dropoutNd, linear } from "./functional.js";
import { kaimingUniform_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

export interface LinearOptions {
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/**
 * y = x W^T + b, with PyTorch's initialisation: W and b from U(-1/sqrt(in), 1/sqrt(in)).
 * **Shape**: [..., inFeatures] -> [..., outFeatures]. State: weight [out, in], bias [out].
 * @example new tl.nn.Linear(3, 2).forward(tl.ones([4, 3])) // shape [4, 2]
 */
export class Linear extends Module {
  /** The weight [outFeatures, inFeatures], Kaiming-uniform initialised as PyTorch does, as torch.nn.Linear.weight. */
  readonly weight: Parameter;
  /** The bias [outFeatures], or null with `{ bias: false }`, as torch.nn.Linear.bias. */
  readonly bias: Parameter | null;

  constructor(
    /** Size of each input sample, as torch.nn.Linear.in_features. */ readonly inFeatures: number,
    /** Size of each output sample, as torch.nn.Linear.out_features. */ readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    for (const [n, v] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Linear: ${n} must be a non-negative integer, got ${v}.`);
    }
    const dtype = opts.dtype;
    this.weight = this.registerParameter(
      "weight",
      new Parameter(kaimingUniform_(empty([outFeatures, inFeatures], dtype ? { dtype } : {}), Math.sqrt(5))),
    );
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = this.registerParameter(
      "bias",
      opts.bias === false ? null : new Parameter(uniform_(empty([outFeatures], dtype ? { dtype } : {}), -bound, bound)),
    );
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }
}

/** Flattens dims startDim..endDim (default 1..-1, keeping the batch dim), as nn.Flatten. */
export class Flatten extends Module {
  constructor(
    /** First dim to flatten (default 1, keeping the batch dim), as torch.nn.Flatten's start_dim. */ readonly startDim = 1,
    /** Last dim to flatten (default -1), as torch.nn.Flatten's end_dim. */ readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** Splits dim into `sizes` (one may be -1), the inverse of Flatten, as torch.nn.Unflatten. */
export class Unflatten extends Module {
  constructor(
    /** The dim to split, as torch.nn.Unflatten.dim. */ readonly dim: number,
    /** The sizes it becomes, as torch.nn.Unflatten.unflattened_size. */ readonly unflattenedSize: readonly number[],
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return unflatten(x, this.dim, this.unflattenedSize);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(", ")}${this.unflattenedSize.length === 1 ? "," : ""})`;
  }
}

/** Returns its input unchanged, as torch.nn.Identity (constructor arguments are not taken). */
export class Identity extends Module {
  /** Returns x itself. */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Zeroes elements with probability p while training (scaling the rest by 1/(1-p)); identity in eval. */
export class Dropout extends Module {
  constructor(/** Probability of zeroing an element (default 0.5), as torch.nn.Dropout.p. */ readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: probability must be between 0 and 1, got ${p}.`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Zeroes whole channels (dim 1 of [N, C, ...]) with probability p while training, as nn.Dropout2d. */
export class Dropout2d extends Module {
  constructor(/** Probability of zeroing a whole channel (default 0.5), as torch.nn.Dropout2d.p. */ readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout2d: probability must be between 0 and 1, got ${p}.`);
  }
  forward(x: Tensor): Tensor {
    return dropoutNd(x, this.p, this.training);
  }
}

/** max(x, 0), as torch.nn.ReLU (no inplace flag). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return A.relu(x);
  }
}

/** 1 / (1 + e^-x), as torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return A.sigmoid(x);
  }
}

/** Hyperbolic tangent, as torch.nn.Tanh. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return A.tanh(x);
  }
}

/** x * sigmoid(x) (swish), as torch.nn.SiLU. */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return A.silu(x);
  }
}

/** x where positive, negativeSlope * x elsewhere (default 0.01), as torch.nn.LeakyReLU. */
export class LeakyReLU extends Module {
  constructor(/** Slope for negative inputs (default 0.01), as torch.nn.LeakyReLU.negative_slope. */ readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.leakyRelu(x, this.negativeSlope);
  }
}

/** x where positive, alpha * (e^x - 1) elsewhere (default alpha 1), as torch.nn.ELU. */
export class ELU extends Module {
  constructor(/** Scale of the negative side (default 1), as torch.nn.ELU.alpha. */ readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.elu(x, this.alpha);
  }
}

/** Gaussian error linear unit, exact ("none", default) or the "tanh" approximation, as torch.nn.GELU. */
export class GELU extends Module {
  constructor(/** "none" (exact, default) or "tanh", as torch.nn.GELU.approximate. */ readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.gelu(x, this.approximate);
  }
}

/** log(1 + e^(beta x)) / beta, linear above threshold (defaults 1, 20), as torch.nn.Softplus. */
export class Softplus extends Module {
  constructor(
    /** The beta of log(1 + e^(beta x)) / beta (default 1), as torch.nn.Softplus.beta. */ readonly beta = 1,
    /** Above beta * x > threshold the output is x (default 20), as torch.nn.Softplus.threshold. */ readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.softplus(x, this.beta, this.threshold);
  }
}

/** Softmax along dim (required here; PyTorch's dim=None is deprecated), as torch.nn.Softmax. */
export class Softmax extends Module {
  constructor(/** The dim softmax runs along, as torch.nn.Softmax.dim. */ readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** log(softmax) along dim (required), as torch.nn.LogSoftmax. */
export class LogSoftmax extends Module {
  constructor(/** The dim log-softmax runs along, as torch.nn.LogSoftmax.dim. */ readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}

/** Options of nn.PReLU: the initial slope (torch.nn.PReLU's init) and the dtype of the weight. */
export interface PReLUOptions {
  /** Initial slope of every channel (default 0.25), as torch.nn.PReLU's init. */
  init?: number;
  /** The weight's dtype (default the default float dtype), as torch.nn.PReLU's dtype. */
  dtype?: "float32" | "float64";
}

/**
 * x > 0 ? x : a * x with a learnable slope a, one shared (default) or one per channel (dim 1),
 * as torch.nn.PReLU. State: weight [numParameters], initialised to 0.25.
 */
export class PReLU extends Module {
  /** The slopes [numParameters], as torch.nn.PReLU.weight. */
  readonly weight: Parameter;
  constructor(
    /** 1 (one shared slope, default) or the number of channels, as torch.nn.PReLU.num_parameters. */ numParameters = 1,
    opts: PReLUOptions = {},
  ) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) {
      throw new ValueError(`PReLU: numParameters must be a positive integer (1 or the channel count), got ${numParameters}.`);
    }
    const dtype = opts.dtype;
    this.weight = this.registerParameter("weight", new Parameter(full([numParameters], opts.init ?? 0.25, dtype ? { dtype } : {})));
  }
  forward(x: Tensor): Tensor {
    return A.prelu(x, this.weight);
  }
  protected override extraRepr(): string {
    return `num_parameters=${this.weight.shape[0]}`;
  }
}

/** Scaled ELU with PyTorch's fixed alpha and scale, as torch.nn.SELU. */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return A.selu(x);
  }
}

/** x where positive, alpha (e^(x / alpha) - 1) elsewhere (default alpha 1), as torch.nn.CELU. */
export class CELU extends Module {
  constructor(/** Scale of the negative side (default 1), as torch.nn.CELU.alpha. */ readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.celu(x, this.alpha);
  }
}

/** x clamped to [minVal, maxVal] (defaults -1, 1), as torch.nn.Hardtanh. */
export class Hardtanh extends Module {
  constructor(
    /** Lower bound (default -1), as torch.nn.Hardtanh.min_val. */ readonly minVal = -1,
    /** Upper bound (default 1), as torch.nn.Hardtanh.max_val. */ readonly maxVal = 1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.hardtanh(x, this.minVal, this.maxVal);
  }
}

/** min(max(x, 0), 6), as torch.nn.ReLU6. */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return A.relu6(x);
  }
}

/** x * relu6(x + 3) / 6, as torch.nn.Hardswish. */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return A.hardswish(x);
  }
}

/** relu6(x + 3) / 6, as torch.nn.Hardsigmoid. */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return A.hardsigmoid(x);
  }
}

/** x * tanh(softplus(x)), as torch.nn.Mish. */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return A.mish(x);
  }
}

/** x / (1 + |x|), as torch.nn.Softsign. */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return A.softsign(x);
  }
}

/** x - tanh(x), as torch.nn.Tanhshrink. */
export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor {
    return A.tanhshrink(x);
  }
}

/** x where x > threshold, value elsewhere, as torch.nn.Threshold. */
export class Threshold extends Module {
  constructor(
    /** Inputs at or below it are replaced, as torch.nn.Threshold.threshold. */ readonly threshold: number,
    /** The replacement, as torch.nn.Threshold.value. */ readonly value: number,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.threshold(x, this.threshold, this.value);
  }
}

/** log(sigmoid(x)), computed stably, as torch.nn.LogSigmoid. */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return A.logSigmoid(x);
  }
}

/** softmax(-x) along dim (required), as torch.nn.Softmin. */
export class Softmin extends Module {
  constructor(/** The dim softmin runs along, as torch.nn.Softmin.dim. */ readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return A.softmin(x, this.dim);
  }
}

/** A module that has a one-tensor forward, for chaining in Sequential. */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/** Modules applied in order; children are named "0", "1", ... as in PyTorch's state dicts. */
export class Sequential extends Module {
  /** The layers in call order, as the modules of torch.nn.Sequential. */
  readonly layers: TensorModule[];
  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
  /** The number of layers, as len(sequential). */
  get length(): number {
    return this.layers.length;
  }
  /** Layer i (negative counts from the end), as sequential[i]; throws when out of range. */
  at(i: number): TensorModule {
    const m = this.layers.at(i);
    if (!m) throw new ValueError(`Sequential: index ${i} is out of range for ${this.layers.length} layers.`);
    return m;
  }
}

/** A list of submodules registered as "0", "1", ...; it has no forward of its own. */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];
  constructor(modules: readonly M[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }
  /** Add a module at the end and register it (returns this), as torch.nn.ModuleList.append. */
  append(m: M): this {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return this;
  }
  /** The number of modules, as len(module_list). */
  get length(): number {
    return this.items.length;
  }
  /** Module i (negative counts from the end), as module_list[i]; throws when out of range. */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new ValueError(`ModuleList: index ${i} is out of range for ${this.items.length} modules.`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new ValueError("ModuleList: has no forward(); iterate over it and call each module.");
  }
}
