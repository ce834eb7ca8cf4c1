// Selecting and transforming: loc/iloc, filter expressions, select/drop/rename/assign, arithmetic
// and comparisons, astype, apply/map, where/mask, sorting, nlargest, duplicates, sample.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, Series } from "../index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("select", n);
const S = (n: string) => pandasCase<EncSeries>("select", n);
const mt = dataset("mtcars"),
  aq = dataset("airquality"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts");
const m = mt.setIndex("model");

describe("loc and iloc match pandas", () => {
  it("loc by labels and columns", () => frameEqual(m.loc(["Valiant", "Fiat 128"], ["mpg", "hp"]), F("loc_label")));
  it("loc by a label slice (both ends)", () => frameEqual(m.loc({ from: "Merc 240D", to: "Merc 280" }, ["mpg"]), F("loc_slice")));
  it("loc by a boolean mask", () => frameEqual(mt.loc(mt.col("hp").gt(200), ["model", "hp"]), F("loc_mask")));
  it("iloc positions, negative too", () => frameEqual(mt.iloc([0, 5, -1], [0, 1, 3]), F("iloc_positions")));
  it("iloc slice", () => frameEqual(mt.iloc({ start: 3, end: 7 }), F("iloc_slice")));
});

describe("filter expressions match pandas boolean indexing", () => {
  it("gt and eq", () => frameEqual(mt.filter(mt.col("mpg").gt(25).and(mt.col("am").eq(1))), F("filter_expr")));
  it("or and not", () => frameEqual(mt.filter(mt.col("cyl").eq(6).or(mt.col("hp").lt(250).not())), F("filter_or_not")));
  it("string comparisons", () =>
    frameEqual(
      wb.filter((d) => d.col("wool").eq("A").and(d.col("tension").ne("M"))),
      F("filter_string_eq"),
    ));
  it("isin and between", () =>
    frameEqual(mt.filter(mt.col("gear").isin([3, 5]).and(mt.col("mpg").between(15, 20))), F("filter_isin_between")));
  it("isna", () => frameEqual(aq.filter(aq.col("Ozone").isna()).head(5), F("filter_na")));
  it("comparisons", () => {
    const c = (k: string) => mt.col(k);
    const df = new DataFrame({
      gt: c("mpg").gt(21),
      ge: c("mpg").ge(21),
      lt: c("hp").lt(110),
      le: c("hp").le(110),
      eq: c("cyl").eq(6),
      ne: c("cyl").ne(6),
      str_lt: c("model").lt("Ford"),
      xor: c("am").eq(1).xor(c("vs").eq(1)),
    });
    frameEqual(df.head(10), F("comparisons"));
  });
  it("comparisons with NaN are false (ne true)", () =>
    frameEqual(new DataFrame({ gt: aq.col("Ozone").gt(30), ne: aq.col("Ozone").ne(41) }).head(6), F("compare_na")));
});

describe("query strings match pandas' query", () => {
  it("in, and, or, text", () => frameEqual(mt.query("(cyl in [4, 6] and hp < 100) or model == 'Valiant'"), F("query")));
  it("arithmetic, not, a constant on the left", () =>
    frameEqual(mt.query("hp / wt > 60 and not (gear == 4) and 20 <= mpg"), F("query_arith")));
  it("backtick names and not in", () =>
    frameEqual(
      dataset("iris").query("`Sepal.Length` > 7.5 or Species not in ['setosa', 'versicolor'] and `Petal.Width` < 1.6"),
      F("query_backticks"),
    ));
  it("errors: unknown column, not a condition, junk, no code runs", () => {
    throwsFrame(() => mt.query("mgp > 3"), /no column named "mgp"/, /Did you mean "mpg"/);
    throwsFrame(() => mt.query("hp + 1"), /is not a condition \(it gives a int64 column\)/);
    throwsFrame(() => mt.query("hp > 3; process.exit()"), /unexpected character ";" at position 6/);
    throwsFrame(() => mt.query("constructor.constructor('x')()"), /no column named "constructor.constructor"/);
    throwsFrame(() => mt.query("(hp > 3"), /a missing \)/);
  });
});

describe("columns: select, drop, rename, assign, arithmetic", () => {
  it("select", () => frameEqual(mt.select("hp", "model").head(3), F("select")));
  it("drop", () => frameEqual(mt.drop(["disp", "drat", "qsec"]).head(3), F("drop")));
  it("rename", () => frameEqual(mt.rename({ mpg: "miles_per_gallon", hp: "horsepower" }).head(2), F("rename")));
  it("assign from Series arithmetic, functions and scalars", () => {
    const df = mt.assign({ kpl: mt.col("mpg").mul(0.425144), power_weight: (d) => d.col("hp").div(d.col("wt")), one: 1 });
    frameEqual(df.head(5), F("assign"));
  });
  it("arithmetic keeps int64 where pandas does; Python modulo and floor division", () => {
    const c = (k: string) => mt.col(k);
    const df = new DataFrame({
      add: c("mpg").add(c("cyl")),
      sub: c("hp").sub(100),
      mul: c("cyl").mul(c("gear")),
      div: c("hp").div(c("cyl")),
      mod: c("hp").mod(7),
      floordiv: c("hp").floordiv(7),
      pow: c("cyl").pow(2),
      neg_mod: c("hp").neg().mod(7),
      rsub: c("mpg").rsub(100),
    });
    frameEqual(df.head(8), F("arith"));
  });
  it("arithmetic propagates NaN", () =>
    frameEqual(
      new DataFrame({ sum: aq.col("Ozone").add(aq.col("Solar.R")), ratio: aq.col("Ozone").div(aq.col("Wind")) }).head(8),
      F("arith_na"),
    ));
  it("string + string concatenates", () =>
    seriesEqual(wb.col("wool").add("-").add(wb.col("tension")).head(4), S("string_concat"), { name: false }));
  it("round half to even", () => seriesEqual(mt.col("wt").mul(1.2345).round(2).head(6), S("round")));
  it("astype", () => frameEqual(mt.astype({ cyl: "float64", hp: "string", am: "bool" }).select("cyl", "hp", "am").head(4), F("astype")));
  it("astype category", () => seriesEqual(wb.col("tension").astype("category").head(4), S("astype_category")));
});

describe("apply, map, where, mask", () => {
  it("apply row-wise", () => seriesEqual(mt.apply((r) => (r.hp as number) / (r.wt as number), { axis: 1 }).head(6), S("apply_rows")));
  it("apply column-wise", () =>
    seriesEqual(
      mt.select("mpg", "hp", "wt").apply((c) => (c.max() as number) - (c.min() as number)),
      S("apply_cols"),
    ));
  it("map with a lookup", () => seriesEqual(wb.col("tension").map({ L: "low", M: "medium", H: "high" }).head(6), S("map_series")));
  it("map with a function", () =>
    seriesEqual(
      mt
        .col("mpg")
        .map((v) => (v as number) * 2)
        .head(4),
      S("map_fn"),
    ));
  it("element-wise map of a frame", () =>
    frameEqual(
      mt
        .select("mpg", "wt")
        .head(3)
        .map((v) => (v as number) * 10),
      F("applymap"),
    ));
  it("where", () => seriesEqual(mt.col("mpg").where(mt.col("mpg").gt(20)).head(8), S("where")));
  it("where with other", () => seriesEqual(mt.col("mpg").where(mt.col("mpg").gt(20), 0).head(8), S("where_other")));
  it("mask", () => seriesEqual(mt.col("hp").mask(mt.col("hp").gt(150), -1).head(8), S("mask")));
  it("frame where with a bool frame", () => {
    const d = mt.select("mpg", "hp").head(5);
    frameEqual(d.where(new DataFrame({ mpg: d.col("mpg").gt(100), hp: d.col("hp").gt(100) })), F("frame_where"));
  });
});

describe("sorting matches pandas (stable)", () => {
  it("several keys, ascending per key", () =>
    frameEqual(mt.sortValues(["cyl", "mpg"], { ascending: [true, false] }).select("model", "cyl", "mpg"), F("sort_multi")));
  it("descending", () => frameEqual(mt.sortValues("hp", { ascending: false }).select("model", "hp").head(10), F("sort_desc")));
  it("NaN last", () => frameEqual(aq.sortValues("Ozone"), F("sort_na_last")));
  it("NaN first, two keys", () => frameEqual(aq.sortValues(["Solar.R", "Day"], { naPosition: "first" }).head(10), F("sort_na_first")));
  it("strings", () => frameEqual(mt.sortValues("model").select("model").head(8), F("sort_strings")));
  it("sortIndex", () => frameEqual(mt.sortValues("mpg").sortIndex().head(5), F("sort_index")));
  it("sortIndex of labels, descending", () => frameEqual(m.sortIndex({ ascending: false }).select("mpg").head(5), F("sort_index_labels")));
  it("nlargest", () => frameEqual(mt.nlargest(5, "mpg"), F("nlargest")));
  it("nsmallest on two columns", () => frameEqual(mt.nsmallest(6, ["cyl", "qsec"]), F("nsmallest_multi")));
  it("Series.nlargest skips NaN", () => seriesEqual(aq.col("Ozone").nlargest(4), S("series_nlargest")));
});

describe("duplicates and sampling", () => {
  it("duplicated", () => seriesEqual(wb.duplicated(["wool", "tension"]).head(20), S("duplicated")));
  it("duplicated keep last", () => seriesEqual(mt.duplicated(["cyl", "gear"], "last"), S("duplicated_last")));
  it("duplicated keep false", () => seriesEqual(mt.duplicated(["cyl", "gear"], false), S("duplicated_false")));
  it("dropDuplicates", () => frameEqual(wb.dropDuplicates(["wool", "tension"]), F("drop_duplicates")));
  it("dropDuplicates keep last", () => frameEqual(titanic.dropDuplicates(["Class", "Survived"], "last"), F("drop_duplicates_rows")));
  it("sample: seeded, without repeats, rows unchanged (checked against pandas' rows)", () => {
    const all = F("sample_rows");
    const a = mt.sample({ n: 8, seed: 42 }),
      b = mt.sample({ n: 8, seed: 42 });
    assert.deepEqual(a.indexValues(), b.indexValues());
    const idx = a.indexValues() as number[];
    assert.equal(new Set(idx).size, 8);
    frameEqual(a, { ...all, index: idx, data: all.data.map((c) => idx.map((i) => c[i])) });
    assert.equal(mt.sample({ frac: 0.5, seed: 1 }).length, 16);
    assert.equal(mt.sample({ n: 100, replace: true, seed: 1 }).length, 100);
  });
});

describe("selecting: errors", () => {
  it("unknown columns in select, drop, rename, sortValues", () => {
    throwsFrame(() => mt.select("mpg", "nope"), /select: no column named "nope"/);
    throwsFrame(() => mt.drop("nope"), /drop: no column named "nope"/);
    throwsFrame(() => mt.rename({ nope: "x" }), /rename: no column named "nope"/);
    throwsFrame(() => mt.sortValues("nope"), /sortValues: no column named "nope"/);
  });
  it("arithmetic on text names both sides", () =>
    throwsFrame(() => mt.col("model").mul(mt.col("mpg")), /mul: cannot compute "model" \(string\) \* column "mpg" \(float64\)/));
  it("comparing text with a number", () => throwsFrame(() => mt.col("model").gt(3), /cannot compare "model" \(string\) > 3/));
  it("a mask of the wrong length", () => throwsFrame(() => mt.filter([true, false]), /the mask has 2 rows but the frame has 32/));
  it("a mask that is not bool", () => throwsFrame(() => mt.filter(mt.col("mpg")), /"mpg" is float64, but a mask must be bool/));
  it("Series of different lengths align by label (missing where one side lacks the row)", () => {
    const sum = mt.col("mpg").add(mt.col("hp").head(3)).toArray();
    assert.equal(sum.length, 32);
    assert.equal(sum[2], 22.8 + 93);
    assert.ok(Number.isNaN(sum[3]));
  });
  it("an unknown label", () => throwsFrame(() => m.loc("Batmobile"), /label "Batmobile" is not in the index/));
  it("iloc out of range", () => throwsFrame(() => mt.iloc([40]), /position 40 is out of range for 32 rows/));
  it("astype of bad text names the row", () =>
    throwsFrame(() => mt.astype({ model: "float64" }), /column "model" row 0: cannot convert "Mazda RX4" to float64/));
  it("duplicate column names", () => throwsFrame(() => mt.rename({ hp: "mpg" }), /column name "mpg" appears twice/));
  it("sample more rows than exist", () => throwsFrame(() => mt.sample({ n: 40 }), /cannot take 40 rows from 32 without replacement/));
  it("constructor with ragged columns", () =>
    throwsFrame(() => new DataFrame({ a: [1, 2], b: [1] }), /column "b" has 1 rows but "a" has 2/));
  it("a column mixing types", () => throwsFrame(() => new Series([1, "a"], { name: "x" }), /column "x" mixes numbers and strings/));
});
