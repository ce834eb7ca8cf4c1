import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { labCnn, maxDiff } from "../../shared/fixtures.js";
import { crossPage, crossVsTrue, pageKernel } from "./crossCorrelation.js";

describe("lab page 2: cross-correlation vs true convolution", () => {
  it("the conv op's output is scipy's correlate2d, and with the flipped kernel scipy's convolve2d", () => {
    for (const c of labCnn().cross) {
      const r = crossVsTrue(c.input, c.kernel);
      assert.ok(maxDiff(r.correlation.output, c.correlate) < 1e-12, "correlation");
      assert.ok(maxDiff(r.convolution.output, c.convolve) < 1e-12, "convolution");
      // and tl.signal agrees with scipy too
      assert.ok(maxDiff(r.correlation.signal, c.correlate) < 1e-12 && maxDiff(r.convolution.signal, c.convolve) < 1e-12, "tl.signal");
    }
  });

  it("true convolution reads the kernel back to front: W[FH-1-a, FW-1-b]", () => {
    const r = crossVsTrue(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(r.convolution.kernel, [
      [4, 3],
      [2, 1],
    ]);
    // first window [[1, 2], [4, 5]]: correlation 1+4+12+20 = 37, convolution 4+6+8+5 = 23
    assert.deepEqual(
      r.correlation.cells[0]!.taps.map((t) => t.product),
      [1, 4, 12, 20],
    );
    assert.equal(r.correlation.output[0]![0], 37);
    assert.equal(r.convolution.output[0]![0], 23);
  });

  it("the page's diagonal kernel is weighted 1, 2, 3 so the flip shows", () => {
    assert.deepEqual(pageKernel("diagonal", 3), [
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
    ]);
    const r = crossPage(5, "diagonal", 3);
    assert.deepEqual(r.convolution.kernel, [
      [3, 0, 0],
      [0, 2, 0],
      [0, 0, 1],
    ]);
    assert.notDeepEqual(r.correlation.output, r.convolution.output);
  });

  it("a kernel symmetric under the flip gives the same output both ways", () => {
    const r = crossVsTrue(
      [
        [1, 5, 2],
        [0, 3, 8],
        [4, 4, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    );
    assert.deepEqual(r.correlation.output, r.convolution.output);
  });
});
