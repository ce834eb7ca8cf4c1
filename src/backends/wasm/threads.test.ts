// The thread pool's browser paths, exercised in Node: web-style workers that serve only after
// they start (rows of workers not ready run on the calling thread), a caller that must never
// Atomics.wait (a browser's main thread), and workers that cannot start at all. The real browser
// check is `npm run test:browser` (headless Chromium; not part of npm test).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker as NodeWorker } from "node:worker_threads";
import * as tl from "../../index.js";
import { loadWasmBackend, type WasmBackend } from "./index.js";
import { MAX_THREADS } from "./runtime.js";
import { type Platform, ThreadPool, type WebWorkerCtor, canBlock, runRows, threadLocal, webPlatform, webWorkerSource } from "./threads.js";

const wasm = loadWasmBackend() as WasmBackend;
const ex = wasm.runtime.exports;

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
const Refused = class {
  constructor() {
    throw new Error("Refused to create a worker from 'blob:...' (Content Security Policy)");
  }
} as unknown as WebWorkerCtor;

/**
 * C = A B (m x k times k x n) in wasm memory, split by columns into row 0 (the first 256 columns,
 * the caller's) and row 1 (the rest, three times the work), run by `run`; returns C. Row 0 takes
 * long enough for a sleeping worker to wake and claim row 1, and the uneven split then keeps the
 * caller waiting on it far longer than its spin.
 */
function splitProduct(run: (rows: number[][]) => void, m = 128, k = 512, n = 1032): Float32Array {
  const g = new tl.Generator(7);
  const a = tl.randn([m * k], { generator: g }).storage as Float32Array, b = tl.randn([k * n], { generator: g }).storage as Float32Array;
  wasm.arena.reset();
  const A = wasm.arena.copyIn(a), B = wasm.arena.copyIn(b), C = wasm.arena.alloc(m * n * 4);
  run([
    [m, 256, k, A, k, 1, B, n, 1, C, n, 0, wasm.arena.scratch(0)],
    [m, n - 256, k, A, k, 1, B + 4 * 256, n, 1, C + 4 * 256, n, 0, wasm.arena.scratch(1)],
  ]);
  return wasm.arena.f32(C, m * n).slice();
}

const oneThread = (): Float32Array => splitProduct((rows) => { for (const r of rows) ex.sgemm(...(r as Parameters<typeof ex.sgemm>)); });

/** Run `body` with Atomics.wait counted on this (the calling) thread; workers are not affected. */
async function countingWaits(body: () => Promise<void>): Promise<number> {
  const wait = Atomics.wait;
  let calls = 0;
  (Atomics as { wait: unknown }).wait = (...a: Parameters<typeof Atomics.wait>) => { calls++; return wait(...a); };
  try {
    await body();
  } finally {
    (Atomics as { wait: unknown }).wait = wait;
  }
  return calls;
}

function pool(platform: Platform): ThreadPool {
  const p = ThreadPool.create(wasm.runtime, MAX_THREADS, platform);
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
    console.warn = (m: string) => { warnings.push(m); };
    try {
      const p = pool(webPlatform(Refused, "blob:unused", false));
      await p.start(2);
      assert.equal(p.readyWorkers(), 0);
      assert.deepEqual(splitProduct((rows) => p.run("sgemm", rows)), oneThread());
      await p.close();
    } finally {
      console.warn = warn;
    }
    assert.match(warnings[0]!, /worker thread 1 could not start .*Content Security Policy.*runs on the calling thread/);
  });

  it("a worker spawned by a kernel call serves only later: that call runs its row locally, the next ones hand it over", async () => {
    const p = pool(webPlatform(ShimWorker as unknown as WebWorkerCtor, webWorkerSource, false));
    const want = oneThread();
    // the first call spawns worker 1, which cannot be serving yet: its row runs here
    assert.deepEqual(splitProduct((rows) => p.run("sgemm", rows)), want);
    await p.start(2);
    assert.equal(p.readyWorkers(), 1);
    assert.deepEqual(splitProduct((rows) => p.run("sgemm", rows)), want);
    await p.close();
    assert.equal(p.readyWorkers(), 0);
  });

  it("more rows than threads: rows are claimed from a shared counter, every row runs once, same bits", async () => {
    const p = pool(webPlatform(ShimWorker as unknown as WebWorkerCtor, webWorkerSource, true));
    await p.start(2);
    const m = 96, k = 300, n = 8 * 40;
    const g = new tl.Generator(3);
    const a = tl.randn([m * k], { generator: g }).storage as Float32Array, b = tl.randn([k * n], { generator: g }).storage as Float32Array;
    wasm.arena.reset();
    const A = wasm.arena.copyIn(a), B = wasm.arena.copyIn(b), C1 = wasm.arena.alloc(m * n * 4), C2 = wasm.arena.alloc(m * n * 4);
    ex.sgemm(m, n, k, A, k, 1, B, n, 1, C1, n, 0, wasm.arena.scratch(0));
    // 5 column blocks on 2 threads (each row its own scratch block)
    const rows = [0, 1, 2, 3, 4].map((i) => [m, 64, k, A, k, 1, B + 4 * 64 * i, n, 1, C2 + 4 * 64 * i, n, 0, wasm.arena.scratch(i)]);
    wasm.arena.f32(C2, m * n).fill(NaN);
    p.run("sgemm", rows, 2);
    assert.deepEqual(wasm.arena.f32(C2, m * n), wasm.arena.f32(C1, m * n));
    await p.close();
  });

  it("thread-local arguments: a row's threadLocal(k) is the k-th address of the thread that runs it", async () => {
    const p = pool(webPlatform(ShimWorker as unknown as WebWorkerCtor, webWorkerSource, true));
    await p.start(2);
    const m = 32, k = 64, n = 48;
    const g = new tl.Generator(5);
    const a = tl.randn([m * k], { generator: g }).storage as Float32Array, b = tl.randn([k * n], { generator: g }).storage as Float32Array;
    wasm.arena.reset();
    const A = wasm.arena.copyIn(a), B = wasm.arena.copyIn(b), want = wasm.arena.alloc(m * n * 4);
    ex.sgemm(m, n, k, A, k, 1, B, n, 1, want, n, 0, wasm.arena.scratch(0));
    const blocks = [wasm.arena.alloc(m * n * 4), wasm.arena.alloc(m * n * 4)];
    const locals = [[wasm.arena.scratch(0), blocks[0]!], [wasm.arena.scratch(1), blocks[1]!]];
    // row 0 (always the caller's) is a long product to a fixed place; row 1 writes the small
    // product into "its thread's" block (threadLocal(1)): the worker's, unless the caller gets
    // there first. A worker resolving to the caller's addresses would never fill block 1.
    const big = 256, K = 512, bigA = wasm.arena.alloc(big * K * 4), bigB = wasm.arena.alloc(K * big * 4), bigC = wasm.arena.alloc(big * big * 4);
    wasm.arena.f32(bigA, big * K).fill(0.5);
    wasm.arena.f32(bigB, K * big).fill(0.25);
    const same = (x: Float32Array, y: Float32Array) => x.every((v, i) => v === y[i]);
    let workerRan = 0;
    for (let trial = 0; trial < 5; trial++) {
      blocks.forEach((c) => wasm.arena.f32(c, m * n).fill(NaN));
      p.run("sgemm", [[big, big, K, bigA, K, 1, bigB, big, 1, bigC, big, 0, threadLocal(0)], [m, n, k, A, k, 1, B, n, 1, threadLocal(1), n, 0, threadLocal(0)]], 2, locals);
      const mine = wasm.arena.f32(blocks[0]!, m * n), theirs = wasm.arena.f32(blocks[1]!, m * n), product = wasm.arena.f32(want, m * n);
      if (same(theirs, product)) {
        workerRan++;
        assert.ok(mine.every((v) => Number.isNaN(v)), "the caller's block is untouched when the worker ran row 1");
      } else {
        assert.ok(theirs.every((v) => Number.isNaN(v)) && same(mine, product), "row 1 ran on the caller, into the caller's block");
      }
    }
    assert.ok(workerRan > 0, "the worker claimed row 1 in at least one of 5 trials (row 0 takes milliseconds)");
    // 6 column blocks on 2 threads, each thread's own scratch whichever rows it claims: same bits
    const C = wasm.arena.alloc(m * n * 4);
    wasm.arena.f32(C, m * n).fill(NaN);
    p.run("sgemm", [0, 1, 2, 3, 4, 5].map((i) => [m, 8, k, A, k, 1, B + 4 * 8 * i, n, 1, C + 4 * 8 * i, n, 0, threadLocal(0)]), 2, locals);
    assert.deepEqual(wasm.arena.f32(C, m * n), wasm.arena.f32(want, m * n));
    await p.close();
    // without a pool (one thread) the caller's addresses stand in
    const D = wasm.arena.alloc(m * n * 4);
    runRows(wasm.runtime, () => ({ pool: null, threads: 1 }), "sgemm", [[m, n, k, A, k, 1, B, n, 1, threadLocal(1), n, 0, threadLocal(0)]], [[wasm.arena.scratch(0), D]]);
    assert.deepEqual(wasm.arena.f32(D, m * n), wasm.arena.f32(want, m * n));
  });

  it("with the caller flagged as a browser main thread, waiting for workers never calls Atomics.wait (and does otherwise)", async () => {
    const want = oneThread();
    const waitsWith = (callerCanWait: boolean) => countingWaits(async () => {
      const p = pool(webPlatform(ShimWorker as unknown as WebWorkerCtor, webWorkerSource, callerCanWait));
      await p.start(2);
      assert.equal(p.readyWorkers(), 1);
      for (let i = 0; i < 3; i++) assert.deepEqual(splitProduct((rows) => p.run("sgemm", rows)), want);
      await p.close();
    });
    assert.equal(await waitsWith(false), 0);
    // the control: the same work with a caller that may block does sleep (so the check above bites)
    assert.ok(await waitsWith(true) > 0);
  });
});
