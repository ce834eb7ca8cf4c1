// SeriesGroupBy (df.groupby(k).col(x), pandas' df.groupby(k)[x]) against pandas 1.5
// (scripts/fixtures/make_frame_rank_refs.py): aggregates as Series indexed by the keys, a list
// of aggregates as a frame with a column per function, transform aligned to the rows, size.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, type Series } from "../index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("rank", n);
const S = (n: string) => pandasCase<EncSeries>("rank", n);
const mt = dataset("mtcars"),
  aq = dataset("airquality"),
  wb = dataset("warpbreaks"),
  iris = dataset("iris");

function keyed(s: Series, key: string, e: EncSeries): void {
  seriesEqual(s, e);
  assert.equal(s.index.name, key, "the index is named after the key");
}

describe("SeriesGroupBy matches pandas", () => {
  const g = mt.groupby("cyl").col("mpg");
  for (const a of ["sum", "mean", "median", "min", "max", "std", "var", "count", "first", "last", "nunique", "prod"] as const) {
    it(a, () => {
      keyed(g[a](), "cyl", S(`sgb_mtcars_${a}`));
      keyed(g.agg(a), "cyl", S(`sgb_mtcars_${a}`));
    });
  }
  it("size", () => keyed(g.size(), "cyl", S("sgb_mtcars_size")));
  it("a list of aggregates names columns by function", () => frameEqual(g.agg(["mean", "max", "count"]), F("sgb_mtcars_list")));
  it("transform with an aggregate is aligned to the rows", () => seriesEqual(g.transform("mean"), S("sgb_mtcars_transform_mean")));
  it("transform with a function", () =>
    seriesEqual(
      g.transform((s) => s.sub(s.mean())),
      S("sgb_mtcars_transform_fn"),
    ));
  it("missing values: mean", () => keyed(aq.groupby("Month").col("Ozone").mean(), "Month", S("sgb_aq_mean")));
  it("missing values: count", () => keyed(aq.groupby("Month").col("Ozone").count(), "Month", S("sgb_aq_count")));
  it("missing values: size counts them", () => keyed(aq.groupby("Month").col("Ozone").size(), "Month", S("sgb_aq_size")));
  it("missing values: transform max", () => seriesEqual(aq.groupby("Month").get("Ozone").transform("max"), S("sgb_aq_transform_max")));
  it("text keys", () => keyed(wb.groupby("wool").col("breaks").sum(), "wool", S("sgb_wb_sum")));
  it("text values", () => keyed(wb.groupby("wool").col("tension").first(), "wool", S("sgb_wb_tension_first")));
  it("iris list", () => frameEqual(iris.groupby("Species").col("Petal.Length").agg(["min", "median", "std"]), F("sgb_iris_list")));
});

describe("SeriesGroupBy, beyond pandas' cases", () => {
  it("several keys label the groups (a, b)", () => {
    const s = mt.groupby(["cyl", "am"]).col("mpg").size();
    assert.deepEqual(s.indexValues(), ["(4, 0)", "(4, 1)", "(6, 0)", "(6, 1)", "(8, 0)", "(8, 1)"]);
    assert.deepEqual(s.toArray(), [3, 8, 4, 3, 12, 2]);
  });
  it("an unknown column is named", () => throwsFrame(() => mt.groupby("cyl").col("mgp"), /mgp/));
  it("transform of a numeric aggregate on text says so", () =>
    throwsFrame(() => wb.groupby("wool").col("tension").transform("mean"), /text/));
  it("a repeated function name is refused", () => throwsFrame(() => mt.groupby("cyl").col("mpg").agg(["mean", "mean"]), /twice/));
  it("the frame form stays available through select", () => assert.ok(mt.groupby("cyl").select("mpg").mean() instanceof DataFrame));
});
