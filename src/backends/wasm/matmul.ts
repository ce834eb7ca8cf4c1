// float32 batched matmul on the wasm SGEMM; other dtypes take the reference kernel.

import type { TypedArray } from "../../tensor/dtype.js";
import type { MatmulGeometry } from "../backend.js";
import { matmul as referenceMatmul } from "../reference/matmul.js";
import type { Arena, WasmRuntime } from "./runtime.js";

export function makeMatmul(rt: WasmRuntime, arena: Arena) {
  return function matmul(a: TypedArray, b: TypedArray, out: TypedArray, g: MatmulGeometry): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceMatmul(a, b, out, g);
      return;
    }
    const { batch, m, k, n, aBatchStride, bBatchStride, transA, transB } = g;
    if (out.length === 0) return;
    arena.reset();
    const pa = arena.f32In(a), pb = arena.f32In(b), pc = arena.alloc(out.length * 4);
    const scratch = arena.scratch(0);
    for (let t = 0; t < batch; t++) {
      rt.exports.sgemm(
        m, n, k,
        pa + 4 * t * aBatchStride, transA ? 1 : k, transA ? m : 1,
        pb + 4 * t * bBatchStride, transB ? 1 : n, transB ? k : 1,
        pc + 4 * t * m * n, n, 0, scratch,
      );
    }
    out.set(arena.f32(pc, out.length));
  };
}
