// Sorting along one dim: sort, argsort and topk, all from one kernel that sorts each line stably
// and keeps its first k entries. The values' gradient goes back through the indices (a scatter
// into zeros, as max(dim)'s), so sort and topk each have one backward.

import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { DTypeError, IndexError, ValueError } from "../tensor/errors.js";
import { fmt, normDim, outerSizeInner } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { scatterAdd } from "./indexing.js";
import { empty } from "./op.js";
import type { ValuesIndices } from "./reduce.js";

/** Options of sort and argsort: dim (default -1), descending, stable (accepted; every sort here is stable); torch.sort's keyword arguments as an object. */
export interface SortOptions {
  /** The dim to sort along (default -1, the last); also accepted as sort's second argument. */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /**
   * Accepted for PyTorch's signature; every sort here is stable (equal values keep their
   * order), so false gives the same result as true.
   */
  stable?: boolean;
}

/** Options of topk: dim (default -1), largest (default true), sorted (accepted; results are always sorted); torch.topk's keyword arguments as an object. */
export interface TopkOptions {
  /** The dim to select along (default -1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch's signature; the result is always sorted (largest first when largest). */
  sorted?: boolean;
}

/** The first k of every line along dim d (normalised) sorted, with their positions (no graph). */
function sortRaw(x: Tensor, d: number, k: number, descending: boolean): { values: Tensor; indices: Tensor } {
  const shape = x.ndim === 0 ? [1] : x.shape;
  if (x.ndim === 0) k = 1; // a 0-d result holds one value whatever k (PyTorch: topk(0-d, 0) gives the value)
  const outShape = x.shape.map((s, i) => (i === d ? k : s));
  const values = empty(x.dtype, outShape),
    indices = empty("int32", outShape);
  kernels().sort(x.operand, ...outerSizeInner(shape, d), k, descending, values.operand, indices.operand);
  return { values, indices };
}

/** values with the backward that scatters their gradient to the positions in indices. */
function withBackward(name: string, x: Tensor, d: number, values: Tensor, indices: Tensor): ValuesIndices {
  record(name, values, [x], (g) => [() => (x.ndim === 0 ? g : scatterAdd(empty(g.dtype, x.shape), d, indices, g))], [indices]);
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

function sortArgs(op: string, x: Tensor, dimOrOpts: number | SortOptions, opts: SortOptions): { d: number; descending: boolean } {
  const o = typeof dimOrOpts === "number" ? { ...opts, dim: dimOrOpts } : dimOrOpts;
  return { d: normDim(op, o.dim ?? -1, x.ndim), descending: o.descending ?? false };
}

/**
 * Sort along dim (default -1), as torch.sort(x, dim, descending, stable): `{ values, indices }`
 * (also `[values, indices]`), indices int32 (PyTorch: int64). Always stable: equal values keep
 * their order whatever `stable` says (PyTorch's order only with stable=True). NaN sorts above
 * everything, so it comes last ascending and first descending, as PyTorch; -0 and 0 are equal.
 * The gradient goes back to each value's original position.
 * @example tl.sort(tl.tensor([3, 1, 2]), -1, { descending: true }).indices // => tensor([0, 2, 1], dtype=int32)
 */
export function sort(x: Tensor, dim: number | SortOptions = -1, opts: SortOptions = {}): ValuesIndices {
  const { d, descending } = sortArgs("sort", x, dim, opts);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const { values, indices } = sortRaw(x, d, size, descending);
  return withBackward("SortBackward0", x, d, values, indices);
}

/**
 * The positions that sort x along dim (int32), as torch.argsort: sort(x, dim, opts).indices,
 * stable in every case.
 * @example tl.argsort(tl.tensor([2, NaN, -1, 2])) // => tensor([2, 0, 3, 1], dtype=int32)
 */
export function argsort(x: Tensor, dim: number | SortOptions = -1, opts: SortOptions = {}): Tensor {
  const { d, descending } = sortArgs("argsort", x, dim, opts);
  return sortRaw(x, d, x.ndim === 0 ? 1 : x.shape[d]!, descending).indices;
}

/**
 * The k largest (or smallest) entries along dim and their positions, as torch.topk(x, k, dim,
 * largest, sorted): `{ values, indices }`, indices int32. Always sorted, largest first (smallest
 * first with largest: false). Ties go to the lower position first (PyTorch leaves the order of
 * equal values unspecified, and may pick a different one of them). NaN counts as the largest
 * value. Bool tensors are refused, as in PyTorch.
 * @example tl.topk(tl.tensor([1, 5, 2, 5, 3]), 3).indices // => tensor([1, 3, 4], dtype=int32)
 */
export function topk(x: Tensor, k: number, opts: TopkOptions = {}): ValuesIndices {
  const d = normDim("topk", opts.dim ?? -1, x.ndim);
  if (x.dtype === "bool") {
    throw new DTypeError(`topk: not supported for bool tensors (as in PyTorch); convert first, e.g. x.to("int32").`);
  }
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k)) throw new ValueError(`topk: k must be an integer, got ${k}. Pass a whole number of entries in [0, ${size}].`);
  if (k < 0 || k > size) {
    throw new IndexError(
      `topk: k = ${k} is out of range for dim ${d} of size ${size} (tensor ${fmt(x.shape)}); k must be in [0, ${size}]. Ask for at most ${size} entries, or pick another dim.`,
    );
  }
  const { values, indices } = sortRaw(x, d, k, opts.largest ?? true);
  return withBackward("TopkBackward0", x, d, values, indices);
}
