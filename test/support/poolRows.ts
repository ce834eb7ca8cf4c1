// The raw thread-pool workload shared by src/backends/wasm/threads.test.ts and
// test/support/threadStress.ts: 6 small GEMM rows (a 16x32x48 product each) accumulated onto C,
// which starts as a bias, so a row that runs twice (or not at all) shows in the result.
import * as tl from "../../src/index.js";
import type { WasmBackend } from "../../src/backends/wasm/index.js";
import { type KernelArgs, threadLocal } from "../../src/backends/wasm/threads.js";

export interface PoolRows {
  /** The rows' sgemm arguments (the GEMM scratch as thread-local 0). */
  rows: KernelArgs<"sgemm">[];
  /** Each thread's locals: its GEMM scratch block. */
  locals: number[][];
  /** C in the arena (a live view). */
  view: () => Float32Array;
  /** C back to the bias. */
  reset: () => void;
}

/** The rows on `wasm`'s arena (reset first), with A, B and the bias drawn from `g` in that order, and locals for `threads` threads; C starts as the bias. */
export function poolRows(wasm: WasmBackend, g: tl.Generator, threads: number): PoolRows {
  const M = 16,
    K = 32,
    N = 48,
    R = 6;
  wasm.arena.reset();
  const A = wasm.arena.copyIn(tl.randn([R * M * K], { generator: g }).storage as Float32Array);
  const B = wasm.arena.copyIn(tl.randn([K * N], { generator: g }).storage as Float32Array);
  const bias = tl.randn([R * M * N], { generator: g }).storage as Float32Array;
  const C = wasm.arena.alloc(R * M * N * 4);
  const rows = Array.from(
    { length: R },
    (_, r): KernelArgs<"sgemm"> => ({
      m: M,
      n: N,
      k: K,
      a: A + 4 * r * M * K,
      ars: K,
      acs: 1,
      b: B,
      brs: N,
      bcs: 1,
      c: C + 4 * r * M * N,
      ldc: N,
      accumulate: 1,
      scratch: threadLocal(0),
    }),
  );
  const locals = Array.from({ length: threads }, (_, t) => [wasm.arena.scratch(t)]);
  const view = () => wasm.arena.f32(C, R * M * N);
  const reset = () => view().set(bias);
  reset();
  return { rows, locals, view, reset };
}
