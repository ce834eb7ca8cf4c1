// dtypes, their typed-array storage, and PyTorch's type-promotion rules.
// Not here: anything that computes on values (that is the backends' job).

import { DTypeError } from "./errors.js";
import { checkElements } from "./limits.js";
import type { Shape } from "./shape.js";
import { noteAllocated, poisonOf, poisonUnfilled, takeStorage } from "./storagePool.js";

/** The element types: "float32", "float64", "int32" (stands in for PyTorch's int64) and "bool"; torch.dtype as a string. */
export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** The storage of a tensor: Float32Array, Float64Array, Int32Array, or Uint8Array for bool. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatDType = "float32" | "float64";

const STORAGE_CLASS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * Zero-filled storage per dtype (bool is one byte per element, 0 or 1): a recycled one where a
 * backward pass left one of this size (see storagePool.ts), else a fresh array. Every storage
 * passes here, so this is where the element limit (limits.ts) is checked; `shape`, when the
 * caller has one, goes into the error. `zero` false skips the fill of a recycled one: only for an
 * output a kernel writes whole before anything reads it (ops/op.ts unfilled).
 */
export function allocStorage(dtype: DType, n: number, shape?: Shape, zero = true): TypedArray {
  const Ctor = STORAGE_CLASS[dtype];
  if (!Ctor) throw new DTypeError(`allocStorage: unknown dtype "${String(dtype)}"; use one of ${DTYPES.join(", ")}.`);
  checkElements(n, shape);
  let s = takeStorage(Ctor.name, n, zero);
  if (!s) {
    s = new Ctor(n);
    if (!zero && poisonUnfilled()) s.fill(poisonOf(s));
  }
  noteAllocated(s);
  return s;
}

export function dtypeOfStorage(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloat(d: DType): d is FloatDType {
  return d === "float32" || d === "float64";
}

export function assertDType(op: string, d: unknown): DType {
  if (typeof d === "string" && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(d)}. Use one of ${DTYPES.join(", ")}.`);
}

let defaultFloat: FloatDType = "float32";

/** As torch.set_default_dtype: the dtype of float tensors created without an explicit dtype. */
export function setDefaultDtype(d: DType): void {
  if (d !== "float32" && d !== "float64") {
    throw new DTypeError(
      `setDefaultDtype: got ${JSON.stringify(d)}, but only float32 or float64 can be the default (as in PyTorch). Pass "float32" or "float64".`,
    );
  }
  defaultFloat = d;
}

/** The dtype of float tensors created without an explicit dtype ("float32" unless changed), as torch.get_default_dtype. */
export function getDefaultDtype(): FloatDType {
  return defaultFloat;
}

// Kind order bool < int < float, and within floats float32 < float64.
const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const kind = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

/** Promote two dtypes of the same priority class (both dimensioned tensors, say). */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * One operand of a binary op, for result-type computation. PyTorch ranks operands in three
 * priority classes: tensors with dims, zero-dim tensors, and JS numbers ("wrapped scalars").
 * A lower class only changes the result when it is of a higher kind (bool < int < float).
 */
export type Operand = { dtype: DType; ndim: number } | number | boolean;

/** The dtype an op on these operands produces under PyTorch's promotion rules (tensors with dims, then 0-d tensors, then JS numbers), as torch.result_type over several operands. */
export function resultType(...operands: Operand[]): DType {
  let dimT: DType | undefined, zeroT: DType | undefined, scalar: DType | undefined;
  for (const o of operands) {
    if (typeof o === "number" || typeof o === "boolean") {
      const d: DType = typeof o === "boolean" ? "bool" : Number.isInteger(o) ? "int32" : getDefaultDtype();
      scalar = scalar === undefined ? d : kind(d) > kind(scalar) ? d : scalar;
    } else if (o.ndim === 0) {
      zeroT = zeroT === undefined ? o.dtype : promoteTypes(zeroT, o.dtype);
    } else {
      dimT = dimT === undefined ? o.dtype : promoteTypes(dimT, o.dtype);
    }
  }
  let out = dimT ?? zeroT ?? scalar ?? getDefaultDtype();
  for (const lower of [zeroT, scalar]) {
    if (lower !== undefined && kind(lower) > kind(out)) {
      // a float zero-dim tensor or float number lifts an int tensor to the default float type,
      // unless it is itself a tensor, whose dtype then wins (torch.result_type semantics)
      out = lower === scalar && kind(lower) === 2 ? getDefaultDtype() : lower;
    }
  }
  return out;
}

/** A value as a bool element: 0 or 1, where any nonzero number is true, NaN too (PyTorch's bool(v); JS's truthiness calls NaN false). */
export const boolValue = (v: number | boolean): number => +(v !== 0 && v !== false);

/** The float dtype an op like exp or mean produces for this input (ints go to the default float). */
export function floatResult(d: DType): FloatDType {
  return isFloat(d) ? d : getDefaultDtype();
}
