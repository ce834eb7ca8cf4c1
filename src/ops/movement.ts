// Layout ops: reshape/view (share storage), permute, expand, slice, flip (strided copies, since
// every tensor is contiguous; the copies PyTorch makes views are linked to their base, below),
// and dtype conversion, clone and detach.

import { asOp } from "../tensor/opContext.js";
import { GradNode, record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { type DType, assertDType, isFloat } from "../tensor/dtype.js";
import { IndexError, ShapeError, ValueError } from "../tensor/errors.js";
import { type Shape, fmt, normDim, normDims, numelOf, shapesEqual, stridesOf } from "../tensor/shape.js";
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

/**
 * Same data, new shape, as torch.reshape: it shares storage (a view), except for a copy made by a
 * view op (a transpose, a strided slice) whose elements PyTorch could not view in the new shape,
 * where PyTorch copies, and so does this (writes to the result then stay in it).
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return reshapeAs("reshape", x, inferShape("reshape", x, shape));
}

function reshapeAs(op: "reshape" | "view", x: Tensor, s: number[]): Tensor {
  let out: Tensor;
  if (!(x instanceof ViewCopy)) out = linkView(new Tensor(x.operand, s, x.version), x);
  else if (viewStrides(x.shape, placementOf(x).strides, s) !== null) out = linkView(new ViewCopy(x.operand, s, x.placed), x);
  else if (op === "view") {
    throw new ShapeError(
      `view: the tensor ${fmt(x.shape)} is a non-contiguous view (PyTorch's strides ${fmt(placementOf(x).strides)}), and shape ${fmt(s)} cannot be viewed over those strides. Use reshape (which copies here, as PyTorch), or call contiguous() first.`,
    );
  } else out = new Tensor(copyOf(x).operand, s);
  return record("ViewBackward0", out, [x], (g) => [() => reshape(g, x.shape)], []);
}

/** Same data, new shape, sharing storage, as torch.Tensor.view; refuses, as PyTorch, a non-contiguous view that no strides express in the new shape. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return reshapeAs("view", x, inferShape("view", x, shape));
}

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

/** Where a view's elements sit in a row-major storage: element strides and the first element's offset. */
interface At {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Copy the `shape` elements of src at `at` into dst, contiguous (reading a view). */
function readPlaced(src: Tensor["operand"], dst: Tensor["operand"], shape: Shape, at: At): void {
  kernels().copyStrided(src, dst, { shape, srcOffset: at.offset, srcStrides: at.strides, dstOffset: 0, dstStrides: stridesOf(shape) });
}

/** Copy contiguous src (of `shape`) into dst at `at` (writing a view's elements where they sit). */
function writePlaced(src: Tensor["operand"], dst: Tensor["operand"], shape: Shape, at: At): void {
  kernels().copyStrided(src, dst, { shape, srcOffset: 0, srcStrides: stridesOf(shape), dstOffset: at.offset, dstStrides: at.strides });
}

function copyWith(x: Tensor, shape: Shape, srcStrides: readonly number[], srcOffset: number, view: Placement | null = null): Tensor {
  // the copy covers every element of a fresh contiguous output
  const out = unfilled(x.dtype, shape);
  readPlaced(x.operand, out.operand, shape, { strides: srcStrides, offset: srcOffset });
  return view ? linkView(new ViewCopy(out.operand, shape, viewState(view, shape)), x) : out;
}

const multiOutputViews = new WeakMap<Tensor, string>();

/**
 * Mark the outputs of an op that returns several views (split, chunk, unbind): as PyTorch, an
 * in-place op refuses to write one while it requires grad (ops/inplace.ts), since the op's one
 * node could not be rebased for a single output. `node` names the op's node (SplitBackward0).
 */
export function markMultiOutputViews<T extends readonly Tensor[]>(outs: T, node: string): T {
  for (const t of outs) multiOutputViews.set(t, node);
  return outs;
}

/** The node name of the multi-view op that made t (markMultiOutputViews), or undefined. */
export const multiOutputViewOf = (t: Tensor): string | undefined => multiOutputViews.get(t);

/** Mark `out` as a view of x's base (x itself when x is no view), for autograd; see Tensor.viewBase. */
function linkView(out: Tensor, x: Tensor): Tensor {
  const base = x.viewBase ?? x;
  out.viewBase = base;
  out.viewBaseFn = base.gradFn;
  return out;
}

/**
 * Derive a view's gradFn again from its base's current one, after an in-place op gave the base a
 * new gradFn (PyTorch regenerates a view's grad_fn as AsStridedBackward0 of its base's when the
 * base was modified in place): the view's values are the base's elements at its placement.
 */
function refreshView(t: Tensor): void {
  const base = t.viewBase!;
  t.viewBaseFn = base.gradFn;
  if (!base.requiresGrad) return;
  // a view's placement in its root is one in its base too: a root that is a reshape view shares its base's storage
  const at = placementOf(t);
  const shape = t.shape;
  t.markNonLeaf(new GradNode("AsStridedBackward0", [base], (g) => [() => scatterAt(g, base.shape, shape, at)], []));
}
Tensor.refreshView = refreshView;

/**
 * g (of shape `shape`) placed at `at` into zeros of shape `outShape`: the gradient of reading a
 * view at `at` from a base of shape outShape. Views written in place never repeat an element.
 */
export function scatterAt(g: Tensor, outShape: Shape, shape: Shape, at: At): Tensor {
  const out = empty(g.dtype, outShape);
  writePlaced(g.operand, out.operand, shape, at);
  return record("AsStridedScatterBackward", out, [g], (gg) => [() => gatherAt(gg, shape, at)], []);
}

/** The elements of x (a base, row-major) at `at`, as a tensor of `shape`: a view read as a copy. */
export function gatherAt(x: Tensor, shape: Shape, at: At): Tensor {
  const out = copyWith(x, shape, at.strides, at.offset);
  return record("AsStridedBackward0", out, [x], (g) => [() => scatterAt(g, x.shape, shape, at)], []);
}

/** x with the elements at `at` (a view of `shape`) set to 0: the base's gradient past an in-place write to that view. */
export function zeroAt(x: Tensor, shape: Shape, at: At): Tensor {
  const out = copyOf(x);
  writePlaced(empty(x.dtype, shape).operand, out.operand, shape, at);
  return record("CopySlicesMaskBackward", out, [x], (g) => [() => zeroAt(g, shape, at)], []);
}

// PyTorch's slice, select, narrow, permute, transpose and expand return views: an in-place write
// to one changes its base, and a write to the base shows in it. Here they are contiguous copies,
// so each is a ViewCopy that records where PyTorch's view would sit in its root (a tensor made by
// no view op): the strides and offset of its elements there. writeInPlace (inplace.ts) writes a
// ViewCopy into its root at those places; a ViewCopy reads its root again whenever it is used
// after the root was written (its operand/storage getters compare the root's version), and its
// version counter moves with the root's, as a view shares its base's. Nothing tracks the copies
// of a root, so they are collected as any tensor. reshape, detach and contiguous keep a ViewCopy
// where PyTorch keeps a view, and copy where PyTorch copies (a non-viewable reshape of a transpose).

/** Where a tensor's elements sit, as PyTorch's strided view: root.flat[offset + index . strides]. */
export interface Placement {
  readonly root: Tensor;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Shared by a ViewCopy and its reshapes/detaches (one storage): its placement, and the root version it last read. */
interface ViewState extends Placement {
  readonly shape: Shape;
  readAt: number;
  readonly version: Tensor["version"];
}

function viewState(at: Placement, shape: Shape): ViewState {
  // the root's counter itself, as PyTorch's views share their base's: every write to a view is a write to its root
  const r = at.root.version;
  return { root: at.root, strides: at.strides, offset: at.offset, shape, readAt: r.v, version: r };
}

/** A copy standing for a PyTorch view: reads its root again when the root changed since. */
export class ViewCopy extends Tensor {
  constructor(
    storage: Tensor["operand"],
    shape: Shape,
    /** The placement in the root and the root version last read, shared with reshapes. */ readonly placed: ViewState,
  ) {
    super(storage, shape, placed.version);
  }

  /** Read the root again if it was written since the last read. */
  private sync(): void {
    const st = this.placed;
    if (st.readAt === st.root.version.v) return;
    st.readAt = st.root.version.v;
    readPlaced(st.root.operand, this.raw().storageRef, st.shape, st);
  }
  /** Tensor's own fields, read without its getters (a super getter call costs more on every op's reads). */
  private raw(): { storageRef: Tensor["operand"]; deviceRef: Tensor["deviceStorage"] } {
    return this as unknown as { storageRef: Tensor["operand"]; deviceRef: Tensor["deviceStorage"] };
  }
  override get storage(): Tensor["storage"] {
    this.sync();
    const r = this.raw();
    return r.deviceRef === null ? (r.storageRef as Tensor["storage"]) : r.deviceRef.hostView();
  }
  override get operand(): Tensor["operand"] {
    this.sync();
    return this.raw().storageRef;
  }
  override get deviceStorage(): Tensor["deviceStorage"] {
    this.sync();
    return this.raw().deviceRef;
  }
  /**
   * The copy's own storage, without reading the root again: what writeToRoot writes, which the
   * caller has just written (after a read that brought it up to date, or whole).
   */
  get ownOperand(): Tensor["operand"] {
    return this.raw().storageRef;
  }
}

/**
 * The strides of a view of shape `to` over elements laid out as (`from`, `strides`), or null
 * when no strides express it (the reshape must copy); PyTorch's computeStride.
 */
function viewStrides(from: Shape, strides: readonly number[], to: Shape): number[] | null {
  if (from.length === 0) return to.map(() => 1);
  const numel = numelOf(from);
  if (numel === 0) return shapesEqual(from, to) ? strides.slice() : stridesOf(to.map((d) => Math.max(d, 1)));
  const out = new Array<number>(to.length);
  let v = to.length - 1;
  let base = strides[strides.length - 1]!;
  let tn = 1,
    vn = 1;
  for (let d = from.length - 1; d >= 0; d--) {
    tn *= from[d]!;
    if (d === 0 || (from[d - 1] !== 1 && strides[d - 1] !== tn * base)) {
      while (v >= 0 && (vn < tn || to[v] === 1)) {
        out[v] = vn * base;
        vn *= to[v]!;
        v--;
      }
      if (vn !== tn) return null;
      if (d > 0) {
        base = strides[d - 1]!;
        tn = 1;
        vn = 1;
      }
    }
  }
  return v === -1 ? out : null;
}

/** Where t's elements sit in its root: t itself (contiguous) unless it is a ViewCopy. */
export function placementOf(t: Tensor): Placement {
  if (!(t instanceof ViewCopy)) return { root: t, strides: stridesOf(t.shape), offset: 0 };
  const st = t.placed;
  if (shapesEqual(t.shape, st.shape)) return st;
  // a reshape of the copy, made a ViewCopy only where it is a view
  return { root: st.root, strides: viewStrides(st.shape, st.strides, t.shape)!, offset: st.offset };
}

/** Write a ViewCopy's elements into its root where PyTorch's view sits (the inverse of the view op's read). */
export function writeToRoot(t: ViewCopy): void {
  const at = placementOf(t);
  // its own values, even when a writer moved the shared counter first (nn/init.ts bumps, then syncs)
  writePlaced(t.ownOperand, at.root.operand, t.shape, at);
  at.root.version.v++;
  t.placed.readAt = at.root.version.v; // it holds what the root now holds
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
  const at = placementOf(x);
  const out = copyWith(
    x,
    p.map((d) => x.shape[d]!),
    p.map((d) => st[d]!),
    0,
    { root: at.root, strides: p.map((d) => at.strides[d]!), offset: at.offset },
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
    const at = placementOf(x);
    const out = copyWith(x, target, src, 0, {
      root: at.root,
      strides: target.map((_, i) => (i < off || x.shape[i - off] === 1 ? 0 : at.strides[i - off]!)),
      offset: at.offset,
    });
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
  const at = placementOf(x);
  const out = copyWith(x, shape, src, s * st[d]!, {
    root: at.root,
    strides: at.strides.map((v, i) => (i === d ? v * step : v)),
    offset: at.offset + s * at.strides[d]!,
  });
  return record("SliceBackward0", out, [x], (g) => [() => sliceBackward(g, x.shape, d, s, step)], []);
}

/** The gradient of slice: g placed back into zeros of the input's shape. */
function sliceBackward(g: Tensor, inputShape: Shape, dim: number, start: number, step: number): Tensor {
  const out = empty(g.dtype, inputShape);
  const st = stridesOf(inputShape);
  writePlaced(g.operand, out.operand, g.shape, { offset: start * st[dim]!, strides: st.map((v, i) => (i === dim ? v * step : v)) });
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

/**
 * x itself when PyTorch's x is contiguous; a copy (that writes do not link to x's base) when x
 * stands for a non-contiguous PyTorch view (a transpose, a strided slice), as torch.contiguous.
 */
export function contiguous(x: Tensor): Tensor {
  if (!(x instanceof ViewCopy)) return x;
  const st = placementOf(x).strides,
    dense = stridesOf(x.shape);
  if (x.shape.every((d, i) => d === 1 || st[i] === dense[i])) return x;
  const out = copyOf(x);
  return record("CloneBackward0", out, [x], (g) => [() => g], []);
}

/** A copy with its own storage; gradients flow through. */
export function clone(x: Tensor): Tensor {
  const out = copyOf(x);
  return record("CloneBackward0", out, [x], (g) => [() => g], []);
}

/** Same storage, outside the graph (requiresGrad false), as torch.detach. */
export function detach(x: Tensor): Tensor {
  return x instanceof ViewCopy ? new ViewCopy(x.operand, x.shape, x.placed) : new Tensor(x.operand, x.shape, x.version);
}

/** Convert to `dtype` (a copy unless it already matches). Float-to-float conversions pass gradients. */
export function to(x: Tensor, dtype: DType): Tensor {
  assertDType("to", dtype);
  if (x.dtype === dtype) return x;
  const out = castRaw(x, dtype);
  if (!isFloat(dtype)) return out;
  return record("ToCopyBackward0", out, [x], (g) => [() => to(g, x.dtype)], []);
}
