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
import { type Platform, ThreadPool, type WebWorkerCtor, canBlock, webPlatform, webWorkerSource } from "./threads.js";

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
 * C = A B (m x k times k x n) in wasm memory, split by columns into row 0 (the first 8 columns,
 * little work) and row 1 (the rest), run by `run`; returns C. The uneven split keeps the caller
 * waiting on worker 1 far longer than its spin.
 */
function splitProduct(run: (rows: number[][]) => void, m = 128, k = 512, n = 1032): Float32Array {
  const g = new tl.Generator(7);
  const a = tl.randn([m * k], { generator: g }).storage as Float32Array, b = tl.randn([k * n], { generator: g }).storage as Float32Array;
  wasm.arena.reset();
  const A = wasm.arena.copyIn(a), B = wasm.arena.copyIn(b), C = wasm.arena.alloc(m * n * 4);
  run([
    [m, 8, k, A, k, 1, B, n, 1, C, n, 0, wasm.arena.scratch(0)],
    [m, n - 8, k, A, k, 1, B + 4 * 8, n, 1, C + 4 * 8, n, 0, wasm.arena.scratch(1)],
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
