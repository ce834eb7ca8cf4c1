// Resampling modules as in torch.nn: PixelShuffle / PixelUnshuffle. Thin Modules over F.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { pixelShuffle, pixelUnshuffle } from "../ops/shuffle.js";
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
