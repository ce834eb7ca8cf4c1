// float32 batched matmul on the wasm SGEMM; other dtypes take the reference kernel. Products
// above PARALLEL_FLOPS are split across the thread pool by column blocks (or row blocks when the
// matrix is tall), each worker packing its own panels in its own scratch.

import type { TypedArray } from "../../tensor/dtype.js";
import type { MatmulGeometry } from "../backend.js";
import { matmul as referenceMatmul } from "../reference/matmul.js";
import type { Arena, WasmRuntime } from "./runtime.js";
import { type Threading, runRows } from "./threads.js";
import type { KernelArgs } from "./signatures.js";

/**
 * Below this many flops one thread is as fast or faster. Measured on the 2-core bench machine
 * (2 threads vs 1): 4.2 MFLOP products ranged from 0.5x to 1.36x (waking a sleeping worker can
 * cost more than the split saves), 9.4 MFLOP 1.3x, 34 MFLOP 1.7x, 268 MFLOP 1.86x.
 */
export const PARALLEL_FLOPS = 6e6;

/**
 * Below this many flops a split goes only to workers still awake (spinning after a previous
 * request): waking a sleeping one costs tens of microseconds on a quiet host and up to a
 * scheduler slice on a busy one, more than half of such a product saves. The digits CNN's 4x4
 * conv (9.4 MFLOP forward, 19 backward, between stretches of JS work that outlast a worker's
 * spin) ran its epoch ~20-30% slower on 2 threads than on 1 while every split woke the worker.
 */
export const WAKE_FLOPS = 5e7;

/** Split [0, total) into `parts` ranges aligned to `align`, dropping empty ones. */
export function splitRange(total: number, parts: number, align: number): [number, number][] {
  const chunk = Math.ceil(total / parts / align) * align;
  const out: [number, number][] = [];
  for (let s = 0; s < total; s += chunk) out.push([s, Math.min(total, s + chunk)]);
  return out;
}

/**
 * C = op(A) @ op(B) on operands already in wasm memory (addresses and element strides as sgemm
 * takes them), split over the pool's threads when big enough.
 */
export function gemmAt(rt: WasmRuntime, arena: Arena, threading: Threading, product: Omit<KernelArgs<"sgemm">, "scratch">): void {
  const { pool: p, threads } = threading();
  const { m, n, k, a: A, ars, b: B, bcs, c: C, ldc } = product;
  const whole: KernelArgs<"sgemm"> = { ...product, scratch: arena.scratch(0) };
  const flops = 2 * m * n * k;
  const split = p !== null && threads > 1 && flops >= PARALLEL_FLOPS;
  const rows: KernelArgs<"sgemm">[] = !split
    ? [whole]
    : n >= m
      ? splitRange(n, threads, 8).map(([j0, j1], i) => ({
          ...whole,
          n: j1 - j0,
          b: B + 4 * j0 * bcs,
          c: C + 4 * j0,
          scratch: arena.scratch(i),
        }))
      : splitRange(m, threads, 4).map(([i0, i1], i) => ({
          ...whole,
          m: i1 - i0,
          a: A + 4 * i0 * ars,
          c: C + 4 * i0 * ldc,
          scratch: arena.scratch(i),
        }));
  runRows(rt, threading, "sgemm", rows, [], flops >= WAKE_FLOPS);
}

export function makeMatmul(rt: WasmRuntime, arena: Arena, threading: Threading) {
  return function matmul(a: TypedArray, b: TypedArray, out: TypedArray, g: MatmulGeometry, bias?: TypedArray | null): void {
    if (
      !(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && (!bias || bias instanceof Float32Array))
    ) {
      referenceMatmul(a, b, out, g, bias);
      return;
    }
    const { batch, m, k, n, aBatchStride, bBatchStride, transA, transB } = g;
    if (out.length === 0) return;
    arena.reset();
    const pa = arena.input(a),
      pb = arena.input(b),
      pc = arena.output(out);
    // a bias is fused: C starts as the bias rows and the GEMM accumulates onto them (for k up to
    // one K block, 256, that is exactly the product then + bias, as the micro-kernel adds its
    // finished tile to C once)
    if (bias) {
      const c = arena.f32(pc, out.length);
      for (let r = 0; r < batch * m; r++) c.set(bias, r * n);
    }
    const ars = transA ? 1 : k,
      acs = transA ? m : 1,
      brs = transB ? 1 : n,
      bcs = transB ? k : 1;
    for (let t = 0; t < batch; t++) {
      gemmAt(rt, arena, threading, {
        m,
        n,
        k,
        a: pa + 4 * t * aBatchStride,
        ars,
        acs,
        b: pb + 4 * t * bBatchStride,
        brs,
        bcs,
        c: pc + 4 * t * m * n,
        ldc: n,
        accumulate: bias ? 1 : 0,
      });
    }
    arena.finish();
  };
}
