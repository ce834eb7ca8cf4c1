// float32 fused LSTM / GRU cells on the wasm kernels (H a multiple of 4); everything else takes
// the reference kernels. Operands are copied into the arena and results copied back.

import type { TypedArray } from "../../tensor/dtype.js";
import * as ref from "../reference/recurrent.js";
import type { Arena, WasmRuntime } from "./runtime.js";
import { PARALLEL_FLOPS, gemmAt, splitRange } from "./matmul.js";
import { type KernelArgs, type PoolKernel, type Threading, runRows } from "./threads.js";

const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);

export function makeRecurrent(rt: WasmRuntime, arena: Arena, threading: Threading) {
  const k = rt.exports;
  /**
   * Run a whole-sequence kernel on batch-row ranges: rows are independent through the whole
   * recurrence, so each slice of the batch runs all steps on one thread, with no synchronisation
   * per step.
   */
  function run<K extends PoolKernel>(
    kernel: K,
    T: number,
    B: number,
    H: number,
    G: number,
    row: (thread: number, b0: number, nb: number) => KernelArgs<K>,
  ): void {
    const { pool, threads } = threading();
    const parallel = pool !== null && threads > 1 && B > 1 && 2 * T * B * G * H >= PARALLEL_FLOPS;
    // one slice per thread, in multiples of the GEMM's 4-row tile
    const ranges = parallel ? splitRange(B, threads, 4) : [[0, B] as [number, number]];
    runRows(
      rt,
      threading,
      kernel,
      ranges.map(([b0, b1], i) => row(i, b0, b1 - b0)),
    );
  }
  /** The cell kernels: float32 operands (checked by the callers) in, results back. */
  const call = (inputs: TypedArray[], outputs: TypedArray[], body: (ptrs: number[]) => void): void =>
    arena.call(inputs as Float32Array[], outputs as Float32Array[], body);
  return {
    lstmCell(gates: TypedArray, c: TypedArray, c1: TypedArray, h1: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(gates, c, c1, h1)) return ref.lstmCell(gates, c, c1, h1, B, H);
      call([gates, c], [c1, h1], (p) => k.lstmCell(p[0]!, p[1]!, p[2]!, p[3]!, B, H));
    },
    lstmCellBackward(
      gates: TypedArray,
      c: TypedArray,
      c1: TypedArray,
      dh1: TypedArray,
      dc1: TypedArray,
      dgates: TypedArray,
      dc: TypedArray,
      B: number,
      H: number,
    ): void {
      if (H % 4 !== 0 || !f32(gates, c, c1, dh1, dc1, dgates, dc)) return ref.lstmCellBackward(gates, c, c1, dh1, dc1, dgates, dc, B, H);
      call([gates, c, c1, dh1, dc1], [dgates, dc], (p) => k.lstmCellBackward(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, B, H));
    },
    gruCell(xg: TypedArray, hg: TypedArray, h: TypedArray, h1: TypedArray, B: number, H: number): void {
      if (H % 4 !== 0 || !f32(xg, hg, h, h1)) return ref.gruCell(xg, hg, h, h1, B, H);
      call([xg, hg, h], [h1], (p) => k.gruCell(p[0]!, p[1]!, p[2]!, p[3]!, B, H));
    },
    gruCellBackward(
      xg: TypedArray,
      hg: TypedArray,
      h: TypedArray,
      dh1: TypedArray,
      dxg: TypedArray,
      dhg: TypedArray,
      dh: TypedArray,
      B: number,
      H: number,
    ): void {
      if (H % 4 !== 0 || !f32(xg, hg, h, dh1, dxg, dhg, dh)) return ref.gruCellBackward(xg, hg, h, dh1, dxg, dhg, dh, B, H);
      call([xg, hg, h, dh1], [dxg, dhg, dh], (p) => k.gruCellBackward(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, B, H));
    },
    lstmSequence(
      xg: TypedArray,
      h0: TypedArray,
      c0: TypedArray,
      w: TypedArray,
      out: TypedArray,
      gates: TypedArray,
      T: number,
      B: number,
      H: number,
      reverse: boolean,
    ): void {
      if (H % 4 !== 0 || T === 0 || B === 0 || !f32(xg, h0, c0, w, out, gates))
        return ref.lstmSequence(xg, h0, c0, w, out, gates, T, B, H, reverse);
      arena.reset();
      const [pxg, ph0, pc0, pw] = [xg, h0, c0, w].map((x) => arena.input(x as Float32Array));
      const pOut = arena.output(out as Float32Array),
        pGates = arena.output(gates as Float32Array);
      run("lstmSequence", T, B, H, 4 * H, (i, b0, nb) => ({
        xg: pxg!,
        h0: ph0!,
        c0: pc0!,
        w: pw!,
        out: pOut,
        gates: pGates,
        T,
        B,
        H,
        reverse: reverse ? 1 : 0,
        scratch: arena.scratch(i),
        packed: arena.alloc(k.sequencePackBytes(4 * H, H)),
        b0,
        nb,
      }));
      arena.finish();
    },
    lstmSequenceBackward(
      w: TypedArray,
      gates: TypedArray,
      out: TypedArray,
      h0: TypedArray,
      c0: TypedArray,
      gOut: TypedArray,
      dxg: TypedArray,
      dh0: TypedArray,
      dc0: TypedArray,
      dw: TypedArray,
      T: number,
      B: number,
      H: number,
      reverse: boolean,
    ): void {
      if (H % 4 !== 0 || T === 0 || B === 0 || !f32(w, gates, out, h0, c0, gOut, dxg, dh0, dc0, dw))
        return ref.lstmSequenceBackward(w, gates, out, h0, c0, gOut, dxg, dh0, dc0, dw, T, B, H, reverse);
      const S = B * H,
        G = 4 * H;
      arena.reset();
      const [pw, pGates, pOut, ph0, pc0, pg] = [w, gates, out, h0, c0, gOut].map((x) => arena.input(x as Float32Array));
      const [pdxg, pdh0, pdc0, pdw] = [dxg, dh0, dc0, dw].map((x) => arena.output(x as Float32Array)) as [number, number, number, number];
      const hPrev = arena.alloc(T * S * 4);
      run("lstmSequenceBackward", T, B, H, G, (i, b0, nb) => ({
        w: pw!,
        gates: pGates!,
        out: pOut!,
        h0: ph0!,
        c0: pc0!,
        gOut: pg!,
        dxg: pdxg,
        dh0: pdh0,
        dc0: pdc0,
        hPrev,
        dh: arena.alloc(nb * H * 4),
        dc: arena.alloc(nb * H * 4),
        dcPrev: arena.alloc(nb * H * 4),
        T,
        B,
        H,
        reverse: reverse ? 1 : 0,
        scratch: arena.scratch(i),
        packed: arena.alloc(k.sequencePackBytes(G, H)),
        b0,
        nb,
      }));
      // dW = sum_t dG_t^T h_{t-1}: one GEMM over all steps, split across threads
      gemmAt(rt, arena, threading, {
        m: G,
        n: H,
        k: T * B,
        a: pdxg,
        ars: 1,
        acs: G,
        b: hPrev,
        brs: H,
        bcs: 1,
        c: pdw,
        ldc: H,
        accumulate: 0,
      });
      arena.finish();
    },
    gruSequence(
      xg: TypedArray,
      h0: TypedArray,
      w: TypedArray,
      b: TypedArray | null,
      out: TypedArray,
      hg: TypedArray,
      T: number,
      B: number,
      H: number,
      reverse: boolean,
    ): void {
      if (H % 4 !== 0 || T === 0 || B === 0 || !f32(xg, h0, w, out, hg) || (b && !f32(b)))
        return ref.gruSequence(xg, h0, w, b, out, hg, T, B, H, reverse);
      arena.reset();
      const [pxg, ph0, pw] = [xg, h0, w].map((x) => arena.input(x as Float32Array));
      const pb = b ? arena.input(b as Float32Array) : 0;
      const pOut = arena.output(out as Float32Array),
        pHg = arena.output(hg as Float32Array);
      run("gruSequence", T, B, H, 3 * H, (i, b0, nb) => ({
        xg: pxg!,
        h0: ph0!,
        w: pw!,
        b: pb,
        hasBias: b ? 1 : 0,
        out: pOut,
        hg: pHg,
        T,
        B,
        H,
        reverse: reverse ? 1 : 0,
        scratch: arena.scratch(i),
        packed: arena.alloc(k.sequencePackBytes(3 * H, H)),
        b0,
        nb,
      }));
      arena.finish();
    },
    gruSequenceBackward(
      xg: TypedArray,
      w: TypedArray,
      hg: TypedArray,
      out: TypedArray,
      h0: TypedArray,
      gOut: TypedArray,
      dxg: TypedArray,
      dh0: TypedArray,
      dw: TypedArray,
      db: TypedArray | null,
      T: number,
      B: number,
      H: number,
      reverse: boolean,
    ): void {
      if (H % 4 !== 0 || T === 0 || B === 0 || !f32(xg, w, hg, out, h0, gOut, dxg, dh0, dw) || (db && !f32(db)))
        return ref.gruSequenceBackward(xg, w, hg, out, h0, gOut, dxg, dh0, dw, db, T, B, H, reverse);
      const S = B * H,
        G = 3 * H;
      arena.reset();
      const [pxg, pw, pHg, pOut, ph0, pg] = [xg, w, hg, out, h0, gOut].map((x) => arena.input(x as Float32Array));
      const [pdxg, pdh0, pdw] = [dxg, dh0, dw].map((x) => arena.output(x as Float32Array)) as [number, number, number];
      const pdhg = arena.alloc(T * B * G * 4);
      const hPrev = arena.alloc(T * S * 4);
      run("gruSequenceBackward", T, B, H, G, (i, b0, nb) => ({
        xg: pxg!,
        w: pw!,
        hg: pHg!,
        out: pOut!,
        h0: ph0!,
        gOut: pg!,
        dxg: pdxg,
        dhg: pdhg,
        dh0: pdh0,
        hPrev,
        dh: arena.alloc(nb * H * 4),
        dhDirect: arena.alloc(nb * H * 4),
        T,
        B,
        H,
        reverse: reverse ? 1 : 0,
        scratch: arena.scratch(i),
        packed: arena.alloc(k.sequencePackBytes(G, H)),
        b0,
        nb,
      }));
      gemmAt(rt, arena, threading, {
        m: G,
        n: H,
        k: T * B,
        a: pdhg,
        ars: 1,
        acs: G,
        b: hPrev,
        brs: H,
        bcs: 1,
        c: pdw,
        ldc: H,
        accumulate: 0,
      });
      if (db) k.sumRows(pdhg, T * B, G, arena.output(db as Float32Array));
      arena.finish();
    },
  };
}
