// The WebAssembly backend: float32 kernels in AssemblyScript (./assembly), compiled to SIMD wasm.
// Kernels it does not accelerate (and every float64 / integer case) are the reference ones, named
// in one table (kernelTable), so what is accelerated is visible in one place and the compiler
// checks the table is complete.

import type { HostBackend, KernelTable } from "../backend.js";
import { referenceBackend } from "../reference/index.js";
import { makeConv } from "./conv.js";
import { makeElementwise } from "./elementwise.js";
import { makeMatmul } from "./matmul.js";
import { makeIndexing } from "./indexing.js";
import { makePool } from "./pool.js";
import { makeRecurrent } from "./recurrent.js";
import { makeSoftmax } from "./softmax.js";
import { makeOptim } from "./optim.js";
import { Arena, MAX_THREADS, chooseVariant, createRuntime, type WasmRuntime } from "./runtime.js";
import { type Threading, ThreadPool } from "./threads.js";

export interface WasmBackend extends HostBackend {
  /** The kernel table alone (the backend is this table plus its name and thread controls). */
  readonly kernels: KernelTable;
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

/**
 * The wasm backend's coverage, one line per kernel: its wasm wrapper, or the reference kernel.
 * A wrapper accelerates float32 (and the layouts its comment names) and hands every other case
 * to the reference kernel itself, so results follow the same specification.
 */
function kernelTable(rt: WasmRuntime, arena: Arena, threading: Threading): KernelTable {
  const el = makeElementwise(rt, arena),
    conv = makeConv(rt, arena, threading),
    pool = makePool(rt, arena);
  const rnn = makeRecurrent(rt, arena, threading),
    ix = makeIndexing(rt, arena),
    sm = makeSoftmax(rt, arena),
    opt = makeOptim(rt, arena);
  return {
    unary: el.unary, //                relu
    binary: el.binary, //              + - * / over 4096+ elements (same shape, scalar, bias rows), reluGrad
    where: referenceBackend.where,
    reduce: el.reduce, //              sums over a middle axis, contiguous row sums
    matmul: makeMatmul(rt, arena, threading),
    logSoftmax: sm.logSoftmax, //      over the last dim
    copyStrided: el.copyStrided, //    a broadcast value filling an output in wasm memory
    indexSelect: ix.indexSelect, //    float32/int32, any dim (a host x larger than out: a typed JS loop)
    indexAdd: referenceBackend.indexAdd,
    gather: referenceBackend.gather,
    scatterAdd: ix.scatterAdd, //      along the last dim, index shaped as src
    scan: referenceBackend.scan,
    sort: referenceBackend.sort,
    convForward: conv.convForward,
    convBackward: conv.convBackward,
    convBackwardInput: conv.convBackwardInput,
    convBackwardWeight: conv.convBackwardWeight,
    im2col: referenceBackend.im2col,
    col2im: referenceBackend.col2im,
    maxPool: pool.maxPool,
    avgPool: pool.avgPool,
    avgPoolBackward: pool.avgPoolBackward,
    lstmCell: rnn.lstmCell, //         H % 4 == 0 (and every recurrent kernel below)
    lstmCellBackward: rnn.lstmCellBackward,
    lstmSequence: rnn.lstmSequence,
    lstmSequenceBackward: rnn.lstmSequenceBackward,
    gruCell: rnn.gruCell,
    gruCellBackward: rnn.gruCellBackward,
    gruSequence: rnn.gruSequence,
    gruSequenceBackward: rnn.gruSequenceBackward,
    optimStep: opt.optimStep, //      float32 SGD and Adam
  };
}

/** Per kernel, where it runs: "wasm" (a wasm wrapper, for the cases it covers) or "reference". */
export function wasmCoverage(b: WasmBackend): Record<keyof KernelTable, "wasm" | "reference"> {
  const names = Object.keys(b.kernels) as (keyof KernelTable)[];
  return Object.fromEntries(names.map((k) => [k, b.kernels[k] === referenceBackend[k] ? "reference" : "wasm"])) as Record<
    keyof KernelTable,
    "wasm" | "reference"
  >;
}

/**
 * Outputs at least this large stay in linear memory (a smaller one costs less to copy than a
 * block and its finalizer). Only with a shared memory: its views never detach when it grows, so
 * a tensor's view stays valid; a private memory (a page without cross-origin isolation) keeps
 * every tensor on the host and copies operands per call.
 */
const RESIDENT_MIN_BYTES = 4096;

function makeBackend(rt: WasmRuntime): WasmBackend {
  const arena = new Arena(rt);
  const pool = ThreadPool.create(rt, MAX_THREADS);
  let threads = 1;
  let starting = Promise.resolve();
  const kernels = kernelTable(rt, arena, () => ({ pool, threads }));
  return {
    ...kernels,
    kernels,
    name: "wasm",
    allocate: (dtype, n, zero) =>
      rt.shared && (dtype === "float32" || dtype === "int32") && 4 * n >= RESIDENT_MIN_BYTES
        ? arena.heap.allocResident(dtype, n, zero)
        : null,
    runtime: rt,
    arena,
    setThreads(n: number) {
      threads = pool ? Math.max(1, Math.min(n, MAX_THREADS)) : 1;
      // a web worker starts only once the caller yields, so start them now (tl.ready() awaits it)
      if (pool?.startsAsync && threads > 1) starting = pool.start(threads);
    },
    threads: () => threads,
    closeThreads: async () => {
      await pool?.close();
    },
    threadsStarted: () => starting,
    workersReady: () => pool?.readyWorkers() ?? 0,
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
