// The thread pool's browser paths, exercised in Node: web-style workers that serve only after
// they start (rows of workers not ready run on the calling thread), a caller that must never
// Atomics.wait (a browser's main thread), and workers that cannot start at all. The real browser
// check is `npm run test:browser` (headless Chromium; not part of npm test). Then the protocol's
// guarantees with workers the test controls: wake-ups with nothing new change nothing, a worker
// that never answers is withdrawn, and the watchdog names one that hangs inside a kernel. The
// same protocol under CPU contention: threads.stress.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker as NodeWorker } from "node:worker_threads";
import * as tl from "../../index.js";
import { loadWasmBackend, type WasmBackend } from "./index.js";
import { poolRows } from "../../../test/support/poolRows.js";
import { MAX_THREADS, type WasmRuntime } from "./runtime.js";
import { BackendError, ValueError } from "../../tensor/errors.js";
import {
  type KernelArgs,
  type Platform,
  type PoolWorker,
  ThreadPool,
  type WebWorkerCtor,
  type WorkerInit,
  canBlock,
  nodeWorkerSource,
  runRows,
  threadLocal,
  webPlatform,
  webWorkerSource,
} from "./threads.js";

const wasm = loadWasmBackend() as WasmBackend;
/** Atomics.wait as loaded, for the test's own waits (countingWaits replaces the global). */
const realWait = Atomics.wait;
const ex = wasm.runtime.exports;
/** One sgemm row on the calling thread, no pool. */
const sgemmOn = (row: KernelArgs<"sgemm">): void => runRows(wasm.runtime, () => ({ pool: null, threads: 1 }), "sgemm", [row]);

/**
 * A Web Worker stand-in on worker_threads: `url` is the script itself, and a prelude gives it
 * the web globals the script uses (onmessage, postMessage).
 */
class ShimWorker {
  onmessage: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  private readonly w: NodeWorker;
  constructor(url: string) {
    const prelude = `const { parentPort } = require("node:worker_threads");
globalThis.postMessage = (m) => parentPort.postMessage(m);
parentPort.once("message", (data) => globalThis.onmessage({ data }));
`;
    this.w = new NodeWorker(prelude + url, { eval: true });
    this.w.on("message", (data) => this.onmessage?.({ data }));
    this.w.on("error", (e) => this.onerror?.(e));
    this.w.unref();
  }
  postMessage(m: unknown): void {
    this.w.postMessage(m);
  }
  terminate(): void {
    void this.w.terminate();
  }
}

/** A worker constructor that always fails, like a page whose CSP forbids blob: workers. */
const Refused: WebWorkerCtor = class extends ShimWorker {
  constructor(url: string) {
    if (url) throw new Error("Refused to create a worker from 'blob:...' (Content Security Policy)");
    super(url);
  }
};

/**
 * C = A B (m x k times k x n) in wasm memory, split by columns into row 0 (the first 256 columns,
 * the caller's) and row 1 (the rest, three times the work), run by `run`; returns C. Row 0 takes
 * long enough for a sleeping worker to wake and claim row 1, and the uneven split then keeps the
 * caller waiting on it far longer than its spin.
 */
function splitProduct(run: (rows: KernelArgs<"sgemm">[]) => void, m = 128, k = 512, n = 1032): Float32Array {
  const g = new tl.Generator(7);
  const a = tl.randn([m * k], { generator: g }).storage as Float32Array,
    b = tl.randn([k * n], { generator: g }).storage as Float32Array;
  wasm.arena.reset();
  const A = wasm.arena.copyIn(a),
    B = wasm.arena.copyIn(b),
    C = wasm.arena.alloc(m * n * 4);
  run([
    { m, n: 256, k, a: A, ars: k, acs: 1, b: B, brs: n, bcs: 1, c: C, ldc: n, accumulate: 0, scratch: wasm.arena.scratch(0) },
    {
      m,
      n: n - 256,
      k,
      a: A,
      ars: k,
      acs: 1,
      b: B + 4 * 256,
      brs: n,
      bcs: 1,
      c: C + 4 * 256,
      ldc: n,
      accumulate: 0,
      scratch: wasm.arena.scratch(1),
    },
  ]);
  return wasm.arena.f32(C, m * n).slice();
}

const oneThread = (): Float32Array =>
  splitProduct((rows) => {
    for (const r of rows) sgemmOn(r);
  });

/** Run `body` with Atomics.wait counted on this (the calling) thread; workers are not affected. */
async function countingWaits(body: () => Promise<void>): Promise<number> {
  const wait = Atomics.wait;
  let calls = 0;
  (Atomics as { wait: unknown }).wait = (...a: Parameters<typeof Atomics.wait>) => {
    calls++;
    return wait(...a);
  };
  try {
    await body();
  } finally {
    (Atomics as { wait: unknown }).wait = wait;
  }
  return calls;
}

/**
 * How a test worker behaves: the pool's own worker ("real"), one that never serves (a crashed or
 * never-scheduled thread), one whose kernels never return or throw, or a real one that starts
 * only when the test calls `startDeferred()`, or one ("held") whose kernels wait until the test
 * releases them (`signal[1]`).
 */
type Behaviour = "real" | "absent" | "stuck" | "trap" | "deferred" | "held";

/**
 * Wraps the worker's kernels before it instantiates the module: each first sets the platform's
 * `signal` (a caller's row 0 can wait for it, so the worker surely took its share and runs a
 * row), then does `body` (in which `real` is the module's own kernel).
 */
const patched = (body: string): string => `const RealInstance = WebAssembly.Instance;
const signal = new Int32Array(require("node:worker_threads").workerData.signal);
WebAssembly.Instance = function (module, imports) {
  const inst = new RealInstance(module, imports);
  const exports = {};
  for (const k of Object.keys(inst.exports)) {
    const real = inst.exports[k];
    exports[k] = (...a) => { Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); ${body} };
    Object.defineProperty(exports[k], "length", { value: real.length }); // the worker passes that many arguments
  }
  return { exports };
};
`;
const preludes: Partial<Record<Behaviour, string>> = {
  real: patched("return real(...a);"),
  deferred: patched("return real(...a);"),
  stuck: patched("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"),
  trap: patched('throw new WebAssembly.RuntimeError("unreachable");'),
  held: patched("Atomics.wait(signal, 1, 0); return real(...a);"),
};

interface TestPlatform extends Platform {
  /** The shared buffers each spawned worker got, by spawn order. */
  inits: WorkerInit[];
  /** Start the deferred workers spawned so far. */
  startDeferred(): void;
  /** [0]: set by a worker (other than `absent`) when it enters a kernel; [1]: releases `held` kernels. */
  signal: Int32Array;
}

/** Node worker_threads (workers run as soon as spawned), each behaving as `behaviour(index)` says. */
function testPlatform(behaviour: (index: number) => Behaviour, callerCanWait = true): TestPlatform {
  const inits: WorkerInit[] = [];
  const deferred: (() => void)[] = [];
  const signal = new Int32Array(new SharedArrayBuffer(8));
  return {
    inits,
    signal,
    startsSync: true,
    callerCanWait,
    startDeferred: () => deferred.splice(0).forEach((f) => f()),
    spawn(init): PoolWorker {
      inits.push(init);
      const b = behaviour(init.index);
      if (b === "absent") return { started: Promise.resolve(), terminate() {} };
      let w: NodeWorker | null = null;
      let gone = false;
      const start = () => {
        if (gone) return;
        w = new NodeWorker((preludes[b] ?? "") + nodeWorkerSource, { eval: true, workerData: { ...init, signal: signal.buffer } });
        w.unref();
      };
      if (b === "deferred") deferred.push(start);
      else start();
      return {
        started: Promise.resolve(),
        terminate: () => {
          gone = true;
          return w?.terminate();
        },
      };
    },
  };
}

/** 6 small GEMM rows accumulated onto a bias (test/support/poolRows.ts), with their one-thread result, for runs on a pool. */
function rowsAndWant(): {
  rows: KernelArgs<"sgemm">[];
  locals: number[][];
  read: () => Float32Array;
  reset: () => void;
  want: Float32Array;
} {
  const { rows, locals, view, reset } = poolRows(wasm, new tl.Generator(11), MAX_THREADS);
  const read = () => view().slice();
  for (const row of rows) sgemmOn({ ...row, scratch: locals[0]![0]! });
  const want = read();
  reset();
  return { rows, locals, read, reset, want };
}

/**
 * The backend's runtime, except that the caller's first kernel call of a run waits until a worker
 * entered a kernel: that worker surely took its share and has a row. (The 60 s cap only keeps a
 * broken test from hanging; a worker's start takes milliseconds to a few seconds under load.)
 */
function callerWaitsForWorker(platform: TestPlatform): WasmRuntime {
  const sgemm = ((...a: Parameters<typeof ex.sgemm>) => {
    realWait(platform.signal, 0, 0, 60_000); // not counted as the pool's own Atomics.wait
    ex.sgemm(...a);
  }) as typeof ex.sgemm;
  return { ...wasm.runtime, exports: { ...ex, sgemm } };
}

function pool(platform: Platform, rt: WasmRuntime = wasm.runtime): ThreadPool {
  const p = ThreadPool.create(rt, MAX_THREADS, platform);
  assert.ok(p, "the shared-memory runtime gets a pool");
  return p;
}

describe("wasm thread pool, browser paths (Web Worker stand-ins on worker_threads)", () => {
  it("Node's main thread may Atomics.wait (the browser main thread is detected by the same probe)", () => {
    assert.equal(canBlock(), true);
  });

  it("rows of workers that could not start run on the calling thread: same bits, no hang, a warning", async () => {
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => {
      warnings.push(m);
    };
    try {
      const p = pool(webPlatform(Refused, "blob:unused", false));
      await p.start(2);
      assert.equal(p.readyWorkers(), 0);
      assert.deepEqual(
        splitProduct((rows) => p.run("sgemm", rows)),
        oneThread(),
      );
      await p.close();
    } finally {
      console.warn = warn;
    }
    assert.match(warnings[0]!, /worker thread 1 could not start .*Content Security Policy.*runs on the calling thread/);
  });

  it("a worker spawned by a kernel call serves only later: that call runs its row locally, the next ones hand it over", async () => {
    const p = pool(webPlatform(ShimWorker, webWorkerSource, false));
    const want = oneThread();
    // the first call spawns worker 1, which cannot be serving yet: its row runs here
    assert.deepEqual(
      splitProduct((rows) => p.run("sgemm", rows)),
      want,
    );
    await p.start(2);
    assert.equal(p.readyWorkers(), 1);
    assert.deepEqual(
      splitProduct((rows) => p.run("sgemm", rows)),
      want,
    );
    await p.close();
    assert.equal(p.readyWorkers(), 0);
  });

  it("more rows than threads: rows are claimed from a shared counter, every row runs once, same bits", async () => {
    const p = pool(webPlatform(ShimWorker, webWorkerSource, true));
    await p.start(2);
    const m = 96,
      k = 300,
      n = 8 * 40;
    const g = new tl.Generator(3);
    const a = tl.randn([m * k], { generator: g }).storage as Float32Array,
      b = tl.randn([k * n], { generator: g }).storage as Float32Array;
    wasm.arena.reset();
    const A = wasm.arena.copyIn(a),
      B = wasm.arena.copyIn(b),
      C1 = wasm.arena.alloc(m * n * 4),
      C2 = wasm.arena.alloc(m * n * 4);
    ex.sgemm(m, n, k, A, k, 1, B, n, 1, C1, n, 0, wasm.arena.scratch(0));
    // 5 column blocks on 2 threads (each row its own scratch block)
    const rows = [0, 1, 2, 3, 4].map(
      (i): KernelArgs<"sgemm"> => ({
        m,
        n: 64,
        k,
        a: A,
        ars: k,
        acs: 1,
        b: B + 4 * 64 * i,
        brs: n,
        bcs: 1,
        c: C2 + 4 * 64 * i,
        ldc: n,
        accumulate: 0,
        scratch: wasm.arena.scratch(i),
      }),
    );
    wasm.arena.f32(C2, m * n).fill(NaN);
    p.run("sgemm", rows, 2);
    assert.deepEqual(wasm.arena.f32(C2, m * n), wasm.arena.f32(C1, m * n));
    await p.close();
  });

  it("thread-local arguments: a row's threadLocal(k) is the k-th address of the thread that runs it", async () => {
    const p = pool(webPlatform(ShimWorker, webWorkerSource, true));
    await p.start(2);
    const m = 32,
      k = 64,
      n = 48;
    const g = new tl.Generator(5);
    const a = tl.randn([m * k], { generator: g }).storage as Float32Array,
      b = tl.randn([k * n], { generator: g }).storage as Float32Array;
    wasm.arena.reset();
    const A = wasm.arena.copyIn(a),
      B = wasm.arena.copyIn(b),
      want = wasm.arena.alloc(m * n * 4);
    ex.sgemm(m, n, k, A, k, 1, B, n, 1, want, n, 0, wasm.arena.scratch(0));
    const blocks = [wasm.arena.alloc(m * n * 4), wasm.arena.alloc(m * n * 4)];
    const locals = [
      [wasm.arena.scratch(0), blocks[0]!],
      [wasm.arena.scratch(1), blocks[1]!],
    ];
    // row 0 (always the caller's) is a long product to a fixed place; row 1 writes the small
    // product into "its thread's" block (threadLocal(1)): the worker's, unless the caller gets
    // there first. A worker resolving to the caller's addresses would never fill block 1.
    const big = 256,
      K = 512,
      bigA = wasm.arena.alloc(big * K * 4),
      bigB = wasm.arena.alloc(K * big * 4),
      bigC = wasm.arena.alloc(big * big * 4);
    wasm.arena.f32(bigA, big * K).fill(0.5);
    wasm.arena.f32(bigB, K * big).fill(0.25);
    const same = (x: Float32Array, y: Float32Array) => x.every((v, i) => v === y[i]);
    let workerRan = 0;
    for (let trial = 0; trial < 5; trial++) {
      blocks.forEach((c) => wasm.arena.f32(c, m * n).fill(NaN));
      p.run(
        "sgemm",
        [
          {
            m: big,
            n: big,
            k: K,
            a: bigA,
            ars: K,
            acs: 1,
            b: bigB,
            brs: big,
            bcs: 1,
            c: bigC,
            ldc: big,
            accumulate: 0,
            scratch: threadLocal(0),
          },
          { m, n, k, a: A, ars: k, acs: 1, b: B, brs: n, bcs: 1, c: threadLocal(1), ldc: n, accumulate: 0, scratch: threadLocal(0) },
        ],
        2,
        locals,
      );
      const mine = wasm.arena.f32(blocks[0]!, m * n),
        theirs = wasm.arena.f32(blocks[1]!, m * n),
        product = wasm.arena.f32(want, m * n);
      if (same(theirs, product)) {
        workerRan++;
        assert.ok(
          mine.every((v) => Number.isNaN(v)),
          "the caller's block is untouched when the worker ran row 1",
        );
      } else {
        assert.ok(theirs.every((v) => Number.isNaN(v)) && same(mine, product), "row 1 ran on the caller, into the caller's block");
      }
    }
    assert.ok(workerRan > 0, "the worker claimed row 1 in at least one of 5 trials (row 0 takes milliseconds)");
    // 6 column blocks on 2 threads, each thread's own scratch whichever rows it claims: same bits
    const C = wasm.arena.alloc(m * n * 4);
    wasm.arena.f32(C, m * n).fill(NaN);
    p.run(
      "sgemm",
      [0, 1, 2, 3, 4, 5].map((i) => ({
        m,
        n: 8,
        k,
        a: A,
        ars: k,
        acs: 1,
        b: B + 4 * 8 * i,
        brs: n,
        bcs: 1,
        c: C + 4 * 8 * i,
        ldc: n,
        accumulate: 0,
        scratch: threadLocal(0),
      })),
      2,
      locals,
    );
    assert.deepEqual(wasm.arena.f32(C, m * n), wasm.arena.f32(want, m * n));
    await p.close();
    // without a pool (one thread) the caller's addresses stand in
    const D = wasm.arena.alloc(m * n * 4);
    runRows(
      wasm.runtime,
      () => ({ pool: null, threads: 1 }),
      "sgemm",
      [{ m, n, k, a: A, ars: k, acs: 1, b: B, brs: n, bcs: 1, c: threadLocal(1), ldc: n, accumulate: 0, scratch: threadLocal(0) }],
      [[wasm.arena.scratch(0), D]],
    );
    assert.deepEqual(wasm.arena.f32(D, m * n), wasm.arena.f32(want, m * n));
  });

  it("with the caller flagged as a browser main thread, waiting for workers never calls Atomics.wait (and does otherwise)", async () => {
    const want = oneThread();
    const waits = await countingWaits(async () => {
      const p = pool(webPlatform(ShimWorker, webWorkerSource, false));
      await p.start(2);
      assert.equal(p.readyWorkers(), 1);
      for (let i = 0; i < 3; i++)
        assert.deepEqual(
          splitProduct((rows) => p.run("sgemm", rows)),
          want,
        );
      await p.close();
    });
    assert.equal(waits, 0);
    // The control, without timing luck: a caller that may block, and a worker that takes its
    // share (the caller's row waits until it entered the kernel) and finishes it only once the
    // caller sleeps (the counting Atomics.wait releases it), so the caller cannot find the work
    // finished before it sleeps; it must sleep, and wake on the worker's acknowledgement.
    const platform = testPlatform(() => "held", true);
    const p = pool(platform, callerWaitsForWorker(platform));
    const wait = Atomics.wait;
    let calls = 0;
    (Atomics as { wait: unknown }).wait = (...a: Parameters<typeof Atomics.wait>) => {
      calls++;
      Atomics.store(platform.signal, 1, 1);
      Atomics.notify(platform.signal, 1);
      return wait(...a);
    };
    try {
      assert.deepEqual(
        splitProduct((rows) => p.run("sgemm", rows)),
        want,
      );
    } finally {
      (Atomics as { wait: unknown }).wait = wait;
    }
    assert.ok(calls > 0, "the caller slept while its worker had not answered");
    await p.close();
  });
});

describe("wasm thread pool protocol: stale wake-ups, stuck workers, the watchdog", () => {
  it("a wake-up with nothing new changes nothing: no row runs twice, no completion counts twice", async () => {
    const platform = testPlatform(() => "real");
    const p = pool(platform);
    const { rows, locals, read, reset, want } = rowsAndWant();
    // both workers serving first: a caller does not wait for a worker that has not started (its
    // request is withdrawn), so on a loaded machine one may mark itself ready rounds later
    p.run("sgemm", rows, 3, locals);
    while (p.readyWorkers() < 2) await new Promise((r) => setTimeout(r, 5));
    for (let round = 0; round < 20; round++) {
      reset();
      p.run("sgemm", rows, 3, locals);
      assert.deepEqual(read(), want, `round ${round}: every row once`);
      // a late notify, and spurious ones, on every word of the control block while both workers
      // are idle (asleep, past their spin): they must go back to sleep without claiming,
      // acknowledging or waking anything
      while (p.idleWorkers() < 2) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 2));
      const ctrl = new Int32Array(platform.inits[0]!.ctrl);
      const before = ctrl.slice();
      for (let rep = 0; rep < 3; rep++) for (let i = 0; i < ctrl.length; i++) Atomics.notify(ctrl, i);
      await new Promise((r) => setTimeout(r, 2));
      const after = ctrl.slice();
      const changed = [...after.keys()].filter((i) => after[i] !== before[i]).map((i) => `word ${i}: ${before[i]} -> ${after[i]}`);
      assert.deepEqual(changed, [], `round ${round}: the control words after stray wake-ups`);
    }
    await p.close();
  });

  it("small work (wake false) never wakes a sleeping worker: its rows run on the caller, same bits; big work wakes it", async () => {
    const platform = testPlatform(() => "real");
    // while `gate` is set the caller's kernel calls wait until a worker entered a kernel
    let gate = true;
    const sgemm = ((...a: Parameters<typeof ex.sgemm>) => {
      if (gate) realWait(platform.signal, 0, 0, 60_000);
      ex.sgemm(...a);
    }) as typeof ex.sgemm;
    const p = pool(platform, { ...wasm.runtime, exports: { ...ex, sgemm } });
    const { rows, locals, read, reset, want } = rowsAndWant();
    p.run("sgemm", rows, 2, locals); // the worker started and served
    while (p.idleWorkers() < 1) await new Promise((r) => setTimeout(r, 1));
    Atomics.store(platform.signal, 0, 0);
    gate = false;
    reset();
    p.run("sgemm", rows, 2, locals, false);
    assert.deepEqual(read(), want, "every row once, on the caller");
    assert.equal(Atomics.load(platform.signal, 0), 0, "the sleeping worker ran no kernel");
    assert.equal(p.idleWorkers(), 1, "and still sleeps");
    gate = true;
    reset();
    p.run("sgemm", rows, 2, locals, true); // the caller's first row waits until the worker runs one
    assert.deepEqual(read(), want);
    assert.equal(Atomics.load(platform.signal, 0), 1, "woken for big work");
    await p.close();
  });

  it("a worker that never answers: its request is withdrawn once no row is left, its rows run on the caller, no hang, same bits", async () => {
    // worker 2 never serves (a crashed or never-scheduled thread): each run withdraws its request
    // and returns without waiting for it (the watchdog's limit is far above what the runs take)
    const platform = testPlatform((index) => (index === 2 ? "absent" : "real"));
    const p = pool(platform);
    p.watchdogMs = 60_000;
    const { rows, locals, read, reset, want } = rowsAndWant();
    for (let i = 0; i < 5; i++) {
      reset();
      p.run("sgemm", rows, 3, locals);
      assert.deepEqual(read(), want, `run ${i}: every row once`);
    }
    assert.equal(platform.inits.length, 2, "no restart: nothing hung");
    await p.close();
  });

  for (const [mode, callerCanWait] of [
    ["a caller that may sleep", true],
    ["a browser main thread (spins, never Atomics.wait)", false],
  ] as const) {
    it(`a worker stuck in its share: the watchdog names the kernel and the thread, then the pool starts over (${mode})`, async () => {
      let generation = 0;
      // first worker: it takes its share and never finishes it (the caller's row 0 waits until it
      // entered the kernel); after the watchdog, a real one
      const platform = testPlatform(() => (generation === 0 ? "stuck" : "real"), callerCanWait);
      const p = pool(platform, callerWaitsForWorker(platform));
      p.watchdogMs = 1000;
      const { rows, locals, read, reset, want } = rowsAndWant();
      let err: unknown;
      const waits = await countingWaits(async () => {
        try {
          p.run("sgemm", rows, 2, locals);
        } catch (e) {
          err = e;
        }
      });
      assert.ok(err instanceof BackendError, `a BackendError, got ${String(err)}`);
      assert.match(
        (err as Error).message,
        /^wasm sgemm: no progress for \d\.\d s: worker thread 1 took its share and has not finished it \(stuck or crashed inside the kernel\)\. The pool's workers were stopped; fresh ones start on the next parallel call\..*tl\.setNumThreads\(1\).*TENSORLOOM_THREAD_WATCHDOG_MS.*now 1000 ms/,
      );
      if (callerCanWait) assert.ok(waits > 0, "it slept between checks");
      else assert.equal(waits, 0, "a browser main thread never calls Atomics.wait");
      // usable again: a fresh worker on fresh control words, every row once (the default limit
      // again: new threads may take seconds to start on a loaded machine)
      generation = 1;
      p.watchdogMs = 60_000;
      const spawned = platform.inits.length;
      for (let i = 0; i < 5; i++) {
        reset();
        p.run("sgemm", rows, 2, locals);
        assert.deepEqual(read(), want);
      }
      assert.equal(platform.inits.length, spawned + 1, "one fresh worker");
      assert.notEqual(
        platform.inits[spawned]!.ctrl,
        platform.inits[0]!.ctrl,
        "on fresh buffers: a late worker of the old set cannot reach them",
      );
      await p.close();
    });
  }

  it("a worker stuck inside a kernel: the watchdog says it took its share; a worker's trap is a BackendError", async () => {
    const stuck = testPlatform(() => "stuck");
    const p = pool(stuck, callerWaitsForWorker(stuck));
    p.watchdogMs = 200;
    const { rows, locals } = rowsAndWant();
    assert.throws(
      () => p.run("sgemm", rows, 2, locals),
      (e: Error) =>
        e instanceof BackendError &&
        /^wasm sgemm: no progress for \d\.\d s: worker thread 1 took its share and has not finished it \(stuck or crashed inside the kernel\)\. The pool's workers were stopped/.test(
          e.message,
        ),
    );
    await p.close();
    const trap = testPlatform(() => "trap");
    const q = pool(trap, callerWaitsForWorker(trap));
    assert.throws(
      () => q.run("sgemm", rows, 2, locals),
      (e: Error) =>
        e instanceof BackendError &&
        /^wasm sgemm: the kernel failed on a worker thread \(a wasm trap there\)\. Run it with tl\.setNumThreads\(1\)/.test(e.message),
    );
    await q.close();
  });

  it("TENSORLOOM_THREAD_WATCHDOG_MS sets the limit; a bad value fails the first parallel call with a ValueError, before any worker is asked", async () => {
    const saved = process.env.TENSORLOOM_THREAD_WATCHDOG_MS;
    try {
      process.env.TENSORLOOM_THREAD_WATCHDOG_MS = "1500";
      assert.equal(pool(testPlatform(() => "real")).watchdogMs, 1500);
      delete process.env.TENSORLOOM_THREAD_WATCHDOG_MS;
      assert.equal(pool(testPlatform(() => "real")).watchdogMs, 60_000);
      process.env.TENSORLOOM_THREAD_WATCHDOG_MS = "soon";
      const platform = testPlatform(() => "real");
      const p = pool(platform);
      const { rows, locals } = rowsAndWant();
      assert.throws(
        () => p.run("sgemm", rows, 2, locals),
        (e: Error) =>
          e instanceof ValueError && /TENSORLOOM_THREAD_WATCHDOG_MS is "soon"; set it to a positive number of milliseconds/.test(e.message),
      );
      assert.equal(platform.inits.length, 0, "no worker was started");
      assert.throws(() => {
        p.watchdogMs = 0;
      }, ValueError);
    } finally {
      if (saved === undefined) delete process.env.TENSORLOOM_THREAD_WATCHDOG_MS;
      else process.env.TENSORLOOM_THREAD_WATCHDOG_MS = saved;
    }
  });
});
