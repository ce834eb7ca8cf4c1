// float32 scatterAdd along the last dim and float32/int32 indexSelect along any dim (the
// DataLoader's batch gather) off the reference kernels; every other index kernel (and every other
// layout) is the reference one. The reference's generic loop serves every dtype through one
// TypedArray-typed function, whose element accesses V8 cannot specialise: maxPool's backward (a
// scatter of each plane's gradient to its argmax positions) spent ~7% of a digits CNN epoch there.

import type { TypedArray } from "../../tensor/dtype.js";
import * as ref from "../reference/movement.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Rows at least this long are copied by TypedArray.set rather than element by element. */
const ROW_SET_MIN = 16;

const words = (a: TypedArray): a is Float32Array | Int32Array => a instanceof Float32Array || a instanceof Int32Array;

/**
 * indexSelect from a host x into out, in JS. Not the reference's loop: that one serves every
 * dtype through one function, whose element accesses V8 cannot specialise once it has seen
 * several (~700 us for a 64-row batch of 64 floats in a training process, against ~17 us here).
 */
function selectHostRows(
  x: Float32Array | Int32Array,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: Float32Array | Int32Array,
): void {
  const m = index.length;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < m; j++) {
      const src = (o * size + index[j]!) * inner,
        dst = (o * m + j) * inner;
      // a long row is one memcpy, straight into out wherever it lives
      if (inner >= ROW_SET_MIN) out.set(x.subarray(src, src + inner), dst);
      else for (let i = 0; i < inner; i++) out[dst + i] = x[src + i]!;
    }
}

export function makeIndexing(rt: WasmRuntime, arena: Arena) {
  return {
    indexSelect(x: TypedArray, outer: number, size: number, inner: number, index: Int32Array, out: TypedArray): void {
      if (!(words(x) && words(out) && x.constructor === out.constructor)) {
        ref.indexSelect(x, outer, size, inner, index, out);
        return;
      }
      // a host x larger than the output would cost more to copy in than the gather itself
      if (out.length === 0 || !(arena.heap.owns(x) || x.length <= out.length)) {
        selectHostRows(x, outer, size, inner, index, out);
        return;
      }
      arena.reset();
      const px = arena.input(x),
        pi = arena.input(index),
        po = arena.output(out);
      rt.exports.indexSelectRows(px, pi, po, outer, size, inner, index.length);
      arena.finish();
    },
    scatterAdd(
      out: TypedArray,
      outShape: readonly number[],
      dim: number,
      index: Int32Array,
      indexShape: readonly number[],
      src: TypedArray,
      srcShape: readonly number[],
    ): void {
      const last = outShape.length - 1;
      // the last dim, with index and src shaped alike and as out in every other dim: rows
      if (
        out instanceof Float32Array &&
        src instanceof Float32Array &&
        last >= 0 &&
        dim === last &&
        index.length > 0 &&
        sameDims(indexShape, srcShape) &&
        sameDims(indexShape.slice(0, last), outShape.slice(0, last))
      ) {
        arena.reset();
        const pi = arena.input(index),
          ps = arena.input(src),
          po = arena.inout(out);
        const m = indexShape[last]!;
        rt.exports.scatterAddRows(po, pi, ps, index.length / m, outShape[last]!, m);
        arena.finish();
        return;
      }
      ref.scatterAdd(out, outShape, dim, index, indexShape, src, srcShape);
    },
  };
}
