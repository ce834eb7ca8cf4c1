// Pooling modules, as torch.nn.MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool1d/2d/3d and
// AdaptiveMaxPool1d/2d/3d. They hold their options and call the N-d ops.

import type { Tensor } from "../tensor/tensor.js";
import { type AvgPoolOptions, type MaxPoolOptions, adaptiveAvgPoolNd, adaptiveMaxPoolNd, avgPoolNd, maxPoolNd } from "../ops/pool.js";
import type { IntOrTuple } from "../ops/conv.js";
import { type MaxUnpoolOptions, maxUnpoolNd } from "../ops/unpool.js";
import { Module } from "./module.js";

type OutSize = number | readonly (number | null)[];

/** Max pooling; forward returns the pooled tensor (use F.maxPool2d with returnIndices for indices). */
export class MaxPoolNd extends Module {
  readonly opts: MaxPoolOptions;
  constructor(
    readonly nd: number,
    kernelSize: IntOrTuple,
    opts: Omit<MaxPoolOptions, "kernelSize"> = {},
  ) {
    super();
    this.opts = { ...opts, kernelSize };
  }
  forward(x: Tensor): Tensor {
    return maxPoolNd(`maxPool${this.nd}d`, this.nd, x, this.opts) as Tensor;
  }
  protected override extraRepr(): string {
    return `kernel_size=${JSON.stringify(this.opts.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.opts.kernelSize)}`;
  }
}

/** 1-D max pooling over [N, C, L] (or [C, L]), as torch.nn.MaxPool1d; `new MaxPool1d(kernelSize, { stride, padding, dilation, ceilMode })` (no return_indices: use F.maxPool1d). */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxPoolOptions, "kernelSize"> = {}) {
    super(1, kernelSize, opts);
  }
}
/**
 * 2-D max pooling over [N, C, H, W] (or [C, H, W]), as torch.nn.MaxPool2d; `new MaxPool2d(kernelSize, { stride, padding, dilation, ceilMode })` (no return_indices: use F.maxPool2d).
 * @example new tl.nn.MaxPool2d(2).forward(tl.ones([1, 3, 8, 8])) // shape [1, 3, 4, 4]
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxPoolOptions, "kernelSize"> = {}) {
    super(2, kernelSize, opts);
  }
}
/** 3-D max pooling over [N, C, D, H, W], as torch.nn.MaxPool3d; `new MaxPool3d(kernelSize, { stride, padding, dilation, ceilMode })`. */
export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxPoolOptions, "kernelSize"> = {}) {
    super(3, kernelSize, opts);
  }
}

export class AvgPoolNd extends Module {
  readonly opts: AvgPoolOptions;
  constructor(
    readonly nd: number,
    kernelSize: IntOrTuple,
    opts: Omit<AvgPoolOptions, "kernelSize"> = {},
  ) {
    super();
    this.opts = { ...opts, kernelSize };
  }
  forward(x: Tensor): Tensor {
    return avgPoolNd(`avgPool${this.nd}d`, this.nd, x, this.opts);
  }
}

/** 1-D average pooling over [N, C, L], as torch.nn.AvgPool1d; `new AvgPool1d(kernelSize, { stride, padding, ceilMode, countIncludePad })`. */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<AvgPoolOptions, "kernelSize"> = {}) {
    super(1, kernelSize, opts);
  }
}
/** 2-D average pooling over [N, C, H, W], as torch.nn.AvgPool2d; `new AvgPool2d(kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride })`. */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<AvgPoolOptions, "kernelSize"> = {}) {
    super(2, kernelSize, opts);
  }
}
/** 3-D average pooling over [N, C, D, H, W], as torch.nn.AvgPool3d; options as AvgPool2d. */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<AvgPoolOptions, "kernelSize"> = {}) {
    super(3, kernelSize, opts);
  }
}

export class AdaptiveAvgPoolNd extends Module {
  constructor(
    readonly nd: number,
    readonly outputSize: OutSize,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPoolNd(`adaptiveAvgPool${this.nd}d`, this.nd, x, this.outputSize);
  }
}
/** Average pooling to a fixed output length, as torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: OutSize) {
    super(1, outputSize);
  }
}
/** Average pooling to a fixed [H, W] (a number for both, null keeps a size), as torch.nn.AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: OutSize) {
    super(2, outputSize);
  }
}
/** Average pooling to a fixed [D, H, W], as torch.nn.AdaptiveAvgPool3d. */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: OutSize) {
    super(3, outputSize);
  }
}

export class AdaptiveMaxPoolNd extends Module {
  constructor(
    readonly nd: number,
    readonly outputSize: OutSize,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPoolNd(`adaptiveMaxPool${this.nd}d`, this.nd, x, this.outputSize) as Tensor;
  }
}
/** Max pooling to a fixed output length, as torch.nn.AdaptiveMaxPool1d (no return_indices: use F.adaptiveMaxPool1d). */
export class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {
  constructor(outputSize: OutSize) {
    super(1, outputSize);
  }
}
/** Max pooling to a fixed [H, W], as torch.nn.AdaptiveMaxPool2d (no return_indices: use F.adaptiveMaxPool2d). */
export class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {
  constructor(outputSize: OutSize) {
    super(2, outputSize);
  }
}
/** Max pooling to a fixed [D, H, W], as torch.nn.AdaptiveMaxPool3d. */
export class AdaptiveMaxPool3d extends AdaptiveMaxPoolNd {
  constructor(outputSize: OutSize) {
    super(3, outputSize);
  }
}

/** Max unpooling over the last nd dims; forward(x, indices, outputSize?) takes maxPool's output and indices. */
export class MaxUnpoolNd extends Module {
  /** The pooling's kernelSize, stride and padding. */
  readonly opts: Omit<MaxUnpoolOptions, "outputSize">;
  constructor(
    /** The number of spatial dims (1, 2 or 3). */ readonly nd: number,
    kernelSize: IntOrTuple,
    opts: Omit<MaxUnpoolOptions, "kernelSize" | "outputSize"> = {},
  ) {
    super();
    this.opts = { ...opts, kernelSize };
  }
  /** Unpool x to the positions `indices` name (from maxPool with returnIndices); outputSize picks among the sizes that pool to x's. */
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpoolNd(`maxUnpool${this.nd}d`, this.nd, x, indices, { ...this.opts, outputSize: outputSize ?? null });
  }
  protected override extraRepr(): string {
    return `kernel_size=${JSON.stringify(this.opts.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.opts.kernelSize)}, padding=${JSON.stringify(this.opts.padding ?? 0)}`;
  }
}

/** Partial inverse of MaxPool1d, as torch.nn.MaxUnpool1d; `new MaxUnpool1d(kernelSize, { stride, padding })`, forward(x, indices, outputSize?). */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxUnpoolOptions, "kernelSize" | "outputSize"> = {}) {
    super(1, kernelSize, opts);
  }
}
/**
 * Partial inverse of MaxPool2d, as torch.nn.MaxUnpool2d; `new MaxUnpool2d(kernelSize, { stride, padding })`, forward(x, indices, outputSize?) with the indices of F.maxPool2d(..., { returnIndices: true }).
 * @example new tl.nn.MaxUnpool2d(2).forward(...F.maxPool2d(tl.randn([1, 1, 4, 4]), { kernelSize: 2, returnIndices: true })) // shape [1, 1, 4, 4]
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxUnpoolOptions, "kernelSize" | "outputSize"> = {}) {
    super(2, kernelSize, opts);
  }
}
/** Partial inverse of MaxPool3d, as torch.nn.MaxUnpool3d; `new MaxUnpool3d(kernelSize, { stride, padding })`, forward(x, indices, outputSize?). */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, opts: Omit<MaxUnpoolOptions, "kernelSize" | "outputSize"> = {}) {
    super(3, kernelSize, opts);
  }
}
