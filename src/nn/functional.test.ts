// F.linear against PyTorch's fixtures (linear.json) on every backend, and F.dropout's rules.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { describeFixtures } from "../../test/support/fixtures.js";

const F = tl.F;

describeFixtures("linear", (_c, ins) => F.linear(ins.input!, ins.weight!, ins.bias));

describe("linear", () => {
  it("gradcheck in float64 with a 3-D input", () => {
    tl.manualSeed(1);
    const x = tl.randn([2, 3, 4], { dtype: "float64", requiresGrad: true });
    const w = tl.randn([5, 4], { dtype: "float64", requiresGrad: true });
    const b = tl.randn([5], { dtype: "float64", requiresGrad: true });
    tl.gradCheck((x, w, b) => F.linear(x, w, b), [x, w, b], { name: "linear" });
  });
  it("names the mismatch in its error", () => {
    assert.throws(
      () => F.linear(tl.ones([2, 3]), tl.ones([5, 4])),
      /linear: input \[2, 3\] has 3 features in its last dim but weight \[5, 4\] expects 4/,
    );
  });
});

describe("dropout", () => {
  it("keeps about 1-p of the elements, scaled by 1/(1-p), reproducibly", () => {
    tl.manualSeed(3);
    const y = F.dropout(tl.ones([10000]), 0.25);
    const kept = y.storage.filter((v) => v !== 0);
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02, `kept ${kept.length}`);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
    tl.manualSeed(3);
    assert.deepEqual(F.dropout(tl.ones([10000]), 0.25).storage, y.storage);
  });
  it("is the identity in eval mode and rejects bad p", () => {
    const x = tl.ones([4]);
    assert.equal(F.dropout(x, 0.5, false), x);
    assert.throws(() => F.dropout(x, 1.5), /dropout: probability must be between 0 and 1, got 1.5/);
  });
});
