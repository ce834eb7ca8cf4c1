// Looking at data: shape, dtypes, head/tail, describe, valueCounts, unique, nunique, corr and the
// Series reductions, against pandas.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { quantiles, quantileSorted } from "../aggregates.js";
import { dataset, frameEqual, seriesEqual, pandasCase, cellEqual, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("look", n);
const S = (n: string) => pandasCase<EncSeries>("look", n);
const iris = dataset("iris"),
  mt = dataset("mtcars"),
  aq = dataset("airquality"),
  wb = dataset("warpbreaks");

describe("looking at a frame matches pandas", () => {
  it("shape", () => assert.deepEqual(iris.shape, pandasCase("look", "shape_iris")));
  it("dtypes", () =>
    assert.deepEqual(
      mt.dtypes.toArray().map((d) => (d === "string" ? "object" : d)),
      pandasCase("look", "dtypes_mtcars"),
    ));
  it("head", () => frameEqual(iris.head(3), F("head_iris_3")));
  it("tail", () => frameEqual(mt.tail(4), F("tail_mtcars_4")));
  it("head with a negative count", () => frameEqual(mt.head(-29), F("head_negative")));
  it("describe (numeric)", () => frameEqual(iris.describe(), F("describe_iris")));
  it("describe with missing values", () => frameEqual(aq.describe(), F("describe_airquality")));
  it("describe text columns", () => {
    // pandas' object column mixes numbers and text; tensorloom's is text throughout
    const e = F("describe_warpbreaks_object");
    frameEqual(wb.describe({ include: "object" }), { ...e, data: e.data.map((c) => c.map((v) => String(v))) }, { dtypes: false });
  });
  it("describe with percentiles", () =>
    frameEqual(mt.select("mpg", "hp").describe({ percentiles: [0.1, 0.9] }), F("describe_percentiles")));
  it("Series.describe", () => seriesEqual(mt.col("mpg").describe(), S("series_describe_mpg")));
  it("valueCounts of text", () => seriesEqual(wb.col("tension").valueCounts(), S("value_counts_tension")));
  it("valueCounts of ints", () => seriesEqual(mt.col("cyl").valueCounts(), S("value_counts_cyl")));
  it("valueCounts normalize", () => seriesEqual(mt.col("cyl").valueCounts({ normalize: true }), S("value_counts_cyl_normalize")));
  it("valueCounts ascending", () => seriesEqual(mt.col("cyl").valueCounts({ ascending: true }), S("value_counts_cyl_ascending")));
  it("valueCounts unsorted keeps first appearance", () =>
    seriesEqual(aq.col("Month").valueCounts({ sort: false }), S("value_counts_ozone_dropna_false")));
  it("unique", () => assert.deepEqual(mt.col("gear").unique(), pandasCase("look", "unique_gear")));
  it("unique keeps one NaN", () => {
    const exp = pandasCase<unknown[]>("look", "unique_ozone_head");
    const got = aq.col("Ozone").head(10).unique();
    exp.forEach((v, i) => cellEqual(got[i]!, v, `unique[${i}]`));
  });
  it("nunique per column", () => seriesEqual(wb.nunique(), S("nunique_warpbreaks")));
  it("nunique skips NaN", () => assert.equal(aq.col("Ozone").nunique(), pandasCase("look", "nunique_ozone")));
  it("corr of a frame with missing values (pairwise)", () => frameEqual(aq.corr(), F("corr_airquality"), { rtol: 1e-12 }));
  it("Series.corr", () => cellEqual(mt.col("mpg").corr(mt.col("wt")), pandasCase("look", "corr_mtcars_mpg_wt"), "corr"));
  it("reductions skip NaN", () => {
    const exp = pandasCase<Record<string, number>>("look", "stats_ozone");
    const s = aq.col("Ozone");
    for (const [k, v] of Object.entries(exp)) cellEqual((s as unknown as Record<string, () => number>)[k]!.call(s), v, k, 1e-12);
  });
  it("quantile (linear)", () =>
    pandasCase<number[]>("look", "quantile_ozone").forEach((v, i) =>
      cellEqual(aq.col("Ozone").quantile([0, 0.1, 0.25, 0.5, 0.9, 1][i]!), v, `q${i}`),
    ));
  it("idxmax / idxmin", () => {
    assert.equal(mt.col("mpg").idxmax(), pandasCase("look", "idxmax_mpg"));
    assert.equal(aq.col("Ozone").idxmin(), pandasCase("look", "idxmin_ozone"));
  });
});

describe("quantiles by selection", () => {
  it("agree with sorting, for quantiles in any order, ties and missing values", () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let t = 0; t < 300; t++) {
      const v = Float64Array.from({ length: Math.floor(rnd() * 80) }, () => (rnd() < 0.1 ? NaN : Math.floor(rnd() * (t % 2 ? 4 : 1000))));
      const qs = [0.9, 0, 0.25, 1, 0.001, 0.5, 0.75, 0.999].filter(() => rnd() < 0.6);
      const sorted = v.filter((x) => x === x).sort();
      assert.deepEqual(
        quantiles(v, qs),
        qs.map((q) => quantileSorted(sorted, q)),
        `case ${t}`,
      );
    }
  });
});

describe("looking: errors", () => {
  it("an unknown column suggests the closest name", () =>
    throwsFrame(() => mt.col("mgp"), /no column named "mgp"/, /Did you mean "mpg"\?/));
  it("mean of a text column", () => throwsFrame(() => iris.col("Species").mean(), /cannot take mean of column "Species", which is string/));
  it("describe of a frame without such columns", () =>
    throwsFrame(() => iris.select("Species").describe({ include: "number" }), /no numeric columns/));
});
