import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../../../src/index.js";
import { labCnn, maxDiff } from "../../shared/fixtures.js";
import { channelSums, explainChannels, multiChannel } from "./channels.js";

describe("lab page 4: multi-channel input and O_c kernels", () => {
  it("matches torch conv2d with bias", () => {
    for (const c of labCnn().channels) {
      const f = (v: unknown): tl.Tensor => tl.tensor(v as number[], { dtype: "float64" });
      const r = explainChannels(f(c.input), f(c.weight), f(c.bias));
      assert.ok(maxDiff(r.output, c.output) < 1e-12);
      assert.deepEqual(r.shapes.output, [c.weight.length, c.output[0]!.length, c.output[0]![0]!.length]);
    }
  });

  it("each cell is the per-channel window sums plus its kernel's bias", () => {
    const r = multiChannel({ channels: 3, kernels: 2, size: 5, kernelSize: 3, seed: 4 });
    assert.deepEqual(r.shapes, { input: [3, 5, 5], weight: [2, 3, 3, 3], bias: [2], output: [2, 3, 3] });
    for (const cell of r.cells) {
      const sums = channelSums(cell, 3);
      assert.equal(cell.taps.length, 27, "3 channels × 3 × 3 taps");
      assert.ok(Math.abs(sums.reduce((a, b) => a + b, 0) + r.bias[cell.index[0]!]! - cell.value) < 1e-12);
    }
  });
});
