// Layout ops: reshape/view (share storage), permute, expand, slice, flip (strided copies, since
// every tensor is contiguous; the copies PyTorch makes views are linked to their base, below),
// and dtype conversion, clone and detach.

import { asOp } from "../tensor/opContext.js";
import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { type DType, assertDType, isFloat } from "../tensor/dtype.js";
import { IndexError, ShapeError, ValueError } from "../tensor/errors.js";
import { type Shape, fmt, normDim, normDims, numelOf, stridesOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { castRaw, copyOf, empty, unfilled } from "./op.js";

/** Resolve one -1 in a requested shape against numel. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = shape.slice();
  const free = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (free.length > 1) throw new ShapeError(`${op}: only one dim can be -1, got ${fmt(shape)}. Give all but one size explicitly.`);
  for (const d of out) {
    if (!Number.isInteger(d) || d < -1)
      throw new ShapeError(`${op}: invalid size ${d} in ${fmt(shape)}; sizes are non-negative integers or a single -1.`);
  }
  const known = numelOf(out.filter((d) => d !== -1));
  if (free.length === 1) {
    if (known === 0 || x.numel() % known !== 0) {
      throw new ShapeError(
        `${op}: shape ${fmt(shape)} is invalid for input of size ${x.numel()} (shape ${fmt(x.shape)}): the -1 dim would be ${x.numel()} / ${known}, not an integer.`,
      );
    }
    out[free[0]!] = x.numel() / known;
  } else if (known !== x.numel()) {
    throw new ShapeError(
      `${op}: shape ${fmt(shape)} holds ${known} elements but the input ${fmt(x.shape)} has ${x.numel()}. The product of sizes must stay the same (use -1 for one dim to infer it).`,
    );
  }
  return out;
}

/** Same data, new shape; shares storage (a view), as torch.reshape on a contiguous tensor. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape("reshape", x, shape);
  const out = new Tensor(x.operand, s, x.version);
  return record("ViewBackward0", out, [x], (g) => [() => reshape(g, x.shape)], []);
}

/** The same as reshape: every tensor is contiguous here, so a view always succeeds (torch.Tensor.view can refuse non-contiguous input). */
export const view = reshape;

/** Merge dims startDim..endDim (defaults 0 and -1) into one, as torch.flatten. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normDim("flatten", startDim, x.ndim),
    b = normDim("flatten", endDim, x.ndim);
  if (a > b) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}. Pass startDim <= endDim.`);
  return reshape(x, [...x.shape.slice(0, a), numelOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)]);
}

/** Drop size-1 dims (all of them, or the ones listed; a listed dim of another size is kept, as PyTorch). */
export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  const dims = dim === undefined ? undefined : new Set(normDims("squeeze", dim, x.ndim));
  return reshape(
    x,
    x.shape.filter((d, i) => !(d === 1 && (dims === undefined || dims.has(i)))),
  );
}

/** Insert a size-1 dim at dim (negative counts from the end of the result), as torch.unsqueeze. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim("unsqueeze", dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

function copyWith(x: Tensor, shape: Shape, srcStrides: readonly number[], srcOffset: number, view = false): Tensor {
  // the copy covers every element of a fresh contiguous output
  const out = unfilled(x.dtype, shape);
  kernels().copyStrided(x.operand, out.operand, { shape, srcOffset, srcStrides, dstOffset: 0, dstStrides: stridesOf(shape) });
  if (view) linkView(x, out, srcStrides, srcOffset);
  return out;
}

// PyTorch's slice, select, narrow, permute, transpose and expand return views: an in-place write
// to one changes its base, and a write to the base shows in it. Here they are contiguous copies,
// so each copy is linked to the tensor it was read from, and writeInPlace (inplace.ts) keeps the
// two in step: a write to a copy goes back into its base's elements (and up the chain), then every
// copy read from the written storage is read again. The maps are keyed by the version counter,
// which a storage shares with its reshapes and detach()es (true views here).

type Version = Tensor["version"];
/** A copy made by a view op: its elements are base's at `offset` + index . `strides`. */
export interface ViewLink {
  readonly base: Tensor;
  readonly copy: Tensor;
  readonly strides: readonly number[];
  readonly offset: number;
}
const parentOf = new WeakMap<Version, ViewLink>();
const childrenOf = new WeakMap<Version, { refs: Set<WeakRef<ViewLink>>; prune: number }>();

function linkView(base: Tensor, copy: Tensor, strides: readonly number[], offset: number): void {
  const link: ViewLink = { base, copy, strides, offset };
  parentOf.set(copy.version, link);
  let kids = childrenOf.get(base.version);
  if (!kids) childrenOf.set(base.version, (kids = { refs: new Set(), prune: 64 }));
  kids.refs.add(new WeakRef(link));
  // a base sliced many times and never written (a data set read batch by batch) drops the refs to
  // collected copies here, keeping the set near the number of live copies
  if (kids.refs.size >= kids.prune) {
    for (const r of kids.refs) if (!r.deref()) kids.refs.delete(r);
    kids.prune = Math.max(64, 2 * kids.refs.size);
  }
}

/** The link of a copy made by a view op (or of a reshape/detach of one), or undefined. */
export function viewLinkOf(t: Tensor): ViewLink | undefined {
  return parentOf.get(t.version);
}

/** Whether t's storage has live copies made from it by view ops, or is such a copy. */
export function hasViewLinks(t: Tensor): boolean {
  return parentOf.has(t.version) || childrenOf.has(t.version);
}

/** Read every live copy made from `base` (and copies of those) again from its storage, bumping their versions as the shared counter of PyTorch's views would. */
export function refreshViews(base: Tensor): void {
  const kids = childrenOf.get(base.version);
  if (!kids) return;
  for (const r of kids.refs) {
    const l = r.deref();
    if (!l) {
      kids.refs.delete(r);
      continue;
    }
    const c = l.copy;
    kernels().copyStrided(base.operand, c.operand, {
      shape: c.shape,
      srcOffset: l.offset,
      srcStrides: l.strides,
      dstOffset: 0,
      dstStrides: stridesOf(c.shape),
    });
    c.version.v++;
    refreshViews(c);
  }
}

/** Write a copy's elements back into its base's (the inverse of the view op's read). */
export function writeBack(l: ViewLink): void {
  const c = l.copy;
  kernels().copyStrided(c.operand, l.base.operand, {
    shape: c.shape,
    srcOffset: 0,
    srcStrides: stridesOf(c.shape),
    dstOffset: l.offset,
    dstStrides: l.strides,
  });
  l.base.version.v++;
}

/**
 * Reorder dims, as torch.permute (here a copy, since tensors are contiguous).
 * @example tl.zeros([2, 3, 4]).permute([2, 0, 1]) // shape [4, 2, 3]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (!Array.isArray(dims) || dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: got dims ${JSON.stringify(dims)} for a tensor with ${x.ndim} dims; pass one entry per dim, a permutation of 0..${x.ndim - 1}.`,
    );
  }
  const p = dims.map((d) => normDim("permute", d, x.ndim));
  if (new Set(p).size !== p.length)
    throw new IndexError(`permute: dims ${fmt(dims)} repeat a dim; pass a permutation of 0..${x.ndim - 1}.`);
  if (p.every((d, i) => d === i)) return reshape(x, x.shape);
  const st = stridesOf(x.shape);
  const out = copyWith(
    x,
    p.map((d) => x.shape[d]!),
    p.map((d) => st[d]!),
    0,
    true,
  );
  const inverse = new Array<number>(p.length);
  p.forEach((d, i) => (inverse[d] = i));
  return record("PermuteBackward0", out, [x], (g) => [() => permute(g, inverse)], []);
}

/** Swap dims dim0 and dim1 (a copy: tensors here are always contiguous), as torch.transpose. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const p = Array.from({ length: x.ndim }, (_, i) => i);
  const a = normDim("transpose", dim0, x.ndim),
    b = normDim("transpose", dim1, x.ndim);
  if (x.ndim === 0) return permute(x, []); // dims 0 and -1 name a 0-d tensor's one "dim", as PyTorch
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}

/** Transpose of a matrix (a 0-d or 1-d tensor comes back unchanged), as torch.t. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dims, got ${fmt(x.shape)}. Use transpose(dim0, dim1) or permute.`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Broadcast to `shape` (-1 keeps a size; new dims go in front), as torch.expand. Materialised
 * here; the gradient is summed back over the expanded dims by the autograd engine.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return asOp("expand", () => {
    if (shape.length < x.ndim) {
      throw new ShapeError(
        `expand: the target ${fmt(shape)} has fewer dims than the tensor ${fmt(x.shape)}. Give at least ${x.ndim} sizes.`,
      );
    }
    const off = shape.length - x.ndim;
    const target = shape.map((d, i) => {
      const own = i >= off ? x.shape[i - off]! : undefined;
      // checked before allocating: a size like -2 would otherwise fail deep in the typed-array code
      if (!Number.isInteger(d) || d < -1) {
        throw new ShapeError(
          `expand: invalid size ${d} at dim ${i} in ${fmt(shape)}; sizes are non-negative integers, or -1 to keep an existing size.`,
        );
      }
      if (d === -1) {
        if (own === undefined)
          throw new ShapeError(`expand: -1 is not allowed for the new leading dim ${i} in ${fmt(shape)}. Give its size.`);
        return own;
      }
      if (own !== undefined && own !== d && own !== 1) {
        throw new ShapeError(
          `expand: the expanded size ${d} must match the existing size ${own} at dim ${i} (tensor ${fmt(x.shape)}, target ${fmt(shape)}); only size-1 dims can grow.`,
        );
      }
      return d;
    });
    const st = stridesOf(x.shape);
    const src = target.map((_, i) => (i < off || x.shape[i - off] === 1 ? 0 : st[i - off]!));
    const out = copyWith(x, target, src, 0, true);
    return record("ExpandBackward0", out, [x], (g) => [() => g], []);
  });
}

/** Broadcast x to `shape`, as torch.broadcast_to (materialised, not a stride-0 view). */
export const broadcastTo = expand;

/** Elements start, start+step, ... < end along dim (negative start/end count from the end, clamped as Python slices). */
export function slice(x: Tensor, dim: number, start = 0, end: number = Infinity, step = 1): Tensor {
  const d = normDim("slice", dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError(`slice: step must be a positive integer, got ${step} (negative steps are not supported; use flip).`);
  // a fractional start would become a fractional storage offset (NaN reads), so refuse it
  if (!Number.isInteger(start) || !(Number.isInteger(end) || end === Infinity)) {
    throw new ValueError(`slice: start and end must be integers, got start=${start}, end=${end}.`);
  }
  const n = x.shape[d]!;
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start),
    e = Math.max(clampIdx(end), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  shape[d] = len;
  const st = stridesOf(x.shape);
  const src = st.map((v, i) => (i === d ? v * step : v));
  const out = copyWith(x, shape, src, s * st[d]!, true);
  return record("SliceBackward0", out, [x], (g) => [() => sliceBackward(g, x.shape, d, s, step)], []);
}

/** The gradient of slice: g placed back into zeros of the input's shape. */
function sliceBackward(g: Tensor, inputShape: Shape, dim: number, start: number, step: number): Tensor {
  const out = empty(g.dtype, inputShape);
  const st = stridesOf(inputShape);
  kernels().copyStrided(g.operand, out.operand, {
    shape: g.shape,
    srcOffset: 0,
    srcStrides: stridesOf(g.shape),
    dstOffset: start * st[dim]!,
    dstStrides: st.map((v, i) => (i === dim ? v * step : v)),
  });
  return record("SliceBackwardBackward0", out, [g], (gg) => [() => slice(gg, dim, start, start + g.shape[dim]! * step, step)], []);
}

/** `length` elements from `start` along dim, as torch.narrow. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim("narrow", dim, x.ndim);
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new IndexError(
      `narrow: start ${start} + length ${length} exceeds dim ${d} of size ${n} (tensor ${fmt(x.shape)}); need 0 <= start and start + length <= ${n}.`,
    );
  }
  return slice(x, d, s, s + length);
}

/** The sub-tensor at `index` along dim, with that dim removed, as torch.select. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) {
    throw new IndexError(
      `select: got a 0-d tensor, which has no dim to select index ${index} from (as PyTorch: select() cannot be applied to a 0-dim tensor). Use the tensor itself, or item().`,
    );
  }
  const d = normDim("select", dim, x.ndim);
  const i = x.checkIndex("select", d, index);
  return squeeze(slice(x, d, i, i + 1), d);
}

/** Reverse the order along the given dims, as torch.flip. */
export function flip(x: Tensor, dims: number | number[]): Tensor {
  const ds = new Set(normDims("flip", dims, x.ndim));
  const st = stridesOf(x.shape);
  let offset = 0;
  const src = st.map((v, i) => {
    if (!ds.has(i) || x.shape[i] === 0) return v;
    offset += (x.shape[i]! - 1) * v;
    return -v;
  });
  const out = copyWith(x, x.shape, src, offset);
  return record("FlipBackward0", out, [x], (g) => [() => flip(g, [...ds])], []);
}

/** Every tensor is contiguous already: returns x itself, as torch does for contiguous input. */
export function contiguous(x: Tensor): Tensor {
  return x;
}

/** A copy with its own storage; gradients flow through. */
export function clone(x: Tensor): Tensor {
  const out = copyOf(x);
  return record("CloneBackward0", out, [x], (g) => [() => g], []);
}

/** Same storage, outside the graph (requiresGrad false), as torch.detach. */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.operand, x.shape, x.version);
}

/** Convert to `dtype` (a copy unless it already matches). Float-to-float conversions pass gradients. */
export function to(x: Tensor, dtype: DType): Tensor {
  assertDType("to", dtype);
  if (x.dtype === dtype) return x;
  const out = castRaw(x, dtype);
  if (!isFloat(dtype)) return out;
  return record("ToCopyBackward0", out, [x], (g) => [() => to(g, x.dtype)], []);
}
