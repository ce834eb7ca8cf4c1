// float32 scatterAdd along the last dim on the wasm kernels; every other index kernel (and every
// other layout) is the reference one. The reference's generic loop serves every dtype through
// one TypedArray-typed function, whose element accesses V8 cannot specialise: maxPool's
// backward (a scatter of each plane's gradient to its argmax positions) spent ~7% of a digits
// CNN epoch there.

import type { TypedArray } from "../../tensor/dtype.js";
import * as ref from "../reference/movement.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export function makeIndexing(rt: WasmRuntime, arena: Arena) {
  return {
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
