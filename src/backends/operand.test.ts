// The operand kernel boundary (backend.ts Operand, host.ts hostKernels), the async reads every
// backend serves, and the webgpu backend's set-up where no GPU exists (Node without the `webgpu`
// package): what runs without a GPU. The GPU kernels themselves: npm run test:webgpu.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import type { HostBackend, KernelTable } from "./backend.js";
import { KERNEL_NAMES, hostKernels, hostOperand } from "./host.js";
import { referenceBackend } from "./reference/index.js";
import type { DeviceStorage } from "../tensor/storage.js";

/** A device storage over a host array, counting hostView() calls. */
function fakeStorage(values: Float32Array): DeviceStorage & { views: number } {
  return {
    device: "fake",
    dtype: "float32",
    length: values.length,
    byteLength: values.byteLength,
    views: 0,
    hostView() {
      this.views++;
      return values;
    },
    release() {},
  };
}

describe("the operand boundary: host backends over device storage", () => {
  it("hostKernels hands a device storage's host view to the kernel and typed arrays through unchanged", () => {
    const seen: unknown[][] = [];
    const spy = { ...referenceBackend } as Record<string, unknown>;
    spy.binary = (...args: unknown[]) => {
      seen.push(args);
    };
    const k = hostKernels(spy as unknown as HostBackend);
    const xs = new Float32Array([1, 2]),
      ys = new Float32Array([3, 4]),
      out = new Float32Array(2);
    const dev = fakeStorage(ys);
    k.binary("add", xs, [2], dev, [2], out, [2]);
    assert.equal(dev.views, 1);
    const args = seen[0]!;
    assert.equal(args[1], xs, "a typed array is passed as is");
    assert.equal(args[3], ys, "a device storage becomes its host view");
    assert.equal(args[5], out);
    assert.deepEqual(args[2], [2]);
    assert.equal(args.length, 7, "the wrapper passes exactly the kernel's parameters");
  });

  it("every kernel of the contract is wrapped with its own parameter count, and the results are the reference's", () => {
    const k = hostKernels(referenceBackend);
    for (const name of KERNEL_NAMES) assert.equal(typeof k[name], "function", name);
    const names = Object.keys(referenceBackend).filter((n) => n !== "name") as (keyof KernelTable)[];
    assert.deepEqual([...KERNEL_NAMES].sort(), names.sort());
    const x = new Float32Array([-1, 0.5, 2]);
    const a = new Float32Array(3),
      b = new Float32Array(3);
    referenceBackend.unary("exp", x, a);
    k.unary("exp", fakeStorage(x), b);
    assert.deepEqual(b, a);
  });

  it("hostOperand leaves numbers, strings, arrays, geometry and null alone", () => {
    const geometry = { shape: [2], srcOffset: 0, srcStrides: [1], dstOffset: 0, dstStrides: [1] };
    for (const v of [3, "add", [1, 2], geometry, null, undefined, true]) assert.equal(hostOperand(v), v);
  });
});

describe("async reads on host backends", () => {
  for (const backend of tl.availableBackends()) {
    it(`dataAsync, array and itemAsync resolve with the sync reads' values on ${backend}`, async () => {
      tl.setBackend(backend);
      // large enough that the wasm backend keeps it in its memory (a device storage)
      const x = tl.arange(0, 2048, 1, { dtype: "float32" }).reshape([32, 64]).mul(0.5);
      const d = await x.dataAsync();
      assert.ok(d instanceof Float32Array);
      assert.deepEqual(d, x.data);
      d[0] = 99; // a copy: the tensor keeps its values
      assert.equal(x.data[0], 0);
      assert.deepEqual(await x.array(), x.toArray());
      assert.equal(await x.sum().itemAsync(), x.sum().item());
      assert.deepEqual(await x.gt(1000).any().array(), true);
      await assert.rejects(x.itemAsync(), /itemAsync: only one-element tensors/);
    });
  }
});

describe("the webgpu backend where no GPU exists", () => {
  it("initWebGpu rejects with an error naming navigator.gpu and the webgpu package", async () => {
    if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return; // a runtime with WebGPU: nothing to check here
    await assert.rejects(tl.initWebGpu(), (e: Error) => /navigator\.gpu/.test(e.message) && /`webgpu` package/.test(e.message));
  });

  it("an adapter-less GPU entry point gives an error naming the fix, and the backend stays as it was", async () => {
    const before = tl.getBackend();
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    await assert.rejects(tl.initWebGpu({ gpu }), /found no GPU adapter/);
    assert.equal(tl.getBackend(), before);
    assert.ok(!tl.availableBackends().includes("webgpu"));
  });

  it('setBackend("webgpu") starts the set-up, and ready() rethrows its failure', async () => {
    if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return;
    const before = tl.getBackend();
    tl.setBackend("webgpu");
    await assert.rejects(tl.ready(), /navigator\.gpu/);
    assert.equal(tl.getBackend(), before, "ops keep running on the backend that was active");
    tl.setBackend(before);
  });
});
