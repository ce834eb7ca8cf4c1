// Tensors that live in wasm memory (tensor/storage.ts, wasm/heap.ts): the wasm backend keeps its
// kernels' outputs in linear memory and the next kernel reads them there. Checked here: values
// equal the reference backend's through chains of resident tensors, views and reshapes share the
// block, in-place writes reach it, the reference backend reads it after setBackend, arrays the
// user gave are neither written nor aliased, an output overlapping an input is not written over
// it, and training keeps the memory flat (counted in bytes, never timed): with a yield per step
// the garbage collector frees blocks and they are reused; without one the resident budget bounds
// what a loop can pin.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import * as tl from "../../index.js";
import { kernels } from "../index.js";
import type { WasmBackend } from "./index.js";
import { RUN_ONCE } from "../../../test/support/runOnce.js";
import { collectAndFinalize } from "../../../test/support/gc.js";
import { deviceMemoryPressed } from "../../tensor/storage.js";

const previous = tl.getBackend();
const wasmAvailable = tl.availableBackends().includes("wasm");
let wasm: WasmBackend;

before(() => {
  if (!wasmAvailable) return;
  tl.setBackend("wasm");
  wasm = kernels() as WasmBackend;
});
after(() => tl.setBackend(previous));

/** The same computation on both backends: its tensors on wasm and on reference. */
function onBoth<T>(fn: () => T): { wasm: T; reference: T } {
  tl.setBackend("wasm");
  const w = fn();
  tl.setBackend("reference");
  const r = fn();
  tl.setBackend("wasm");
  return { wasm: w, reference: r };
}

const resident = (t: tl.Tensor): boolean => t.deviceStorage?.device === "wasm";

describe("tensors resident in wasm memory", { skip: !wasmAvailable }, () => {
  it("random draws are born in wasm memory (up to 16 MiB) with the reference backend's values, and kernels read them", () => {
    const draw = () => {
      tl.manualSeed(7);
      return { n: tl.randn([32, 16, 8, 8]), u: tl.rand([4096]), d: tl.randn([2048], { dtype: "float64" }) };
    };
    const r = onBoth(draw);
    assert.ok(resident(r.wasm.n) && resident(r.wasm.u), "float32 draws live in wasm memory");
    assert.ok(!resident(r.reference.n), "the reference backend keeps them on the host");
    assert.ok(!resident(r.wasm.d), "float64 stays on the host (wasm keeps float32 and int32 only)");
    for (const k of ["n", "u", "d"] as const) assert.deepEqual(Array.from(r.wasm[k].storage), Array.from(r.reference[k].storage), k);
    // a kernel reading the resident draw gives the reference's result
    const conv = onBoth(() => {
      tl.manualSeed(7);
      return tl.F.conv2d(tl.randn([2, 3, 8, 8]), tl.ones([4, 3, 3, 3]), null, { padding: 1 });
    });
    const diff = Math.max(...Array.from(conv.wasm.storage, (v, i) => Math.abs(v - conv.reference.storage[i]!)));
    assert.ok(diff < 1e-4, `conv of a resident draw: max |diff| ${diff}`);
    assert.ok(!resident(tl.rand([(4 << 20) + 1])), "a draw over 16 MiB stays on the host");
  });

  it("kernel outputs stay in wasm memory and chains of them give the reference backend's values", () => {
    const run = () => {
      tl.manualSeed(4);
      const conv = new tl.nn.Conv2d(3, 8, 3, { padding: 1 });
      const lin = new tl.nn.Linear(8 * 8 * 8, 5);
      const x = tl.randn([6, 3, 16, 16]);
      const h = tl.F.maxPool2d(conv.forward(x).relu(), { kernelSize: 2 });
      const y = lin.forward(h.reshape([6, -1]));
      y.logSoftmax(1).mean().backward();
      return { h, y, gw: conv.weight.grad!, gx: lin.weight.grad! };
    };
    const r = onBoth(run);
    assert.ok(resident(r.wasm.h), "the pooled activations live in wasm memory");
    assert.ok(!resident(r.reference.h), "the reference backend's outputs are host arrays");
    for (const k of ["h", "y", "gw", "gx"] as const) {
      const a = r.wasm[k].storage,
        b = r.reference[k].storage;
      const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
      assert.ok(diff < 1e-5, `${k}: max difference ${diff}`);
    }
  });

  it("views share the block; in-place writes through one are seen by all; data() is a host copy", () => {
    const x = tl.randn([64, 64]).relu();
    assert.ok(resident(x));
    const v = x.reshape([4096]),
      d = x.detach();
    assert.equal(v.deviceStorage, x.deviceStorage);
    assert.equal(d.deviceStorage, x.deviceStorage);
    const copy = x.data;
    assert.ok(!(copy.buffer instanceof SharedArrayBuffer), "data is a copy on the host");
    tl.noGrad(() => v.add_(1));
    assert.equal(x.storage[0], Math.fround(copy[0]! + 1));
    assert.equal(d.storage[4095], Math.fround(copy[4095]! + 1));
    assert.equal(x.version.v, 1);
    copy[0] = -100;
    assert.notEqual(x.storage[0], -100, "writing the copy changes nothing");
  });

  it('after setBackend("reference") the reference kernels read resident tensors; printing and toArray read them too', () => {
    const x = tl.randn([32, 32]).mul(2);
    assert.ok(resident(x));
    const want = Array.from(x.storage, (v) => Math.tanh(v));
    tl.setBackend("reference");
    try {
      const y = x.tanh();
      assert.ok(!resident(y));
      assert.deepEqual(Array.from(y.storage), Array.from(Float32Array.from(want)));
      assert.equal((x.toArray() as number[][])[3]![5], x.storage[3 * 32 + 5]);
      assert.match(x.toString(), /^tensor\(\[\[/);
    } finally {
      tl.setBackend("wasm");
    }
  });

  it("arrays the user gave are read, never written or aliased by outputs", () => {
    const user = Float32Array.from({ length: 8192 }, (_, i) => Math.sin(i));
    const keep = user.slice();
    const x = tl.fromStorage(user, [64, 128]);
    const y = x.relu().add(x).mul(0.5);
    assert.deepEqual(user, keep);
    assert.ok(resident(y));
    assert.notEqual(y.storage.buffer, user.buffer);
    tl.noGrad(() => y.mul_(0));
    assert.deepEqual(user, keep);
  });

  it("an output that overlaps an input in wasm memory is computed before it is written (in-place kernel calls)", () => {
    const x = tl.randn([4096]).mul(1);
    assert.ok(resident(x));
    const want = Array.from(x.storage, (v) => Math.max(v, 0));
    wasm.unary("relu", x.storage, x.storage);
    assert.deepEqual(Array.from(x.storage), want);
    const a = tl.randn([96, 96]).mul(1),
      b = tl.randn([96, 96]).mul(1);
    const prod = a.matmul(b);
    const g = { batch: 1, m: 96, k: 96, n: 96, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
    wasm.matmul(a.storage, b.storage, a.storage, g);
    assert.deepEqual(Array.from(a.storage), Array.from(prod.storage));
  });

  it("small outputs and dtypes the wasm kernels do not take stay on the host", () => {
    assert.equal(wasm.allocate!("float32", 10), null, "below the resident minimum");
    assert.equal(wasm.allocate!("float64", 4096), null, "a dtype wasm kernels do not take");
  });

  it("past the resident budget, a backward pass keeps its gradients resident within the pass budget and gives them back", () => {
    const heap = wasm.arena.heap;
    const budget = heap.residentBudget,
      passBudget = heap.passBudget;
    /** One forward and backward; how many gradients reaching y were resident, and the leaves' gradients. */
    const step = () => {
      tl.manualSeed(5);
      const x = tl.randn([4, 3, 16, 16]).requiresGrad_(),
        w = tl.randn([8, 3, 3, 3]).requiresGrad_();
      const y = tl.F.conv2d(x, w, null, { padding: 1 }).relu();
      let seen = 0;
      y.registerHook((g) => {
        if (resident(g)) seen++;
      });
      const before = heap.passBytes;
      y.sum().backward();
      return { y, seen, x: x.grad!, w: w.grad!, passGrowth: heap.passBytes - before };
    };
    try {
      const want = step();
      assert.ok(resident(want.y) && resident(want.x), "within the budget everything is resident");
      heap.residentBudget = heap.residentBytes;
      const got = step();
      assert.equal(resident(got.y), false, "a forward output past the budget is a host array");
      assert.equal(got.seen, 1, "the gradient reaching the relu output lives in wasm memory");
      assert.ok(resident(got.x), "the input's gradient (the pass's output) lives in wasm memory");
      assert.deepEqual(Array.from(got.x.data), Array.from(want.x.data));
      assert.deepEqual(Array.from(got.w.data), Array.from(want.w.data));
      // what the pass consumed went back at once: only what it handed out (the leaves' gradients,
      // and the one the hook saw, which the pass cannot prove dead) waits for the collector
      const handedOut = 4 * (got.x.numel() + got.w.numel() + got.y.numel());
      assert.ok(got.passGrowth <= handedOut, `pass blocks left: ${got.passGrowth} bytes, handed out ${handedOut}`);
      // the pass budget bounds it: with none left every gradient is a host array
      heap.passBudget = heap.passBytes;
      const host = step();
      assert.equal(host.seen, 0, "no pass budget left: gradients are host arrays");
      assert.equal(resident(host.x), false);
      assert.deepEqual(Array.from(host.x.data), Array.from(want.x.data));
    } finally {
      heap.residentBudget = budget;
      heap.passBudget = passBudget;
    }
    assert.ok(heap.passBytes <= heap.passBudget);
  });
});

// long loops: once, in the wasm configuration (the residency rules do not depend on FMA)
describe("wasm memory in long training runs", { skip: !wasmAvailable || !RUN_ONCE }, () => {
  /** One Adam step of a tiny CNN + MLP (outputs just above the resident minimum, so 10,000 steps stay quick). */
  function trainer(): () => void {
    tl.manualSeed(2);
    const model = new tl.nn.Sequential(
      new tl.nn.Conv2d(1, 2, 3, { padding: 1 }),
      new tl.nn.ReLU(),
      new tl.nn.Flatten(),
      new tl.nn.Linear(2 * 8 * 8, 32),
      new tl.nn.ReLU(),
      new tl.nn.Linear(32, 3),
    );
    const opt = new tl.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = tl.randn([32, 1, 8, 8]),
      y = tl.randint(0, 3, [32]);
    return () => {
      const loss = tl.F.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      loss.item();
    };
  }

  /**
   * Run `steps` steps; resident bytes stay within the budget, the temporaries live between steps
   * stay under a fixed bound, and memory after warm-up grows by at most what those two allow. The bound is not
   * warm-up's maximum: which blocks the collector has released at a given step depends on when
   * it ran, so a step may find a few KiB more in flight than warm-up did; a leak of even 128
   * bytes a step would pass 1 MiB over the 8,000 steps after warm-up.
   */
  async function flat(steps: number, warmup: number, yieldEvery: number): Promise<void> {
    const step = trainer();
    const heap = wasm.arena.heap;
    const temps = () => heap.liveBytes - heap.residentBytes - heap.passBytes;
    const TEMPS_BOUND = 2 ** 20;
    let memory = 0;
    for (let i = 0; i < steps; i++) {
      step();
      if (yieldEvery > 0 && i % yieldEvery === yieldEvery - 1) await yieldToEventLoop();
      assert.ok(heap.residentBytes <= heap.residentBudget, "resident tensors stay within the budget");
      assert.ok(heap.passBytes <= heap.passBudget, "blocks backward passes took past the budget stay within theirs");
      if (i >= warmup)
        assert.ok(temps() <= TEMPS_BOUND, `step ${i}: ${temps()} bytes of temporaries live between steps (bound ${TEMPS_BOUND})`);
      if (i === warmup) memory = wasm.arena.memoryBytes;
    }
    // when the collector runs is not ours to choose: under load it can run late, and the blocks it
    // has not yet released are at most the resident budget (asserted every step above), so memory
    // may grow after warm-up by at most that budget (and the backward passes' budget past it) plus
    // the temporaries' bound, never without end
    const bound = memory + heap.residentBudget + heap.passBudget + 2 * TEMPS_BOUND;
    assert.ok(
      wasm.arena.memoryBytes <= bound,
      `memory ${wasm.arena.memoryBytes} bytes after ${steps} steps, more than ${bound} (at step ${warmup}: ${memory}, plus the resident and pass budgets and temporaries)`,
    );
  }

  it("10,000 steps that yield to the event loop: the garbage collector frees blocks, they are reused, memory stays within the resident budget", async () => {
    tl.setBackend("wasm");
    const before = wasm.arena.heap.finalized;
    await flat(10_000, 2_000, 10);
    // whether the collector ran during the loop is the engine's choice (the backward pass releases
    // its own blocks at once, so little waits for it): request a full collection, then yield for its callbacks
    await collectAndFinalize();
    assert.ok(wasm.arena.heap.finalized > before, "the collector released the blocks of unreachable tensors");
  });

  it("a synchronous loop (no finalizer runs until it yields) pins at most the resident budget, then keeps to host arrays: memory bounded", async () => {
    tl.setBackend("wasm");
    const heap = wasm.arena.heap;
    const budget = heap.residentBudget;
    heap.residentBudget = heap.residentBytes + 2 ** 20;
    try {
      await flat(3_000, 1_000, 0);
    } finally {
      heap.residentBudget = budget;
    }
  });

  it("reports pressure (tensor/storage deviceMemoryPressed) once resident tensors hold three quarters of the budget", () => {
    const heap = wasm.arena.heap;
    const budget = heap.residentBudget;
    try {
      heap.residentBudget = Math.ceil(heap.residentBytes / 0.75) + 2 ** 20;
      assert.equal(heap.pressed(), false);
      assert.equal(deviceMemoryPressed(), false);
      tl.setBackend("wasm");
      const x = tl.zeros([1024]).add(1); // a 4 KiB resident output
      heap.residentBudget = Math.floor(heap.residentBytes / 0.75);
      assert.equal(heap.pressed(), true);
      assert.equal(deviceMemoryPressed(), true);
      assert.ok(x.deviceStorage !== null, "the output is resident");
      heap.residentBudget = 0;
      assert.equal(heap.pressed(), false, "residency turned off: nothing to wait for");
    } finally {
      heap.residentBudget = budget;
    }
  });
});
