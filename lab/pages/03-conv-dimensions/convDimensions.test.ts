import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../../../src/index.js";
import { labCnn, maxDiff, type NestedNumbers } from "../../shared/fixtures.js";
import { convDimensions, explainDims, slicePosition, slices } from "./convDimensions.js";

const depth = (a: NestedNumbers): number => (Array.isArray(a[0]) ? 1 + depth(a[0] as NestedNumbers) : 1);

describe("lab page 3: 1-D, 2-D and 3-D convolution", () => {
  it("matches torch conv1d / conv2d / conv3d", () => {
    for (const c of labCnn().dims) {
      const x = tl.tensor(c.input, { dtype: "float64" }),
        w = tl.tensor(c.kernel, { dtype: "float64" });
      const r = explainDims(x, w, c.stride);
      assert.equal(r.nd, depth(c.input));
      assert.ok(maxDiff(r.output, slices(tl.tensor(c.output, { dtype: "float64" }))) < 1e-12, `${r.nd}-D output`);
      assert.ok(
        maxDiff(
          r.cells.map((e) => e.sum),
          tl.tensor(c.output).flatten().toArray() as number[],
        ) < 1e-12,
        `${r.nd}-D cell sums`,
      );
      assert.deepEqual(
        r.axes.map((a) => a.out),
        tl.tensor(c.output).shape,
        `${r.nd}-D formula sizes`,
      );
    }
  });

  it("names the call with its shapes and one formula per axis", () => {
    const r = convDimensions(3, 4, 2, 1);
    assert.equal(r.call, "F.conv3d(input [1, 1, 4, 4, 4], weight [1, 1, 2, 2, 2], { stride: 1 }) → [1, 1, 3, 3, 3]   (N, C, D, H, W)");
    assert.deepEqual(
      r.axes.map((a) => a.text.slice(0, 2)),
      ["OD", "OH", "OW"],
    );
    assert.equal(r.cells[0]!.taps.length, 8, "a 2 × 2 × 2 kernel has 8 taps");
    assert.equal(convDimensions(1, 8, 3, 2).call, "F.conv1d(input [1, 1, 8], weight [1, 1, 3], { stride: 2 }) → [1, 1, 3]   (N, C, L)");
  });

  it("cuts tensors into 2-D slices and maps positions onto them", () => {
    assert.deepEqual(slices(tl.tensor([1, 2, 3])), [[[1, 2, 3]]]);
    assert.equal(slices(tl.zeros([2, 3, 4])).length, 2);
    assert.deepEqual(slicePosition([5]), [0, 0, 5]);
    assert.deepEqual(slicePosition([1, 2]), [0, 1, 2]);
    assert.deepEqual(slicePosition([3, 1, 2]), [3, 1, 2]);
  });
});
