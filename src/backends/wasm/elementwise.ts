// float32 elementwise fast paths for the wasm backend, in plain JS. The reference kernels serve
// every dtype from one function, and V8 compiles a loop that has seen several typed-array kinds
// into slow polymorphic code (measured 3-5x slower on the digits CNN's relu and its gradient).
// These functions only ever see Float32Array (and the bool Uint8Array of comparisons), so they
// stay monomorphic. Copying into wasm memory and back would cost as much as the work itself.
// Results are those of the reference kernels: single float32 roundings of the same expressions.
// Comparisons are written +(a > b), which V8 compiles without a branch.

import type { TypedArray } from "../../tensor/dtype.js";
import type { BinaryOp, ReduceOp, UnaryOp } from "../backend.js";
import { reduce as referenceReduce } from "../reference/reduce.js";
import * as ref from "../reference/elementwise.js";
import { sigmoid } from "../reference/scalarMath.js";
import type { Arena, WasmRuntime } from "./runtime.js";

function unaryF32(op: UnaryOp, x: Float32Array, out: Float32Array): boolean {
  const n = x.length;
  switch (op) {
    case "copy": case "cast": out.set(x); return true;
    case "neg": for (let i = 0; i < n; i++) out[i] = -x[i]!; return true;
    case "exp": for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); return true;
    case "log": for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!); return true;
    case "sqrt": for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!); return true;
    case "square": for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v * v; } return true;
    case "abs": for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!); return true;
    case "tanh": for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); return true;
    case "sigmoid": for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!); return true;
    default: return false;
  }
}

/** out = a op b for equal lengths or a scalar b (sb = 0). */
function arithF32(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array, sb: number): boolean {
  const n = out.length;
  switch (op) {
    case "add": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = a[i]! + b[j]!; return true;
    case "sub": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = a[i]! - b[j]!; return true;
    case "mul": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = a[i]! * b[j]!; return true;
    case "div": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = a[i]! / b[j]!; return true;
    default: return false;
  }
}

function compareF32(op: BinaryOp, a: Float32Array, b: Float32Array, out: Uint8Array, sb: number): boolean {
  const n = out.length;
  switch (op) {
    case "gt": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! > b[j]!); return true;
    case "ge": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! >= b[j]!); return true;
    case "lt": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! < b[j]!); return true;
    case "le": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! <= b[j]!); return true;
    case "eq": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! === b[j]!); return true;
    case "ne": for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! !== b[j]!); return true;
    default: return false;
  }
}

/** bool -> float32 (a relu's gradient mask, for one). */
function castBoolToF32(x: Uint8Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]!;
}

const ARITH: readonly BinaryOp[] = ["add", "sub", "mul", "div"];
/** Below this many elements the JS loop wins (no copies). */
const WASM_ARITH_MIN = 4096;

/** b's shape (leading 1s dropped) is the trailing part of out's: b repeats along the rows. */
function isRowBroadcast(bShape: readonly number[], outShape: readonly number[]): boolean {
  let k = 0;
  while (k < bShape.length && bShape[k] === 1) k++;
  const tail = bShape.slice(k);
  if (tail.length > outShape.length) return false;
  const off = outShape.length - tail.length;
  return tail.every((d, i) => d === outShape[off + i]);
}

export function makeElementwise(rt: WasmRuntime, arena: Arena) {
  return {
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, a?: number, b?: number): void {
    if (op === "relu" && x instanceof Float32Array && out instanceof Float32Array) {
      // JS's relu branches on the sign and mispredicts half the time on real activations (5x
      // slower than a copy); wasm's f32x4.max has no branch, and the copies cost less than that
      arena.reset();
      const px = arena.f32In(x), po = arena.alloc(out.length * 4);
      rt.exports.relu(px, po, x.length);
      out.set(arena.f32(po, out.length));
      return;
    }
    if (x instanceof Float32Array && out instanceof Float32Array && unaryF32(op, x, out)) return;
    if ((op === "cast" || op === "copy") && x instanceof Uint8Array && out instanceof Float32Array) return castBoolToF32(x, out);
    ref.unary(op, x, out, a, b);
  },
  binary(op: BinaryOp, a: TypedArray, aShape: readonly number[], b: TypedArray, bShape: readonly number[], out: TypedArray, outShape: readonly number[]): void {
    const n = out.length;
    if (op === "reluGrad" && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && a.length === n && b.length === n) {
      // branch-free in wasm, as relu (see unary)
      arena.reset();
      const pa = arena.f32In(a), pb = arena.f32In(b), po = arena.alloc(n * 4);
      rt.exports.reluGrad(pa, pb, po, n);
      out.set(arena.f32(po, n));
      return;
    }
    const code = ARITH.indexOf(op);
    if (code >= 0 && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && a.length === n && n >= WASM_ARITH_MIN && b.length > 1 && b.length < n && isRowBroadcast(bShape, outShape)) {
      // a bias over the rows of a matrix (x W^T + b): one SIMD pass instead of the strided walk
      arena.reset();
      const pa = arena.f32In(a), pb = arena.f32In(b), po = arena.alloc(n * 4);
      rt.exports.arithRows(code, pa, pb, po, n / b.length, b.length);
      out.set(arena.f32(po, n));
      return;
    }
    if (a instanceof Float32Array && b instanceof Float32Array && a.length === n && (b.length === n || b.length === 1)) {
      const sb = b.length === n ? 1 : 0;
      if (code >= 0 && out instanceof Float32Array && n >= WASM_ARITH_MIN) {
        // measured at 65K floats: 38 us in wasm (copies included) against 166 us for the JS loop
        arena.reset();
        const pa = arena.f32In(a), pb = arena.f32In(b), po = arena.alloc(n * 4);
        rt.exports.arith(code, pa, pb, po, n, sb ? 0 : 1);
        out.set(arena.f32(po, n));
        return;
      }
      if (out instanceof Float32Array && arithF32(op, a, b, out, sb)) return;
      if (out instanceof Uint8Array && compareF32(op, a, b, out, sb)) return;
    }
    ref.binary(op, a, aShape, b, bShape, out, outShape);
  },
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
    if (op === "sum" && inner > 1 && x instanceof Float32Array && out instanceof Float32Array && x.length >= WASM_ARITH_MIN) {
      // bias gradients: float64 sums in the reference's order, four columns per SIMD step
      arena.reset();
      const px = arena.f32In(x), po = arena.alloc(out.length * 4), acc = arena.alloc(inner * 8);
      rt.exports.sumMiddle(px, outer, size, inner, po, acc);
      out.set(arena.f32(po, out.length));
      return;
    }
    referenceReduce(op, x, outer, size, inner, out);
  },
  };
}
