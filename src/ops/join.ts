// Joining and splitting along a dim: cat, stack, split, chunk, unbind. cat copies each piece
// into its block of the output; its gradient is the matching slices.

import { asOp } from "../tensor/opContext.js";
import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { promoteTypes } from "../tensor/dtype.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, normDim, stridesOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { castRaw, empty } from "./op.js";
import { markMultiOutputViews, narrow, select, unsqueeze } from "./movement.js";

/**
 * Concatenate along an existing dim, as torch.cat; dtypes promote.
 * @example tl.cat([tl.ones([1, 2]), tl.zeros([2, 2])]) // shape [3, 2]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return asOp("cat", () => {
    if (!Array.isArray(tensors as unknown) || tensors.length === 0)
      throw new ValueError(`cat: expected a non-empty array of tensors, got ${tensors.length === 0 ? "[]" : typeof tensors}.`);
    // PyTorch lets 1-D empty tensors join anything; skip them
    const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
    if (parts.length === 0) return tensors[0]!;
    const ref = parts[0]!;
    if (ref.ndim === 0) throw new ShapeError(`cat: zero-dimensional tensors cannot be concatenated. Use stack, or unsqueeze them first.`);
    const d = normDim("cat", dim, ref.ndim);
    let total = 0;
    parts.forEach((t, k) => {
      if (t.ndim !== ref.ndim || t.shape.some((s, i) => i !== d && s !== ref.shape[i])) {
        throw new ShapeError(
          `cat: tensor ${k} has shape ${fmt(t.shape)} but tensor 0 has ${fmt(ref.shape)}; all sizes except dim ${d} must match.`,
        );
      }
      total += t.shape[d]!;
    });
    const dtype = parts.map((t) => t.dtype).reduce(promoteTypes);
    const shape = ref.shape.map((s, i) => (i === d ? total : s));
    const out = empty(dtype, shape);
    const dst = stridesOf(shape);
    let at = 0;
    for (const t of parts) {
      const src = castRaw(t, dtype);
      kernels().copyStrided(src.operand, out.operand, {
        shape: t.shape,
        srcOffset: 0,
        srcStrides: stridesOf(t.shape),
        dstOffset: at * dst[d]!,
        dstStrides: dst,
      });
      at += t.shape[d]!;
    }
    const starts: number[] = [];
    parts.reduce((s, t) => (starts.push(s), s + t.shape[d]!), 0);
    return record("CatBackward0", out, parts, (g) => parts.map((t, k) => () => narrow(g, d, starts[k]!, t.shape[d]!)), []);
  });
}

/** Join along a new dim, as torch.stack; all shapes must be equal. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return asOp("stack", () => {
    if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new ValueError(`stack: expected a non-empty array of tensors.`);
    const ref = tensors[0]!;
    tensors.forEach((t, k) => {
      if (t.ndim !== ref.ndim || t.shape.some((s, i) => s !== ref.shape[i])) {
        throw new ShapeError(
          `stack: expects each tensor to be equal size, but tensor 0 has ${fmt(ref.shape)} and tensor ${k} has ${fmt(t.shape)}.`,
        );
      }
    });
    const d = normDim("stack", dim, ref.ndim + 1);
    return cat(
      tensors.map((t) => unsqueeze(t, d)),
      d,
    );
  });
}

/**
 * Split along dim into pieces of `size` (the last may be smaller) or of the listed sizes, as
 * torch.split.
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim("split", dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0)
      throw new ValueError(`split: split size must be a positive integer, got ${sizeOrSections}.`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes = [0];
  } else {
    sizes = sizeOrSections.slice();
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ValueError(`split: sections must be non-negative integers, got [${sizes.join(", ")}]. Pass whole sizes that sum to ${n}.`);
    }
    if (total !== n) {
      throw new ShapeError(
        `split: sections [${sizes.join(", ")}] sum to ${total} but dim ${d} has size ${n}; they must be non-negative and sum to ${n}.`,
      );
    }
  }
  let at = 0;
  // several views from one op: PyTorch refuses an in-place write to one while recording
  return markMultiOutputViews(
    sizes.map((s) => narrow(x, d, (at += s) - s, s)),
    "SplitBackward0",
  );
}

/** `chunks` pieces of ceil(n / chunks) along dim (fewer if n is small), as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}.`);
  const d = normDim("chunk", dim, x.ndim);
  // an empty dim gives `chunks` empty pieces, as torch.chunk (split would give one)
  if (x.shape[d] === 0)
    return markMultiOutputViews(
      Array.from({ length: chunks }, () => narrow(x, d, 0, 0)),
      "SplitBackward0",
    );
  const size = Math.max(1, Math.ceil(x.shape[d]! / chunks));
  return split(x, size, d);
}

/** The slices along dim, as torch.unbind. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) {
    throw new ShapeError(
      `unbind: got a 0-d tensor, which has no dim ${dim} to unbind along. Unbind a tensor with at least one dim, or use item().`,
    );
  }
  const d = normDim("unbind", dim, x.ndim);
  return markMultiOutputViews(
    Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i)),
    "UnbindBackward0",
  );
}
