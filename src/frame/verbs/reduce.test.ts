// Whole-frame reductions (df.sum()... over axis 0 and 1, skipna, quantile), df.isna().sum(),
// frame arithmetic (scalar, Series of column labels, frame), Series.quantile with a list,
// df.dtypes and astype("str"), each against pandas 1.5 (test/fixtures/pandas/reduce.json, from
// scripts/fixtures/make_frame_reduce_refs.py). Values to 1e-12 relative, index labels, dtypes.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, Series, type Scalar } from "../index.js";
import { pandasDtype } from "./describe.js";
import { type EncFrame, type EncSeries, cellEqual, dataset, pandasCases, throwsFrame } from "../testing.test.js";

const RTOL = 1e-12;
const cases = pandasCases("reduce");
const c = <T>(name: string): T => {
  const x = cases[name];
  assert.ok(x !== undefined, `no case ${name}`);
  return x as T;
};

// the frames of make_frame_reduce_refs.py
const frames: Record<string, DataFrame> = {
  iris: dataset("iris"),
  mtcars: dataset("mtcars"),
  airquality: dataset("airquality"),
  small: new DataFrame(
    { i: [1, 2, 3, 4], f: [1.5, NaN, -2.25, 10], b: [true, false, true, true], s: ["x", null, "z", "x"], n: [NaN, NaN, NaN, NaN] },
    { dtypes: { n: "float64" } },
  ),
  ints: new DataFrame({ a: [3, -1, 7, 7, 0], b: [10, 20, 30, 40, 50] }),
  bools: new DataFrame({ p: [true, false, true], q: [false, false, true] }),
  text: new DataFrame({ t: ["a", "b"], u: ["x", null] }),
};

/** pandas' object results (bool mixed with numbers) hold True/False where tensorloom holds 0/1. */
function expectedCell(v: unknown, actual: Scalar): unknown {
  return typeof v === "boolean" && typeof actual === "number" ? Number(v) : v;
}

function checkSeries(actual: Series, e: EncSeries, label: string): void {
  assert.equal(actual.name, e.name, `${label}: name`);
  // pandas says object where bools mix with numbers; tensorloom gives numbers (see DataFrame.min)
  if (e.dtype !== "object" || actual.dtype === "string") assert.equal(pandasDtype(actual.col), e.dtype, `${label}: dtype`);
  assert.equal(actual.length, e.values.length, `${label}: length`);
  const idx = actual.indexValues(),
    vals = actual.toArray();
  e.index.forEach((v, i) => cellEqual(idx[i]!, v, `${label}: index[${i}]`));
  e.values.forEach((v, i) => cellEqual(vals[i]!, expectedCell(v, vals[i]!), `${label}: [${i}] (${String(idx[i])})`, RTOL, 1e-12));
}

function checkFrame(actual: DataFrame, e: EncFrame, label: string): void {
  assert.deepEqual(actual.columns, e.columns, `${label}: columns`);
  assert.equal(actual.length, e.index.length, `${label}: rows`);
  const idx = actual.indexValues();
  e.index.forEach((v, i) => cellEqual(idx[i]!, v, `${label}: index[${i}]`));
  e.columns.forEach((k, j) => {
    const col = actual.data[j]!;
    const allMissing = e.data[j]!.every((v) => v === null);
    // a text column without a partner is all missing: pandas keeps object, tensorloom float64
    if (!(e.dtypes[j] === "object" && allMissing)) assert.equal(pandasDtype(col), e.dtypes[j], `${label}: dtype of ${k}`);
    const vals = Series.fromColumn(col).toArray();
    e.data[j]!.forEach((v, i) => cellEqual(vals[i]!, v, `${label}: ${k}[${i}]`, RTOL, 1e-12));
  });
}

const OPS = ["sum", "mean", "std", "var", "min", "max", "median"] as const;

for (const op of [...OPS, "count"] as const) {
  describe(`DataFrame.${op} (pandas numeric_only=True${op === "count" ? "; count: every column" : ""})`, () => {
    for (const [name, df] of Object.entries(frames)) {
      for (const axis of [0, 1] as const) {
        it(`${name}, axis ${axis}`, () => checkSeries(df[op]({ axis }), c(`${op}_${name}_axis${axis}`), `${op} ${name} axis ${axis}`));
        if (op !== "count" && `${op}_${name}_axis${axis}_noskip` in cases) {
          it(`${name}, axis ${axis}, skipna false`, () =>
            checkSeries(df[op]({ axis, skipna: false }), c(`${op}_${name}_axis${axis}_noskip`), `${op} ${name} axis ${axis} noskip`));
        }
      }
    }
  });
}

describe("DataFrame.quantile (numeric_only=True)", () => {
  for (const name of ["iris", "mtcars", "airquality", "ints"]) {
    const df = frames[name]!;
    it(`${name}: one q, axis 0 -> Series named after q`, () => checkSeries(df.quantile(0.3), c(`quantile_${name}_axis0_q`), `${name} q`));
    it(`${name}: list, axis 0 -> frame indexed by q`, () =>
      checkFrame(df.quantile([0.1, 0.5, 0.9]), c(`quantile_${name}_axis0_list`), `${name} list`));
    it(`${name}: one q, axis 1`, () => checkSeries(df.quantile(0.75, { axis: 1 }), c(`quantile_${name}_axis1_q`), `${name} q axis 1`));
    it(`${name}: list, axis 1 -> columns are the row labels`, () =>
      checkFrame(df.quantile([0.25, 1], { axis: "columns" }), c(`quantile_${name}_axis1_list`), `${name} list axis 1`));
  }
  it("refuses q outside [0, 1] and a bad axis", () => {
    throwsFrame(() => frames.ints!.quantile([0.5, 1.5]), /q must be in \[0, 1\], got 1\.5/);
    throwsFrame(() => frames.ints!.sum({ axis: 2 as 0 }), /axis must be 0/);
  });
});

describe("df.isna().sum() counts missing values per column", () => {
  for (const name of Object.keys(frames))
    it(name, () => checkSeries(frames[name]!.isna().sum(), c(`isna_sum_${name}`), `isna sum ${name}`));
});

describe("frame arithmetic (columns matched by label)", () => {
  for (const name of Object.keys(frames)) {
    it(`${name} - ${name}.mean() (a Series of column labels)`, () =>
      checkFrame(frames[name]!.sub(frames[name]!.mean()), c(`sub_mean_${name}`), `sub mean ${name}`));
  }
  const aq = frames.airquality!,
    ints = frames.ints!;
  it("airquality / airquality.std()", () => checkFrame(aq.div(aq.std()), c("div_std_airquality"), "div std"));
  it("mtcars (numeric) * 2.5", () => checkFrame(frames.mtcars!.drop("model").mul(2.5), c("mul_scalar_mtcars"), "mul scalar"));
  it("ints + 3 stays int64", () => checkFrame(ints.add(3), c("add_scalar_ints"), "add scalar"));
  it("small[i, f, b] - 1", () => checkFrame(frames.small!.select("i", "f", "b").sub(1), c("sub_scalar_small"), "sub scalar"));
  it("10 - ints (rsub)", () => checkFrame(ints.rsub(10), c("rsub_scalar_ints"), "rsub"));
  it("ints / 4", () => checkFrame(ints.div(4), c("div_scalar_ints"), "div scalar"));
  it("airquality + airquality", () => checkFrame(aq.add(aq), c("add_frame_airquality"), "add frame"));
  it("ints * ints", () => checkFrame(ints.mul(ints), c("mul_frame_ints"), "mul frame"));
  it("airquality / airquality reversed (rows by position)", () => {
    const rev = aq.take(Int32Array.from({ length: aq.length }, (_, i) => aq.length - 1 - i)).resetIndex({ drop: true });
    checkFrame(aq.div(rev), c("div_frame_airquality"), "div frame");
  });
  it("frames with different columns: sorted union, NaN where one side lacks a column", () =>
    checkFrame(aq.select("Ozone", "Wind").sub(aq.select("Wind", "Temp")), c("sub_frame_partial"), "sub frame partial"));
  it("a Series with other labels: sorted union", () =>
    checkFrame(
      aq.select("Wind", "Ozone", "Temp").sub(new Series([1.0, 2.0, 3.0], { index: ["Temp", "Wind", "Extra"], dtype: "float64" })),
      c("sub_series_partial"),
      "sub series partial",
    ));
  it("a Series with the same labels in another order", () =>
    checkFrame(ints.add(new Series([1, 2], { index: ["b", "a"] })), c("add_series_reordered"), "add series reordered"));
  it("an int Series keeps int columns int64", () =>
    checkFrame(ints.mul(new Series([2, 3], { index: ["a", "b"] })), c("mul_series_int"), "mul series int"));
  it('axis index: df.div(df.sum({ axis: 1 }), { axis: "index" })', () =>
    checkFrame(aq.div(aq.sum({ axis: 1 }), { axis: "index" }), c("div_rowsum_airquality"), "div rowsum"));
  it("axis index: ints minus the row means", () =>
    checkFrame(ints.sub(ints.mean({ axis: 1 }), { axis: "index" }), c("sub_rowmean_ints"), "sub rowmean"));
  it("axis 0: row maxima minus ints (rsub), int64", () =>
    checkFrame(ints.rsub(ints.max({ axis: 1 }), { axis: 0 }), c("rsub_rowmax_ints"), "rsub rowmax"));
  it("errors name the problem", () => {
    throwsFrame(
      () => ints.sub(ints.sum(), { axis: "index" }),
      /sub: the operands are aligned by row label, but the left index holds int64 labels \(RangeIndex\(start=0, stop=5\)\) and the right string labels/,
    );
    throwsFrame(() => ints.add(new Series([1, 2], { index: ["a", "a"] })), /repeats the label "a"/);
    throwsFrame(() => frames.small!.add(1), /"s"/);
  });
});

describe("Series.quantile with a list -> a Series indexed by q", () => {
  it("mtcars.mpg", () => checkSeries(frames.mtcars!.col("mpg").quantile([0.1, 0.5]), c("series_quantile_mpg"), "mpg"));
  it("airquality.Ozone (missing skipped)", () =>
    checkSeries(frames.airquality!.col("Ozone").quantile([0, 0.25, 0.5, 0.75, 1]), c("series_quantile_ozone"), "ozone"));
  it("ints.a", () => checkSeries(frames.ints!.col("a").quantile([0.2, 0.9]), c("series_quantile_ints"), "ints"));
  it("one q still gives a number", () => assert.equal(frames.ints!.col("a").quantile(0.5), 3));
  it("refuses q outside [0, 1]", () => throwsFrame(() => frames.ints!.col("a").quantile([0.1, 2]), /got 2/));
});

describe("dtypes and astype('str')", () => {
  const asPandas = (s: Series) =>
    new Series(
      s.toArray().map((d) => (d === "string" ? "object" : d)),
      { index: s.indexValues() },
    );
  it("mtcars.dtypes in column order", () => checkSeries(asPandas(frames.mtcars!.dtypes), c("dtypes_mtcars"), "dtypes mtcars"));
  it("numeric-looking column names keep their place", () => {
    const odd = new DataFrame({ b: [1.5], "3": [1], "4": ["x"], a: [true] }, {});
    // JS objects put "3", "4" first; build the frame in pandas' order
    const ordered = DataFrame.fromColumns(
      ["b", "3", "4", "a"],
      ["b", "3", "4", "a"].map((k) => odd.col(k).col),
    );
    checkSeries(asPandas(ordered.dtypes), c("dtypes_numeric_names"), "dtypes numeric names");
    assert.equal(ordered.dtypes.at("4"), "string");
  });
  it("astype('str') of ints", () =>
    checkSeries(frames.ints!.col("a").rename(null).astype("str").rename("a"), c("astype_str_ints"), "astype str ints"));
  it("astype('str') of floats", () =>
    checkSeries(new Series([1.5, 2.0, -0.25], { name: "x" }).astype("str"), c("astype_str_floats"), "astype str floats"));
  it("DataFrame.astype('str') and per column", () => {
    assert.deepEqual(frames.ints!.astype("str").dtypes.toArray(), ["string", "string"]);
    assert.deepEqual(frames.ints!.astype({ b: "str" }).dtypes.toArray(), ["int64", "string"]);
  });
});
