// Normalisation modules, as torch.nn.BatchNorm1d/2d/3d and LayerNorm. BatchNorm keeps
// running_mean, running_var and num_batches_tracked as buffers (PyTorch's state-dict keys).

import type { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { ones, zeros } from "../tensor/create.js";
import { batchNorm, layerNorm } from "../ops/norm.js";
import { Module, Parameter } from "./module.js";

/** Options of BatchNorm1d/2d/3d: eps, momentum (default 0.1; null for a cumulative average), affine, trackRunningStats, dtype; torch.nn.BatchNorm2d's keyword arguments as an object. */
export interface BatchNormModuleOptions {
  eps?: number;
  /** Weight of each new batch in the running averages; null for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: "float32" | "float64";
}

/** Batch normalisation over the channel dim; BatchNorm1d/2d/3d check the input rank. */
export class BatchNormNd extends Module {
  /** The per-channel scale (gamma) [C], ones at start; null with `{ affine: false }`, as torch.nn.BatchNorm2d.weight. */
  readonly weight: Parameter | null;
  /** The per-channel shift (beta) [C], zeros at start; null with `{ affine: false }`. */
  readonly bias: Parameter | null;
  /** The running mean [C] used in eval (a buffer, "running_mean" in the state dict); null with `{ trackRunningStats: false }`. */
  readonly runningMean: Tensor | null;
  /** The running (unbiased) variance [C] used in eval (buffer "running_var"); null with `{ trackRunningStats: false }`. */
  readonly runningVar: Tensor | null;
  /** Batches seen while training (int32 0-d buffer "num_batches_tracked"; PyTorch: int64, written as I64 with `{ int64: true }`). */
  readonly numBatchesTracked: Tensor | null;
  /** Added to the variance for stability (default 1e-5), as torch.nn.BatchNorm2d.eps. */
  readonly eps: number;
  /** Weight of each new batch in the running statistics (default 0.1; null: cumulative average), as torch.nn.BatchNorm2d.momentum. */
  readonly momentum: number | null;

  constructor(
    /** The input ranks this layer accepts (BatchNorm1d: 2 or 3; 2d: 4; 3d: 5). */ readonly ranks: readonly number[],
    /** The number of channels C, as torch.nn.BatchNorm2d.num_features. */ readonly numFeatures: number,
    opts: BatchNormModuleOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0)
      throw new ValueError(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}.`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const dt = opts.dtype ? { dtype: opts.dtype } : {};
    const affine = opts.affine ?? true;
    this.weight = this.registerParameter("weight", affine ? new Parameter(ones([numFeatures], dt)) : null);
    this.bias = this.registerParameter("bias", affine ? new Parameter(zeros([numFeatures], dt)) : null);
    const track = opts.trackRunningStats ?? true;
    this.runningMean = this.registerBuffer("running_mean", track ? zeros([numFeatures], dt) : null);
    this.runningVar = this.registerBuffer("running_var", track ? ones([numFeatures], dt) : null);
    this.numBatchesTracked = this.registerBuffer("num_batches_tracked", track ? zeros([], { dtype: "int32" }) : null);
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      throw new ShapeError(`${this.constructor.name}: expected a ${this.ranks.join("-D or ")}-D input, got ${fmt(x.shape)}.`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}: input ${fmt(x.shape)} has ${x.shape[1]} channels (dim 1) but the layer was built for ${this.numFeatures}.`,
      );
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      this.numBatchesTracked.storage[0]! += 1;
      this.numBatchesTracked.version.v++;
      // momentum null: a cumulative moving average, weight 1 / batches seen
      if (this.momentum === null) momentum = 1 / this.numBatchesTracked.storage[0]!;
    }
    // with running stats, eval uses them; without, every call normalises by the batch
    const useBatch = this.training || !this.runningMean;
    return batchNorm(x, useBatch && !this.training ? null : this.runningMean, useBatch && !this.training ? null : this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum,
      eps: this.eps,
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight ? "True" : "False"}, track_running_stats=${this.runningMean ? "True" : "False"}`;
  }
}

/** **Shape**: [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super([2, 3], numFeatures, opts);
  }
}
/**
 * **Shape**: [N, C, H, W].
 * @example new tl.nn.BatchNorm2d(3).forward(tl.randn([4, 3, 5, 5])) // shape [4, 3, 5, 5]
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super([4], numFeatures, opts);
  }
}
/** **Shape**: [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super([5], numFeatures, opts);
  }
}

/** Options of LayerNorm: eps (default 1e-5), elementwiseAffine, dtype; torch.nn.LayerNorm's keyword arguments as an object. */
export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: "float32" | "float64";
}

/** Layer normalisation over the trailing normalizedShape dims, with weight (ones) and bias (zeros). */
export class LayerNorm extends Module {
  /** The trailing dims normalised over, as torch.nn.LayerNorm.normalized_shape. */
  readonly normalizedShape: number[];
  /** Elementwise scale over normalizedShape (ones at start); null with `{ elementwiseAffine: false }`. */
  readonly weight: Parameter | null;
  /** Elementwise shift over normalizedShape (zeros at start); null with `{ elementwiseAffine: false }`. */
  readonly bias: Parameter | null;
  /** Added to the variance for stability (default 1e-5), as torch.nn.LayerNorm.eps. */
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const dt = opts.dtype ? { dtype: opts.dtype } : {};
    const affine = opts.elementwiseAffine ?? true;
    this.weight = this.registerParameter("weight", affine ? new Parameter(ones(this.normalizedShape, dt)) : null);
    this.bias = this.registerParameter("bias", affine ? new Parameter(zeros(this.normalizedShape, dt)) : null);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}
