// float32 pooling on the wasm kernels; other dtypes take the reference kernels. The windows go to
// wasm in compressed-row form, built by the reference backend (the specification) and cached.

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";
import * as ref from "../reference/pool.js";
import { poolWindowsCsr } from "../geometry.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

/**
 * Whether every window along one dim of n inputs is 2 wide at stride 2 from 0 and inside the
 * input: start[o] = 2o, count[o] = 2 (no padding), 2 * outputs <= n (no ceil-mode window running
 * past the end, whose outside position the table-driven kernel skips).
 */
const pairs = (start: Int32Array, count: Int32Array, n: number): boolean =>
  2 * start.length <= n && start.every((s, o) => s === 2 * o && count[o] === 2);

/**
 * When maxPool takes maxPool2x2 (four outputs per vector, no window tables): 2-d windows of
 * 2 x 2 at stride 2 inside the input (no padding, dilation or ceil-mode overhang) and an even
 * number of outputs per row (the kernel reads each pair of outputs' inputs as one 4-float load
 * per row).
 * The digits CNN's two pools ran 3.4x (8x8 -> 4x4) and 2.2x (4x4 -> 2x2) faster than the
 * table-driven kernel (87 -> 24 and 44 -> 20 us per batch of 64).
 */
export const useMaxPool2x2 = (g: PoolGeometry): boolean =>
  g.inSize.length === 2 &&
  g.dilation.every((d) => d === 1) &&
  g.outSize[1]! % 2 === 0 &&
  g.outSize.every((o) => o > 0) &&
  pairs(g.start[0]!, g.count[0]!, g.inSize[0]!) &&
  pairs(g.start[1]!, g.count[1]!, g.inSize[1]!);

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
      if (useMaxPool2x2(g)) {
        const [H, Wd] = g.inSize as [number, number],
          [OH, OW] = g.outSize as [number, number];
        arena.call([x], [out, indices], ([px, pOut, pIdx]) => k.maxPool2x2(px!, pOut!, pIdx!, g.planes, H, Wd, OH, OW));
        return;
      }
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
