// A pool of worker threads that run wasm kernels on the backend's shared memory (the memory must
// be the shared variant). Node: worker_threads, started on the first call that is big enough to
// split. Browsers: Web Workers from a blob URL, where the page is cross-origin isolated (else
// there is no SharedArrayBuffer, the memory is private and the backend stays single-threaded).
// Sized by tl.setNumThreads.
//
// Protocol, over a small SharedArrayBuffer `ctrl` (Int32) and `args` (Float64, one row of kernel
// arguments per piece of work): the caller writes the rows, sets ctrl[COUNT] and ctrl[NEXT] = 1,
// bumps ctrl[SEQ + t] of each worker it wants and notifies, and runs row 0. Every participant,
// the caller too, then claims rows with Atomics.add on ctrl[NEXT] and runs kernel ctrl[KIND] on
// them until none are left; a worker then adds 1 to ctrl[DONE], which the caller waits for.
// Both sides spin briefly before sleeping in Atomics.wait: a sleeping worker costs a wake-up of
// tens of microseconds, an unbounded spin starves other processes.
//
// A row may name buffers of the thread that runs it (threadLocal(k): the k-th address that run()
// was given for that thread): a worker's scratch stays its own whichever rows it claims, so work
// can be split into more rows than threads (a slow thread takes fewer) without each row bringing
// a cold buffer. Only scratch may be thread-local: results must go to per-row places, so which
// thread ran a row changes no bits.
//
// Browsers differ in two ways. A Web Worker only starts once the page yields to the event loop,
// so a kernel call cannot wait for one: each worker sets ctrl[READY + t] once it serves, and rows
// of workers not yet ready run on the calling thread (same kernel, same scratch: same bits).
// tl.ready() awaits the start. And a browser's main thread may not Atomics.wait, so there the
// caller only spins (workers still sleep).

import type { WasmRuntime } from "./runtime.js";

const KIND = 0, DONE = 1, ERROR = 2, STOP = 3, NEXT = 4, COUNT = 5, SEQ = 8;
/** Slots per per-worker section of ctrl (SEQ, READY): more than any pool size. */
const SLOTS = 64;
const READY = SEQ + SLOTS;
const ARGS = 32;
/** Rows one run may hand out (the args buffer holds this many). */
export const MAX_ROWS = 64;
/** Thread-local addresses per thread (threadLocal(k), k < LOCALS). */
const LOCALS = 8;
/** Arguments at or above this are thread-local markers: no wasm32 address or size reaches it. */
const LOCAL_MARK = 2 ** 33;

/** A row argument that stands for the k-th thread-local address of whichever thread runs the row. */
export const threadLocal = (k: number): number => LOCAL_MARK + k;
const SPIN = 20000;
/** A web worker that has not reported within this long is left out (its rows run locally). */
const START_TIMEOUT_MS = 10000;

/** Kernels a worker can run, by index (the order is part of the protocol). */
export const KERNELS = ["sgemm", "convForward", "convBackwardInput", "convBackwardWeight", "convBackward", "lstmSequence", "lstmSequenceBackward", "gruSequence", "gruSequenceBackward", "depthwiseForward", "depthwiseBackwardInput", "depthwiseBackwardWeight", "convDirect", "convDirectWeight"] as const;
export type KernelName = (typeof KERNELS)[number];

/** What a worker receives: structured-cloneable (Module and shared Memory included). */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  /** Float64 [thread][LOCALS]: each thread's thread-local addresses for the current run. */
  locals: SharedArrayBuffer;
  index: number;
  kernels: readonly string[];
  /** Written to ctrl[READY + index] once serving: the pool's generation, so a worker of a closed pool that lingers cannot pass for a new one. */
  token: number;
}

/**
 * The worker loop, shared by Node and web workers: `serve(init, onReady)` instantiates the module
 * on the shared memory, marks itself ready, and runs kernels until STOP. Each platform adds a
 * one-line prologue that hands it `init`.
 */
const serveSource = `
function serve({ module, memory, ctrl: ctrlBuf, args: argsBuf, locals: localsBuf, index, kernels, token }, onReady) {
  const ctrl = new Int32Array(ctrlBuf), args = new Float64Array(argsBuf), locals = new Float64Array(localsBuf);
  const own = (v) => (v >= ${LOCAL_MARK} ? locals[index * ${LOCALS} + v - ${LOCAL_MARK}] : v);
  const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } });
  const fns = kernels.map((k) => inst.exports[k]);
  Atomics.store(ctrl, ${READY} + index, token);
  onReady();
  let seq = 0;
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, ${SEQ} + index) === seq && spins++ < ${SPIN}) {}
    if (Atomics.load(ctrl, ${SEQ} + index) === seq) Atomics.wait(ctrl, ${SEQ} + index, seq);
    seq = Atomics.load(ctrl, ${SEQ} + index);
    if (Atomics.load(ctrl, ${STOP})) break;
    try {
      const fn = fns[ctrl[${KIND}]], count = ctrl[${COUNT}];
      for (let i = Atomics.add(ctrl, ${NEXT}, 1); i < count; i = Atomics.add(ctrl, ${NEXT}, 1)) {
        fn(...Array.from(args.subarray(i * ${ARGS}, i * ${ARGS} + fn.length), own));
      }
    } catch (e) {
      Atomics.store(ctrl, ${ERROR}, 1);
    }
    Atomics.add(ctrl, ${DONE}, 1);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;

/** Node: worker_threads with `eval`, init in workerData (the thread starts at once). */
export const nodeWorkerSource = serveSource + `serve(require("node:worker_threads").workerData, () => {});\n`;
/** Web: a classic worker script, init by postMessage; "ready" tells the page it serves. */
export const webWorkerSource = serveSource + `onmessage = (e) => serve(e.data, () => postMessage("ready"));\n`;

/** One started worker: `started` settles when it serves or cannot (never rejects). */
export interface PoolWorker {
  started: Promise<void>;
  terminate(): unknown;
}

/** How this runtime starts workers and waits. */
export interface Platform {
  spawn(init: WorkerInit): PoolWorker;
  /** Workers run before the spawning call returns (Node): rows go to them without a READY check. */
  startsSync: boolean;
  /** The calling thread may block in Atomics.wait (false on a browser's main thread). */
  callerCanWait: boolean;
}

type NodeWorkerCtor = new (code: string, opts: { eval: true; workerData: unknown }) => { unref(): void; terminate(): Promise<number> };

function nodePlatform(): Platform | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const W = (p?.getBuiltinModule?.("node:worker_threads") as { Worker?: NodeWorkerCtor } | undefined)?.Worker;
  if (!W) return null;
  return {
    spawn(init) {
      const w = new W(nodeWorkerSource, { eval: true, workerData: init });
      w.unref(); // an idle pool never keeps the process alive
      return { started: Promise.resolve(), terminate: () => w.terminate() };
    },
    startsSync: true,
    callerCanWait: true,
  };
}

interface WebWorkerLike {
  postMessage(m: unknown): void;
  terminate(): void;
  onmessage: ((e: unknown) => void) | null;
  onerror: ((e: unknown) => void) | null;
}
export type WebWorkerCtor = new (url: string) => WebWorkerLike;

/** Web Workers from one blob URL of `webWorkerSource` (the bundle stays one file). */
export function webPlatform(Worker: WebWorkerCtor, url: string, callerCanWait: boolean): Platform {
  return {
    spawn(init) {
      let w: WebWorkerLike;
      try {
        w = new Worker(url);
      } catch (e) {
        // e.g. a Content-Security-Policy without worker-src blob:; this worker's rows stay local
        console.warn(`tensorloom: wasm worker thread ${init.index} could not start (${String(e)}); its share runs on the calling thread. Allow worker-src blob: to use threads.`);
        return { started: Promise.resolve(), terminate() {} };
      }
      const started = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, START_TIMEOUT_MS);
        const settle = (): void => { clearTimeout(timer); resolve(); };
        w.onmessage = settle;
        w.onerror = (e) => {
          console.warn(`tensorloom: wasm worker thread ${init.index} failed to start (${String((e as { message?: string }).message ?? e)}); its share runs on the calling thread.`);
          settle();
        };
      });
      w.postMessage(init);
      return { started, terminate: () => w.terminate() };
    },
    startsSync: false,
    callerCanWait,
  };
}

/** Whether this thread may block in Atomics.wait (a browser's main thread throws a TypeError). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
    return true;
  } catch {
    return false;
  }
}

function browserPlatform(): Platform | null {
  const g = globalThis as { Worker?: WebWorkerCtor; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || !g.Blob || typeof g.URL?.createObjectURL !== "function") return null;
  const url = g.URL.createObjectURL(new g.Blob([webWorkerSource], { type: "text/javascript" }));
  return webPlatform(g.Worker, url, canBlock());
}

/** Node's worker_threads, else Web Workers, else none. */
function detectPlatform(): Platform | null {
  return nodePlatform() ?? browserPlatform();
}

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * (READY + SLOTS)));
  private readonly args: Float64Array;
  private readonly locals: Float64Array;
  private workers: PoolWorker[] = [];
  /** Bumped by close(): READY slots hold the generation their worker was started in. */
  private generation = 1;
  private readonly local: ((...a: number[]) => void)[];

  private constructor(private readonly rt: WasmRuntime, private readonly platform: Platform, maxThreads: number) {
    if (maxThreads > SLOTS) throw new RangeError(`ThreadPool: maxThreads is ${maxThreads}, above the protocol's ${SLOTS} worker slots; raise SLOTS in threads.ts or ask for fewer threads.`);
    this.args = new Float64Array(new SharedArrayBuffer(8 * ARGS * MAX_ROWS));
    this.locals = new Float64Array(new SharedArrayBuffer(8 * LOCALS * maxThreads));
    const ex = rt.exports as unknown as Record<string, (...a: number[]) => void>;
    this.local = KERNELS.map((k) => ex[k]!);
  }

  /**
   * A pool for this runtime, or null where threads cannot run (no shared memory, no workers).
   * `platform` defaults to the one detected (tests pass their own).
   */
  static create(rt: WasmRuntime, maxThreads: number, platform: Platform | null = rt.shared ? detectPlatform() : null): ThreadPool | null {
    return rt.shared && platform ? new ThreadPool(rt, platform, maxThreads) : null;
  }

  /**
   * Start workers until `threads - 1` run beside the caller, and resolve once each serves (or
   * could not start). Node's workers need no waiting; web workers start only after the caller
   * yields, so tl.ready() awaits this.
   */
  async start(threads: number): Promise<void> {
    this.grow(threads);
    await Promise.all(this.workers.slice(0, threads - 1).map((w) => w.started));
  }

  /** Workers start after the caller yields (web): start() them ahead of the first big call. */
  get startsAsync(): boolean {
    return !this.platform.startsSync;
  }

  /** Workers (beside the caller) that serve now. */
  readyWorkers(): number {
    let n = 0;
    for (let t = 1; t <= this.workers.length; t++) if (Atomics.load(this.ctrl, READY + t) === this.generation) n++;
    return n;
  }

  /** Spawn workers until `threads - 1` exist (they may not serve yet). */
  private grow(threads: number): void {
    while (this.workers.length < threads - 1) {
      const index = this.workers.length + 1;
      this.workers.push(this.platform.spawn({ module: this.rt.module, memory: this.rt.memory, ctrl: this.ctrl.buffer as SharedArrayBuffer, args: this.args.buffer as SharedArrayBuffer, locals: this.locals.buffer as SharedArrayBuffer, index, kernels: KERNELS, token: this.generation }));
    }
  }

  /** Whether row t can be handed to worker t now. */
  private serves(t: number): boolean {
    return this.platform.startsSync || Atomics.load(this.ctrl, READY + t) === this.generation;
  }

  /**
   * Run `kernel` once per argument row on up to `threads` threads (the caller and threads - 1
   * workers that serve) and wait for all. Rows are claimed from a shared counter (the caller
   * takes row 0 first), so a worker that wakes late or runs slow (this host's second vCPU is at
   * times shared: a worker measured 2x slower than the caller on the same rows) claims fewer.
   * `locals[t]` are thread t's addresses for threadLocal(k) arguments (t = 0: the caller).
   */
  run(kernel: KernelName, rows: number[][], threads = rows.length, locals: number[][] = []): void {
    const n = rows.length;
    const kind = KERNELS.indexOf(kernel);
    if (n > MAX_ROWS) throw new RangeError(`wasm backend: ${n} rows for ${kernel}, above the ${MAX_ROWS} a run holds; split the work into at most ${MAX_ROWS} rows.`);
    const helpers = Math.min(threads, n) - 1;
    const mine = (row: number[]) => resolveLocals(row, locals[0] ?? []);
    if (helpers <= 0) {
      for (const row of rows) this.local[kind]!(...mine(row));
      return;
    }
    this.grow(helpers + 1);
    rows.forEach((row, i) => this.args.set(row, i * ARGS));
    locals.forEach((ls, t) => this.locals.set(ls, t * LOCALS));
    Atomics.store(this.ctrl, KIND, kind);
    Atomics.store(this.ctrl, COUNT, n);
    Atomics.store(this.ctrl, NEXT, 1); // row 0 is the caller's; the rest go to whoever claims them first
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.store(this.ctrl, ERROR, 0);
    let woken = 0;
    for (let t = 1; t <= helpers; t++) {
      if (!this.serves(t)) continue; // not started yet (web): its share is claimed by the others
      Atomics.add(this.ctrl, SEQ + t, 1);
      Atomics.notify(this.ctrl, SEQ + t);
      woken++;
    }
    this.local[kind]!(...mine(rows[0]!));
    for (let i = Atomics.add(this.ctrl, NEXT, 1); i < n; i = Atomics.add(this.ctrl, NEXT, 1)) this.local[kind]!(...mine(rows[i]!));
    this.waitDone(woken);
    if (Atomics.load(this.ctrl, ERROR)) throw new Error(`wasm backend: kernel ${kernel} failed on a worker thread (a wasm trap there); run it with tl.setNumThreads(1) to see the error on the calling thread.`);
  }

  /** Wait until `count` workers reported DONE: spin, then sleep where this thread may. */
  private waitDone(count: number): void {
    let spins = 0;
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done === count) return;
      if (this.platform.callerCanWait && spins++ > SPIN) Atomics.wait(this.ctrl, DONE, done, 1000);
    }
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
    this.ctrl.fill(0);
    this.generation++;
  }
}

/** The pool and the threads the backend may use (tl.setNumThreads). */
export type Threading = () => { pool: ThreadPool | null; threads: number };

/** The row with its threadLocal(k) markers replaced by `locals[k]`. */
function resolveLocals(row: number[], locals: readonly number[]): number[] {
  return row.some((v) => v >= LOCAL_MARK) ? row.map((v) => (v >= LOCAL_MARK ? locals[v - LOCAL_MARK]! : v)) : row;
}

/**
 * Run `kernel` once per argument row: across the pool when there is one, else on the calling
 * thread. `locals[t]`: thread t's addresses for threadLocal(k) arguments.
 */
export function runRows(rt: WasmRuntime, threading: Threading, kernel: KernelName, rows: number[][], locals: number[][] = []): void {
  const { pool, threads } = threading();
  if (pool) return pool.run(kernel, rows, threads, locals);
  const fn = (rt.exports as unknown as Record<string, (...a: number[]) => void>)[kernel]!;
  for (const row of rows) fn(...resolveLocals(row, locals[0] ?? []));
}
