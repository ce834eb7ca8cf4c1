// Resampling: pixelShuffle / pixelUnshuffle and unflatten (float64 gradient checks, round trips,
// errors). Values and gradients against PyTorch are in test/differential/cnn.test.ts.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import type { InterpolateOptions } from "./functional.js";

const F = tl.F;

describe("pixelShuffle / pixelUnshuffle", () => {
  it("gradcheck (float64)", () => {
    tl.manualSeed(21);
    const x = tl.randn([2, 8, 2, 3], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((a) => F.pixelShuffle(a, 2), [x], { name: "pixelShuffle" });
    const y = tl.randn([2, 2, 4, 6], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((a) => F.pixelUnshuffle(a, 2), [y], { name: "pixelUnshuffle" });
  });
  it("places channel c r^2 + i r + j at (h r + i, w r + j) and unshuffle inverts it", () => {
    const x = tl.arange(8).reshape([1, 8, 1, 1]);
    assert.deepEqual(F.pixelShuffle(x, 2).toArray(), [
      [
        [
          [0, 1],
          [2, 3],
        ],
        [
          [4, 5],
          [6, 7],
        ],
      ],
    ]);
    const z = tl.arange(72).reshape([2, 4, 3, 3]);
    assert.deepEqual(F.pixelUnshuffle(new tl.nn.PixelShuffle(2).forward(z), 2).toArray(), z.toArray());
  });
  it("errors name the op, the shape and the rule", () => {
    assert.throws(
      () => F.pixelShuffle(tl.ones([1, 6, 2, 2]), 2),
      /pixelShuffle: the channel dim \(-3\) must be divisible by upscaleFactor\^2 = 4, got 6/,
    );
    assert.throws(
      () => F.pixelShuffle(tl.ones([4, 4]), 2),
      /pixelShuffle: expects input \[\*, C, H, W\] with at least 3 dims, got \[4, 4\]/,
    );
    assert.throws(
      () => F.pixelUnshuffle(tl.ones([1, 1, 4, 5]), 2),
      /pixelUnshuffle: the width \(dim -1\) must be divisible by downscaleFactor 2, got 5/,
    );
    assert.throws(() => F.pixelShuffle(tl.ones([1, 4, 2, 2]), 0), /pixelShuffle: expects a positive integer upscaleFactor, got 0/);
    assert.throws(() => new tl.nn.PixelUnshuffle(-1), /PixelUnshuffle: downscaleFactor must be a positive integer/);
  });
});

describe("unflatten", () => {
  it("gradcheck (float64) and the inverse of flatten", () => {
    tl.manualSeed(22);
    const x = tl.randn([2, 12], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((a) => a.unflatten(1, [3, -1]).mul(a.unflatten(1, [3, 4])), [x], { name: "unflatten" });
    assert.deepEqual(new tl.nn.Unflatten(1, [2, 3, 2]).forward(x).shape, [2, 2, 3, 2]);
    assert.deepEqual(new tl.nn.Flatten().forward(tl.unflatten(x, -1, [4, 3])).toArray(), x.toArray());
  });
  it("errors name the sizes and the dim", () => {
    const x = tl.ones([2, 6]);
    assert.throws(() => x.unflatten(1, [4, 2]), /unflatten: sizes \[4, 2\] multiply to 8, not the size 6 of dim 1/);
    assert.throws(() => x.unflatten(1, [4, -1]), /unflatten: sizes \[4, -1\] cannot split dim 1 of size 6/);
    assert.throws(() => x.unflatten(1, [-1, -1]), /at most one -1/);
    assert.throws(() => x.unflatten(1, []), /unflatten: sizes must be non-empty/);
    assert.throws(() => x.unflatten(2, [3, 2]), /unflatten: dim 2 is out of range/);
  });
});

describe("interpolate", () => {
  const cases: [string, number[], InterpolateOptions][] = [
    ["nearest 1-D", [2, 2, 5], { size: 7 }],
    ["nearest 2-D scale", [1, 2, 3, 4], { scaleFactor: [1.5, 0.6] }],
    ["nearest 3-D", [1, 1, 2, 3, 2], { scaleFactor: 2 }],
    ["linear", [2, 2, 5], { size: 8, mode: "linear" }],
    ["linear alignCorners", [2, 2, 5], { size: 3, mode: "linear", alignCorners: true }],
    ["bilinear", [1, 2, 3, 4], { scaleFactor: 1.7, mode: "bilinear" }],
    ["bilinear alignCorners", [1, 2, 3, 4], { size: [5, 2], mode: "bilinear", alignCorners: true }],
    ["bilinear recompute", [1, 1, 4, 5], { scaleFactor: [1.3, 0.7], mode: "bilinear", recomputeScaleFactor: true }],
  ];
  for (const [name, shape, o] of cases) {
    it(`gradcheck (float64): ${name}`, () => {
      tl.manualSeed(23);
      const x = tl.randn(shape, { dtype: "float64" }).requiresGrad_();
      tl.gradCheck((a) => F.interpolate(a, o), [x], { name });
    });
  }
  it("bilinear at alignCorners reproduces a linear ramp exactly; nn.Upsample forwards its options", () => {
    const ramp = tl.arange(4, { dtype: "float64" }).reshape([1, 1, 1, 4]).expand([1, 1, 2, 4]);
    const y = new tl.nn.Upsample({ size: [2, 7], mode: "bilinear", alignCorners: true }).forward(ramp);
    assert.deepEqual(y.toArray(), [
      [
        [
          [0, 0.5, 1, 1.5, 2, 2.5, 3],
          [0, 0.5, 1, 1.5, 2, 2.5, 3],
        ],
      ],
    ]);
    assert.deepEqual(new tl.nn.Upsample({ scaleFactor: 2 }).forward(tl.ones([1, 1, 2, 3])).shape, [1, 1, 4, 6]);
    const same = F.interpolate(ramp, { scaleFactor: 1.1, mode: "bilinear" });
    assert.notEqual(same, ramp);
    assert.deepEqual(same.toArray(), ramp.toArray());
  });
  it("errors name the option, what was received and the fix", () => {
    const x = tl.ones([1, 1, 3, 3]);
    assert.throws(() => F.interpolate(x, {}), /interpolate: give exactly one of size or scaleFactor, got neither/);
    assert.throws(() => F.interpolate(x, { size: 4, scaleFactor: 2 }), /got both/);
    assert.throws(
      () => F.interpolate(x, { size: [2] }),
      /interpolate: size \[2\] has 1 entries but input \[1, 1, 3, 3\] has 2 spatial dims/,
    );
    assert.throws(() => F.interpolate(x, { size: 0 }), /interpolate: input and output spatial sizes must be greater than 0/);
    assert.throws(() => F.interpolate(x, { size: 4, mode: "linear" }), /interpolate: mode "linear" takes 3-D input/);
    assert.throws(() => F.interpolate(x, { size: 4, alignCorners: false }), /alignCorners applies only to/);
    assert.throws(
      () => F.interpolate(x, { size: 4, recomputeScaleFactor: true }),
      /recomputeScaleFactor is not meaningful with an explicit size/,
    );
  });
});
