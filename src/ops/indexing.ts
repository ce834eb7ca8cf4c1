// Index-driven ops: indexSelect/indexAdd (whole slices by a 1-D index) and gather/scatterAdd
// (element-wise along one dim), each the other's gradient. Indices are int32 and range-checked
// here, before any kernel runs: positions in [0, size), as PyTorch (these ops do not count
// negative positions from the end, unlike Python indexing).

import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { type DType, promoteTypes } from "../tensor/dtype.js";
import { IndexError, ShapeError } from "../tensor/errors.js";
import { fmt, normDim, numelOf, outerSizeInner } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Operand } from "../backends/backend.js";
import { castRaw, copyOf, empty, unfilled, mapUnary, requireIndex } from "./op.js";
import { narrow, reshape } from "./movement.js";

/** The error of an index v at position i outside [0, size). */
function indexRangeError(op: string, v: number, i: number, size: number, dim: number): IndexError {
  const hint = v < 0 && v >= -size ? ` Negative positions do not count from the end here (as PyTorch); add ${size} to them first.` : "";
  return new IndexError(
    `${op}: index ${v} (at position ${i}) is out of range for dim ${dim} of size ${size}; indices must be in [0, ${size - 1}].${hint}`,
  );
}

/**
 * Every value of an int32 tensor in [0, size) or equal to `skip`, else `error(value, position)`.
 * Host values are checked here and the error thrown at once. Values on the GPU stay there
 * (reading them back would stall): a kernel checks them and the next read throws the error
 * (Backend.checkIndices), as a CUDA device-side assert surfaces at the next synchronization.
 */
export function checkIndexValues(index: Tensor, size: number, skip: number | null, error: (v: number, i: number) => Error): void {
  const device = index.deviceStorage;
  if (device?.hostAddressable === false) {
    kernels().checkIndices?.(device, size, skip, error);
    return;
  }
  const idx = index.storage as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v !== skip && (v < 0 || v >= size)) throw error(v, i);
  }
}

/** The index operand for a kernel, every position checked to lie in [0, size). */
function checkedIndex(op: string, index: Tensor, size: number, dim: number): Operand {
  if (index.dtype !== "int32") requireIndex(op, "index", index); // throws, naming the dtype
  checkIndexValues(index, size, null, (v, i) => indexRangeError(op, v, i, size, dim));
  return index.operand;
}

/** x's values as dt in storage of their own for an in-place add: on the device when the index is there. */
function addTarget(x: Tensor, dt: DType, idx: Operand): Tensor {
  if (x.dtype !== dt) return castRaw(x, dt);
  return ArrayBuffer.isView(idx) ? copyOf(x) : mapUnary("copy", x, dt);
}

/** Slices of x at the positions in a 1-D int32 index along dim, as torch.index_select. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim("indexSelect", dim, x.ndim);
  if (index.ndim > 1)
    throw new ShapeError(
      `indexSelect: index must be 1-D, got shape ${fmt(index.shape)}. Flatten it, or use gather for element-wise picks.`,
    );
  if (x.ndim === 0 && index.numel() !== 1) {
    // PyTorch 1.13 returns a 0-d tensor here whatever the index's length (uninitialised memory
    // for an empty one), and its backward raises: no shape for this is PyTorch's
    throw new ShapeError(
      `indexSelect: a 0-d input takes an index of one element (its output is 0-d, as PyTorch), got ${index.numel()} elements. Reshape the input to [1] first to pick it several times.`,
    );
  }
  const idx = checkedIndex("indexSelect", index, x.ndim === 0 ? 1 : x.shape[d]!, d);
  const xs = x.ndim === 0 ? [1] : x.shape;
  const [outer, size, inner] = outerSizeInner(xs, d);
  const m = index.numel();
  const shape = x.ndim === 0 ? [] : xs.map((s, i) => (i === d ? m : s));
  const out = unfilled(x.dtype, shape);
  kernels().indexSelect(x.operand, outer, size, inner, idx, out.operand);
  return record("IndexSelectBackward0", out, [x], (g) => [() => indexAdd(empty(g.dtype, x.shape), d, index, g)], []);
}

/** x with src's slices added at the index positions along dim, as torch.index_add. */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim("indexAdd", dim, x.ndim);
  if (index.ndim > 1)
    throw new ShapeError(
      `indexAdd: index must be 1-D, got shape ${fmt(index.shape)}. Flatten it, or use scatterAdd for element-wise positions.`,
    );
  if (x.ndim === 0) {
    // a 0-d x is one slot: every index (each 0) adds its src value there, as torch.index_add
    const m = index.numel();
    if (src.ndim > 1 || src.numel() !== m) {
      throw new ShapeError(
        `indexAdd: src has shape ${fmt(src.shape)} but a 0-d x takes one src value per index (${m}), as a 0-d or 1-D tensor.`,
      );
    }
    return reshape(indexAdd(reshape(x, [1]), 0, reshape(index, [m]), reshape(src, [m])), []);
  }
  const idx = checkedIndex("indexAdd", index, x.shape[d]!, d);
  const expected = x.shape.map((s, i) => (i === d ? index.numel() : s));
  if (numelOf(expected) !== src.numel() || src.ndim !== x.ndim || !src.shape.every((s, i) => s === expected[i])) {
    throw new ShapeError(
      `indexAdd: src has shape ${fmt(src.shape)} but must be ${fmt(expected)} (x ${fmt(x.shape)} with dim ${d} sized by the ${index.numel()} indices).`,
    );
  }
  const dt = promoteTypes(x.dtype, src.dtype);
  const out = addTarget(x, dt, idx);
  const [outer, size, inner] = outerSizeInner(x.shape, d);
  kernels().indexAdd(out.operand, outer, size, inner, idx, castRaw(src, dt).operand);
  if (dt === "bool") return castRaw(castRaw(out, "int32"), "bool"); // true + true is true, not 2 (no gradients for bools)
  return record("IndexAddBackward0", out, [x, src], (g) => [() => g, () => indexSelect(g, d, index)], []);
}

function checkGatherShapes(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`${op}: index ${fmt(index.shape)} must have as many dims as the input ${fmt(x.shape)}.`);
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!) {
      throw new ShapeError(
        `${op}: index ${fmt(index.shape)} is larger than the input ${fmt(x.shape)} at dim ${i} (${s} > ${x.shape[i]}); index.size(d) <= input.size(d) is required for every d != dim (${d}).`,
      );
    }
  });
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (and likewise for any dim), as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim("gather", dim, x.ndim);
  checkGatherShapes("gather", x, d, index);
  const idx = checkedIndex("gather", index, x.shape[d]!, d);
  const out = unfilled(x.dtype, index.shape);
  kernels().gather(x.operand, x.shape, d, idx, index.shape, out.operand);
  return record("GatherBackward0", out, [x], (g) => [() => scatterAdd(empty(g.dtype, x.shape), d, index, g)], []);
}

/**
 * x with src added at the positions index gives along dim, as torch.scatter_add (out of place).
 * Only src's leading index-shaped block is used, as in PyTorch.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim("scatterAdd", dim, x.ndim);
  checkGatherShapes("scatterAdd", x, d, index);
  if (src.ndim !== index.ndim || index.shape.some((s, i) => s > src.shape[i]!)) {
    throw new ShapeError(
      `scatterAdd: src ${fmt(src.shape)} must have index's dims and be at least as large as index ${fmt(index.shape)} in each.`,
    );
  }
  const used = index.shape.reduce<Tensor>((t, s, i) => (t.shape[i] === s ? t : narrow(t, i, 0, s)), src);
  const idx = checkedIndex("scatterAdd", index, x.shape[d]!, d);
  const dt = promoteTypes(x.dtype, src.dtype);
  const out = addTarget(x, dt, idx);
  kernels().scatterAdd(out.operand, out.shape, d, idx, index.shape, castRaw(used, dt).operand, used.shape);
  if (dt === "bool") return castRaw(castRaw(out, "int32"), "bool"); // true + true is true, not 2 (no gradients for bools)
  return record("ScatterAddBackward0", out, [x, used], (g) => [() => g, () => gather(g, d, index)], []);
}
