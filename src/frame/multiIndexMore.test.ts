// The second round of MultiIndex verbs against pandas (scripts/fixtures/frame_multiindex_more.py
// -> test/fixtures/frame_multiindex_more.json): concat, toCsv and toJson with row and column
// levels, frame arithmetic and reductions under column levels, groupby(asIndex).size() as a
// Series, and swaplevel / reorderLevels / renameAxis / droplevel on frames and Series.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, type Series, concat, readCsv } from "./index.js";
import { indexNames, indexTuple } from "./labels.js";
import { caseGetter, dataset, fixtureCases, jsonEqual, mframeEqual, mseriesEqual, throwsFrame } from "./testing.test.js";

const ref = caseGetter(fixtureCases("frame_multiindex_more.json"), "frame_multiindex_more.py");

const mt = dataset("mtcars"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts");
const asIndex = { asIndex: true } as const;
const g2 = () => mt.groupby(["cyl", "am"], asIndex).select("mpg", "hp", "wt").mean();
const t3 = () => titanic.groupby(["Class", "Sex", "Age"], asIndex).select("Freq").sum();
const lv = () => mt.groupby("cyl", asIndex).agg({ mpg: ["mean", "max"], hp: "min" });
const lvGear = () => mt.groupby("gear", asIndex).agg({ mpg: ["max", "min"], hp: "min" });
const wbi = () => wb.setIndex(["wool", "tension"]);
const pivot = () => wb.pivotTable({ values: "breaks", index: "wool", columns: "tension", asIndex: true });
const iloc = (df: DataFrame, a: number, b: number) => df.iloc({ start: a, stop: b });

describe("concat keeps a MultiIndex and column levels, as pandas", () => {
  it("rows on a MultiIndex", () => mframeEqual(concat([iloc(wbi(), 0, 4), iloc(wbi(), 50, 53)]), ref("concat_rows_multi")));
  it("rows, outer columns", () =>
    mframeEqual(concat([g2().select("mpg", "hp").head(2), g2().select("hp", "wt").tail(3)]), ref("concat_rows_multi_outer")));
  it("rows, inner columns", () =>
    mframeEqual(
      concat([g2().select("mpg", "hp").head(2), g2().select("hp", "wt").tail(3)], { join: "inner" }),
      ref("concat_rows_multi_inner"),
    ));
  it("ignoreIndex", () => mframeEqual(concat([g2().head(2), g2().tail(2)], { ignoreIndex: true }), ref("concat_rows_ignore_index")));
  it("level names from the first input", () =>
    mframeEqual(concat([g2().head(2), g2().tail(2).renameAxis(["C", "am"])]), ref("concat_rows_names_differ")));
  it("rows under column levels (columns matched by tuple)", () => mframeEqual(concat([lv(), lvGear()]), ref("concat_rows_column_levels")));
  it("rows under column levels, inner", () =>
    mframeEqual(concat([lv(), lvGear()], { join: "inner" }), ref("concat_rows_column_levels_inner")));
  it("side by side, rows matched by tuple", () =>
    mframeEqual(concat([g2().select("mpg").head(4), g2().select("hp").tail(4)], { axis: 1 }), ref("concat_cols_multi_rows")));
  it("side by side, inner", () =>
    mframeEqual(
      concat([g2().select("mpg").head(4), g2().select("hp").tail(4)], { axis: 1, join: "inner" }),
      ref("concat_cols_multi_rows_inner"),
    ));
  it("side by side, equal MultiIndexes", () =>
    mframeEqual(concat([g2().select("mpg"), g2().select("hp")], { axis: 1 }), ref("concat_cols_multi_rows_same")));
  it("side by side under column levels", () =>
    mframeEqual(concat([lv(), mt.groupby("cyl", asIndex).agg({ wt: ["min", "max"] })], { axis: 1 }), ref("concat_cols_column_levels")));
  it("different numbers of levels are refused (pandas makes an index of tuples)", () => {
    throwsFrame(() => concat([g2(), mt.groupby("cyl", asIndex).select("mpg").mean()]), /input 0 has 2 index levels but input 1 has 1/);
    throwsFrame(() => concat([lv(), mt.groupby("cyl", asIndex).select("mpg").mean()]), /input 0 has 2 columns levels but input 1 has 1/);
    throwsFrame(
      () => concat([lv(), mt.groupby("cyl", asIndex).select("mpg").mean()], { axis: 1 }),
      /input 0 has 2 columns levels but input 1 has 1/,
    );
  });
});

/** CSV texts alike: the same lines and cells, numbers within 1e-12 relative (sums may differ in the last bits). */
function csvEqual(actual: string, expected: string, sep = ","): void {
  const a = actual.split("\n"),
    e = expected.split("\n");
  assert.equal(a.length, e.length, `lines: ${actual}`);
  e.forEach((line, i) => {
    const ac = a[i]!.split(sep),
      ec = line.split(sep);
    assert.equal(ac.length, ec.length, `line ${i}: ${a[i]} vs ${line}`);
    ec.forEach((c, j) => {
      const x = Number(c),
        y = Number(ac[j]);
      if (c !== "" && Number.isFinite(x) && /[.e]/.test(c)) {
        assert.ok(/[.e]/.test(ac[j]!) && Math.abs(y - x) <= 1e-12 * Math.abs(x), `line ${i} cell ${j}: ${ac[j]} != ${c}`);
      } else assert.equal(ac[j], c, `line ${i} cell ${j}`);
    });
  });
}

describe("toCsv writes a column per index level and a header row per column level, as pandas", () => {
  const csv = (name: string) => ref<{ csv: string }>(name).csv;
  it("row MultiIndex", () => csvEqual(g2().toCsv(), csv("csv_rows_multi")));
  it("three text levels", () => csvEqual(t3().toCsv(), csv("csv_three_keys")));
  it("column levels", () => csvEqual(lv().toCsv(), csv("csv_column_levels")));
  it("row and column levels", () => csvEqual(g2().unstack().toCsv(), csv("csv_both")));
  it("named column levels", () =>
    csvEqual(
      lv()
        .renameAxis({ columns: ["col", "fn"] })
        .toCsv(),
      csv("csv_level_names"),
    ));
  it("unnamed index under named column levels", () =>
    csvEqual(
      lv()
        .renameAxis({ index: null, columns: ["col", "fn"] })
        .toCsv(),
      csv("csv_unnamed_index"),
    ));
  it("index: false", () => csvEqual(lv().toCsv({ index: false }), csv("csv_no_index")));
  it("header: false", () => csvEqual(g2().unstack().toCsv({ header: false }), csv("csv_no_header")));
  it("indexLabel as a list", () => csvEqual(g2().toCsv({ indexLabel: ["c", "a"] }), csv("csv_index_label")));
  it("a partly named MultiIndex", () => csvEqual(g2().renameAxis(["cyl", null]).toCsv(), csv("csv_partly_named")));
  it("a named column axis writes one header row", () => csvEqual(pivot().toCsv(), csv("csv_named_column_axis")));
  it("sep", () => csvEqual(g2().unstack().toCsv({ sep: ";" }), csv("csv_sep"), ";"));
  it("reads back: readCsv then setIndex gives the levels (or indexCol with a list, multiIndexIo.test.ts)", () => {
    const back = readCsv(g2().toCsv()).setIndex(["cyl", "am"]);
    assert.deepEqual(indexNames(back.index), ["cyl", "am"]);
    assert.deepEqual(indexTuple(back.index, 5), [8, 1]);
    assert.deepEqual(back.col("hp").toArray(), g2().col("hp").toArray());
  });
  it("indexLabel with the wrong count is refused", () =>
    throwsFrame(() => g2().toCsv({ indexLabel: "c" }), /indexLabel has 1 name but the index has 2 levels/));
});

describe("toJson writes MultiIndex keys as pandas 1.5 does", () => {
  const frames: [string, () => DataFrame][] = [
    ["rows", () => g2().head(3)],
    ["levels", lv],
    ["both", () => g2().unstack()],
    ["text_keys", () => wb.groupby(["wool", "tension"], asIndex).mean()],
    ["quotes", () => new DataFrame({ k: [1.5, NaN, 2.0], s: ["it's", 'x"y', "a\\b"], v: [1, 2, 3] }).setIndex(["k", "s"])],
  ];
  for (const [name, make] of frames)
    for (const orient of ["records", "columns", "index", "split"] as const)
      it(`${name}, orient ${orient}`, () =>
        jsonEqual(JSON.parse(make().toJson({ orient })), ref<{ json: unknown }>(`json_${name}_${orient}`).json));
  it("date and float levels", () => {
    const air = dataset("airline-passengers", { parseDates: ["month"] })
      .head(4)
      .assign({ q: [1, 1, 2, 2], f: [0.5, 1.0, 1.5, 2.0] });
    jsonEqual(
      JSON.parse(air.setIndex(["month", "q"]).toJson({ orient: "columns" })),
      ref<{ json: unknown }>("json_date_level_columns").json,
    );
    jsonEqual(JSON.parse(air.setIndex(["month", "q"]).toJson({ orient: "split" })), ref<{ json: unknown }>("json_date_level_split").json);
    jsonEqual(JSON.parse(air.setIndex(["q", "f"]).toJson({ orient: "index" })), ref<{ json: unknown }>("json_float_level_index").json);
    assert.equal(air.setIndex(["month", "q"]).toCsv(), ref<{ csv: string }>("csv_date_level").csv);
    assert.equal(air.setIndex(["q", "f"]).toCsv(), ref<{ csv: string }>("csv_float_level").csv);
  });
  it("repeated MultiIndex entries: split writes them, columns and index are refused as pandas", () => {
    const rep = wbi().head(3);
    jsonEqual(JSON.parse(rep.toJson({ orient: "split" })), ref<{ json: unknown }>("json_repeated_entries_split").json);
    for (const orient of ["columns", "index"] as const) {
      assert.equal(
        ref<{ message: string }>(`json_repeated_entries_${orient}_error`).message,
        `DataFrame index must be unique for orient='${orient}'.`,
      );
      throwsFrame(() => rep.toJson({ orient }), new RegExp(`orient "${orient}".*rows 0 and 1 both have the entry \\('A', 'L'\\)`));
    }
  });
});

describe("arithmetic and reductions keep column levels, as pandas", () => {
  const lvOther = () => mt.groupby("cyl", asIndex).agg({ mpg: ["max", "min"], hp: "min" });
  it("frame + frame, same columns", () => mframeEqual(lv().add(lv()), ref("arith_levels_same")));
  it("frame + frame, the sorted union of the tuples", () => mframeEqual(lv().add(lvOther()), ref("arith_levels_union")));
  it("fillValue", () => mframeEqual(lv().add(lvOther(), { fillValue: 0 }), ref("arith_levels_fill")));
  it("df - df.mean() aligns on the tuples", () => mframeEqual(lv().sub(lv().mean()), ref("arith_sub_mean")));
  it("a scalar", () => mframeEqual(lv().mul(2), ref("arith_scalar")));
  it("after unstack: df / df.max()", () => {
    const u = g2().unstack();
    mframeEqual(u.div(u.max()), ref("arith_unstack_div_max"));
  });
  it("a named column axis stays named", () => {
    mframeEqual(pivot().sub(pivot().mean()), ref("arith_named_axis_sub_mean"));
    mframeEqual(pivot().mul(pivot()), ref("arith_named_axis_frames"));
  });
  for (const fn of ["sum", "mean", "min", "max", "count", "std", "var", "median"] as const)
    it(`df.${fn}() is indexed by the column tuples`, () => mseriesEqual(lv()[fn](), ref(`reduce_levels_${fn}`)));
  it("sum after unstack (level names kept)", () => mseriesEqual(g2().unstack().sum(), ref("reduce_unstack_sum")));
  it("a named column axis names the result's index", () => mseriesEqual(pivot().mean(), ref("reduce_named_axis_mean")));
  it("axis 1 keeps the rows", () => mseriesEqual(lv().sum({ axis: 1 }), ref("reduce_levels_rows")));
  it("quantile(q)", () => mseriesEqual(lv().quantile(0.5) as Series, ref("reduce_levels_quantile")));
  it("quantile([q...]) keeps the column levels", () =>
    mframeEqual(lv().quantile([0.25, 0.75]) as DataFrame, ref("reduce_levels_quantiles")));
  it("describe keeps the column levels", () => mframeEqual(lv().describe(), ref("describe_levels")));
  it("describe keeps a named column axis", () => mframeEqual(pivot().describe(), ref("describe_named_axis")));
  it("apply per column is indexed by the column tuples", () =>
    mseriesEqual(
      lv().apply((c) => (c.max() as number) - (c.min() as number)),
      ref("apply_levels"),
    ));
  it("isna().sum()", () => mseriesEqual(lv().isna().sum(), ref("isna_sum_levels")));
  it("plain columns against column levels are refused", () =>
    throwsFrame(() => lv().add(mt.groupby("cyl", asIndex).select("mpg").mean()), /column levels and the other has plain columns/));
});

describe("groupby(keys, { asIndex: true }).size() is a Series, as pandas", () => {
  it("two keys", () => mseriesEqual(mt.groupby(["cyl", "am"], asIndex).size(), ref("size_two_keys")));
  it("one key", () => mseriesEqual(mt.groupby("cyl", asIndex).size(), ref("size_one_key")));
  it("three keys", () => mseriesEqual(titanic.groupby(["Class", "Sex", "Age"], asIndex).size(), ref("size_three_keys")));
  it("the flat form stays a frame", () => mframeEqual(mt.groupby(["cyl", "am"]).size(), ref("size_flat")));
});

describe("swaplevel, reorderLevels, renameAxis and droplevel match pandas", () => {
  it("swaplevel on the rows keeps the row order", () => mframeEqual(g2().swaplevel(), ref("swaplevel_rows")));
  it("swaplevel then sortIndex", () => mframeEqual(g2().swaplevel().sortIndex(), ref("swaplevel_rows_sorted")));
  it("swaplevel(0, 2) of three", () => mframeEqual(t3().swaplevel(0, 2), ref("swaplevel_three")));
  it("swaplevel by names", () => mframeEqual(t3().swaplevel("Sex", "Class"), ref("swaplevel_names")));
  it("swaplevel on the columns", () => mframeEqual(lv().swaplevel(0, 1, { axis: 1 }), ref("swaplevel_columns")));
  it("swaplevel on the columns after unstack", () =>
    mframeEqual(g2().unstack().swaplevel(-2, -1, { axis: 1 }), ref("swaplevel_columns_unstack")));
  it("reorderLevels by number", () => mframeEqual(t3().reorderLevels([2, 0, 1]), ref("reorder_levels_rows")));
  it("reorderLevels by name", () => mframeEqual(t3().reorderLevels(["Age", "Class", "Sex"]), ref("reorder_levels_names")));
  it("reorderLevels on the columns", () => mframeEqual(g2().unstack().reorderLevels([1, 0], { axis: 1 }), ref("reorder_levels_columns")));
  it("renameAxis with a list", () => mframeEqual(g2().renameAxis(["c", "a"]), ref("rename_axis_list")));
  it("renameAxis with a map of names", () => mframeEqual(g2().renameAxis({ index: { cyl: "C" } }), ref("rename_axis_dict")));
  it("renameAxis on the column levels", () => mframeEqual(lv().renameAxis({ columns: ["col", "fn"] }), ref("rename_axis_columns")));
  it("renameAxis on both axes", () =>
    mframeEqual(
      g2()
        .unstack()
        .renameAxis({ index: "cylinders", columns: ["var", "am"] }),
      ref("rename_axis_both"),
    ));
  it("renameAxis names plain columns (columns.name)", () =>
    mframeEqual(mt.select("mpg", "hp").head(3).renameAxis("var", { axis: 1 }), ref("rename_axis_plain_columns")));
  it("renameAxis on a flat index", () =>
    mframeEqual(mt.setIndex("model").select("mpg").head(3).renameAxis("car"), ref("rename_axis_flat_index")));
  it("renameAxis with nulls", () => mframeEqual(g2().renameAxis([null, null]), ref("rename_axis_none")));
  it("droplevel on the columns, inner level", () =>
    mframeEqual(
      mt
        .groupby("cyl", asIndex)
        .agg({ mpg: ["mean"], hp: ["max"] })
        .droplevel(1, { axis: "columns" }),
      ref("droplevel_columns_level1"),
    ));
  const sm = () => wb.groupby(["wool", "tension"]).col("breaks").mean();
  const st = () => titanic.groupby(["Class", "Sex", "Age"]).col("Freq").sum();
  it("Series.swaplevel", () => mseriesEqual(sm().swaplevel(), ref("series_swaplevel")));
  it("Series.swaplevel then sortIndex", () => mseriesEqual(sm().swaplevel().sortIndex(), ref("series_swaplevel_sorted")));
  it("Series.reorderLevels", () => mseriesEqual(st().reorderLevels([2, 1, 0]), ref("series_reorder_levels")));
  it("Series.droplevel", () => mseriesEqual(sm().droplevel("wool"), ref("series_droplevel")));
  it("Series.droplevel with a list", () => mseriesEqual(st().droplevel([0, 1]), ref("series_droplevel_list")));
  it("Series.renameAxis", () => mseriesEqual(sm().renameAxis(["w", "t"]), ref("series_rename_axis")));
  it("Series.renameAxis with a map", () => mseriesEqual(sm().renameAxis({ wool: "w" }), ref("series_rename_axis_dict")));
  it("sortIndex by one level, then the others", () => mframeEqual(g2().sortIndex({ level: 1 }), ref("sort_index_level")));
  it("sortIndex by a named level, descending (the whole order reversed, as pandas)", () =>
    mframeEqual(g2().sortIndex({ level: "am", ascending: false }), ref("sort_index_level_name_desc")));
  it("sortIndex by two levels", () => mframeEqual(t3().sortIndex({ level: [2, 1] }), ref("sort_index_levels")));
  it("sortIndex without sorting the remaining levels", () =>
    mframeEqual(t3().swaplevel(0, 1).sortIndex({ level: 2, sortRemaining: false }), ref("sort_index_no_remaining")));
  it("sortIndex with a flag per level given", () =>
    mframeEqual(t3().sortIndex({ level: [2, 0], ascending: [false, true] }), ref("sort_index_level_flags")));
  it("sortIndex with a flag per level", () => mframeEqual(t3().sortIndex({ ascending: [true, false, true] }), ref("sort_index_flags")));
  it("Series.sortIndex by level", () => {
    mseriesEqual(sm().swaplevel().sortIndex({ level: 1 }), ref("series_sort_index_level"));
    mseriesEqual(sm().sortIndex({ level: "tension", ascending: false }), ref("series_sort_index_level_desc"));
  });
  it("errors where pandas raises", () => {
    assert.equal(ref<{ message: string }>("swaplevel_flat_error").message, "Can only swap levels on a hierarchical axis.");
    throwsFrame(() => mt.swaplevel(), /swaplevel: the index has one level/);
    throwsFrame(() => mt.col("mpg").swaplevel(), /swaplevel: the index has one level/);
    assert.match(
      ref<{ message: string }>("reorder_levels_length_error").message,
      /Length of order must be same as number of levels \(3\), got 2/,
    );
    throwsFrame(() => t3().reorderLevels([0, 1]), /names 2 levels, but the index has 3/);
    assert.match(ref<{ message: string }>("rename_axis_length_error").message, /Length of names must match number of levels/);
    throwsFrame(() => g2().renameAxis(["a"]), /1 names given for 2 levels/);
    throwsFrame(() => g2().renameAxis("a"), /one name "a" given for 2 levels/);
    throwsFrame(() => lv().swaplevel(0, 1, { axis: 0 }), /the index has one level/);
    throwsFrame(() => g2().swaplevel(0, 5), /level 5 is out of range for 2 levels/);
    assert.equal(ref<{ message: string }>("sort_index_flags_error").message, "level must have same length as ascending");
    throwsFrame(() => t3().sortIndex({ level: [0, 1], ascending: [false] }), /ascending has 1 flags for 2 levels given/);
  });
});
