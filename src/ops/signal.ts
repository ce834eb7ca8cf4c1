// Signal processing's convolution and correlation (scipy.signal.convolve / correlate, and
// numpy.convolve), for 1-, 2- and 3-D inputs, built on the deep-learning conv (which is a
// cross-correlation): correlate = conv of the zero-padded signal with the kernel, and
// convolve(a, b) = correlate(a, flip(b)) — the kernel flipped along every axis.

import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { floatResult } from "../tensor/dtype.js";
import { convNd } from "./conv.js";
import { flip, narrow, reshape, to } from "./movement.js";
import { pad } from "./pad.js";

/** Output size of convolve/correlate: "full" (every overlap), "same" (the first input's size) or "valid" (complete overlaps only), as scipy.signal / numpy.convolve's mode. */
export type SignalMode = "full" | "same" | "valid";

function checkSignal(op: string, a: Tensor, b: Tensor, mode: string): void {
  if (a.ndim < 1 || a.ndim > 3 || b.ndim !== a.ndim) {
    throw new ShapeError(`${op}: inputs must both be 1-, 2- or 3-D with the same number of dims, got ${fmt(a.shape)} and ${fmt(b.shape)}.`);
  }
  if (a.numel() === 0 || b.numel() === 0) throw new ShapeError(`${op}: inputs must not be empty, got ${fmt(a.shape)} and ${fmt(b.shape)}.`);
  if (mode !== "full" && mode !== "same" && mode !== "valid")
    throw new ValueError(`${op}: mode must be "full", "same" or "valid", got ${JSON.stringify(mode)}.`);
  // with one input longer in one dim and shorter in another there is no complete overlap
  const aCovers = a.shape.every((n, i) => n >= b.shape[i]!),
    bCovers = b.shape.every((n, i) => n >= a.shape[i]!);
  if (mode === "valid" && !aCovers && !bCovers) {
    throw new ValueError(
      `${op}: "valid" mode needs one input at least as large as the other in every dim, got ${fmt(a.shape)} and ${fmt(b.shape)} (as scipy.signal). Use "full" or "same", or crop one input.`,
    );
  }
}

/** The full correlation of a with b: size n1 + n2 - 1 per axis. */
function fullCorrelation(a: Tensor, b: Tensor): Tensor {
  const nd = a.ndim;
  const dt = floatResult(a.dtype === "float64" || b.dtype === "float64" ? "float64" : a.dtype);
  const x = reshape(to(a, dt), [1, 1, ...a.shape]);
  const w = reshape(to(b, dt), [1, 1, ...b.shape]);
  const padded = pad(
    x,
    b.shape
      .slice()
      .reverse()
      .flatMap((k) => [k - 1, k - 1]),
  );
  return reshape(
    convNd("correlate", nd, padded, w, null, {}),
    a.shape.map((n, i) => n + b.shape[i]! - 1),
  );
}

/** Crop the full result: "same" keeps `sameSize` centred values per axis, "valid" the full overlaps. */
function crop(full: Tensor, a: Tensor, b: Tensor, mode: SignalMode, sameSize: readonly number[]): Tensor {
  if (mode === "full") return full;
  let out = full;
  full.shape.forEach((n, d) => {
    const n1 = a.shape[d]!,
      n2 = b.shape[d]!;
    const size = mode === "same" ? sameSize[d]! : Math.abs(n1 - n2) + 1;
    const start = mode === "same" ? Math.floor((n - size) / 2) : Math.min(n1, n2) - 1;
    out = narrow(out, d, start, size);
  });
  return out;
}

/**
 * Cross-correlation of in1 with in2, as scipy.signal.correlate(in1, in2, mode, method="direct").
 * "same" has in1's size, centred; "valid" keeps |n1 - n2| + 1 per axis.
 * @example tl.signal.correlate(tl.tensor([1, 2, 3]), tl.tensor([0, 1, 0.5])) // => tensor([0.5000, 2.0000, 3.5000, 3.0000, 0.0000])
 */
export function correlate(in1: Tensor, in2: Tensor, mode: SignalMode = "full"): Tensor {
  checkSignal("correlate", in1, in2, mode);
  return crop(fullCorrelation(in1, in2), in1, in2, mode, in1.shape);
}

/**
 * True convolution, as scipy.signal.convolve(in1, in2, mode, method="direct"): the correlation
 * with in2 flipped along every axis. "same" has in1's size.
 * @example tl.signal.convolve(tl.tensor([1, 2, 3]), tl.tensor([0, 1, 0.5])) // => tensor([0.0000, 1.0000, 2.5000, 4.0000, 1.5000])
 */
export function convolve(in1: Tensor, in2: Tensor, mode: SignalMode = "full"): Tensor {
  checkSignal("convolve", in1, in2, mode);
  const flipped = flip(
    in2,
    in2.shape.map((_, i) => i),
  );
  return crop(fullCorrelation(in1, flipped), in1, in2, mode, in1.shape);
}

/** numpy.convolve(a, v, mode) for 1-D inputs: like convolve, but "same" has the longer input's length. */
export function numpyConvolve(a: Tensor, v: Tensor, mode: SignalMode = "full"): Tensor {
  checkSignal("numpyConvolve", a, v, mode);
  if (a.ndim !== 1)
    throw new ShapeError(`numpyConvolve: inputs must be 1-D, got ${fmt(a.shape)} and ${fmt(v.shape)}. Use convolve for N-D.`);
  const flipped = flip(v, [0]);
  return crop(fullCorrelation(a, flipped), a, v, mode, [Math.max(a.shape[0]!, v.shape[0]!)]);
}
