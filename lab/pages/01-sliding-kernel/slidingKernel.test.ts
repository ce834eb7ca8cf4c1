import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../../../src/index.js";
import { labCnn, maxDiff } from "../../shared/fixtures.js";
import { DEFAULT_SETUP, explainSliding, slidingKernel } from "./slidingKernel.js";

describe("lab page 1: sliding kernel", () => {
  it("matches torch.nn.functional.conv2d on every fixture case, cell sums included", () => {
    for (const c of labCnn().sliding) {
      const r = explainSliding(c.input, c.kernel, c);
      const what = `s=${c.stride} p=${c.padding} d=${c.dilation} on ${c.input.length}x${c.input[0]!.length}`;
      assert.ok(maxDiff(r.output, c.output) < 1e-12, `${what}: output`);
      assert.ok(
        maxDiff(
          r.cells.map((e) => e.sum),
          c.output.flat(),
        ) < 1e-12,
        `${what}: each cell's sum of products`,
      );
      assert.deepEqual([r.rows.out, r.cols.out], [c.output.length, c.output[0]!.length], `${what}: the formula's size`);
    }
  });

  it("fills the output-size formula with the numbers: floor((n + 2P - D(k-1) - 1) / S) + 1", () => {
    const r = explainSliding(
      Array.from({ length: 7 }, () => [1, 2, 3, 4, 5, 6]),
      [
        [1, 0, 1],
        [0, 1, 0],
        [1, 0, 1],
      ],
      { stride: 2, padding: 1, dilation: 2 },
    );
    // H: 7 + 2 - 5 = 4, 4 / 2 = 2, out 3; W: 6 + 2 - 5 = 3, floor(3 / 2) = 1, out 2
    assert.equal(r.rows.text, "OH = ⌊(H + 2P − (D·(FH − 1) + 1)) / S⌋ + 1 = ⌊(7 + 2·1 − (2·(3 − 1) + 1)) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3");
    assert.equal(r.cols.text, "OW = ⌊(W + 2P − (D·(FW − 1) + 1)) / S⌋ + 1 = ⌊(6 + 2·1 − (2·(3 − 1) + 1)) / 2⌋ + 1 = ⌊3 / 2⌋ + 1 = 2");
    assert.deepEqual([r.rows.remainder, r.cols.remainder], [0, 1]);
    assert.equal(r.rows.out, tl.convOutputSize({ inputSize: 7, kernelSize: 3, stride: 2, padding: 1, dilation: 2 }));
  });

  it("names the input rows no window reads when the division is not whole", () => {
    // 6 rows, k = 3, S = 2: windows start at rows 0 and 2 and end at row 4, so row 5 is never read
    const r = slidingKernel({ ...DEFAULT_SETUP, stride: 2 });
    assert.deepEqual(r.rows.unused, [5]);
    assert.deepEqual(r.cols.unused, [5]);
    // every row a tap reads is absent from unused, and the rest are in it
    const read = new Set(r.cells.flatMap((c) => c.taps.filter((t) => !t.padded).map((t) => t.input[1]!)));
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].filter((i) => !read.has(i)),
      r.rows.unused,
    );
    // stride 1 reads everything
    assert.deepEqual(slidingKernel(DEFAULT_SETUP).rows.unused, []);
  });

  it("each cell's window, products and sum agree with the conv op's value", () => {
    const r = slidingKernel({ ...DEFAULT_SETUP, padding: 1, kernel: "random" });
    for (const c of r.cells) {
      assert.equal(c.taps.length, 9);
      assert.equal(
        c.taps.reduce((a, t) => a + t.x * t.w, 0),
        c.sum,
      );
      assert.ok(Math.abs(c.sum - c.value) < 1e-12);
    }
    assert.ok(
      r.cells[0]!.taps.some((t) => t.padded),
      "padding 1: the first window reads the zero border",
    );
  });

  it("gives the library's error when the kernel does not fit", () => {
    assert.throws(
      () => slidingKernel({ ...DEFAULT_SETUP, height: 3, kernelSize: 5 }),
      (e: Error) => e instanceof tl.TensorloomError && /convOutputSize/.test(e.message),
    );
  });
});
