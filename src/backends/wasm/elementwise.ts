// float32 elementwise maps and sums that pay for a trip into wasm memory: the branch-free relu
// and its gradient (JS's versions branch on the sign and mispredict half the time on real
// activations), large + - * / (several times the JS loop's speed, copies included), a bias over the rows of a
// matrix, sums over a middle axis (bias gradients) and float32 sums of long contiguous rows.
// Everything else is the reference kernel. Results are the reference kernels' bits (tested;
// contiguous sums: float64 partial sums in another order, the same float32 result).

import type { TypedArray } from "../../tensor/dtype.js";
import type { BinaryOp, CopyGeometry, ReduceOp, UnaryOp } from "../backend.js";
import { reduce as referenceReduce } from "../reference/reduce.js";
import { copyStrided as referenceCopyStrided } from "../reference/movement.js";
import * as ref from "../reference/elementwise.js";
import type { Arena, WasmRuntime } from "./runtime.js";
import { isRowMajor } from "../geometry.js";

const ARITH: readonly BinaryOp[] = ["add", "sub", "mul", "div"];
/** Below this many elements the JS loops win (no copies). */
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

const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);

/** Below this many elements a JS fill costs less than the call. */
const WASM_FILL_MIN = 1024;

/** A float32 through the conversion JS's fill applies, read back as its bits (fill32's operand). */
const fillWord = new Float32Array(1),
  fillBits = new Int32Array(fillWord.buffer);
const F = (x: TypedArray): Float32Array => x as Float32Array;

export function makeElementwise(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  return {
    unary(op: UnaryOp, x: TypedArray, out: TypedArray, a?: number, b?: number): void {
      if (op === "relu" && f32(x, out)) return arena.call([F(x)], [F(out)], ([px, po]) => k.relu(px!, po!, x.length));
      ref.unary(op, x, out, a, b);
    },
    binary(
      op: BinaryOp,
      a: TypedArray,
      aShape: readonly number[],
      b: TypedArray,
      bShape: readonly number[],
      out: TypedArray,
      outShape: readonly number[],
    ): void {
      const n = out.length,
        code = ARITH.indexOf(op);
      if (f32(a, b, out) && a.length === n) {
        if (op === "reluGrad" && b.length === n) return arena.call([F(a), F(b)], [F(out)], ([pa, pb, po]) => k.reluGrad(pa!, pb!, po!, n));
        if (code >= 0 && n >= WASM_ARITH_MIN) {
          if (b.length === n || b.length === 1)
            return arena.call([F(a), F(b)], [F(out)], ([pa, pb, po]) => k.arith(code, pa!, pb!, po!, n, b.length === 1 ? 1 : 0));
          if (b.length > 1 && b.length < n && isRowBroadcast(bShape, outShape))
            return arena.call([F(a), F(b)], [F(out)], ([pa, pb, po]) => k.arithRows(code, pa!, pb!, po!, n / b.length, b.length));
        }
      }
      ref.binary(op, a, aShape, b, bShape, out, outShape);
    },
    /**
     * One value broadcast over a contiguous output (a sum's gradient, expand of a scalar) filled
     * in wasm when the output lives there; everything else is the reference kernel.
     */
    copyStrided(x: TypedArray, out: TypedArray, g: CopyGeometry): void {
      const n = out.length;
      if (
        (out instanceof Float32Array || out instanceof Int32Array) &&
        x.constructor === out.constructor &&
        g.shape.length > 0 &&
        arena.heap.owns(out) &&
        g.srcStrides.every((st) => st === 0) &&
        isRowMajor(g.shape, g.dstStrides)
      ) {
        const total = g.shape.reduce((a, b) => a * b, 1);
        if (total >= WASM_FILL_MIN && g.dstOffset + total <= n) {
          let bits: number;
          if (out instanceof Int32Array) bits = x[g.srcOffset]!;
          else {
            fillWord[0] = x[g.srcOffset]!;
            bits = fillBits[0]!;
          }
          arena.reset();
          k.fill32(arena.output(out) + 4 * g.dstOffset, total, bits);
          arena.finish();
          return;
        }
      }
      referenceCopyStrided(x, out, g);
    },
    reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
      if (op === "sum" && inner > 1 && f32(x, out) && x.length >= WASM_ARITH_MIN) {
        // float64 sums in the reference's order, four columns per SIMD step
        arena.reset();
        const px = arena.input(F(x)),
          po = arena.output(F(out)),
          acc = arena.alloc(inner * 8);
        k.sumMiddle(px, outer, size, inner, po, acc);
        arena.finish();
        return;
      }
      if (op === "sum" && inner === 1 && size >= 8 && f32(x, out) && x.length >= WASM_ARITH_MIN) {
        return arena.call([F(x)], [F(out)], ([px, po]) => k.sumContiguous(px!, outer, size, po!));
      }
      referenceReduce(op, x, outer, size, inner, out);
    },
  };
}
