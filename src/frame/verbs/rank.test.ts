// rank on Series and DataFrame against pandas 1.5 (scripts/fixtures/make_frame_rank_refs.py):
// every method x ascending x naOption x pct on airquality's Ozone (missing values), frames with
// ties, text, bools, dates and missing values, and iris' text column.

import { describe, it } from "node:test";
import { DataFrame, Series } from "../index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("rank", n);
const S = (n: string) => pandasCase<EncSeries>("rank", n);
const mt = dataset("mtcars"),
  aq = dataset("airquality"),
  iris = dataset("iris");
const ties = new DataFrame({
  a: [3, 1, NaN, 3, 2, NaN, 1],
  s: ["b", "a", null, "b", "c", "a", "a"],
  t: [true, false, true, true, false, false, true],
  d: [
    new Date("2020-01-02"),
    new Date("2020-01-01"),
    null,
    new Date("2020-01-01"),
    new Date("2020-01-03"),
    new Date("2020-01-02"),
    new Date("2019-12-31"),
  ],
});
const methods = ["average", "min", "max", "dense", "first"] as const;

describe("Series.rank matches pandas", () => {
  for (const method of methods) {
    for (const ascending of [true, false]) {
      for (const naOption of ["keep", "top", "bottom"] as const) {
        for (const pct of [false, true]) {
          const name = `rank_ozone_${method}_${ascending ? "asc" : "desc"}_${naOption}_${pct ? "pct" : "n"}`;
          it(name, () => seriesEqual(aq.col("Ozone").rank({ method, ascending, naOption, pct }), S(name)));
        }
      }
    }
    it(`text column, ${method}`, () => seriesEqual(iris.col("Species").rank({ method }), S(`rank_species_${method}`)));
  }
});

describe("DataFrame.rank matches pandas", () => {
  for (const method of methods) {
    it(`mtcars ${method}`, () => frameEqual(mt.drop("model").rank({ method }), F(`rank_mtcars_${method}`)));
    it(`ties, text, bools, dates ${method}`, () => frameEqual(ties.rank({ method }), F(`rank_ties_${method}`)));
    it(`ties ${method}, descending, missing at the bottom`, () =>
      frameEqual(ties.rank({ method, ascending: false, naOption: "bottom" }), F(`rank_ties_${method}_desc_bottom`)));
  }
  it("numericOnly keeps int, float and bool columns", () => frameEqual(ties.rank({ numericOnly: true }), F("rank_ties_numeric_only")));
  it("pct with missing values on top", () => frameEqual(ties.rank({ pct: true, naOption: "top" }), F("rank_ties_pct_top")));
  it("airquality pct", () => frameEqual(aq.rank({ pct: true }), F("rank_airquality_pct")));
});

describe("rank errors", () => {
  it("names an unknown method", () =>
    throwsFrame(() => new Series([1, 2]).rank({ method: "mean" as never }), /unknown method "mean"/, /dense/));
  it("names an unknown naOption", () =>
    throwsFrame(() => new Series([1, 2]).rank({ naOption: "first" as never }), /unknown naOption "first"/));
});
