// A pool of worker threads that run wasm kernels on the backend's shared memory (the memory must
// be the shared variant). Node: worker_threads, started on the first call that is big enough to
// split. Browsers: Web Workers from a blob URL, where the page is cross-origin isolated (else
// there is no SharedArrayBuffer, the memory is private and the backend stays single-threaded).
// Sized by tl.setNumThreads.
//
// Protocol, over a small SharedArrayBuffer `ctrl` (Int32) and `args` (Float64, one row of kernel
// arguments per piece of work): the caller writes the rows, sets ctrl[KIND], ctrl[COUNT] and
// ctrl[NEXT] = 1, then for each worker t it wants adds 1 to ctrl[SEQ + t] (that worker's request
// number; the new value is request s) and notifies, and runs row 0. Every participant, the caller
// too, then claims rows with Atomics.add on ctrl[NEXT] and runs kernel ctrl[KIND] on them until
// none are left. Worker t remembers the last request it served; when it sees a different
// ctrl[SEQ + t] it takes request s by a compare-exchange of ctrl[TOOK + t] to s, serves, stores s
// in ctrl[ACK + t], then adds 1 to ctrl[WAKE] and notifies it. Once no row is left to claim, the
// caller withdraws every request not yet taken (a compare-exchange of ctrl[TOOK + t] to W(s) =
// s ^ 2^30) and is done when ctrl[ACK + t] holds s for every worker that took its request. So a
// worker that wakes late (a busy host deschedules it) costs the caller nothing: it does the rows
// itself and returns, instead of waiting for a wake-up that would find no rows. Both sides spin
// briefly before sleeping in Atomics.wait: a sleeping worker costs a wake-up of tens of
// microseconds, an unbounded spin starves other processes. A worker sets ctrl[SLEEP + t] before
// it sleeps and clears it when woken with a request: the caller notifies only a sleeping worker, and
// a dispatch of small work (`wake` false) asks only the workers still spinning, so a small
// product between stretches of JS work never pays for a wake-up (on a busy host that can be a
// scheduler slice, and 2 threads were slower than 1 on the digits CNN). No wake-up is lost: the
// caller reads SLEEP after it published the request, the worker sets SLEEP before it waits, so
// either the caller sees 1 and notifies, or the worker's Atomics.wait finds ctrl[SEQ + t] changed
// and returns at once.
//
// Invariant: worker t runs request s at most once, only while the caller waits for it, and the
// caller returns only after every row of its dispatch ran to the end. Why, for any interleaving
// (any thread may be preempted between any two atomic steps; Atomics.wait may return with
// nothing new):
// - A worker acts on the value of ctrl[SEQ + t], never on being woken: a late notify (the caller
//   preempted between its add and its notify while the worker saw the add by spinning, served
//   and went back to sleep), or any other wake-up, finds ctrl[SEQ + t] equal to the request it
//   served and it sleeps again. Only the caller writes ctrl[SEQ + t], one add per request, so
//   consecutive requests differ (int32 wrap-around included) and each is served once.
// - Completion is per request, not a count: ctrl[ACK + t] === s can only be written by worker t
//   after it finished its rows of request s. An ACK of an earlier request holds another number,
//   so it can neither satisfy nor spoil a later dispatch; ctrl[WAKE] only says "look again"
//   (the caller reads it before checking the ACKs and sleeps only while it is unchanged, so no
//   completion is missed).
// - Taking and withdrawing exclude each other: ctrl[TOOK + t] is written only by worker t (to the
//   request s it read from ctrl[SEQ + t]) and by the caller (to W(s), while s is its current
//   request), each by a compare-exchange from the value it read, which is s - 1 or W(s - 1) (or
//   older). The first exchange wins; the other side sees the changed word: a worker that finds
//   W(s), or loses the exchange, serves nothing for s; a caller that finds s waits for ACK s. A
//   worker's stale exchange to an older request s' fails: s' was either withdrawn (the word is
//   W(s') or later) or acknowledged before the caller published s. W(s) never equals s - 1.
// - The caller writes a dispatch's rows, KIND, COUNT and NEXT only after every worker it asked
//   before has acknowledged or been withdrawn (or after a watchdog stop, on fresh buffers), so a
//   worker reads the fields of the request it took, and claims from ctrl[NEXT] end when the rows
//   do. A worker not asked (not serving yet, or beyond `threads`), or withdrawn, never reads them.
// - On a browser's main thread the caller spins on the same checks instead of sleeping; the
//   argument is unchanged.
//
// Watchdog: a dispatch that sees no progress (no row claimed, no worker finishing) for
// watchdogMs (default 60 s; TENSORLOOM_THREAD_WATCHDOG_MS in Node) throws a BackendError naming
// the kernel and the workers that took their share and did not finish it (stuck or crashed inside
// the kernel; a worker that never takes its share is withdrawn, and its rows run on the caller).
// The workers are then stopped and the pool starts over on fresh
// buffers, so a worker that wakes later cannot touch the next dispatch's control words; new
// workers start on the next parallel call.
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

import { BackendError, ValueError } from "../../tensor/errors.js";
import type { WasmRuntime } from "./runtime.js";
import { KERNELS, type KernelArgs, type PoolKernel, rowOf } from "./signatures.js";

export type { KernelArgs, PoolKernel } from "./signatures.js";

const KIND = 0,
  WAKE = 1,
  ERROR = 2,
  STOP = 3,
  NEXT = 4,
  COUNT = 5,
  SEQ = 8;
/** Slots per per-worker section of ctrl (SEQ, READY, ACK, TOOK, SLEEP): more than any pool size. */
const SLOTS = 64;
const READY = SEQ + SLOTS,
  ACK = READY + SLOTS,
  TOOK = ACK + SLOTS,
  SLEEP = TOOK + SLOTS,
  CTRL_WORDS = SLEEP + SLOTS;
const ARGS = 32;
/** W(s) = s ^ WITHDRAWN marks request s withdrawn in ctrl[TOOK + t] (never equal to s or s - 1). */
const WITHDRAWN = 1 << 30;
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
/** No progress for this long fails a dispatch (BackendError) instead of waiting forever. */
export const DEFAULT_WATCHDOG_MS = 60_000;
/** Spins between clock reads while the caller waits (a clock read costs far more than a load). */
const CLOCK_EVERY = 1024;

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
}

/**
 * The worker loop, shared by Node and web workers: `serve(init, onReady)` instantiates the module
 * on the shared memory, marks itself ready, and serves requests until STOP. Each platform adds a
 * one-line prologue that hands it `init`. The protocol and its invariant: the comment at the top.
 */
const serveSource = `
function serve({ module, memory, ctrl: ctrlBuf, args: argsBuf, locals: localsBuf, index, kernels }, onReady) {
  const ctrl = new Int32Array(ctrlBuf), args = new Float64Array(argsBuf), locals = new Float64Array(localsBuf);
  const own = (v) => (v >= ${LOCAL_MARK} ? locals[index * ${LOCALS} + v - ${LOCAL_MARK}] : v);
  const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } });
  const fns = kernels.map((k) => inst.exports[k]);
  Atomics.store(ctrl, ${READY} + index, 1);
  onReady();
  let served = 0;
  for (;;) {
    let seq = Atomics.load(ctrl, ${SEQ} + index);
    for (let spins = 0; seq === served && spins < ${SPIN}; spins++) seq = Atomics.load(ctrl, ${SEQ} + index);
    // whatever woke it, only a request number it has not served is work; SLEEP says it may need
    // a notify (a request made while it is 0 is seen by the spin or by Atomics.wait's own check)
    if (seq === served) {
      Atomics.store(ctrl, ${SLEEP} + index, 1);
      while (seq === served) {
        Atomics.wait(ctrl, ${SEQ} + index, served);
        seq = Atomics.load(ctrl, ${SEQ} + index);
      }
      Atomics.store(ctrl, ${SLEEP} + index, 0);
    }
    if (Atomics.load(ctrl, ${STOP})) break;
    // take the request unless the caller withdrew it (it ran out of rows before this woke)
    const took = Atomics.load(ctrl, ${TOOK} + index);
    if (took !== (seq ^ ${WITHDRAWN}) && Atomics.compareExchange(ctrl, ${TOOK} + index, took, seq) === took) {
      try {
        const fn = fns[ctrl[${KIND}]], count = ctrl[${COUNT}];
        for (let i = Atomics.add(ctrl, ${NEXT}, 1); i < count; i = Atomics.add(ctrl, ${NEXT}, 1)) {
          fn(...Array.from(args.subarray(i * ${ARGS}, i * ${ARGS} + fn.length), own));
        }
      } catch (e) {
        Atomics.store(ctrl, ${ERROR}, 1);
      }
      Atomics.store(ctrl, ${ACK} + index, seq);
      Atomics.add(ctrl, ${WAKE}, 1);
      Atomics.notify(ctrl, ${WAKE});
    } else {
      // withdrawn: nothing ran; the acknowledgement only tells an observer it was seen (the
      // caller no longer waits for it). Then it spins like any worker just woken: requests
      // come in bursts, and one that went back to sleep at once would miss each next one too
      Atomics.store(ctrl, ${ACK} + index, seq);
    }
    served = seq;
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
        console.warn(
          `tensorloom: wasm worker thread ${init.index} could not start (${String(e)}); its share runs on the calling thread. Allow worker-src blob: to use threads.`,
        );
        return { started: Promise.resolve(), terminate() {} };
      }
      const started = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, START_TIMEOUT_MS);
        const settle = (): void => {
          clearTimeout(timer);
          resolve();
        };
        w.onmessage = settle;
        w.onerror = (e) => {
          console.warn(
            `tensorloom: wasm worker thread ${init.index} failed to start (${String((e as { message?: string }).message ?? e)}); its share runs on the calling thread.`,
          );
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

/** The shared buffers one set of workers is started on (replaced when the workers are stopped). */
interface Buffers {
  ctrl: Int32Array;
  args: Float64Array;
  locals: Float64Array;
}

/** TENSORLOOM_THREAD_WATCHDOG_MS where the runtime has an environment (Node), else the default. */
function watchdogFromEnv(): number {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORLOOM_THREAD_WATCHDOG_MS;
  if (v === undefined || v === "") return DEFAULT_WATCHDOG_MS;
  const ms = Number(v);
  if (!(ms > 0))
    throw new ValueError(
      `wasm thread pool: TENSORLOOM_THREAD_WATCHDOG_MS is "${v}"; set it to a positive number of milliseconds or unset it (default ${DEFAULT_WATCHDOG_MS}).`,
    );
  return ms;
}

const now = (): number => globalThis.performance?.now() ?? Date.now();

export class ThreadPool {
  private buf: Buffers;
  private workers: PoolWorker[] = [];
  /** The kernels on the calling thread, by protocol index. */
  private readonly local: ((row: number[]) => void)[];
  private limit: number | undefined;

  /**
   * A dispatch that sees no progress (no row claimed, no worker finishing) for this long (ms)
   * throws a BackendError instead of waiting forever. Read from the environment at the first
   * parallel dispatch, so a bad value fails that call, not the library's import.
   */
  get watchdogMs(): number {
    return (this.limit ??= watchdogFromEnv());
  }

  set watchdogMs(ms: number) {
    if (!(ms > 0))
      throw new ValueError(
        `ThreadPool.watchdogMs: ${ms} is not a positive number of milliseconds; pass one (default ${DEFAULT_WATCHDOG_MS}).`,
      );
    this.limit = ms;
  }

  private constructor(
    private readonly rt: WasmRuntime,
    private readonly platform: Platform,
    private readonly maxThreads: number,
  ) {
    if (maxThreads > SLOTS)
      throw new RangeError(
        `ThreadPool: maxThreads is ${maxThreads}, above the protocol's ${SLOTS} worker slots; raise SLOTS in threads.ts or ask for fewer threads.`,
      );
    this.buf = this.freshBuffers();
    this.local = KERNELS.map((k) => positional(rt, k));
  }

  private freshBuffers(): Buffers {
    return {
      ctrl: new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS)),
      args: new Float64Array(new SharedArrayBuffer(8 * ARGS * MAX_ROWS)),
      locals: new Float64Array(new SharedArrayBuffer(8 * LOCALS * this.maxThreads)),
    };
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
    for (let t = 1; t <= this.workers.length; t++) if (Atomics.load(this.buf.ctrl, READY + t) === 1) n++;
    return n;
  }

  /** Spawn workers until `threads - 1` exist (they may not serve yet). */
  private grow(threads: number): void {
    const { ctrl, args, locals } = this.buf;
    while (this.workers.length < threads - 1) {
      const index = this.workers.length + 1;
      this.workers.push(
        this.platform.spawn({
          module: this.rt.module,
          memory: this.rt.memory,
          ctrl: ctrl.buffer as SharedArrayBuffer,
          args: args.buffer as SharedArrayBuffer,
          locals: locals.buffer as SharedArrayBuffer,
          index,
          kernels: KERNELS,
        }),
      );
    }
  }

  /**
   * Workers asleep in Atomics.wait that have seen every request sent to them (tests: the
   * control words stay quiet then).
   */
  idleWorkers(): number {
    const ctrl = this.buf.ctrl;
    let n = 0;
    for (let t = 1; t <= this.workers.length; t++)
      if (Atomics.load(ctrl, SLEEP + t) === 1 && Atomics.load(ctrl, ACK + t) === Atomics.load(ctrl, SEQ + t)) n++;
    return n;
  }

  /** Whether row t can be handed to worker t now. */
  private serves(t: number): boolean {
    return this.platform.startsSync || Atomics.load(this.buf.ctrl, READY + t) === 1;
  }

  /**
   * Run `kernel` once per argument row on up to `threads` threads (the caller and threads - 1
   * workers that serve) and wait for all. Rows are claimed from a shared counter (the caller
   * takes row 0 first), so a worker that wakes late or runs slow (this host's second vCPU is at
   * times shared: a worker measured 2x slower than the caller on the same rows) claims fewer.
   * `locals[t]` are thread t's addresses for threadLocal(k) arguments (t = 0: the caller).
   * `wake` false: small work, asked only of workers not asleep (the caller runs the rest).
   */
  run<K extends PoolKernel>(
    kernel: K,
    calls: readonly KernelArgs<K>[],
    threads = calls.length,
    locals: number[][] = [],
    wake = true,
  ): void {
    const rows = calls.map((a) => rowOf(kernel, a));
    const n = rows.length;
    const kind = KERNELS.indexOf(kernel);
    if (n > MAX_ROWS)
      throw new RangeError(
        `wasm backend: ${n} rows for ${kernel}, above the ${MAX_ROWS} a run holds; split the work into at most ${MAX_ROWS} rows.`,
      );
    const helpers = Math.min(threads, n) - 1;
    const mine = (row: number[]) => resolveLocals(row, locals[0] ?? []);
    if (helpers <= 0) {
      for (const row of rows) this.local[kind]!(mine(row));
      return;
    }
    const limit = this.watchdogMs; // a bad setting throws here, before any worker is asked
    this.grow(helpers + 1);
    const { ctrl, args } = this.buf;
    rows.forEach((row, i) => args.set(row, i * ARGS));
    locals.forEach((ls, t) => this.buf.locals.set(ls, t * LOCALS));
    Atomics.store(ctrl, KIND, kind);
    Atomics.store(ctrl, COUNT, n);
    Atomics.store(ctrl, NEXT, 1); // row 0 is the caller's; the rest go to whoever claims them first
    Atomics.store(ctrl, ERROR, 0);
    // [worker, the request number it must acknowledge]
    const asked: [number, number][] = [];
    for (let t = 1; t <= helpers; t++) {
      if (!this.serves(t)) continue; // not started yet (web): its share is claimed by the others
      // a sleeping worker costs a wake-up (a futex call here, tens of microseconds to a scheduler
      // slice on a busy host): small work goes only to workers still spinning from a last request
      if (!wake && Atomics.load(ctrl, SLEEP + t) === 1) continue;
      asked.push([t, (Atomics.add(ctrl, SEQ + t, 1) + 1) | 0]);
      // SLEEP read after the request is published: a worker that set it before this read gets
      // the notify; one that sets it after sees the new request in Atomics.wait's own check
      if (Atomics.load(ctrl, SLEEP + t) === 1) Atomics.notify(ctrl, SEQ + t);
    }
    try {
      this.local[kind]!(mine(rows[0]!));
      for (let i = Atomics.add(ctrl, NEXT, 1); i < n; i = Atomics.add(ctrl, NEXT, 1)) this.local[kind]!(mine(rows[i]!));
    } finally {
      // no row is left to claim: a worker that has not taken its request yet would find none, so
      // withdraw it; wait only for those that took theirs (even when a row threw here: they must
      // finish before anything reuses the buffers)
      this.waitDone(kernel, this.withdraw(asked), limit);
    }
    if (Atomics.load(ctrl, ERROR))
      throw new BackendError(
        `wasm ${kernel}: the kernel failed on a worker thread (a wasm trap there). Run it with tl.setNumThreads(1) to see the error on the calling thread.`,
      );
  }

  /** The asked workers that took their request; the others' requests are withdrawn here. */
  private withdraw(asked: [number, number][]): [number, number][] {
    const ctrl = this.buf.ctrl;
    return asked.filter(([t, s]) => {
      const took = Atomics.load(ctrl, TOOK + t);
      return took === s || Atomics.compareExchange(ctrl, TOOK + t, took, s ^ WITHDRAWN) !== took;
    });
  }

  /**
   * Wait until every asked worker acknowledged its request: spin, then sleep where this thread
   * may (a browser's main thread only spins). Throws (BackendError) after watchdogMs without
   * progress.
   */
  private waitDone(kernel: PoolKernel, asked: [number, number][], limit: number): void {
    const ctrl = this.buf.ctrl;
    let spins = 0,
      last = -1,
      next = Atomics.load(ctrl, NEXT),
      wake = Atomics.load(ctrl, WAKE);
    for (;;) {
      const w = Atomics.load(ctrl, WAKE); // read before the ACKs: a completion after it changes it
      if (asked.every(([t, s]) => Atomics.load(ctrl, ACK + t) === s)) return;
      spins++;
      const sleep = this.platform.callerCanWait && spins > SPIN;
      if (!sleep && spins % CLOCK_EVERY !== 0) continue;
      const t = now(),
        nx = Atomics.load(ctrl, NEXT);
      if (last < 0 || nx !== next || w !== wake) [last, next, wake] = [t, nx, w];
      else if (t - last >= limit) this.hung(kernel, asked, t - last, limit);
      if (sleep) Atomics.wait(ctrl, WAKE, w, Math.max(1, last + limit - t));
    }
  }

  /** The watchdog fired: stop the workers, start over on fresh buffers, and say who did not answer. */
  private hung(kernel: PoolKernel, asked: [number, number][], ms: number, limit: number): never {
    const ctrl = this.buf.ctrl;
    // only workers that took their request are waited for (the others were withdrawn)
    const silent = asked
      .filter(([t, s]) => Atomics.load(ctrl, ACK + t) !== s)
      .map(([t]) => `worker thread ${t} took its share and has not finished it (stuck or crashed inside the kernel)`);
    void this.stopWorkers();
    throw new BackendError(
      `wasm ${kernel}: no progress for ${(ms / 1000).toFixed(1)} s: ${silent.join("; ")}. The pool's workers were stopped; fresh ones start on the next parallel call. If this repeats, use tl.setNumThreads(1) (everything on the calling thread) and report it; TENSORLOOM_THREAD_WATCHDOG_MS sets this limit (now ${limit} ms).`,
    );
  }

  /**
   * Tell every worker to stop and terminate it, and give the pool fresh buffers: a worker that
   * lingers (or wakes long after a watchdog stop) only ever sees the old ones.
   */
  private stopWorkers(): Promise<unknown> {
    const { ctrl } = this.buf;
    Atomics.store(ctrl, NEXT, MAX_ROWS); // no row of an abandoned dispatch is claimed any more
    Atomics.store(ctrl, STOP, 1);
    for (let t = 1; t <= this.workers.length; t++) {
      Atomics.add(ctrl, SEQ + t, 1);
      Atomics.notify(ctrl, SEQ + t);
    }
    const ends = this.workers.map((w) => {
      try {
        return Promise.resolve(w.terminate()).catch(() => undefined);
      } catch {
        return undefined; // already gone
      }
    });
    this.workers = [];
    this.buf = this.freshBuffers();
    return Promise.all(ends);
  }

  /** Stop every worker (tests; the pool restarts on the next parallel call). */
  async close(): Promise<void> {
    await this.stopWorkers();
  }
}

/** The pool and the threads the backend may use (tl.setNumThreads). */
export type Threading = () => { pool: ThreadPool | null; threads: number };

/** The row with its threadLocal(k) markers replaced by `locals[k]`. */
function resolveLocals(row: number[], locals: readonly number[]): number[] {
  return row.some((v) => v >= LOCAL_MARK) ? row.map((v) => (v >= LOCAL_MARK ? locals[v - LOCAL_MARK]! : v)) : row;
}

/** Pool kernel `k` of the runtime as a function of one positional row (rowOf's order). */
function positional(rt: WasmRuntime, k: PoolKernel): (row: number[]) => void {
  // each signature takes only numbers, so any of them accepts a row of the right length
  const fn = rt.exports[k] as (...a: number[]) => void;
  return (row) => fn(...row);
}

/**
 * Run `kernel` once per argument row: across the pool when there is one, else on the calling
 * thread. `locals[t]`: thread t's addresses for threadLocal(k) arguments. `wake` false: work too
 * small to be worth waking a sleeping worker (the rows run on the threads already awake).
 */
export function runRows<K extends PoolKernel>(
  rt: WasmRuntime,
  threading: Threading,
  kernel: K,
  args: readonly KernelArgs<K>[],
  locals: number[][] = [],
  wake = true,
): void {
  const { pool, threads } = threading();
  if (pool) return pool.run(kernel, args, threads, locals, wake);
  const fn = positional(rt, kernel);
  for (const a of args) fn(resolveLocals(rowOf(kernel, a), locals[0] ?? []));
}
