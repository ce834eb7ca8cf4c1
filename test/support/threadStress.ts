// The stressed process of src/backends/wasm/threads.stress.test.ts: thousands of thread-pool
// dispatches, each checked bit for bit against the same work on one thread (the pool's rule:
// which thread runs a row changes no bits), and the one-thread results once against the
// reference backend. Most are raw dispatches on a pool of its own (6 small GEMM rows accumulated
// onto a bias, so a row run twice shows); every 32nd is a public op (a linear layer, a matmul, a
// convolution) just big enough to be split. The library and the workers start at normal
// priority; on "go" (stdin) this thread, the dispatching caller, drops to STRESS_NICE (default
// 15). Prints "ready", then "progress <dispatches>" every 100 dispatches or 0.25 s
// (when the count moved), and "done <dispatches> <seconds>"; stops after STRESS_SECONDS (default 20). Test support only.
import { setPriority } from "node:os";
import * as tl from "../../src/index.js";
import { loadWasmBackend, type WasmBackend } from "../../src/backends/wasm/index.js";
import { MAX_THREADS } from "../../src/backends/wasm/runtime.js";
import { ThreadPool } from "../../src/backends/wasm/threads.js";
import { poolRows } from "./poolRows.js";

const env = process.env;
const maxSeconds = Number(env.STRESS_SECONDS ?? 20);

let dispatches = 0;
const run = ThreadPool.prototype.run;
ThreadPool.prototype.run = function (this: ThreadPool, ...a: Parameters<typeof run>) {
  if (Math.min(a[2] ?? a[1].length, a[1].length) > 1) dispatches++;
  return run.apply(this, a);
};

const g = new tl.Generator(13);
// 2 m n k >= the 6 MFLOP split threshold; several shapes so the split points vary
const cases: (() => tl.Tensor)[] = [];
for (const [m, k, n] of [
  [160, 160, 160],
  [96, 200, 176],
  [200, 128, 136],
] as const) {
  const a = tl.randn([m, k], { generator: g }),
    w = tl.randn([n, k], { generator: g }),
    b = tl.randn([n], { generator: g });
  cases.push(
    () => tl.F.linear(a, w, b),
    () => tl.matmul(a, w.t()),
  );
}
const x = tl.randn([8, 8, 20, 20], { generator: g }),
  cw = tl.randn([16, 8, 3, 3], { generator: g }),
  cb = tl.randn([16], { generator: g });
cases.push(() => tl.F.conv2d(x, cw, cb, { padding: 1 }));

tl.setBackend("reference");
const spec = cases.map((f) => f().storage as Float32Array);
tl.setBackend("wasm");
tl.setNumThreads(1);
const want = cases.map((f) => f().storage as Float32Array);
want.forEach((w, c) => {
  const bad = w.findIndex((v, i) => !(Math.abs(v - spec[c]![i]!) <= 1e-3 * (1 + Math.abs(spec[c]![i]!))));
  if (bad >= 0) {
    process.stdout.write(`case ${c} on one thread differs from the reference backend at ${bad}: ${w[bad]} vs ${spec[c]![bad]}\n`);
    process.exit(1);
  }
});
tl.setNumThreads(2);

function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length),
    y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// Raw dispatches on a pool of its own, on 2 threads (more threads wait on more workers per
// dispatch: measured 620 vs 1400 dispatches/s here): 6 rows of a 16x32x48 product each,
// accumulated onto C that starts as a bias, so a row run twice shows in the result. Far cheaper
// than an op, so many more hand-overs per second.
const raw = loadWasmBackend() as WasmBackend;
const pool = ThreadPool.create(raw.runtime, MAX_THREADS)!;
const THREADS = 2;
const { rows, locals, view: cView, reset } = poolRows(raw, g, 3);
// A burst of BURST dispatches back to back, each adding A B onto C, is checked once: little work
// between dispatches, so a worker is often still spinning from the last one when the next
// request comes (it takes the request without being notified, and the notify comes late: the
// case the old protocol got wrong).
const BURST = 4;
reset();
for (let b = 0; b < BURST; b++) pool.run("sgemm", rows, 1, locals);
const rawWant = cView().slice();

// The workers start here, at normal priority; then only this thread (the dispatching caller)
// drops to STRESS_NICE: it is the one whose preemption between two atomic steps matters, and
// workers that answer fast leave it more dispatches, so more such preemptions, per second.
cases[0]!();
pool.run("sgemm", rows, THREADS, locals);

// On top of the scheduler's preemptions, this thread (the caller) sleeps 0.2-2 ms before one in
// STRESS_INJECT (default 4) of its Atomics.notify calls and after one in 4x that of its
// Atomics.add and store calls: a preemption between two atomic steps, far more often than
// contention alone brings it (the old protocol's late notify hung once in ~100,000 dispatches
// under contention alone). Only adds delays, so only schedules the OS could also produce.
const every = Number(env.STRESS_INJECT ?? 4);
if (every > 0) {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const realWait = Atomics.wait;
  const nap = (odds: number): void => {
    if (Math.random() * odds < 1) realWait(sleeper, 0, 0, 0.2 + Math.random() * 1.8);
  };
  const At = Atomics as unknown as Record<string, (...a: unknown[]) => unknown>;
  const { notify, add, store } = At;
  At.notify = (...a: unknown[]) => {
    nap(every);
    return notify!(...a);
  };
  At.add = (...a: unknown[]) => {
    const r = add!(...a);
    nap(4 * every);
    return r;
  };
  At.store = (...a: unknown[]) => {
    const r = store!(...a);
    nap(4 * every);
    return r;
  };
}

process.stdout.write("ready\n");
process.stdin.once("data", async () => {
  process.stdin.pause();
  setPriority(Number(env.STRESS_NICE ?? 15));
  const t0 = performance.now();
  let reported = 0,
    reportedAt = t0;
  for (let i = 0, t = t0; t - t0 < maxSeconds * 1000; i++, t = performance.now()) {
    if (i % 32 === 0) {
      const c = (i / 32) % cases.length;
      if (!same(cases[c]!().storage as Float32Array, want[c]!)) fail(`op case ${c}`);
    } else {
      reset();
      for (let b = 0; b < BURST; b++) pool.run("sgemm", rows, THREADS, locals);
      if (!same(cView(), rawWant)) fail("a burst of raw dispatches");
    }
    // fresh workers now and then: where the scheduler places the threads decides how often the
    // worker is still spinning when the next request comes, so a run samples several placements
    if (i % 250 === 249) await pool.close();
    if (dispatches - reported >= 100 || (dispatches > reported && t - reportedAt >= 250)) {
      reported = dispatches;
      reportedAt = t;
      process.stdout.write(`progress ${dispatches}\n`);
    }
  }
  process.stdout.write(`done ${dispatches} ${((performance.now() - t0) / 1000).toFixed(1)}\n`);
  process.exit(0);
});

function fail(what: string): never {
  process.stdout.write(`mismatch: ${what} after ${dispatches} dispatches\n`);
  process.exit(1);
}
