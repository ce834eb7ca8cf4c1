// The activations added after the first set (PReLU, SELU, CELU, hardtanh, relu6, hardswish,
// hardsigmoid, mish, softsign, tanhshrink, threshold, logSigmoid, softmin): float64 gradient
// checks, PReLU's module state and the errors. Values, kinks and NaN/inf against PyTorch are in
// test/differential/cnn.test.ts (area act2).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";

const F = tl.F;

describe("further activations: gradcheck (float64)", () => {
  const fns: Record<string, (x: tl.Tensor) => tl.Tensor> = {
    selu: (x) => F.selu(x),
    celu: (x) => F.celu(x, 0.7),
    celuNegative: (x) => F.celu(x, -1.5),
    hardtanh: (x) => F.hardtanh(x, -1.5, 2),
    relu6: (x) => F.relu6(x.mul(3)),
    hardswish: (x) => F.hardswish(x.mul(3)),
    hardsigmoid: (x) => F.hardsigmoid(x.mul(3)),
    mish: (x) => F.mish(x.mul(3)),
    softsign: (x) => F.softsign(x),
    tanhshrink: (x) => F.tanhshrink(x),
    threshold: (x) => F.threshold(x, 0.3, -2),
    logSigmoid: (x) => F.logSigmoid(x.mul(10)),
    softmin: (x) => F.softmin(x, 1),
  };
  for (const [name, fn] of Object.entries(fns)) {
    it(name, () => {
      tl.manualSeed(11);
      // randn draws sit far (in eps terms) from the kinks at 0, +-1, +-3, 6
      const x = tl.randn([3, 5], { dtype: "float64" }).add(0.05).requiresGrad_();
      tl.gradCheck(fn, [x], { name });
    });
  }
  it("prelu: input and per-channel weight", () => {
    tl.manualSeed(12);
    const x = tl.randn([2, 3, 4], { dtype: "float64" }).requiresGrad_();
    const w = tl.randn([3], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((a, b) => F.prelu(a, b), [x, w], { name: "prelu" });
    const w1 = tl.randn([1], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((a, b) => a.prelu(b), [x, w1], { name: "prelu shared" });
  });
});

describe("PReLU module", () => {
  it("holds numParameters slopes at 0.25 (or init) and learns them", () => {
    const m = new tl.nn.PReLU(3);
    assert.deepEqual(m.weight.shape, [3]);
    assert.deepEqual(m.weight.toArray(), [0.25, 0.25, 0.25]);
    assert.deepEqual(new tl.nn.PReLU(1, { init: -0.5 }).weight.toArray(), [-0.5]);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    const x = tl.tensor([[[-2], [4], [-8]]], { dtype: "float32" });
    const y = m.forward(x);
    assert.deepEqual(y.flatten().toArray(), [-0.5, 4, -2]);
    y.sum().backward();
    assert.deepEqual(m.weight.grad!.toArray(), [-2, 0, -8]);
  });
  it("refuses a slope count that is neither 1 nor the channel count", () => {
    assert.throws(() => new tl.nn.PReLU(2).forward(tl.ones([4, 3])), /prelu: weight \[2\] has 2 slopes but input \[4, 3\] has 3 channels/);
    assert.throws(() => new tl.nn.PReLU(0), /PReLU: numParameters must be a positive integer/);
  });
});

describe("activation errors", () => {
  it("name the op, the input and the fix", () => {
    assert.throws(() => F.celu(tl.ones([2]), 0), /celu: alpha cannot be 0/);
    assert.throws(() => F.mish(tl.tensor([1, 2], { dtype: "int32" })), /mish: expected a float tensor, got int32/);
    assert.throws(() => F.threshold(tl.tensor([true]), 0, 1), /threshold: bool input is not supported/);
    assert.throws(() => F.softmin(tl.ones([2, 3]), 2), /softmax|softmin/);
  });
  it("hardtanh keeps int32 with the bounds cut toward zero, as PyTorch", () => {
    const y = F.hardtanh(tl.tensor([-3, 0, 2, 5, 7], { dtype: "int32" }), -2.5, 3.7);
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.toArray(), [-2, 0, 2, 3, 3]);
  });
});
