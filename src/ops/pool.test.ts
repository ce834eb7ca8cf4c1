// Pooling against PyTorch's fixtures (max/avg 1-3d, adaptive avg 1-3d, adaptive max 2d, with
// indices) on every backend, float64 and float32; float64 gradchecks; errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { clearStoragePool, storagePoolStats } from "../tensor/storagePool.js";
import { type FixtureCase, assertClose, checkCase, describeFixtureCases } from "../../test/support/fixtures.js";

const F = tl.F;
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the fixture JSON, each passed on to the option it names
type Args = Record<string, any>;

function pool(c: FixtureCase, nd: 1 | 2 | 3, x: tl.Tensor): tl.Tensor | [tl.Tensor, tl.Tensor] {
  const a = c.args as Args;
  const kind = c.call.replace("torch.nn.functional.", "").replace(/_pool\dd$/, "");
  switch (kind) {
    case "max":
      return [F.maxPool1d, F.maxPool2d, F.maxPool3d][nd - 1]!(x, {
        kernelSize: a.kernel_size,
        stride: a.stride,
        padding: a.padding,
        dilation: a.dilation,
        ceilMode: a.ceil_mode,
        returnIndices: a.return_indices,
      } as never);
    case "avg":
      return [F.avgPool1d, F.avgPool2d, F.avgPool3d][nd - 1]!(x, {
        kernelSize: a.kernel_size,
        stride: a.stride,
        padding: a.padding,
        ceilMode: a.ceil_mode,
        countIncludePad: a.count_include_pad,
        divisorOverride: a.divisor_override,
      });
    case "adaptive_avg":
      return [F.adaptiveAvgPool1d, F.adaptiveAvgPool2d, F.adaptiveAvgPool3d][nd - 1]!(x, a.output_size);
    case "adaptive_max":
      return [F.adaptiveMaxPool1d, F.adaptiveMaxPool2d, F.adaptiveMaxPool3d][nd - 1]!(x, a.output_size, a.return_indices);
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
}

const families = [
  ["max_pool1d", 1],
  ["max_pool2d", 2],
  ["max_pool3d", 3],
  ["avg_pool1d", 1],
  ["avg_pool2d", 2],
  ["avg_pool3d", 3],
  ["adaptive_avg_pool1d", 1],
  ["adaptive_avg_pool2d", 2],
  ["adaptive_avg_pool3d", 3],
  ["adaptive_max_pool2d", 2],
] as const;

for (const [family, nd] of families) {
  describeFixtureCases(family, (c, dtype) => {
    let indices: tl.Tensor | undefined;
    checkCase(c, dtype, (ins) => {
      const r = pool(c, nd, ins.input!);
      if (Array.isArray(r)) [, indices] = r;
      return Array.isArray(r) ? r[0] : r;
    });
    if (c.outputs.indices) {
      assert.equal(indices?.dtype, "int32");
      assertClose(indices, c.outputs.indices, { rtol: 0, atol: 0 }, `${c.name} indices`);
    }
  });
}

describe("pooling gradcheck (float64)", () => {
  // distinct values so that the max is unique and finite differences do not cross a tie
  const x = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tl.randperm(n).to("float64").mul(0.1).reshape(shape).requiresGrad_();
  };
  const cases: Record<string, (t: tl.Tensor) => tl.Tensor> = {
    maxPool2dCeilPadDilation: (t) => F.maxPool2d(t, { kernelSize: 3, stride: 2, padding: 1, dilation: 1, ceilMode: true }),
    maxPool1dDilation: (t) => F.maxPool1d(t.reshape([2, 3, 36]), { kernelSize: 3, dilation: 2 }),
    avgPool2dExcludePad: (t) => F.avgPool2d(t, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true }),
    avgPool3dDivisor: (t) => F.avgPool3d(t.reshape([2, 3, 3, 6, 2]), { kernelSize: 2, stride: 1, divisorOverride: 3 }),
    adaptiveAvg2d: (t) => F.adaptiveAvgPool2d(t, [4, 3]),
    adaptiveMax2d: (t) => F.adaptiveMaxPool2d(t, [2, 4]),
  };
  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => {
      tl.manualSeed(2);
      tl.gradCheck(fn, [x([2, 3, 6, 6])], { name });
    });
  }
});

describe("pooling errors", () => {
  it("a bare kernel size (PyTorch's positional argument) is refused with the object form to use", () => {
    assert.throws(
      () => F.maxPool2d(tl.ones([1, 1, 4, 4]), 2 as never),
      /maxPool2d: expected an options object such as \{ kernelSize: 2 \}, got 2\. Pass F\.maxPool2d\(x, \{ kernelSize: 2 \}\)/,
    );
    assert.throws(
      () => F.avgPool2d(tl.ones([1, 1, 4, 4]), {} as never),
      /avgPool2d: kernelSize must be an integer >= 1 or a list of 2 of them, got undefined/,
    );
  });
  it("padding larger than half the kernel", () => {
    assert.throws(
      () => F.maxPool2d(tl.ones([1, 1, 6, 6]), { kernelSize: 2, padding: 2 }),
      /maxPool2d: padding 2 must be at most half the kernel size \(2\)/,
    );
  });
  it("window larger than the input", () => {
    assert.throws(() => F.avgPool1d(tl.ones([1, 1, 3]), { kernelSize: 5 }), /avgPool1d: output size along spatial dim 0 would be 0 <= 0/);
  });
  it("wrong rank", () => {
    assert.throws(() => F.maxPool2d(tl.ones([6, 6]), { kernelSize: 2 }), /maxPool2d: expected a 3-D or 4-D input/);
  });
  it("modules match the functions", () => {
    const t = tl.randn([2, 3, 8, 8]);
    assert.deepEqual(new tl.nn.MaxPool2d(2).forward(t).storage, F.maxPool2d(t, { kernelSize: 2 }).storage);
    assert.deepEqual(new tl.nn.AdaptiveAvgPool2d(1).forward(t).shape, [2, 3, 1, 1]);
  });
});

describe("maxPool indices after backward", () => {
  it("unreturned indices go back when backward frees the node; returned ones stay intact; gradients unchanged", () => {
    const run = (returnIndices: boolean) => {
      tl.manualSeed(3);
      // a pool already full at this size (from earlier tests in this process) would take nothing
      clearStoragePool();
      // 64 KiB of indices: large enough for the host storage pool and a resident wasm block
      const x = tl.randn([4, 16, 32, 32]).requiresGrad_();
      const r = tl.F.maxPool2d(x, { kernelSize: 2, returnIndices } as never) as tl.Tensor | [tl.Tensor, tl.Tensor];
      const [out, idx] = Array.isArray(r) ? r : [r, null];
      // given back: a device block released (hits) or a host array waiting in the pool (bytes)
      const given = () => storagePoolStats().hits + storagePoolStats().pooledBytes / 65536;
      const before = given();
      out.mul(tl.arange(out.numel()).reshape(out.shape)).sum().backward();
      return { grad: Array.from(x.grad!.storage), released: given() - before, idx };
    };
    const owned = run(false);
    const kept = run(true);
    assert.deepEqual(owned.grad, kept.grad);
    assert.ok(owned.released > kept.released, `the unreturned indices were given back (${owned.released} vs ${kept.released})`);
    // the returned indices survive backward and later allocations of their size
    const copy = Array.from(kept.idx!.storage);
    for (let i = 0; i < 4; i++) tl.zeros([4, 16, 16, 16], { dtype: "int32" }).add(7);
    assert.deepEqual(Array.from(kept.idx!.storage), copy);
    assert.ok(
      copy.every((v) => v >= 0 && v < 32 * 32),
      "indices are plane positions",
    );
  });

  it("a recorded backward (createGraph without retainGraph) keeps the indices its graph holds", () => {
    const second = (retainGraph: boolean) => {
      tl.manualSeed(4);
      const x = tl.randn([4, 16, 32, 32]).requiresGrad_();
      const w = tl.randn([4, 16, 16, 16]).requiresGrad_();
      // x.grad = w scattered to each window's argmax: a recorded graph on w that reads the indices
      tl.F.maxPool2d(x, { kernelSize: 2 }).mul(w).sum().backward(undefined, { createGraph: true, retainGraph });
      const g = x.grad!;
      w.grad = null;
      // allocations of the indices' size would take their storage if it had been given back
      for (let i = 0; i < 4; i++) tl.zeros([4, 16, 16, 16], { dtype: "int32" }).add(1023);
      g.mul(tl.arange(g.numel()).reshape(g.shape)).sum().backward();
      return Array.from(w.grad!.storage);
    };
    assert.deepEqual(second(false), second(true));
  });
});

describe("maxPool windows wholly in the padding", () => {
  it("give -inf at index -1 and pass no gradient to any plane", () => {
    // taps -1 and 2 of a dilated window over 2 positions: neither is in the input
    const x = tl.tensor([1, 2, 3, 4, 5, 6], { shape: [1, 3, 2], dtype: "float64", requiresGrad: true });
    const opts = { kernelSize: 2, stride: 4, padding: 1, dilation: 3, ceilMode: true, returnIndices: true } as const;
    const [y, i] = tl.F.maxPool1d(x, opts);
    assert.deepEqual(Array.from(y.storage), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(Array.from(i.storage), [-1, -1, -1]);
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.storage), [0, 0, 0, 0, 0, 0]);
  });

  it("leave the other windows' gradients as they are", () => {
    // 2-D: along W the window at 0 holds positions 0 and 3, along H every window is padding only
    const x = tl.arange(12, { dtype: "float64" }).reshape([1, 1, 2, 6]).requiresGrad_();
    const y = tl.F.maxPool2d(x, { kernelSize: [2, 2], stride: [4, 3], padding: [1, 1], dilation: [3, 4] });
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.storage), new Array(12).fill(0));
    const z = tl.F.maxPool2d(x, { kernelSize: [1, 2], stride: [1, 3], padding: [0, 1], dilation: [1, 3] });
    x.grad = null;
    z.sum().backward();
    // windows over W: taps (-1, 2) -> 2, (2, 5) -> 5, per row
    assert.deepEqual(Array.from(x.grad!.storage), [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
  });
});
