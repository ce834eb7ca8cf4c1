// slidingWindows: the autoregressive framing for 1-D and multivariate series, stride and
// target columns, and its error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { throwsWith } from "../../test/support/check.js";

const { slidingWindows } = tl.data;

describe("slidingWindows", () => {
  it("1-D: x_{t-tau..t-1} -> x_t..x_{t+h-1}", () => {
    const { x, y } = slidingWindows([0, 1, 2, 3, 4, 5], 3, 2);
    assert.deepEqual(x.toArray(), [
      [0, 1, 2],
      [1, 2, 3],
    ]);
    assert.deepEqual(y.toArray(), [
      [3, 4],
      [4, 5],
    ]);
    assert.equal(x.dtype, "float32"); // JS arrays become the default float dtype
  });

  it("keeps a tensor's dtype, and steps by stride", () => {
    const { x, y } = slidingWindows(tl.arange(10), 2, 1, { stride: 3 });
    assert.equal(x.dtype, "int32");
    assert.deepEqual(x.toArray(), [
      [0, 1],
      [3, 4],
      [6, 7],
    ]);
    assert.deepEqual(y.toArray(), [[2], [5], [8]]);
  });

  it("multivariate [T, F] series, and targetColumns", () => {
    const s = tl.arange(12).reshape([6, 2]).to("float64"); // row t = [2t, 2t+1]
    const { x, y } = slidingWindows(s, 2, 2);
    assert.deepEqual(x.shape, [3, 2, 2]);
    assert.deepEqual(x.narrow(0, 2, 1).toArray(), [
      [
        [4, 5],
        [6, 7],
      ],
    ]);
    assert.deepEqual(y.narrow(0, 2, 1).toArray(), [
      [
        [8, 9],
        [10, 11],
      ],
    ]);
    const t = slidingWindows(s, 2, 1, { targetColumns: [1] });
    assert.deepEqual(t.y.toArray(), [[[5]], [[7]], [[9]], [[11]]]);
  });

  it("rows line up for a training step (x and y have the same number of samples)", () => {
    tl.manualSeed(1);
    const { x, y } = slidingWindows(tl.randn([100]), 8, 1);
    assert.deepEqual([x.shape[0], y.shape[0]], [92, 92]);
    const w = tl.randn([1, 8]).requiresGrad_();
    tl.F.mseLoss(tl.F.linear(x, w), y).backward();
    assert.deepEqual(w.grad!.shape, [1, 8]);
  });

  it("errors", () => {
    throwsWith(
      () => slidingWindows([1, 2, 3], 3, 1),
      tl.ValueError,
      /slidingWindows: a series of 3 steps is too short for tau 3 and horizon 1: one window needs tau \+ horizon = 4 steps/,
    );
    throwsWith(() => slidingWindows([1, 2, 3], 0), tl.ValueError, /slidingWindows: tau must be a positive integer, got 0/);
    throwsWith(() => slidingWindows([1, 2, 3], 1, 1, { stride: 1.5 }), tl.ValueError, /stride must be a positive integer, got 1.5/);
    throwsWith(
      () => slidingWindows(tl.zeros([2, 2, 2]), 1),
      tl.ShapeError,
      /slidingWindows: series must be 1-D \[T\] or 2-D \[T, features\], got \[2, 2, 2\]/,
    );
    throwsWith(() => slidingWindows([1, 2, 3], 1, 1, { targetColumns: [0] }), tl.ValueError, /targetColumns needs a multivariate/);
  });
});
