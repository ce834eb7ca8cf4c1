import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

describe("metrics", () => {
  it("confusionMatrix counts truth by row and prediction by column", () => {
    // truth [0, 1, 2, 2, 1], predicted [0, 2, 2, 1, 1]: (0,0), (1,2), (2,2), (2,1), (1,1)
    const cm = tl.metrics.confusionMatrix(tl.tensor([0, 2, 2, 1, 1]), tl.tensor([0, 1, 2, 2, 1]));
    assert.deepEqual(cm.toArray(), [
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    assert.equal(tl.metrics.confusionMatrix(tl.tensor([0]), tl.tensor([0]), 4).shape[0], 4);
  });
  it("accuracy from scores takes the argmax of the last dim", () => {
    assert.equal(
      tl.metrics.accuracy(
        tl.tensor([
          [0.2, 0.7, 0.1],
          [0.9, 0.05, 0.05],
        ]),
        tl.tensor([1, 2]),
      ),
      0.5,
    );
  });
  it("rmse and mae by their definitions", () => {
    const p = tl.tensor([1.5, 2, -1], { dtype: "float64" }),
      t = tl.tensor([1, 3, 1], { dtype: "float64" });
    assert.equal(tl.metrics.mae(p, t), (0.5 + 1 + 2) / 3);
    assert.equal(tl.metrics.rmse(p, t), Math.sqrt((0.25 + 1 + 4) / 3));
  });
  it("refuses mismatched shapes and labels out of range", () => {
    assert.throws(() => tl.metrics.rmse(tl.zeros([4, 1]), tl.zeros([4])), /rmse: predictions \[4, 1\] and targets \[4\] differ in shape/);
    assert.throws(() => tl.metrics.confusionMatrix(tl.tensor([0, 5]), tl.tensor([0, 1]), 3), /label 5 is outside \[0, 2\]/);
  });
});
