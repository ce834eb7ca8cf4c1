// In-place updates (add_, mul_, copy_, fill_, zero_...), for optimizers and initialisation.
// Each computes the out-of-place result, checks it fits (same shape, castable dtype), writes it
// into the tensor's storage and bumps the version counter that autograd checks, then brings the
// tensor's views up to date (syncViews). In-place ops on tensors that take part in gradient
// recording are refused, as PyTorch refuses them on leaves.

import { isGradEnabled, noGrad } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { allocStorage, boolValue, isFloat } from "../tensor/dtype.js";
import { AutogradError, DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { broadcastShapes, fmt, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, castRaw, mapUnary } from "./op.js";
import { ViewCopy, expand, placementOf, writeToRoot } from "./movement.js";

/** Write `compute()`'s result into x. */
export function writeInPlace(op: string, x: Tensor, operands: readonly TensorLike[], compute: () => Tensor): Tensor {
  if (isGradEnabled() && (x.requiresGrad || operands.some((o) => o instanceof Tensor && o.requiresGrad))) {
    throw new AutogradError(
      `${op}: in-place operation on a tensor that takes part in gradient recording (shape ${fmt(x.shape)}${!x.requiresGrad ? ", written from an operand that requires grad" : x.isLeaf ? ", a leaf that requires grad" : ""}). ` +
        `Wrap the update in tl.noGrad(() => ...), or use the out-of-place op (${op.replace(/_$/, "")}).`,
    );
  }
  const r = noGrad(compute);
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
  checkNoOverlap(op, x);
  const src = castRaw(r, x.dtype);
  const onGpu = (t: Tensor): boolean => t.deviceStorage?.hostAddressable === false;
  if (onGpu(x))
    kernels().unary("copy", src.operand, x.operand); // the backend's copy kernel writes its own memory
  else if (onGpu(src)) {
    // a host tensor written from a value the host cannot read synchronously moves to the GPU
    const moved = src === r ? mapUnary("copy", src, src.dtype) : src;
    x.moveTo_(moved.deviceStorage!);
  } else x.storage.set(src.storage);
  x.version.v++;
  syncViews(x);
  return x;
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
  if (op === "fill_" || !(x instanceof ViewCopy)) return; // one value everywhere: the repeated elements agree
  const st = placementOf(x).strides;
  if (st.some((v, i) => v === 0 && x.shape[i]! > 1)) {
    throw new ValueError(
      `${op}: the tensor written to, of shape ${fmt(x.shape)}, comes from an expand(): several of its elements are one element of the tensor it was expanded from, so an in-place write to it is ambiguous (as PyTorch: more than one element refers to a single memory location). Clone it first: t.expand(...).clone().${op}(...).`,
    );
  }
}

/** Copy src's values (broadcast to x's shape, converted to x's dtype) into x, as torch.Tensor.copy_. */
export function copy_(x: Tensor, src: Tensor): Tensor {
  return writeInPlace("copy_", x, [src], () => {
    // checked here so that the message names copy_ rather than the expand below
    if (!shapesEqual(broadcastShapes("copy_", src.shape, x.shape), x.shape)) {
      throw new ShapeError(
        `copy_: src of shape ${fmt(src.shape)} does not broadcast to the destination's shape ${fmt(x.shape)}. Pass a src of shape ${fmt(x.shape)}, or one that broadcasts to it.`,
      );
    }
    const s = shapesEqual(src.shape, x.shape) ? src : expand(src, x.shape);
    return castRaw(s, x.dtype);
  });
}

export function fill_(x: Tensor, value: number | boolean): Tensor {
  return writeInPlace("fill_", x, [], () => {
    const t = new Tensor(allocStorage(x.dtype, x.numel()), x.shape);
    t.storage.fill(x.dtype === "bool" ? boolValue(value) : +value);
    return t;
  });
}

export const zero_ = (x: Tensor): Tensor => fill_(x, 0);
