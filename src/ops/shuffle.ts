// Rearranging ops without arithmetic: pixelShuffle / pixelUnshuffle (sub-pixel convolution's
// depth-to-space and back) and unflatten. Each is a reshape-permute-reshape composite, so its
// gradient is the inverse rearrangement recorded by those ops.

import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, normDim } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { permute, reshape } from "./movement.js";

function checkFactor(op: string, name: string, r: number): void {
  if (!Number.isInteger(r) || r <= 0) {
    throw new ValueError(
      `${op}: expects a positive integer ${name}, got ${r}; pass e.g. 2 to ${op === "pixelShuffle" ? "double" : "halve"} H and W.`,
    );
  }
}

function checkRank(op: string, x: Tensor): void {
  if (x.ndim < 3) {
    throw new ShapeError(
      `${op}: expects input [*, C, H, W] with at least 3 dims, got ${fmt(x.shape)} (${x.ndim}-D); add a channel dim first, e.g. x.unsqueeze(0).`,
    );
  }
}

/**
 * Depth to space: [*, C r^2, H, W] -> [*, C, H r, W r], as torch.nn.functional.pixel_shuffle.
 * Output (c, h r + i, w r + j) is input (c r^2 + i r + j, h, w).
 * @example tl.F.pixelShuffle(tl.ones([1, 8, 3, 3]), 2) // shape [1, 2, 6, 6]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkFactor("pixelShuffle", "upscaleFactor", upscaleFactor);
  checkRank("pixelShuffle", x);
  const r = upscaleFactor;
  const n = x.ndim;
  const lead = x.shape.slice(0, n - 3);
  const [c, h, w] = x.shape.slice(n - 3) as [number, number, number];
  if (c % (r * r) !== 0) {
    throw new ShapeError(
      `pixelShuffle: the channel dim (-3) must be divisible by upscaleFactor^2 = ${r * r}, got ${c} channels in ${fmt(x.shape)}; use ${Math.ceil(c / (r * r)) * r * r} channels or another factor.`,
    );
  }
  const oc = c / (r * r);
  const k = lead.length;
  const split = reshape(x, [...lead, oc, r, r, h, w]);
  // [*, oc, r_i, r_j, h, w] -> [*, oc, h, r_i, w, r_j]
  const lp = lead.map((_, i) => i);
  const moved = permute(split, [...lp, k, k + 3, k + 1, k + 4, k + 2]);
  return reshape(moved, [...lead, oc, h * r, w * r]);
}

/**
 * Space to depth: [*, C, H r, W r] -> [*, C r^2, H, W], the inverse of pixelShuffle, as
 * torch.nn.functional.pixel_unshuffle.
 * @example tl.F.pixelUnshuffle(tl.ones([1, 2, 6, 6]), 2) // shape [1, 8, 3, 3]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkFactor("pixelUnshuffle", "downscaleFactor", downscaleFactor);
  checkRank("pixelUnshuffle", x);
  const r = downscaleFactor;
  const n = x.ndim;
  const lead = x.shape.slice(0, n - 3);
  const [c, h, w] = x.shape.slice(n - 3) as [number, number, number];
  for (const [name, d, size] of [
    ["height", -2, h],
    ["width", -1, w],
  ] as const) {
    if (size % r !== 0) {
      throw new ShapeError(
        `pixelUnshuffle: the ${name} (dim ${d}) must be divisible by downscaleFactor ${r}, got ${size} in ${fmt(x.shape)}; crop or pad it to a multiple of ${r}.`,
      );
    }
  }
  const oh = h / r,
    ow = w / r;
  const k = lead.length;
  const split = reshape(x, [...lead, c, oh, r, ow, r]);
  // [*, c, oh, r_i, ow, r_j] -> [*, c, r_i, r_j, oh, ow]
  const lp = lead.map((_, i) => i);
  const moved = permute(split, [...lp, k, k + 2, k + 4, k + 1, k + 3]);
  return reshape(moved, [...lead, c * r * r, oh, ow]);
}

/**
 * Split dim into `sizes` (one entry may be -1, inferred), as torch.Tensor.unflatten.
 * @example tl.ones([2, 12]).unflatten(1, [3, -1]) // shape [2, 3, 4]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (x.ndim === 0) throw new ShapeError("unflatten: a 0-d tensor has no dim to split; reshape it instead, e.g. x.reshape([1, 1]).");
  const d = normDim("unflatten", dim, x.ndim);
  if (sizes.length === 0) throw new ValueError(`unflatten: sizes must be non-empty, got []; pass e.g. [${x.shape[d]}].`);
  const size = x.shape[d]!;
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1 || sizes.some((s) => !Number.isInteger(s) || s < -1)) {
    throw new ValueError(`unflatten: sizes ${fmt(sizes)} may hold non-negative integers and at most one -1 (inferred), got ${fmt(sizes)}.`);
  }
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  let full = [...sizes];
  if (inferred === 1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `unflatten: sizes ${fmt(sizes)} cannot split dim ${dim} of size ${size} in ${fmt(x.shape)}: the -1 ${known === 0 ? "is ambiguous beside a 0" : `would be ${size} / ${known}, not an integer`}; give sizes whose product is ${size}.`,
      );
    }
    full = sizes.map((s) => (s === -1 ? size / known : s));
  } else if (known !== size) {
    throw new ShapeError(
      `unflatten: sizes ${fmt(sizes)} multiply to ${known}, not the size ${size} of dim ${dim} in ${fmt(x.shape)}; their product must equal it (or use one -1).`,
    );
  }
  return reshape(x, [...x.shape.slice(0, d), ...full, ...x.shape.slice(d + 1)]);
}
