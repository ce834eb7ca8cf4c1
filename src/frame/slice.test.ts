// iloc/loc slices { start, stop, step } (Python's slice rules for positions, pandas' inclusive
// label slices), column slices, and loc with a boolean mask, against pandas 1.5
// (scripts/fixtures/make_frame_rank_refs.py).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { slice } from "./index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "./testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("rank", n);
const mt = dataset("mtcars"),
  aq = dataset("airquality");
const lab = mt.setIndex("model");

describe("iloc slices follow Python's rules (pandas)", () => {
  const cases: Record<string, Parameters<typeof slice<number>>> = {
    step2: [null, null, 2],
    rev: [null, null, -1],
    "30_2_m7": [30, 2, -7],
    "1_10_3": [1, 10, 3],
    m5_none: [-5, null],
    m3_m10_m2: [-3, -10, -2],
    empty: [5, 2],
    big_step: [0, 100, 50],
  };
  for (const [name, args] of Object.entries(cases)) {
    it(name, () => frameEqual(mt.iloc(slice(...args)), F(`iloc_${name}`)));
  }
  it("the object form is the same slice", () => frameEqual(mt.iloc({ start: 30, stop: 2, step: -7 }), F("iloc_30_2_m7")));
  it("column slices", () => frameEqual(mt.iloc({ start: 1, stop: 10, step: 3 }, { start: 0, stop: 3 }), F("iloc_cols_slice")));
  it("column slices backwards", () => frameEqual(mt.iloc({ stop: 4 }, { step: -2 }), F("iloc_cols_rev")));
  it("column positions", () => frameEqual(mt.iloc([0, 5], [1, -1]), F("iloc_cols_list")));
  it("Series.iloc with a step", () => seriesEqual(mt.col("mpg").iloc({ step: -3 }), pandasCase<EncSeries>("rank", "series_iloc_step")));
  it("null rows: all of them", () => assert.deepEqual(mt.iloc(null, { start: -2 }).shape, [32, 2]));
  it("the older { start, end } form still works", () => assert.deepEqual(mt.iloc({ start: 2, end: 5 }).indexValues(), [2, 3, 4]));
  it("step 0 is refused", () => throwsFrame(() => mt.iloc({ step: 0 }), /non-zero integer/));
  it("a label in an iloc slice is refused", () =>
    throwsFrame(() => mt.iloc({ start: "a" as unknown as number }), /integer position/, /loc/));
});

describe("loc slices include both ends (pandas)", () => {
  it("labels with a step", () => frameEqual(lab.loc({ start: "Mazda RX4 Wag", stop: "Valiant", step: 2 }), F("loc_label_step")));
  it("labels backwards", () => frameEqual(lab.loc(slice("Valiant", "Mazda RX4", -1)), F("loc_label_rev")));
  it("a slice of column names", () =>
    frameEqual(lab.loc({ start: "Datsun 710", stop: "Valiant" }, { start: "cyl", stop: "hp" }), F("loc_col_slice")));
  it("integer labels with a step", () => frameEqual(mt.loc({ start: 3, stop: 12, step: 4 }), F("loc_int_step")));
  it("the older { from, to } form still works", () => assert.equal(lab.loc({ from: "Datsun 710", to: "Valiant" }).length, 4));
});

describe("loc with a boolean mask selects rows (pandas df.loc[mask])", () => {
  it("a bool Series", () => frameEqual(mt.loc(mt.col("mpg").gt(25)), F("loc_mask_mtcars")));
  it("booleans, with columns", () => frameEqual(mt.loc(mt.col("cyl").eq(6).toArray() as boolean[], ["model", "hp"]), F("loc_mask_cols")));
  it("a Uint8Array, on missing values", () =>
    frameEqual(aq.loc(Uint8Array.from(aq.col("Ozone").isna().toArray(), (b) => (b ? 1 : 0))), F("loc_mask_aq")));
  it("filter(mask) gives the same rows", () => frameEqual(mt.filter(mt.col("mpg").gt(25)), F("loc_mask_mtcars")));
  it("a mask of the wrong length is refused", () => throwsFrame(() => mt.loc([true, false]), /mask/));
});
