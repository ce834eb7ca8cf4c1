// MultiIndex on rows and columns against pandas (scripts/fixtures/frame_multiindex.py ->
// test/fixtures/frame_multiindex.json): groupby and pivotTable in pandas' form (asIndex),
// several functions per column, setIndex/resetIndex, stack/unstack, xs, loc with tuples, and the
// printed form (to_string; to_html and to_markdown for some) of each result.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, type Series, crosstab, displayOptions } from "./index.js";
import { indexTuple, indexLevels, multiIndex } from "./labels.js";
import {
  type MSeries,
  caseGetter,
  cellEqual,
  dataset,
  fixtureCases,
  labelsEqual,
  mframeEqual,
  mseriesEqual,
  throwsFrame,
} from "./testing.test.js";

const ref = caseGetter(fixtureCases("frame_multiindex.json"), "frame_multiindex.py");

function withMaxColumns(n: number, fn: () => void): void {
  const saved = displayOptions.maxColumns;
  displayOptions.maxColumns = n;
  try {
    fn();
  } finally {
    displayOptions.maxColumns = saved;
  }
}

const mt = dataset("mtcars"),
  tooth = dataset("tooth-growth"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts");
const asIndex = { asIndex: true } as const;
const g2 = () => mt.groupby(["cyl", "am"], asIndex).select("mpg", "hp", "wt").mean();
const byClassSexAge = () => titanic.groupby(["Class", "Sex", "Age"], asIndex).select("Freq").sum();
const aggLevels = () => mt.groupby("cyl", asIndex).agg({ mpg: ["mean", "max"], hp: ["min", "max"] });

describe("groupby with the keys as index levels (asIndex) matches pandas", () => {
  it("two keys", () => mframeEqual(g2(), ref("groupby_mtcars_cyl_am_mean")));
  it("three text keys", () => mframeEqual(byClassSexAge(), ref("groupby_titanic_three_keys_sum")));
  it("every value column", () => mframeEqual(wb.groupby(["wool", "tension"], asIndex).mean(), ref("groupby_warpbreaks_mean")));
  it("a float key level", () => mframeEqual(tooth.groupby(["supp", "dose"], asIndex).count(), ref("groupby_tooth_supp_dose_count")));
  it("one key", () => mframeEqual(mt.groupby("cyl", asIndex).select("mpg", "hp").mean(), ref("groupby_mtcars_cyl_mean")));
  it("several functions per column give two column levels", () =>
    mframeEqual(mt.groupby("cyl", asIndex).agg({ mpg: ["mean", "max"], hp: "min" }), ref("agg_mtcars_dict_lists")));
  it("a list of functions for every column", () =>
    mframeEqual(tooth.groupby(["supp", "dose"], asIndex).agg(["mean", "std", "count"]), ref("agg_tooth_list")));
  it("one column, two functions", () =>
    mframeEqual(wb.groupby("wool", asIndex).agg({ breaks: ["mean", "max"] }), ref("agg_warpbreaks_list")));
  it("SeriesGroupBy on several keys", () => mseriesEqual(wb.groupby(["wool", "tension"]).col("breaks").mean(), ref("sgb_warpbreaks_mean")));
  it("SeriesGroupBy size on several keys", () =>
    mseriesEqual(mt.groupby(["gear", "am"]).col("mpg").size(), ref("sgb_mtcars_gear_am_size")));
  it("the flat form stays the default", () => {
    const flat = mt.groupby(["cyl", "am"]).agg({ mpg: ["mean", "max"] });
    assert.deepEqual(flat.columns, ["cyl", "am", "mpg_mean", "mpg_max"]);
    assert.equal(flat.columnIndex, null);
    assert.equal(flat.index.kind, "range");
  });
});

describe("pivotTable with several keys (asIndex) matches pandas", () => {
  it("two index keys by two column keys", () =>
    mframeEqual(
      titanic.pivotTable({ values: "Freq", index: ["Class", "Sex"], columns: ["Age", "Survived"], aggfunc: "sum", asIndex: true }),
      ref("pivot_titanic_two_by_two"),
    ));
  it("the column axis is named after the column key", () =>
    mframeEqual(
      wb.pivotTable({ values: "breaks", index: "wool", columns: "tension", asIndex: true }),
      ref("pivot_warpbreaks_named_columns"),
    ));
  it("values as a list add the value level", () =>
    mframeEqual(tooth.pivotTable({ values: ["len"], index: "supp", columns: "dose", asIndex: true }), ref("pivot_tooth_values_list")));
  it("two value columns", () =>
    mframeEqual(
      mt.pivotTable({ values: ["mpg", "hp"], index: ["cyl", "am"], columns: "gear", aggfunc: "max", asIndex: true }),
      ref("pivot_mtcars_two_values"),
    ));
  it("no column keys", () =>
    mframeEqual(mt.pivotTable({ index: ["cyl", "am"], values: ["mpg", "hp"], asIndex: true }), ref("pivot_mtcars_no_columns")));
  it("margins", () =>
    mframeEqual(
      wb.pivotTable({ values: "breaks", index: ["wool"], columns: ["tension"], aggfunc: "sum", margins: true, asIndex: true }),
      ref("pivot_warpbreaks_margins"),
    ));
  it("margins beside two index keys", () =>
    mframeEqual(
      titanic.pivotTable({ values: "Freq", index: ["Class", "Sex"], columns: "Survived", aggfunc: "sum", margins: true, asIndex: true }),
      ref("pivot_titanic_margins_two_keys"),
    ));
  it("the flat form joins several column labels", () => {
    const flat = titanic.pivotTable({ values: "Freq", index: ["Class", "Sex"], columns: ["Age", "Survived"], aggfunc: "sum" });
    assert.deepEqual(flat.columns, ["Class", "Sex", "Adult_No", "Adult_Yes", "Child_No", "Child_Yes"]);
    assert.deepEqual(
      flat.col("Adult_No").toArray(),
      titanic
        .pivotTable({ values: "Freq", index: ["Class", "Sex"], columns: ["Age", "Survived"], aggfunc: "sum", asIndex: true })
        .col(["Adult", "No"])
        .toArray(),
    );
  });
});

describe("pivot and crosstab in pandas' shape (asIndex) match pandas", () => {
  it("pivot with values", () =>
    mframeEqual(
      wb.groupby(["wool", "tension"]).select("breaks").mean().pivot({ index: "wool", columns: "tension", values: "breaks", asIndex: true }),
      ref("pivot_values"),
    ));
  it("pivot of every other column keeps their order", () => {
    const stats = tooth.groupby(["supp", "dose"]).agg({ sd: { column: "len", aggfunc: "std" }, mean: { column: "len", aggfunc: "mean" } });
    mframeEqual(stats.pivot({ index: "supp", columns: "dose", asIndex: true }), ref("pivot_no_values"));
  });
  it("crosstab on two keys with margins", () =>
    mframeEqual(
      crosstab([mt.col("cyl"), mt.col("am")], mt.col("gear"), { margins: true, asIndex: true }),
      ref("crosstab_two_keys_margins"),
      { textLevels: true },
    ));
  it("crosstab normalized by rows", () =>
    mframeEqual(crosstab(mt.col("cyl"), mt.col("gear"), { normalize: "index", asIndex: true }), ref("crosstab_normalize_index")));
});

describe("setIndex, resetIndex and sortIndex on a MultiIndex match pandas", () => {
  it("setIndex with two keys", () => mframeEqual(wb.setIndex(["wool", "tension"]), ref("set_index_warpbreaks")));
  it("setIndex keeping the columns", () => mframeEqual(tooth.setIndex(["supp", "dose"], { drop: false }).head(6), ref("set_index_keep")));
  it("resetIndex back to flat columns", () => mframeEqual(g2().resetIndex(), ref("reset_index_groupby")));
  it("resetIndex under column levels", () =>
    mframeEqual(
      mt
        .groupby(["cyl", "am"], asIndex)
        .agg({ mpg: ["mean", "max"] })
        .resetIndex(),
      ref("reset_index_agg_levels"),
    ));
  it("resetIndex of unnamed levels", () => {
    const g = g2();
    mframeEqual(
      DataFrame.fromColumns(g.names, g.data, multiIndex(indexLevels(g.index), [null, null])).resetIndex(),
      ref("reset_index_unnamed_levels"),
    );
  });
  it("sortIndex sorts by every level", () => mframeEqual(wb.setIndex(["wool", "tension"]).sortIndex(), ref("sort_index_multi")));
  it("a long frame prints its first and last rows", () =>
    mframeEqual(dataset("airquality").setIndex(["Month", "Day"]), ref("set_index_long")));
  it("a long Series prints its first and last rows", () =>
    mseriesEqual(dataset("airquality").setIndex(["Month", "Day"]).col("Temp"), ref("series_long")));
  it("a level with missing labels", () =>
    mframeEqual(dataset("airquality").setIndex(["Ozone", "Month"]).head(7), ref("set_index_nan_level")));
  it("groupby dropna: false keeps a missing key", () =>
    mframeEqual(
      dataset("airquality").head(8).groupby(["Solar.R", "Month"], { asIndex: true, dropna: false }).select("Temp").sum(),
      ref("groupby_nan_key"),
    ));
  it("unstack beside a missing key", () =>
    mframeEqual(
      dataset("airquality").head(8).groupby(["Solar.R", "Month"], { asIndex: true, dropna: false }).select("Temp").sum().unstack(),
      ref("unstack_nan_key"),
    ));
  it("a cut to 4 columns beside a MultiIndex", () =>
    withMaxColumns(4, () => mframeEqual(mt.drop("model").groupby(["cyl", "am"], asIndex).mean().head(3), ref("repr_cut_columns_rows"))));
  it("a cut to 4 columns under column levels", () =>
    withMaxColumns(4, () => mframeEqual(mt.drop("model").groupby("cyl", asIndex).agg(["mean", "max"]), ref("repr_cut_columns_levels"))));
  it("valueCounts over several columns", () => {
    const e = ref<MSeries>("value_counts_frame");
    mseriesEqual(wb.valueCounts(["wool", "tension"]).rename(e.name), e);
  });
});

describe("stack and unstack match pandas", () => {
  it("unstack the last level", () => mframeEqual(g2().unstack(), ref("unstack_mtcars_last")));
  it("unstack level 0", () => mframeEqual(g2().unstack(0), ref("unstack_mtcars_level0")));
  it("unstack a level by name", () => mframeEqual(g2().unstack("cyl"), ref("unstack_mtcars_by_name")));
  it("unstack one of three levels", () => mframeEqual(byClassSexAge().unstack(), ref("unstack_titanic_three")));
  it("Series.unstack", () => mframeEqual(wb.groupby(["wool", "tension"]).col("breaks").mean().unstack(), ref("unstack_series_warpbreaks")));
  it("Series.unstack(0) with float labels", () =>
    mframeEqual(tooth.groupby(["supp", "dose"]).col("len").mean().unstack(0), ref("unstack_series_tooth_level0")));
  it("stack plain columns into a Series", () =>
    mseriesEqual(mt.select("mpg", "hp", "wt").head(4).stack() as Series, ref("stack_mtcars_flat")));
  it("stack after unstack", () => mframeEqual(g2().unstack().stack() as DataFrame, ref("stack_unstacked")));
  it("stack the function level", () => mframeEqual(aggLevels().stack() as DataFrame, ref("stack_agg_levels")));
  it("stack a named column axis", () =>
    mseriesEqual(
      wb.pivotTable({ values: "breaks", index: "wool", columns: "tension", asIndex: true }).stack() as Series,
      ref("stack_pivot_named"),
    ));
  it("unstack, stack, unstack", () => mframeEqual((g2().unstack().stack() as DataFrame).unstack(), ref("stack_unstack_roundtrip")));
});

describe("xs, loc with tuples and col with a tuple match pandas", () => {
  it("xs on the first level", () => mframeEqual(g2().xs(4), ref("xs_mtcars_cyl4")));
  it("xs on a named level", () => mframeEqual(g2().xs(1, { level: "am" }), ref("xs_mtcars_am1_level")));
  it("xs keeping the level", () => mframeEqual(g2().xs(6, { dropLevel: false }), ref("xs_keep_level")));
  it("xs with a tuple of leading labels", () => mframeEqual(byClassSexAge().xs(["1st", "Female"]), ref("xs_titanic_tuple")));
  it("xs on the column levels", () => mframeEqual(aggLevels().xs("mpg", { axis: 1 }), ref("xs_columns")));
  it("xs on a column level by number", () => mframeEqual(aggLevels().xs("max", { axis: 1, level: 1 }), ref("xs_columns_level")));
  it("Series.xs on the first level", () =>
    mseriesEqual(wb.groupby(["wool", "tension"]).col("breaks").mean().xs("A"), ref("series_xs_first")));
  it("Series.xs on a named level", () =>
    mseriesEqual(wb.groupby(["wool", "tension"]).col("breaks").mean().xs("H", { level: "tension" }), ref("series_xs_level")));
  it("droplevel on the rows", () => mframeEqual(g2().droplevel("am"), ref("droplevel_rows")));
  it("droplevel on the columns", () =>
    mframeEqual(
      mt
        .groupby("cyl", asIndex)
        .agg({ mpg: ["mean", "max"] })
        .droplevel(0, { axis: 1 }),
      ref("droplevel_columns"),
    ));
  it("loc with a full tuple", () => mframeEqual(g2().loc([6, 1]), ref("loc_tuple")));
  it("loc with a first-level label (partial key)", () => mframeEqual(g2().loc([8]), ref("loc_partial")));
  it("loc with a list of tuples", () =>
    mframeEqual(
      g2().loc([
        [4, 0],
        [8, 1],
      ]),
      ref("loc_tuples"),
    ));
  it("loc with a slice of tuples", () => mframeEqual(g2().loc({ start: [4, 1], stop: [8, 0] }), ref("loc_slice_tuples")));
  it("loc with a slice of first-level labels", () => mframeEqual(g2().loc({ start: 6, stop: 8 }), ref("loc_slice_partial")));
  it("loc with a partial tuple", () => mframeEqual(byClassSexAge().loc(["Crew", "Male"]), ref("loc_titanic_partial_tuple")));
  it("col with a tuple", () => {
    const e = ref<MSeries>("col_tuple");
    const s = mt
      .groupby("cyl", asIndex)
      .agg({ mpg: ["mean", "max"] })
      .col(["mpg", "max"]);
    assert.equal(s.name, "mpg_max");
    e.values.forEach((v, i) => cellEqual(s.iat(i), v, `[${i}]`));
    labelsEqual(
      Array.from({ length: s.length }, (_, i) => indexTuple(s.index, i)),
      e.index,
      "index",
    );
  });
});

describe("MultiIndex errors name the problem", () => {
  it("a key with too many labels", () =>
    throwsFrame(() => g2().loc([4, 0, 1]), /loc: the key \(4, 0, 1\) has 3 labels but the MultiIndex has 2 levels \(cyl, am\)/));
  it("an absent key", () => throwsFrame(() => g2().loc([5, 0]), /key \(5, 0\) is not in the MultiIndex/));
  it("unstack of a flat index", () => throwsFrame(() => mt.unstack(), /unstack: the index has one level; unstack needs a MultiIndex/));
  it("unstack with repeated entries", () =>
    throwsFrame(
      () => wb.setIndex(["wool", "tension"]).unstack(),
      /unstack: the index entry \(A, L\) appears in rows 0 and 1; unstack needs each entry once/,
    ));
  it("an unknown level", () => throwsFrame(() => g2().unstack("gear"), /unstack: no level named "gear". The levels are "cyl", "am"/));
  it("a level out of range", () => throwsFrame(() => g2().xs(1, { level: 2 }), /xs: level 2 is out of range for 2 levels/));
  it("an absent column tuple", () =>
    throwsFrame(
      () => aggLevels().col(["mpg", "min"]),
      /col: no column \["mpg","min"\]. The columns are \["mpg","mean"\], \["mpg","max"\], \["hp","min"\]/,
    ));
  it("resetIndex onto an existing column", () =>
    throwsFrame(
      () => wb.setIndex(["wool", "tension"], { drop: false }).resetIndex(),
      /resetIndex: the index level "wool" is also a column/,
    ));
  it("loc with no keys selects no rows", () => assert.equal(g2().loc([]).length, 0));
  it("droplevel of every level", () => throwsFrame(() => g2().droplevel(["cyl", "am"]), /droplevel: dropping 2 of 2 levels leaves none/));
  it("an absent label at a level", () =>
    throwsFrame(
      () => g2().xs("4", { level: "cyl" }),
      /xs: label "4" is not in level "cyl". Check the level and the label's type \(4 is not "4"\)/,
    ));
  it("a partial column tuple", () =>
    throwsFrame(() => aggLevels().col(["mpg"]), /col: the key \["mpg"\] has 1 labels but the columns have 2 levels/));
  it("a tuple on a flat index", () =>
    throwsFrame(
      () => mt.setIndex("model").col("mpg").at(["Valiant", 1]),
      /at: a tuple key \("Valiant", 1\) needs a MultiIndex, but the index has one level/,
    ));
  it("stack of text and numbers", () =>
    throwsFrame(
      () => wb.head(2).stack(),
      /stack: the columns "breaks", "wool", "tension" hold int64, string values, which cannot share one column/,
    ));
});
