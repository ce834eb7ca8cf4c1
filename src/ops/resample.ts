// Resizing: interpolate ("nearest", "linear", "bilinear") as torch.nn.functional.interpolate in
// PyTorch 1.13. Separable: one indexSelect per spatial dim (nearest), or two indexSelects and a
// weighted sum (linear), so the gradient is the index-add of those ops. Source positions follow
// ATen's UpSample.h, in float32 arithmetic where ATen computes in float (float32 inputs), so the
// chosen taps match PyTorch's at the edge cases.

import { tensor } from "../tensor/create.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, mul } from "./binary.js";
import { indexSelect } from "./indexing.js";
import { clone } from "./movement.js";
import { requireFloat } from "./op.js";

/** The resizing method of interpolate / nn.Upsample. */
export type InterpolateMode = "nearest" | "linear" | "bilinear";

/** Options of F.interpolate and nn.Upsample, torch.nn.functional.interpolate's keywords in camelCase. */
export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim or one per dim (give this or scaleFactor), as `size`. */
  size?: number | readonly number[];
  /** Multiplier of each spatial size, output = floor(input * scaleFactor) (give this or size), as `scale_factor`. */
  scaleFactor?: number | readonly number[];
  /** "nearest" (default; 3-, 4- or 5-D), "linear" (3-D) or "bilinear" (4-D), as `mode`. */
  mode?: InterpolateMode;
  /** Linear modes only: align the corner pixels' centres (default false), as `align_corners`. */
  alignCorners?: boolean;
  /** With scaleFactor: resample with input / output size instead of 1 / scaleFactor, as `recompute_scale_factor`. */
  recomputeScaleFactor?: boolean;
}

const MODE_RANK: Record<InterpolateMode, readonly number[]> = { nearest: [3, 4, 5], linear: [3], bilinear: [4] };

/** The output spatial sizes and the scales handed to the kernel (null: input / output). */
function outputSizes(op: string, x: Tensor, o: InterpolateOptions): { sizes: number[]; scales: (number | null)[] } {
  const k = x.ndim - 2;
  const spatial = x.shape.slice(2);
  if ((o.size === undefined || o.size === null) === (o.scaleFactor === undefined || o.scaleFactor === null)) {
    throw new ValueError(
      `${op}: give exactly one of size or scaleFactor, got ${o.size === undefined || o.size === null ? "neither" : "both"}; e.g. { size: [${spatial.map((s) => s * 2).join(", ")}] } or { scaleFactor: 2 }.`,
    );
  }
  const perDim = (name: string, v: number | readonly number[]): number[] => {
    const list = typeof v === "number" ? Array<number>(k).fill(v) : [...v];
    if (list.length !== k) {
      throw new ShapeError(
        `${op}: ${name} ${fmt(list)} has ${list.length} entries but input ${fmt(x.shape)} has ${k} spatial dim${k === 1 ? "" : "s"} ([N, C, d1, ..., dk]); give one per spatial dim or a single number.`,
      );
    }
    return list;
  };
  let sizes: number[];
  let scales: (number | null)[];
  if (o.size !== undefined && o.size !== null) {
    if (o.recomputeScaleFactor) {
      throw new ValueError(`${op}: recomputeScaleFactor is not meaningful with an explicit size; drop it or give scaleFactor instead.`);
    }
    sizes = perDim("size", o.size);
    for (const s of sizes) {
      if (!Number.isInteger(s)) throw new ValueError(`${op}: size entries must be integers, got ${fmt(sizes)}.`);
    }
    scales = sizes.map(() => null);
  } else {
    const sf = perDim("scaleFactor", o.scaleFactor!);
    for (const s of sf) {
      if (!Number.isFinite(s)) throw new ValueError(`${op}: scaleFactor must be finite, got ${fmt(sf)}.`);
    }
    sizes = sf.map((s, i) => Math.floor(spatial[i]! * s));
    scales = o.recomputeScaleFactor ? sizes.map(() => null) : sf;
  }
  if (sizes.some((s) => s <= 0) || spatial.some((s) => s <= 0)) {
    throw new ShapeError(
      `${op}: input and output spatial sizes must be greater than 0, got input ${fmt(spatial)} and output ${fmt(sizes)}; use a larger size or scaleFactor.`,
    );
  }
  return { sizes, scales };
}

const f32 = Math.fround;

/** ATen's compute_scales_value: 1 / scale when one was given (and positive), else input / output. */
function scaleValue(scale: number | null, inSize: number, outSize: number, round: (v: number) => number): number {
  return scale !== null && scale > 0 ? round(1 / scale) : round(round(inSize) / outSize);
}

/**
 * The nearest forward of ATen 1.13's CPU kernel: floor(dst * scale) in the input's compute type
 * (float for float32), no shortcut at equal or doubled sizes. (Its backward keeps the older
 * nearest_idx shortcuts, so PyTorch's gradient can disagree with its own forward; ours follows
 * the forward.)
 */
function nearestIndex(inSize: number, outSize: number, scale: number | null, round: (v: number) => number): Int32Array {
  const idx = new Int32Array(outSize);
  const s = scaleValue(scale, inSize, outSize, round);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(Math.floor(round(s * o)), inSize - 1);
  return idx;
}

/** Two taps and their weights per output position (area_pixel_compute_source_index, linear). */
function linearTaps(inSize: number, outSize: number, scale: number | null, alignCorners: boolean, round: (v: number) => number) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l0 = new Float64Array(outSize);
  const l1 = new Float64Array(outSize);
  const s = alignCorners ? (outSize > 1 ? round(round(inSize - 1) / (outSize - 1)) : 0) : scaleValue(scale, inSize, outSize, round);
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? round(s * o) : Math.max(round(round(s * round(o + 0.5)) - 0.5), 0);
    const a = Math.trunc(src);
    i0[o] = a;
    i1[o] = a + (a < inSize - 1 ? 1 : 0);
    l1[o] = round(src - a);
    l0[o] = round(1 - l1[o]!);
  }
  return { i0, i1, l0, l1 };
}

/**
 * Resize the spatial dims of [N, C, ...], as torch.nn.functional.interpolate (PyTorch 1.13):
 * mode "nearest" (3-, 4- or 5-D; PyTorch's floor(dst * scale) rule, not "nearest-exact"),
 * "linear" (3-D) or "bilinear" (4-D) with alignCorners (default false); `size` or `scaleFactor`
 * (then output = floor(input * scaleFactor), and the sampling uses 1 / scaleFactor unless
 * recomputeScaleFactor). Differentiable in the input.
 * @example tl.F.interpolate(tl.ones([1, 3, 4, 4]), { scaleFactor: 2, mode: "bilinear" }) // shape [1, 3, 8, 8]
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const op = "interpolate";
  const mode = opts.mode ?? "nearest";
  const ranks = MODE_RANK[mode];
  if (ranks === undefined) {
    throw new ValueError(`${op}: mode must be "nearest", "linear" or "bilinear", got ${JSON.stringify(mode)}.`);
  }
  if (!ranks.includes(x.ndim)) {
    throw new ShapeError(
      `${op}: mode "${mode}" takes ${ranks.map((r) => `${r}-D`).join(", ")} input [N, C, ...], got ${fmt(x.shape)} (${x.ndim}-D); ${x.ndim === 4 ? 'use mode "bilinear"' : x.ndim === 3 ? 'use mode "linear"' : "add a batch dim, e.g. x.unsqueeze(0)"} or reshape.`,
    );
  }
  if (mode === "nearest" && opts.alignCorners !== undefined && opts.alignCorners !== null) {
    throw new ValueError(
      `${op}: alignCorners applies only to the interpolating modes "linear" and "bilinear", got it with mode "nearest"; leave it out.`,
    );
  }
  requireFloat(op, x);
  const { sizes, scales } = outputSizes(op, x, opts);
  const align = opts.alignCorners ?? false;
  const round = x.dtype === "float32" ? f32 : (v: number) => v;
  let y = x;
  // innermost dim first: PyTorch's bilinear sums along W inside the H weights
  for (let i = sizes.length - 1; i >= 0; i--) {
    const d = i + 2;
    const inSize = x.shape[d]!;
    const outSize = sizes[i]!;
    if (mode === "nearest") {
      y = indexSelect(y, d, tensor(nearestIndex(inSize, outSize, scales[i]!, round), { dtype: "int32" }));
      continue;
    }
    // PyTorch copies a dim whose size does not change, whatever the scale factor
    if (outSize === inSize) continue;
    const { i0, i1, l0, l1 } = linearTaps(inSize, outSize, scales[i]!, align, round);
    const bshape = [outSize, ...Array<number>(x.ndim - 1 - d).fill(1)];
    const w0 = tensor(l0, { dtype: x.dtype }).reshape(bshape);
    const w1 = tensor(l1, { dtype: x.dtype }).reshape(bshape);
    const a = indexSelect(y, d, tensor(i0, { dtype: "int32" }));
    const b = indexSelect(y, d, tensor(i1, { dtype: "int32" }));
    y = add(mul(a, w0), mul(b, w1));
  }
  // a new tensor even when no size changed, as PyTorch (writes to it must not reach x)
  return y === x ? clone(x) : y;
}
