// A pool of worker threads that run wasm kernels on the backend's shared memory (Node's
// worker_threads; the memory must be the shared variant). Started once, on the first call that
// is big enough to split; sized by tl.setNumThreads.
//
// Protocol, over a small SharedArrayBuffer `ctrl` (Int32) and `args` (Float64, one row per thread):
// the caller writes worker t's kernel arguments into row t, bumps ctrl[SEQ + t] and notifies; the
// worker runs kernel ctrl[KIND] with its row, then adds 1 to ctrl[DONE]. The caller runs row 0
// itself and waits for DONE. Both sides spin briefly before sleeping in Atomics.wait: a sleeping
// worker costs a wake-up of tens of microseconds, an unbounded spin starves other processes.
//
// Browsers: Web Workers would need a blob URL and the page's cross-origin isolation, and a
// browser's main thread may not Atomics.wait; there the backend stays single-threaded.

import type { WasmRuntime } from "./runtime.js";

const SEQ = 8, KIND = 0, DONE = 1, ERROR = 2, STOP = 3;
const ARGS = 32;
const SPIN = 20000;

/** Kernels a worker can run, by index (the order is part of the protocol). */
export const KERNELS = ["sgemm", "convForward", "convBackwardInput", "convBackwardWeight", "convBackward", "lstmSequence", "lstmSequenceBackward", "gruSequence", "gruSequenceBackward"] as const;
export type KernelName = (typeof KERNELS)[number];

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctrl: ctrlBuf, args: argsBuf, index, kernels } = workerData;
const ctrl = new Int32Array(ctrlBuf), args = new Float64Array(argsBuf);
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } });
const fns = kernels.map((k) => inst.exports[k]);
let seq = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, ${SEQ} + index) === seq && spins++ < ${SPIN}) {}
  if (Atomics.load(ctrl, ${SEQ} + index) === seq) Atomics.wait(ctrl, ${SEQ} + index, seq);
  seq = Atomics.load(ctrl, ${SEQ} + index);
  if (Atomics.load(ctrl, ${STOP})) break;
  try {
    const row = args.subarray(index * ${ARGS}, (index + 1) * ${ARGS});
    const fn = fns[ctrl[${KIND}]];
    fn(...row.subarray(0, fn.length));
  } catch (e) {
    Atomics.store(ctrl, ${ERROR}, 1);
  }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface WorkerLike { unref(): void; terminate(): Promise<number> }
type WorkerCtor = new (code: string, opts: { eval: true; workerData: unknown }) => WorkerLike;

function nodeWorker(): WorkerCtor | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.("node:worker_threads") as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
  return wt?.Worker ?? null;
}

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * (SEQ + 64)));
  private readonly args: Float64Array;
  private workers: WorkerLike[] = [];
  private readonly local: ((...a: number[]) => void)[];

  private constructor(private readonly rt: WasmRuntime, private readonly Worker: WorkerCtor, maxThreads: number) {
    this.args = new Float64Array(new SharedArrayBuffer(8 * ARGS * maxThreads));
    const ex = rt.exports as unknown as Record<string, (...a: number[]) => void>;
    this.local = KERNELS.map((k) => ex[k]!);
  }

  /** A pool for this runtime, or null where threads cannot run (no shared memory, no worker_threads). */
  static create(rt: WasmRuntime, maxThreads: number): ThreadPool | null {
    const W = rt.shared ? nodeWorker() : null;
    return W ? new ThreadPool(rt, W, maxThreads) : null;
  }

  /** Start workers until `threads - 1` run beside the caller. */
  private grow(threads: number): void {
    while (this.workers.length < threads - 1) {
      const index = this.workers.length + 1;
      const w = new this.Worker(workerSource, {
        eval: true,
        workerData: { module: this.rt.module, memory: this.rt.memory, ctrl: this.ctrl.buffer, args: this.args.buffer, index, kernels: KERNELS },
      });
      w.unref(); // an idle pool never keeps the process alive
      this.workers.push(w);
    }
  }

  /** Run `kernel` once per argument row, row 0 on the calling thread, and wait for all. */
  run(kernel: KernelName, rows: number[][]): void {
    const n = rows.length;
    if (n === 1) {
      this.local[KERNELS.indexOf(kernel)]!(...rows[0]!);
      return;
    }
    this.grow(n);
    const kind = KERNELS.indexOf(kernel);
    Atomics.store(this.ctrl, KIND, kind);
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.store(this.ctrl, ERROR, 0);
    for (let t = 1; t < n; t++) {
      this.args.set(rows[t]!, t * ARGS);
      Atomics.add(this.ctrl, SEQ + t, 1);
      Atomics.notify(this.ctrl, SEQ + t);
    }
    this.local[kind]!(...rows[0]!);
    let spins = 0;
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done === n - 1) break;
      if (spins++ > SPIN) Atomics.wait(this.ctrl, DONE, done, 1000);
    }
    if (Atomics.load(this.ctrl, ERROR)) throw new Error(`wasm backend: kernel ${kernel} failed on a worker thread`);
  }

  /** Stop every worker (tests; the pool restarts on the next parallel call). */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, STOP, 1);
    for (let t = 1; t <= this.workers.length; t++) {
      Atomics.add(this.ctrl, SEQ + t, 1);
      Atomics.notify(this.ctrl, SEQ + t);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    Atomics.store(this.ctrl, STOP, 0);
    this.ctrl.fill(0);
  }
}

/** Run `kernel` once per argument row: on the calling thread when there is one row, else across the pool. */
export function runRows(rt: WasmRuntime, pool: ThreadPool | null, kernel: KernelName, rows: number[][]): void {
  if (rows.length === 1 || pool === null) {
    const fn = (rt.exports as unknown as Record<string, (...a: number[]) => void>)[kernel]!;
    for (const row of rows) fn(...row);
  } else {
    pool.run(kernel, rows);
  }
}
