// Max unpooling: float64 gradient checks, the last-write rule at repeated indices and the
// errors. Values and gradients against PyTorch are in test/differential/cnn.test.ts (area unpool).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";

const F = tl.F;

describe("maxUnpool", () => {
  it("gradcheck (float64) in the unpooled values, 1-D, 2-D and 3-D", () => {
    tl.manualSeed(31);
    const x2 = tl.randn([2, 3, 4, 4], { dtype: "float64" });
    const [, i2] = F.maxPool2d(x2, { kernelSize: 2, returnIndices: true });
    const v2 = tl.randn([2, 3, 2, 2], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((v) => F.maxUnpool2d(v, i2, { kernelSize: 2 }), [v2], { name: "maxUnpool2d" });
    const x1 = tl.randn([2, 2, 7], { dtype: "float64" });
    const [, i1] = F.maxPool1d(x1, { kernelSize: 2, returnIndices: true });
    const v1 = tl.randn([2, 2, 3], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((v) => F.maxUnpool1d(v, i1, { kernelSize: 2, outputSize: [7] }), [v1], { name: "maxUnpool1d" });
    const x3 = tl.randn([1, 1, 4, 4, 2], { dtype: "float64" });
    const [, i3] = F.maxPool3d(x3, { kernelSize: 2, returnIndices: true });
    const v3 = tl.randn([1, 1, 2, 2, 1], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((v) => F.maxUnpool3d(v, i3, { kernelSize: 2 }), [v3], { name: "maxUnpool3d" });
  });
  it("a repeated index keeps the last value and gives every source the gradient there", () => {
    const v = tl.tensor([[[1, 2, 3]]], { dtype: "float64" }).requiresGrad_();
    const idx = tl.tensor([[[1, 1, 0]]], { dtype: "int32" });
    const y = F.maxUnpool1d(v, idx, { kernelSize: 1, outputSize: [3] });
    assert.deepEqual(y.toArray(), [[[3, 2, 0]]]);
    y.mul(tl.tensor([[[10, 20, 30]]], { dtype: "float64" }))
      .sum()
      .backward();
    assert.deepEqual(v.grad!.toArray(), [[[20, 20, 10]]]);
  });
  it("nn.MaxUnpool2d undoes MaxPool2d's placement, outputSize restoring an odd size", () => {
    const x = tl.arange(25, { dtype: "float32" }).reshape([1, 1, 5, 5]);
    const [y, i] = F.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    const u = new tl.nn.MaxUnpool2d(2).forward(y, i, [5, 5]);
    assert.deepEqual(u.shape, [1, 1, 5, 5]);
    assert.equal(u.sum().item(), 6 + 8 + 16 + 18);
    assert.equal(u.select(2, 1).select(2, 1).item(), 6);
  });
  it("errors name the op, what was received and the rule", () => {
    const x = tl.randn([1, 1, 4, 4]);
    const [y, i] = F.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    assert.throws(
      () => F.maxUnpool2d(y, i, { kernelSize: 2, outputSize: [6, 6] }),
      /maxUnpool2d: outputSize \[6, 6\] is invalid: spatial dim 0 must be strictly between 2 and 6/,
    );
    assert.throws(
      () => F.maxUnpool2d(y, i.add(20), { kernelSize: 2 }),
      /maxUnpool2d: index 2\d \(plane 0, position 0\) is outside the output plane of 4 x 4 = 16 positions/,
    );
    assert.throws(
      () => F.maxUnpool2d(y, i.select(0, 0), { kernelSize: 2 }),
      /maxUnpool2d: indices \[1, 2, 2\] must have the input's shape \[1, 1, 2, 2\]/,
    );
    assert.throws(() => F.maxUnpool2d(y, i.to("float32"), { kernelSize: 2 }), /maxUnpool2d: indices must be an int32 tensor/);
    assert.throws(
      () => F.maxUnpool2d(y.select(0, 0).select(0, 0), i, { kernelSize: 2 }),
      /maxUnpool2d: expects \[N, C, 2-D\] or \[C, 2-D\] input/,
    );
  });
});
