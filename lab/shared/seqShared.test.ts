// The sequence pages' shared helpers: a learner's CSV becomes a series (last numeric column,
// missing values dropped, first column as labels), standardizing, and the window batches.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCsv } from "../../src/frame/index.js";
import { standardize, windowBatch } from "./seqModels.js";
import { seriesOf } from "./seqPage.js";

describe("lab shared sequence helpers", () => {
  it("seriesOf takes the last numeric column, drops its missing values and keeps the labels in step", () => {
    const s = seriesOf(readCsv("month,note,sales,price\n2020-01,a,10,1.5\n2020-02,b,12,\n2020-03,c,9,1.25\n"), "mine.csv");
    assert.equal(s.name, "mine.csv: price");
    assert.deepEqual(s.values, [1.5, 1.25]);
    assert.deepEqual(s.labels, ["2020-01", "2020-03"]);
    assert.deepEqual(seriesOf(readCsv("x\n3\n4\n"), "one").labels, ["1", "2"], "a lone column is labelled 1, 2, ...");
    assert.throws(() => seriesOf(readCsv("a,b\nx,y\n"), "text.csv"), /text\.csv: no numeric column/);
  });
  it("standardize gives mean 0 and standard deviation 1, and refuses a constant series", () => {
    const { values, mean, std } = standardize([1, 2, 3, 4]);
    assert.equal(mean, 2.5);
    assert.ok(Math.abs(std - Math.sqrt(5 / 3)) < 1e-12, "the sample standard deviation, as torch.std");
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0)) < 1e-12);
    assert.throws(() => standardize([2, 2, 2]), /constant/);
  });
  it("windowBatch: window i is [x_i .. x_{i+T-1}] down the time axis, its target x_{i+T}", () => {
    const { x, y } = windowBatch([0, 1, 2, 3, 4], 3);
    assert.deepEqual(x.shape, [3, 2, 1]);
    assert.deepEqual(x.squeeze(2).t().toArray(), [
      [0, 1, 2],
      [1, 2, 3],
    ]);
    assert.deepEqual(y.toArray(), [[3], [4]]);
  });
});
