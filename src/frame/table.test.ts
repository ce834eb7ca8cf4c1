// Building frames: from columns, row records, typed arrays and tensors, against pandas.

import { it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, Series } from "./index.js";
import { tensor } from "../tensor/create.js";
import { frameEqual, pandasCase, throwsFrame, type EncFrame } from "./testing.test.js";

it("from column arrays, as pd.DataFrame({...})", () => {
  frameEqual(
    new DataFrame({ a: [1, 2, 3], b: [0.5, null, 2.0], c: ["x", null, "z"], d: [true, false, true] }),
    pandasCase<EncFrame>("look", "construct_columns"),
  );
});
it("from row records (union of keys, missing where absent)", () => {
  frameEqual(
    DataFrame.fromRecords([
      { a: 1, b: "x" },
      { a: 2, c: 1.5 },
      { b: "z", a: 3 },
    ]),
    pandasCase<EncFrame>("look", "construct_records"),
  );
});
it("from typed arrays", () => {
  frameEqual(new DataFrame({ f: Float64Array.of(1.5, 2.5), i: Int32Array.of(1, 2) }), pandasCase<EncFrame>("look", "construct_typed"));
});
it("from a tensor and from Series, with labels", () => {
  const df = DataFrame.fromTensor(
    tensor([
      [1, 2],
      [3, 4],
    ]),
    { columns: ["p", "q"], index: ["r1", "r2"] },
  );
  assert.deepEqual(df.dtypes.toArray(), ["int64", "int64"]);
  assert.deepEqual(df.dtypes.indexValues(), ["p", "q"]);
  assert.deepEqual(df.toRecords(), [
    { p: 1, q: 2 },
    { p: 3, q: 4 },
  ]);
  assert.equal(df.loc("r2").row(0).q, 4);
  const s = new Series([1.5, 2.5], { name: "s", index: ["a", "b"] });
  assert.equal(new DataFrame({ s }).col("s").at("b"), 2.5);
});
it("bad construction input names the column and row", () => {
  throwsFrame(() => new DataFrame({ a: [1, {}] }), /column "a" row 1 holds an object/);
  throwsFrame(() => DataFrame.fromTensor(tensor([[[1]]])), /expected a 1-D or 2-D tensor, got shape \[1, 1, 1\]/);
  throwsFrame(() => new Series([1, 2], { index: ["a"] }), /the index has 1 rows but the frame has 2/);
});
