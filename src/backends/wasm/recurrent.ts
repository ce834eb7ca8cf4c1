// float32 fused LSTM / GRU cells on the wasm kernels (H a multiple of 4); everything else takes
// the reference kernels. Operands are copied into the arena and results copied back.

import type { TypedArray } from "../../tensor/dtype.js";
import * as ref from "../reference/recurrent.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);

export function makeRecurrent(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  /** Copy inputs in, allocate outputs, run, copy outputs back. */
  function call(inputs: TypedArray[], outputs: TypedArray[], run: (ptrs: number[]) => void): void {
    arena.reset();
    const ptrs = inputs.map((x) => arena.f32In(x as Float32Array));
    const outPtrs = outputs.map((o) => arena.alloc(o.length * 4));
    run([...ptrs, ...outPtrs]);
    outputs.forEach((o, i) => o.set(arena.f32(outPtrs[i]!, o.length)));
  }
  return {
    lstmCell(gates: TypedArray, c: TypedArray, c1: TypedArray, h1: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(gates, c, c1, h1)) return ref.lstmCell(gates, c, c1, h1, B, H);
      call([gates, c], [c1, h1], (p) => k.lstmCell(p[0]!, p[1]!, p[2]!, p[3]!, B, H));
    },
    lstmCellBackward(gates: TypedArray, c: TypedArray, c1: TypedArray, dh1: TypedArray, dc1: TypedArray, dgates: TypedArray, dc: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(gates, c, c1, dh1, dc1, dgates, dc)) return ref.lstmCellBackward(gates, c, c1, dh1, dc1, dgates, dc, B, H);
      call([gates, c, c1, dh1, dc1], [dgates, dc], (p) => k.lstmCellBackward(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, B, H));
    },
    gruCell(xg: TypedArray, hg: TypedArray, h: TypedArray, h1: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(xg, hg, h, h1)) return ref.gruCell(xg, hg, h, h1, B, H);
      call([xg, hg, h], [h1], (p) => k.gruCell(p[0]!, p[1]!, p[2]!, p[3]!, B, H));
    },
    gruCellBackward(xg: TypedArray, hg: TypedArray, h: TypedArray, dh1: TypedArray, dxg: TypedArray, dhg: TypedArray, dh: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(xg, hg, h, dh1, dxg, dhg, dh)) return ref.gruCellBackward(xg, hg, h, dh1, dxg, dhg, dh, B, H);
      call([xg, hg, h, dh1], [dxg, dhg, dh], (p) => k.gruCellBackward(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, B, H));
    },
  };
}
