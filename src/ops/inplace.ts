// In-place updates (add_, mul_, copy_, fill_, zero_...), for optimizers, initialisation and
// models. Each computes the out-of-place result, checks it fits (same shape, castable dtype),
// writes it into the tensor's storage and bumps the version counter that autograd checks, then
// brings the tensor's views up to date (syncViews). While gradients are recorded, an in-place op
// on a tensor that requires grad (or from an operand that does) is recorded as PyTorch records
// it: the tensor's gradFn becomes the op's node (a rebase), and a write to a view rebases the
// view's base (CopySlices). PyTorch's refusals stay: a leaf that requires grad, or a view of one.

import { GradNode, type RetiredHooks, edgeOf, isGradEnabled, noGrad, record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { allocStorage, boolValue, isFloat } from "../tensor/dtype.js";
import { AutogradError, DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { broadcastShapes, fmt, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, castRaw, copyOf, empty, mapUnary } from "./op.js";
import { ViewCopy, expand, gatherAt, multiOutputViewOf, placementOf, to, writeToRoot, zeroAt } from "./movement.js";

/**
 * Write `compute(self)`'s result into x. `self` stands for x's value before the write: x itself
 * when nothing is recorded, else a tensor of its own in x's place in the graph, so a rule that
 * reads x's old value still has it after the write. `savesResult`: PyTorch's backward of this op
 * reads its result (relu_), which is then x itself, so a later in-place write to x is caught at
 * backward as there; for other ops a result the rule saved is a value of its own.
 */
export function writeInPlace(
  op: string,
  x: Tensor,
  operands: readonly TensorLike[],
  compute: (self: Tensor) => Tensor,
  savesResult = false,
): Tensor {
  const gradMode = isGradEnabled();
  if (gradMode) checkNoGradView(op, x);
  const recording = gradMode && (x.requiresGrad || operands.some((o) => o instanceof Tensor && o.requiresGrad));
  if (recording) checkRecordable(op, x);
  checkNoOverlap(op, x);
  checkOperandOverlap(op, x, operands);
  const self = recording ? standIn(x) : x;
  let r = recording ? compute(self) : noGrad(() => compute(self));
  if (!shapesEqual(r.shape, x.shape)) {
    throw new ShapeError(
      `${op}: the result has shape ${fmt(r.shape)} but the tensor written to has ${fmt(x.shape)}; an in-place op cannot change the shape (the other operand must broadcast to ${fmt(x.shape)}).`,
    );
  }
  // PyTorch's canCast: a float result does not go into an integer or bool tensor, nor an
  // integer result into a bool tensor (bool.add_(1) raises: "result type Long can't be cast")
  if (r.dtype !== x.dtype && ((isFloat(r.dtype) && !isFloat(x.dtype)) || (r.dtype === "int32" && x.dtype === "bool"))) {
    throw new DTypeError(
      `${op}: result type ${r.dtype} can't be cast to the tensor's dtype ${x.dtype} in place. Convert first: x = x.to("${r.dtype}").`,
    );
  }
  if (recording) {
    // a rule reading the old value needs its own copy of it: the write below overwrites x's storage
    const node = r.gradFn;
    if (node instanceof GradNode && node.saves(self) && self !== x) self.adoptStorage_(copyOf(self));
    if (r.dtype !== x.dtype) r = to(r, x.dtype);
  }
  const src = castRaw(r, x.dtype);
  const onGpu = (t: Tensor): boolean => t.deviceStorage?.hostAddressable === false;
  if (onGpu(x))
    kernels().unary("copy", src.operand, x.operand); // the backend's copy kernel writes its own memory
  else if (onGpu(src)) {
    // a host tensor written from a value the host cannot read synchronously moves to the GPU
    const moved = src === r ? mapUnary("copy", src, src.dtype) : src;
    x.moveTo_(moved.deviceStorage!);
  } else x.storage.set(src.storage);
  // a view shares its root's counter, which writing it into the root moves (syncViews)
  if (!(x instanceof ViewCopy)) x.version.v++;
  syncViews(x);
  if (recording) {
    if (savesResult) (r.gradFn as GradNode).aliasSaved(r, x);
    rebase(x, r);
  }
  return x;
}

/**
 * PyTorch's refusals while recording: an in-place write to a leaf that requires grad, to a view
 * of one, or to one output of an op that returns several views (split, chunk, unbind).
 */
function checkRecordable(op: string, x: Tensor): void {
  const multi = multiOutputViewOf(x);
  if (multi !== undefined && x.requiresGrad) {
    throw new AutogradError(
      `${op}: the tensor written to (shape ${fmt(x.shape)}) is one of several views returned by one op (${multi}: split, chunk or unbind), and such views cannot be modified in place while gradients are recorded (as PyTorch: this view is the output of a function that returns multiple views). ` +
        `Clone it first (t.clone().${op}(...)), or write inside tl.noGrad(() => ...).`,
    );
  }
  const base = x.viewBase ?? x;
  if (!base.isLeaf || !base.requiresGrad) return;
  const what = base === x ? "a leaf that requires grad" : `a view of a leaf that requires grad (the leaf has shape ${fmt(base.shape)})`;
  throw new AutogradError(
    `${op}: the tensor written to (shape ${fmt(x.shape)}) is ${what}, and an in-place write to it cannot be recorded (as PyTorch: a ${base === x ? "" : "view of a "}leaf Variable that requires grad is being used in an in-place operation). ` +
      `Wrap the update in tl.noGrad(() => ...) as optimizers do, or use the out-of-place op (${op.replace(/_$/, "")}).`,
  );
}

/**
 * PyTorch's refusal of a view made inside noGrad from a base that requires grad, then written in
 * place with recording on: the write changes the base, but whether it should enter the base's
 * history is ambiguous (the view itself was made outside the graph).
 */
function checkNoGradView(op: string, x: Tensor): void {
  const base = x.viewBase;
  if (base === null || !base.requiresGrad || x.requiresGrad) return;
  if (base.isLeaf) return checkRecordable(op, x); // a view of a leaf that requires grad: that refusal
  throw new AutogradError(
    `${op}: the tensor written to (shape ${fmt(x.shape)}) is a view made inside noGrad of a tensor that requires grad (shape ${fmt(base.shape)}), and it is written with recording on (as PyTorch: a view was created in no_grad mode and is being modified inplace with grad mode enabled). ` +
      `Make the write inside tl.noGrad(() => ...) too, or take the view outside noGrad.`,
  );
}

/**
 * A tensor standing for x's current value in the graph: x's node (or none), sharing x's storage
 * until a rule turns out to read it (writeInPlace then gives it a copy), with a version counter
 * of its own, which the write to x does not move.
 */
function standIn(x: Tensor): Tensor {
  const s = new Tensor(x.operand, x.shape);
  const fn = x.gradFn;
  if (fn !== null) s.markNonLeaf(fn);
  return s;
}

/**
 * Give x the history of r (the out-of-place result just written into it). x's node becomes r's;
 * a view's base gets a CopySlices node: its old value's gradient outside the view, r's inside it.
 */
function rebase(x: Tensor, r: Tensor): void {
  const node = r.gradFn as GradNode;
  const base = x.viewBase;
  if (base === null) {
    retireHooks(x);
    x.markNonLeaf(node);
    return;
  }
  const at = placementOf(x);
  const shape = x.shape;
  const slices = new GradNode(
    "CopySlices",
    [base, r],
    (g) => [() => zeroAt(g, shape, at), () => gatherAt(g, shape, at)],
    [],
    null,
    [],
    [edgeOf(base), node],
  );
  retireHooks(x);
  retireHooks(base);
  // the view now reads the rebased base: its next gradFn read derives AsStridedBackward0 from it
  base.markNonLeaf(slices);
}

/** Hooks on a tensor about to get a new node stay with its old one, whose gradient they see (PyTorch >= 2.0). */
function retireHooks(t: Tensor): void {
  const old = t.gradFn;
  if (t.hooks.length === 0 || !(old instanceof GradNode)) return;
  old.retired = { tensor: t, hooks: t.hooks } satisfies RetiredHooks;
  t.hooks = [];
}

/**
 * After an in-place write to x: when x stands for a PyTorch view (a ViewCopy, movement.ts), write
 * it into its root where the view sits; the root's other views read it again when next used.
 */
export function syncViews(x: Tensor): void {
  if (x instanceof ViewCopy) writeToRoot(x);
}

/** A view with several elements at one place of its root (an expand) is not written, but by fill_ (as PyTorch). */
function checkNoOverlap(op: string, x: Tensor): void {
  if (op === "fill_" || op === "zero_" || !(x instanceof ViewCopy)) return; // one value everywhere: the repeated elements agree
  const st = placementOf(x).strides;
  if (st.some((v, i) => v === 0 && x.shape[i]! > 1)) {
    throw new ValueError(
      `${op}: the tensor written to, of shape ${fmt(x.shape)}, comes from an expand(): several of its elements are one element of the tensor it was expanded from, so an in-place write to it is ambiguous (as PyTorch: more than one element refers to a single memory location). Clone it first: t.expand(...).clone().${op}(...).`,
    );
  }
}

/**
 * PyTorch's partial-overlap check (assert_no_partial_overlap): an operand whose elements are
 * some, but not exactly the same, elements of the tensor written to (x.mul_(x[0])) is refused,
 * since the write would change the operand while it is read. The same elements (x.mul_(x), a
 * reshape of the same shape's strides) and disjoint ones are fine; a strided (not dense) layout
 * is not checked, as PyTorch ("too hard").
 */
function checkOperandOverlap(op: string, x: Tensor, operands: readonly TensorLike[]): void {
  for (const o of operands) {
    // most operands (an optimizer's gradients) live in storage of their own: nothing to measure
    if (!(o instanceof Tensor) || o === x || storageOf(o) !== storageOf(x)) continue;
    const xs = spanOf(x);
    const os = spanOf(o);
    if (xs === null || os === null) continue;
    const same = xs.begin === os.begin && xs.end === os.end;
    if (same && xs.strides.length === os.strides.length && xs.strides.every((v, i) => v === os.strides[i])) continue;
    if (xs.begin < os.end && os.begin < xs.end) {
      throw new ValueError(
        `${op}: the operand of shape ${fmt(o.shape)} and the tensor written to, of shape ${fmt(x.shape)}, share some elements but not all (as PyTorch: some elements of the input tensor and the written-to tensor refer to a single memory location). Clone the operand first: x.${op}(y.clone()).`,
      );
    }
  }
}

/** The storage whose elements t shows: a ViewCopy's root's, else its own (shared by reshape views and detach). */
const storageOf = (t: Tensor): unknown => (t instanceof ViewCopy ? t.placed.root.operand : t.operand);

interface Span {
  readonly begin: number;
  readonly end: number;
  readonly strides: readonly number[];
}

/** The storage range a dense (non-overlapping, gap-free) tensor covers, or null when it is empty or strided. */
function spanOf(t: Tensor): Span | null {
  const n = t.numel();
  if (n === 0) return null;
  const at = placementOf(t);
  const dims = t.shape.map((d, i) => [d, at.strides[i]!] as const).filter(([d]) => d !== 1);
  dims.sort((a, b) => a[1] - b[1]);
  let expect = 1;
  for (const [d, st] of dims) {
    if (st !== expect) return null;
    expect *= d;
  }
  return { begin: at.offset, end: at.offset + n, strides: at.strides };
}

/** Copy src's values (broadcast to x's shape, converted to x's dtype) into x, as torch.Tensor.copy_. */
export function copy_(x: Tensor, src: Tensor): Tensor {
  return writeInPlace("copy_", x, [src], (self) => {
    // checked here so that the message names copy_ rather than the expand below
    if (!shapesEqual(broadcastShapes("copy_", src.shape, x.shape), x.shape)) {
      throw new ShapeError(
        `copy_: src of shape ${fmt(src.shape)} does not broadcast to the destination's shape ${fmt(x.shape)}. Pass a src of shape ${fmt(x.shape)}, or one that broadcasts to it.`,
      );
    }
    const s = shapesEqual(src.shape, x.shape) ? src : expand(src, x.shape);
    if (!isGradEnabled()) return castRaw(s, x.dtype);
    // recorded: a result of its own (src's gradient is g summed back to its shape and dtype by the engine)
    const out = s === src || s.dtype !== x.dtype ? mapUnary(s.dtype === x.dtype ? "copy" : "cast", s, x.dtype) : s;
    return record("CopyBackwards", out, [self, src], (g) => [() => zerosOf(g), () => g], []);
  });
}

/** Set every element to `value`, as torch.Tensor.fill_. */
export function fill_(x: Tensor, value: number | boolean): Tensor {
  return filled("fill_", "FillBackward2", x, value);
}

/** Set every element to 0, as torch.Tensor.zero_. */
export const zero_ = (x: Tensor): Tensor => filled("zero_", "ZeroBackward0", x, 0);

function filled(op: string, node: string, x: Tensor, value: number | boolean): Tensor {
  return writeInPlace(op, x, [], (self) => {
    const t = new Tensor(allocStorage(x.dtype, x.numel()), x.shape);
    t.storage.fill(x.dtype === "bool" ? boolValue(value) : +value);
    // the old value gets a zero gradient (not none), as PyTorch's FillBackward/ZeroBackward
    return record(node, t, [self], (g) => [() => zerosOf(g)], []);
  });
}

/** Zeros of g's shape and dtype: the gradient of a value an in-place op overwrote. */
const zerosOf = (g: Tensor): Tensor => empty(g.dtype, g.shape);
