// Helpers every op file uses: allocate outputs, lift JS numbers to tensors, run a unary kernel,
// and the checks shared by many ops. The graph itself is recorded with autograd's record().

import { kernels } from "../backends/index.js";
import type { UnaryOp } from "../backends/backend.js";
import { type DType, allocStorage, boolValue, isFloat } from "../tensor/dtype.js";
import { DTypeError, ValueError } from "../tensor/errors.js";
import type { Shape } from "../tensor/shape.js";
import { numelOf } from "../tensor/shape.js";
import { checkElements } from "../tensor/limits.js";
import { noteAllocated } from "../tensor/storagePool.js";
import { Tensor } from "../tensor/tensor.js";

/** What binary ops accept: a tensor or a JS number/boolean (a "wrapped scalar" in PyTorch's terms). */
export type TensorLike = Tensor | number | boolean;

/** A zero-filled output: in the active backend's memory where it keeps outputs (its next kernel reads them there), else a host array. */
export function empty(dtype: DType, shape: Shape): Tensor {
  return output(dtype, shape, true);
}

/**
 * An output as empty() makes, without its zero fill: its contents are unspecified until written.
 * Only for an output that the very next kernel overwrites whole (a map, a product, a
 * convolution, a pooling forward), never for an accumulation target (scatterAdd, indexAdd,
 * avgPoolBackward, a gradient summed into): those take empty(). The poison debug mode
 * (tensor/storagePool.ts setPoisonUnfilled, TENSORLOOM_POISON_UNFILLED=1) fills these outputs
 * with NaN, so a kernel that leaves part of one unwritten shows in its result.
 */
export function unfilled(dtype: DType, shape: Shape): Tensor {
  return output(dtype, shape, false);
}

function output(dtype: DType, shape: Shape, zero: boolean): Tensor {
  const n = numelOf(shape);
  checkElements(n, shape);
  const device = kernels().allocate?.(dtype, n, zero);
  if (device) {
    noteAllocated(device);
    return new Tensor(device, shape);
  }
  return new Tensor(allocStorage(dtype, n, shape, zero), shape);
}

/** A 0-d tensor holding `v`. */
export function scalar(v: number | boolean, dtype: DType): Tensor {
  const s = allocStorage(dtype, 1);
  s[0] = dtype === "bool" ? boolValue(v) : +v;
  return new Tensor(s, []);
}

export function asTensor(v: TensorLike, dtype: DType): Tensor {
  return v instanceof Tensor ? v : scalar(v, dtype);
}

/** Apply an elementwise kernel into a new tensor of `dtype` (no graph). */
export function mapUnary(op: UnaryOp, x: Tensor, dtype: DType, a?: number, b?: number): Tensor {
  const out = unfilled(dtype, x.shape);
  kernels().unary(op, x.operand, out.operand, a, b);
  return out;
}

/**
 * A copy of x's values in storage of its own (no graph): a host slice where the host can read
 * them (host arrays, wasm memory), else the active backend's copy kernel (a GPU's values stay there).
 */
export function copyOf(x: Tensor): Tensor {
  return x.deviceStorage?.hostAddressable === false ? mapUnary("copy", x, x.dtype) : new Tensor(x.storage.slice(), x.shape);
}

/** A converted copy (no graph); the same tensor when the dtype already matches. */
export function castRaw(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : mapUnary("cast", x, dtype);
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: expected a float tensor, got ${x.dtype}. Convert it first, e.g. x.to("float32").`);
  }
}

/** Refuses a bool tensor, as PyTorch's activations that clip or compare do. */
export function requireNotBool(op: string, x: Tensor): void {
  if (x.dtype === "bool") {
    throw new DTypeError(`${op}: bool input is not supported (as PyTorch); convert it first, e.g. x.to("float32").`);
  }
}

export function requireIndex(op: string, name: string, idx: Tensor): Int32Array {
  if (idx.dtype !== "int32") {
    throw new DTypeError(`${op}: ${name} must be an int32 tensor of positions, got ${idx.dtype}. Convert it with ${name}.to("int32").`);
  }
  return idx.storage as Int32Array;
}

export function requireFinite(op: string, name: string, v: number): void {
  if (!Number.isFinite(v)) throw new ValueError(`${op}: ${name} must be a finite number, got ${v}.`);
}

/** fn's result, computed on first call: one backward kernel can serve several input gradients. */
export function lazy<T>(fn: () => T): () => T {
  let v: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      v = fn();
      done = true;
    }
    return v as T;
  };
}
