// The WebAssembly backend: float32 kernels in AssemblyScript (./assembly), compiled to SIMD wasm.
// Kernels it does not accelerate (and every float64 / integer case) are the reference ones, so
// the table is always complete and results follow the same specification.

import type { Backend } from "../backend.js";
import { referenceBackend } from "../reference/index.js";
import { makeConv } from "./conv.js";
import { makeElementwise } from "./elementwise.js";
import { makeMatmul } from "./matmul.js";
import { makeIndexing } from "./indexing.js";
import { makePool } from "./pool.js";
import { makeRecurrent } from "./recurrent.js";
import { makeSoftmax } from "./softmax.js";
import { Arena, MAX_THREADS, chooseVariant, createRuntime, type WasmRuntime } from "./runtime.js";
import { ThreadPool } from "./threads.js";

export interface WasmBackend extends Backend {
  readonly runtime: WasmRuntime;
  readonly arena: Arena;
  /** Threads GEMM and convolutions may use (1 where the runtime has no worker threads). */
  setThreads(n: number): void;
  /** The threads setThreads accepted: n capped at the pool's size, 1 without a pool (no shared memory). */
  threads(): number;
  /** Stop the worker threads (they restart on demand). */
  closeThreads(): Promise<void>;
  /** Settles once the worker threads asked for serve (browsers; Node's start on the first big call). */
  threadsStarted(): Promise<void>;
  /** Worker threads serving now, beside the calling thread. */
  workersReady(): number;
}

function makeBackend(rt: WasmRuntime): WasmBackend {
  const arena = new Arena(rt);
  const pool = ThreadPool.create(rt, MAX_THREADS);
  let threads = 1;
  let starting = Promise.resolve();
  const threading = () => ({ pool, threads });
  return {
    ...referenceBackend,
    name: "wasm",
    runtime: rt,
    arena,
    setThreads(n: number) {
      threads = pool ? Math.max(1, Math.min(n, MAX_THREADS)) : 1;
      // a web worker starts only once the caller yields, so start them now (tl.ready() awaits it)
      if (pool?.startsAsync && threads > 1) starting = pool.start(threads);
    },
    threads: () => threads,
    closeThreads: async () => { await pool?.close(); },
    threadsStarted: () => starting,
    workersReady: () => pool?.readyWorkers() ?? 0,
    ...makeElementwise(rt, arena),
    matmul: makeMatmul(rt, arena, threading),
    ...makeRecurrent(rt, arena, threading),
    ...makeConv(rt, arena, threading),
    ...makePool(rt, arena),
    ...makeIndexing(rt, arena),
    ...makeSoftmax(rt, arena),
  };
}

/**
 * Build the backend synchronously. Returns null where WebAssembly SIMD is missing, or a promise
 * where the runtime refuses to compile synchronously (browsers' main thread, modules > 4 KiB).
 */
export function loadWasmBackend(): WasmBackend | Promise<WasmBackend> | null {
  const v = chooseVariant();
  if (!v) return null;
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(v.bytes as BufferSource);
  } catch {
    return WebAssembly.compile(v.bytes as BufferSource).then((m) => makeBackend(createRuntime(m, v.relaxed, v.shared, v.checked)));
  }
  return makeBackend(createRuntime(module, v.relaxed, v.shared, v.checked));
}
