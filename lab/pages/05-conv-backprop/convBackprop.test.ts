import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { labCnn, maxDiff } from "../../shared/fixtures.js";
import { backpropPage, convBackprop, upstreamGradient } from "./convBackprop.js";

describe("lab page 5: backprop of a convolution is a convolution", () => {
  it("autograd's dX and dW equal torch's, and equal the convolutions the page writes out", () => {
    for (const c of labCnn().backprop) {
      const r = convBackprop(c.input, c.kernel, c.dy, c.padding);
      assert.ok(maxDiff(r.dx, c.dx) < 1e-12, `P=${c.padding}: dX vs torch`);
      assert.ok(maxDiff(r.dw, c.dw) < 1e-12, `P=${c.padding}: dW vs torch`);
      // dX = conv2d(dY, flip(W), padding FH - 1 - P), dW = conv2d(X, dY, padding P)
      assert.ok(maxDiff(r.dxAsConv.output.toArray(), [c.dx]) < 1e-12, `P=${c.padding}: dX as a full convolution`);
      assert.ok(maxDiff(r.dwAsConv, c.dw) < 1e-12, `P=${c.padding}: dW as a correlation`);
      assert.ok(maxDiff(r.dxExplained, c.dx.flat()) < 1e-12, `P=${c.padding}: explain.convInputGrad`);
      assert.ok(
        maxDiff(
          r.dwCells.map((e) => e.sum),
          c.dw.flat(),
        ) < 1e-12,
        `P=${c.padding}: dW entry by entry`,
      );
    }
  });

  it("pads dY by FH - 1 - P and flips the kernel", () => {
    const r = convBackprop(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 0],
        [0, 0],
      ],
      0,
    );
    assert.equal(r.fullPadding, 1);
    assert.deepEqual(r.flipped, [
      [4, 3],
      [2, 1],
    ]);
    assert.deepEqual(r.dyPadded, [
      [0, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    // one upstream 1 at Y[0, 0] sends W itself back onto X's first window
    assert.deepEqual(r.dx, [
      [1, 2, 0],
      [3, 4, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(r.dw, [
      [1, 2],
      [4, 5],
    ]);
  });

  it("the page's dY choices have the output's shape", () => {
    const r = backpropPage(5, 3, 1, "one");
    assert.deepEqual(r.dy, [
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    assert.deepEqual(upstreamGradient("ones", 2), [
      [1, 1],
      [1, 1],
    ]);
    assert.ok(
      upstreamGradient("random", 4)
        .flat()
        .every((v) => Number.isInteger(v) && v >= -2 && v <= 2),
    );
  });

  it("refuses padding beyond FH - 1 with a message", () => {
    assert.throws(
      () =>
        convBackprop(
          [
            [1, 2],
            [3, 4],
          ],
          [
            [1, 1],
            [1, 1],
          ],
          [[1]],
          2,
        ),
      /padding 2 is more than FH − 1 = 1/,
    );
  });
});
