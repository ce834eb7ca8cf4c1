// float32 pooling on the wasm kernels; other dtypes take the reference kernels. The windows go to
// wasm in compressed-row form, built by the reference backend (the specification) and cached.

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";
import * as ref from "../reference/pool.js";
import { poolWindowsCsr } from "../geometry.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

export function makePool(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  /** Run a pooling kernel: operands in, the window tables after them, outputs back. */
  function pool(
    g: PoolGeometry,
    inputs: Float32Array[],
    outputs: (Float32Array | Int32Array)[],
    kernel: (p: number[], P: number, O: number) => void,
  ): void {
    const { start, offs } = poolWindowsCsr(g);
    arena.call([...inputs, start, offs], outputs, (p) => kernel(p, prod(g.inSize), prod(g.outSize)));
  }
  return {
    maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void {
      if (!(x instanceof Float32Array && out instanceof Float32Array) || out.length === 0) return ref.maxPool(x, out, indices, g);
      pool(g, [x], [out, indices], ([px, ps, po, pOut, pIdx], P, O) => k.maxPool(px!, pOut!, pIdx!, g.planes, P, O, ps!, po!));
    },
    avgPool(x: TypedArray, out: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
      if (!(x instanceof Float32Array && out instanceof Float32Array) || out.length === 0) return ref.avgPool(x, out, divisor, g);
      pool(g, [x, Float32Array.from(divisor)], [out], ([px, pd, ps, po, pOut], P, O) =>
        k.avgPool(px!, pOut!, pd!, g.planes, P, O, ps!, po!),
      );
    },
    avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
      if (!(dy instanceof Float32Array && dx instanceof Float32Array) || dx.length === 0) return ref.avgPoolBackward(dy, dx, divisor, g);
      pool(g, [dy, Float32Array.from(divisor)], [dx], ([pdy, pd, ps, po, pDx], P, O) =>
        k.avgPoolBackward(pdy!, pDx!, pd!, g.planes, P, O, ps!, po!),
      );
    },
  };
}
