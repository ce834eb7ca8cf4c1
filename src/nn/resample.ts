// Resampling modules as in torch.nn: PixelShuffle / PixelUnshuffle and Upsample. Thin Modules over F.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { pixelShuffle, pixelUnshuffle } from "../ops/shuffle.js";
import { type InterpolateMode, type InterpolateOptions, interpolate } from "../ops/resample.js";
import { Module } from "./module.js";

/** Depth to space, [*, C r^2, H, W] -> [*, C, H r, W r], as torch.nn.PixelShuffle. */
export class PixelShuffle extends Module {
  constructor(/** The factor r, as torch.nn.PixelShuffle.upscale_factor. */ readonly upscaleFactor: number) {
    super();
    if (!Number.isInteger(upscaleFactor) || upscaleFactor <= 0) {
      throw new ValueError(`PixelShuffle: upscaleFactor must be a positive integer, got ${upscaleFactor}.`);
    }
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  protected override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** Space to depth, [*, C, H r, W r] -> [*, C r^2, H, W], as torch.nn.PixelUnshuffle. */
export class PixelUnshuffle extends Module {
  constructor(/** The factor r, as torch.nn.PixelUnshuffle.downscale_factor. */ readonly downscaleFactor: number) {
    super();
    if (!Number.isInteger(downscaleFactor) || downscaleFactor <= 0) {
      throw new ValueError(`PixelUnshuffle: downscaleFactor must be a positive integer, got ${downscaleFactor}.`);
    }
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  protected override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/**
 * Resize the spatial dims, as torch.nn.Upsample: `{ size | scaleFactor, mode ("nearest" default,
 * "linear", "bilinear"), alignCorners, recomputeScaleFactor }`, forwarded to F.interpolate.
 * @example new tl.nn.Upsample({ scaleFactor: 2 }).forward(tl.ones([1, 1, 2, 2])) // shape [1, 1, 4, 4]
 */
export class Upsample extends Module {
  /** The interpolation mode, as torch.nn.Upsample.mode. */
  readonly mode: InterpolateMode;
  constructor(
    /** The output size or scale factor and the mode, torch.nn.Upsample's arguments in camelCase. */ readonly opts: InterpolateOptions,
  ) {
    super();
    this.mode = opts.mode ?? "nearest";
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }
  protected override extraRepr(): string {
    const o = this.opts;
    const show = (v: number | readonly number[]) => (typeof v === "number" ? String(v) : `(${v.join(", ")})`);
    return o.size !== undefined
      ? `size=${show(o.size)}, mode='${this.mode}'`
      : `scale_factor=${show(o.scaleFactor ?? [])}, mode='${this.mode}'`;
  }
}
