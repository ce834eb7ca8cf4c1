// Creating tensors: from nested arrays or typed arrays, constant fills, ranges, and seeded
// random draws. Everything here writes typed arrays directly; random draws write into the active
// backend's memory where it offers host-addressable blocks (storage.ts creationStorage), so the
// kernels that read them find them there.

import { type DType, type TypedArray, allocStorage, assertDType, boolValue, dtypeOfStorage, getDefaultDtype, isFloat } from "./dtype.js";
import { DTypeError, ShapeError, ValueError } from "./errors.js";
import { type Shape, checkShape, fmt, numelOf } from "./shape.js";
import { type NestedArray, Tensor } from "./tensor.js";
import { type Generator, defaultGenerator } from "./random.js";
import { asOp } from "./opContext.js";
import { checkElements } from "./limits.js";
import { type Storage, creationStorage } from "./storage.js";
import { noteAllocated } from "./storagePool.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** For a flat typed array or number[]: the shape to view it as. */
  shape?: number[];
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Storage of `dtype` filled from JS values; bool stores v != 0, int truncates toward zero. */
export function storageFrom(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = allocStorage(dtype, values.length);
  // a storage class's array into float storage (or int32 into int32) is one native copy: set()
  // rounds and widens as the element-wise store does, and needs no range check there (other
  // views, BigInt64Array among them, which set() refuses, take the loop)
  const storageClass =
    values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint8Array;
  if (storageClass && (isFloat(dtype) || (dtype === "int32" && values instanceof Int32Array))) {
    out.set(values);
    return out;
  }
  if (dtype === "bool") {
    for (let i = 0; i < values.length; i++) out[i] = boolValue(values[i]!);
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  if (dtype === "int32") {
    // Int32Array wraps silently (2**31 becomes -2**31); PyTorch's int64 would hold these values
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (v > 2147483647 || v < -2147483648 || Number.isNaN(v)) {
        throw new ValueError(
          `tensor: value ${v} (element ${i}) does not fit in int32, whose range is [-2147483648, 2147483647] (tensorloom's integers are int32, PyTorch's int64). Pass { dtype: "float64" } to hold it.`,
        );
      }
    }
  }
  return out;
}

/**
 * A tensor from nested arrays, a flat typed array or a number, as torch.tensor. The dtype is
 * inferred as PyTorch does: booleans give bool, integers int32 (PyTorch's int64), anything
 * else the default float dtype. Typed arrays keep their own dtype and are copied.
 * @example tl.tensor([[1, 2], [3, 4]], { dtype: "float64" })
 */
export function tensor(values: NestedArray | TypedArray | Tensor, opts: TensorOptions = {}): Tensor {
  return asOp("tensor", () => tensorOf(values, opts));
}

function tensorOf(values: NestedArray | TypedArray | Tensor, opts: TensorOptions): Tensor {
  if (
    typeof values === "object" &&
    values !== null &&
    !Array.isArray(values) &&
    !ArrayBuffer.isView(values) &&
    !(values instanceof Tensor)
  ) {
    // a frame Series or DataFrame: they know their dtype and missing values, tensor() does not
    const name = (values as object).constructor?.name ?? "object";
    const hint =
      typeof (values as { toTensor?: unknown }).toTensor === "function"
        ? `Call its toTensor() method instead (e.g. series.toTensor("float32")), which converts missing values and checks the column type.`
        : `Convert it to an array of numbers first.`;
    throw new ValueError(
      `tensor: got a ${name}, but tensor() takes a number, a boolean, nested arrays of them, a typed array or a Tensor. ${hint}`,
    );
  }
  if (values instanceof Tensor) return finish(new Tensor(storageFrom(values.storage, opts.dtype ?? values.dtype), values.shape), opts);
  let flat: ArrayLike<number | boolean>;
  let shape: number[];
  let inferred: DType;
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    shape = [values.length];
    inferred = dtypeOfStorage(values as TypedArray);
  } else {
    const r = flatten(values);
    flat = r.flat;
    shape = r.shape;
    inferred = r.allBool ? "bool" : r.allInt ? "int32" : getDefaultDtype();
  }
  if (opts.shape !== undefined) {
    const s = checkShape("tensor", opts.shape);
    if (numelOf(s) !== flat.length) {
      throw new ShapeError(
        `tensor: shape ${fmt(s)} holds ${numelOf(s)} elements but ${flat.length} values were given. Pass a shape whose product is ${flat.length}.`,
      );
    }
    shape = s;
  }
  const dtype = opts.dtype === undefined ? inferred : assertDType("tensor", opts.dtype);
  return finish(new Tensor(storageFrom(flat, dtype), shape), opts);
}

function flatten(values: NestedArray): { flat: (number | boolean)[]; shape: number[]; allBool: boolean; allInt: boolean } {
  const shape: number[] = [];
  for (let v: NestedArray = values; Array.isArray(v); v = v[0] as NestedArray) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const flat: (number | boolean)[] = [];
  let allBool = true,
    allInt = true;
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v === "boolean") allInt = allInt && true;
      else if (typeof v === "number") {
        allBool = false;
        if (!Number.isInteger(v)) allInt = false;
      } else {
        throw new ValueError(
          `tensor: element ${path} is ${Array.isArray(v) ? "an array" : JSON.stringify(v)}, but the nesting says a number or boolean belongs there. Make every row the same depth, with numbers or booleans at the bottom.`,
        );
      }
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(
        `tensor: ragged nested array: element ${path || "[]"} has ${Array.isArray(v) ? `length ${v.length}` : "no length"} but dim ${dim} has size ${shape[dim]} (from the first row). Make every row the same length.`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i]!, dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, "");
  if (flat.length === 0) allBool = allInt = false; // torch.tensor([]) is float
  return { flat, shape, allBool, allInt };
}

/** A tensor that shares `storage` (no copy); the caller promises not to reuse the array. */
export function fromStorage(storage: TypedArray, shape: Shape): Tensor {
  return new Tensor(storage, shape);
}

/** A tensor of `shape` filled with `value`, as torch.full (options object `{ dtype, requiresGrad }` for keywords; dtype inferred from the value: bool for booleans, int32 for integers (PyTorch: int64), else the default float dtype). */
export function full(shape: Shape, value: number | boolean, opts: CreateOptions = {}): Tensor {
  return asOp("full", () => {
    const s = checkShape("full", shape);
    const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : Number.isInteger(value) ? "int32" : getDefaultDtype());
    const st = allocStorage(assertDType("full", dtype), numelOf(s), s);
    st.fill(dtype === "bool" ? boolValue(value) : Number(value));
    return finish(new Tensor(st, s), opts);
  });
}

/** A tensor of zeros (default dtype float32 unless setDefaultDtype changed it), as torch.zeros; `{ dtype, requiresGrad }` for its keywords. */
export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor =>
  asOp("zeros", () => full(checkShape("zeros", shape), 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() }));
/** A tensor of ones (default float dtype), as torch.ones; `{ dtype, requiresGrad }` for its keywords. */
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor =>
  asOp("ones", () => full(checkShape("ones", shape), 1, { ...opts, dtype: opts.dtype ?? getDefaultDtype() }));
/** Uninitialised in PyTorch; zero-filled here, since typed arrays always are. */
export const empty = (shape: Shape, opts: CreateOptions = {}): Tensor => asOp("empty", () => zeros(shape, opts));
/** Zeros with t's shape and dtype (options override), as torch.zeros_like. */
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => zeros(t.shape, { dtype: t.dtype, ...opts });
/** Ones with t's shape and dtype (options override), as torch.ones_like. */
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => ones(t.shape, { dtype: t.dtype, ...opts });
/** `value` everywhere with t's shape and dtype (options override), as torch.full_like. */
export const fullLike = (t: Tensor, value: number | boolean, opts: CreateOptions = {}): Tensor =>
  full(t.shape, value, { dtype: t.dtype, ...opts });

/**
 * Values from start (inclusive) to end (exclusive) by step, as torch.arange. int32 when all
 * arguments are integers, else the default float dtype. arange(5) is [0, 1, 2, 3, 4]; options
 * may follow any of the forms: arange(5, { dtype }), arange(0, 5, { dtype }).
 * @example tl.arange(5) // => tensor([0, 1, 2, 3, 4], dtype=int32)
 */
export function arange(end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, opts?: CreateOptions): Tensor;
export function arange(start: number, end: number, step?: number, opts?: CreateOptions): Tensor;
export function arange(
  startOrEnd: number,
  endOrOpts?: number | CreateOptions,
  stepOrOpts?: number | CreateOptions,
  options: CreateOptions = {},
): Tensor {
  const isOpts = (v: unknown): v is CreateOptions => typeof v === "object" && v !== null;
  const opts = isOpts(endOrOpts) ? endOrOpts : isOpts(stepOrOpts) ? stepOrOpts : options;
  const end = isOpts(endOrOpts) ? undefined : endOrOpts;
  const step = isOpts(stepOrOpts) || stepOrOpts === undefined ? 1 : stepOrOpts;
  return asOp("arange", () => arangeOf(startOrEnd, end, step, opts));
}

function arangeOf(startOrEnd: number, end: number | undefined, step: number, opts: CreateOptions): Tensor {
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange: step must be a finite non-zero number, got ${step}.`);
  if (!Number.isFinite(start) || !Number.isFinite(stop))
    throw new ValueError(`arange: start and end must be finite, got start=${start}, end=${stop}.`);
  if ((stop - start) / step < 0) {
    throw new ValueError(
      `arange: step ${step} goes away from end: start=${start}, end=${stop}. Use a ${step > 0 ? "negative" : "positive"} step, or swap start and end.`,
    );
  }
  const n = Math.ceil((stop - start) / step);
  const dtype = opts.dtype ?? ([start, stop, step].every(Number.isInteger) ? "int32" : getDefaultDtype());
  const st = allocStorage(numericDType("arange", dtype), n, [n]);
  for (let i = 0; i < n; i++) st[i] = start + i * step;
  return finish(new Tensor(st, [n]), opts);
}

/**
 * `steps` evenly spaced values from start to end inclusive, as torch.linspace.
 * @example tl.linspace(0, 1, 5) // => tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}.`);
  const dtype = opts.dtype ?? getDefaultDtype();
  const st = asOp("linspace", () => allocStorage(numericDType("linspace", dtype), steps, [steps]));
  const d = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill symmetrically from both ends, as PyTorch does, so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) st[i] = i < half ? start + d * i : end - d * (steps - 1 - i);
  if (steps === 1) st[0] = start; // one step is the start, as torch.linspace(0, 1, 1) -> [0]
  return finish(new Tensor(st, [steps]), opts);
}

/** Identity matrix n x m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new ValueError(`eye: n and m must be non-negative integers, got n=${n}, m=${m}.`);
  }
  const t = asOp("eye", () => zeros([n, m], opts.dtype === undefined ? {} : { dtype: opts.dtype }));
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return finish(t, opts);
}

/** A dtype a range can be written in: bool storage holds only 0 and 1 (PyTorch has no bool ranges). */
function numericDType(op: string, d: unknown): DType {
  const dt = assertDType(op, d);
  if (dt === "bool") throw new DTypeError(`${op}: a range cannot be bool (as PyTorch). Use int32 and compare, e.g. ${op}(...).gt(0).`);
  return dt;
}

function floatDTypeFor(op: string, opts: CreateOptions): DType {
  const d = opts.dtype ?? getDefaultDtype();
  if (!isFloat(d)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${d}. Use randint for integers.`);
  return d;
}

/**
 * Storage for draws that the caller writes whole right away: a block of the backend's memory
 * where it offers one (creationStorage), else a host array (not zero-filled: every element is
 * written next). `values` is where to write.
 */
function drawStorage(dtype: DType, s: Shape): { storage: Storage; values: TypedArray } {
  const n = numelOf(s);
  checkElements(n, s);
  const device = creationStorage(dtype, n);
  if (device) {
    noteAllocated(device);
    return { storage: device, values: device.hostView() };
  }
  const values = allocStorage(dtype, n, s, false);
  return { storage: values, values };
}

/** Uniform on [0, 1), from the seeded generator (tl.manualSeed). */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  const s = checkShape("rand", shape);
  const g = opts.generator ?? defaultGenerator;
  const { storage, values: st } = asOp("rand", () => drawStorage(floatDTypeFor("rand", opts), s));
  for (let i = 0; i < st.length; i++) {
    let u = g.uniform();
    if (st instanceof Float32Array && Math.fround(u) === 1) u = 0.99999994; // keep [0, 1) after rounding
    st[i] = u;
  }
  return finish(new Tensor(storage, s), opts);
}

/** Standard normal, from the seeded generator (tl.manualSeed). */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  const s = checkShape("randn", shape);
  const g = opts.generator ?? defaultGenerator;
  const { storage, values: st } = asOp("randn", () => drawStorage(floatDTypeFor("randn", opts), s));
  for (let i = 0; i < st.length; i++) st[i] = g.normal();
  return finish(new Tensor(storage, s), opts);
}

/** Integers uniform in [low, high), int32 by default, as torch.randint(low, high, size). */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: needs integers low < high, got low=${low}, high=${high}.`);
  }
  const s = checkShape("randint", shape);
  const g = opts.generator ?? defaultGenerator;
  const st = asOp("randint", () => allocStorage(assertDType("randint", opts.dtype ?? "int32"), numelOf(s), [...s]));
  for (let i = 0; i < st.length; i++) st[i] = g.int(low, high);
  return finish(new Tensor(st, s), opts);
}

/** Uniform [0, 1) samples with t's shape and dtype, as torch.rand_like (tensorloom's own generator, not PyTorch's stream). */
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, { dtype: t.dtype, ...opts });
/** Standard normal samples with t's shape and dtype, as torch.randn_like (tensorloom's own generator, not PyTorch's stream). */
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, { dtype: t.dtype, ...opts });

/** A random permutation of 0..n-1 (int32), as torch.randperm. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`randperm: n must be a non-negative integer, got ${n}.`);
  const g = opts.generator ?? defaultGenerator;
  const st = asOp("randperm", () => allocStorage("int32", n, [n]));
  for (let i = 0; i < n; i++) st[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const tmp = st[i]!;
    st[i] = st[j]!;
    st[j] = tmp;
  }
  return new Tensor(st, [n]);
}
