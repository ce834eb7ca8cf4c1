// Arrow in and out: every dtype round-trips through an Arrow Table and IPC bytes, checked
// against pandas' reading of the same data sets.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import { DataFrame } from "../index.js";
import { toArrow, fromArrow, toArrowIPC, readArrowIPC } from "../arrow.js";
import { dataset, frameEqual, pandasCase, throwsFrame, type EncFrame } from "../testing.test.js";

describe("Arrow", () => {
  for (const name of ["airquality", "mtcars", "warpbreaks"]) {
    it(`${name} round-trips through IPC bytes (values as pandas read them)`, () => {
      const back = readArrowIPC(toArrowIPC(dataset(name)));
      const e = pandasCase<EncFrame>("io", `read_${name}`);
      // text comes back as category (Arrow dictionaries), as pandas reads them from Arrow
      frameEqual(back, e, { dtypes: false });
      assert.deepEqual(back.columns, e.columns);
    });
  }
  it("dates, bools and nullable ints keep their dtypes", () => {
    const df = new DataFrame({ d: [new Date(Date.UTC(2024, 0, 5)), null], b: [true, null], i: [1, null], s: ["x", null] }, { dtypes: { i: "int64" } });
    const back = fromArrow(toArrow(df));
    assert.deepEqual(Object.fromEntries(back.dtypes.indexValues().map((k, i) => [k, back.dtypes.iat(i)])), { d: "datetime", b: "bool", i: "int64", s: "category" });
    assert.deepEqual(back.toColumns(), df.toColumns());
    assert.deepEqual(readArrowIPC(toArrowIPC(df, "file")).toColumns(), df.toColumns());
  });
  it("a table made by apache-arrow itself", () => {
    const t = tableFromArrays({ x: Float64Array.of(1.5, 2.5), n: Int32Array.of(3, 4), s: ["a", "b"] });
    const df = fromArrow(t);
    assert.deepEqual(Object.fromEntries(df.dtypes.indexValues().map((k, i) => [k, df.dtypes.iat(i)])), { x: "float64", n: "int64", s: "category" }); // tableFromArrays dictionary-encodes strings
    assert.deepEqual(df.toColumns(), { x: [1.5, 2.5], n: [3, 4], s: ["a", "b"] });
  });
  it("ints beyond 2^53 are refused with the column and row", () => {
    const t = tableFromArrays({ big: BigInt64Array.of(1n, 2n ** 60n) });
    throwsFrame(() => fromArrow(t), /column "big" row 1 holds 1152921504606846976/);
  });
});
