// float32 pooling on the wasm kernels; other dtypes take the reference kernels. The windows go to
// wasm in compressed-row form, built by the reference backend (the specification) and cached.

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";
import * as ref from "../reference/pool.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

export function makePool(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  /** Copy x and the window tables in; returns their addresses and the plane sizes. */
  function setup(x: Float32Array, g: PoolGeometry, divisor?: Float64Array) {
    const { start, offs } = ref.windowsCsr(g);
    arena.reset();
    const px = arena.f32In(x);
    const ps = arena.alloc(start.length * 4);
    arena.i32(ps, start.length).set(start);
    const po = arena.alloc(offs.length * 4);
    arena.i32(po, offs.length).set(offs);
    const pd = divisor ? arena.f32In(Float32Array.from(divisor)) : 0;
    return { px, ps, po, pd, P: prod(g.inSize), O: prod(g.outSize) };
  }
  return {
    maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void {
      if (!(x instanceof Float32Array && out instanceof Float32Array) || out.length === 0) return ref.maxPool(x, out, indices, g);
      const s = setup(x, g);
      const pOut = arena.alloc(out.length * 4), pIdx = arena.alloc(out.length * 4);
      k.maxPool(s.px, pOut, pIdx, g.planes, s.P, s.O, s.ps, s.po);
      out.set(arena.f32(pOut, out.length));
      indices.set(arena.i32(pIdx, out.length));
    },
    avgPool(x: TypedArray, out: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
      if (!(x instanceof Float32Array && out instanceof Float32Array) || out.length === 0) return ref.avgPool(x, out, divisor, g);
      const s = setup(x, g, divisor);
      const pOut = arena.alloc(out.length * 4);
      k.avgPool(s.px, pOut, s.pd, g.planes, s.P, s.O, s.ps, s.po);
      out.set(arena.f32(pOut, out.length));
    },
    avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
      if (!(dy instanceof Float32Array && dx instanceof Float32Array) || dx.length === 0) return ref.avgPoolBackward(dy, dx, divisor, g);
      const s = setup(dy, g, divisor);
      const pDx = arena.alloc(dx.length * 4);
      k.avgPoolBackward(s.px, pDx, s.pd, g.planes, s.P, s.O, s.ps, s.po);
      dx.set(arena.f32(pDx, dx.length));
    },
  };
}
