// Series.resample against pandas 1.5 (test/fixtures/frame_series_resample.json, from
// scripts/fixtures/frame_series_resample.py): the rules H, D, W, M, MS, Q, Y (and A) with pandas'
// default closed/label, every aggregation of the Series resampler (sum, mean, min, max, count,
// first, last, median, std, var, nunique, size, ohlc, agg with one name, a list and a dict), on
// the shared data sets with dates and on hand-made series with gaps, irregular times and NaN.
// Also: df.resample and s.resample agree (one machinery), and bad input is refused clearly.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataFrame, Series } from "../index.js";
import { dateCol } from "../column.js";
import { labelIndex } from "../labels.js";
import { pandasDtype } from "./describe.js";
import { dataset, frameEqual, seriesEqual, throwsFrame } from "../testing.test.js";
import type { SeriesResampler } from "./resample.js";

interface Ix {
  name: string | null;
  dtype: string;
  labels: (number | null)[];
}
interface ES {
  kind: "series";
  name: string | null;
  dtype: string;
  index: Ix;
  values: unknown[];
}
interface EF {
  kind: "frame";
  columns: string[];
  dtypes: string[];
  index: Ix;
  data: unknown[][];
}
interface Case {
  data?: "airline" | "co2" | "airquality";
  column?: string;
  input?: { times: (number | null)[]; values: (number | null)[]; dtype: string; name: string | null; index_name: string | null };
  rule: string;
  results: Record<string, ES | EF>;
}

const fixture = JSON.parse(readFileSync(new URL("../../../test/fixtures/frame_series_resample.json", import.meta.url), "utf8")) as {
  pandas: string;
  cases: Record<string, Case>;
  frame: { input: { when: number[]; v: (number | null)[]; k: number[] }; rule: string; results: Record<string, EF> };
};

const air = dataset("airline-passengers", { parseDates: ["month"] })
  .setIndex("month")
  .col("passengers");
const co2 = dataset("co2-mauna-loa", { parseDates: ["month"] })
  .setIndex("month")
  .col("ppm");
const aqFrame = (() => {
  const aq = dataset("airquality");
  const m = aq.col("Month").toArray() as number[],
    d = aq.col("Day").toArray() as number[];
  // R's airquality is May-September 1973
  return aq
    .assign({
      date: new Series(
        m.map((mm, i) => new Date(Date.UTC(1973, mm - 1, d[i]!))),
        { dtype: "datetime" },
      ),
    })
    .setIndex("date");
})();

function input(c: Case): Series {
  if (c.data === "airline") return air;
  if (c.data === "co2") return co2;
  if (c.data === "airquality") return aqFrame.col(c.column!);
  const { times, values, dtype, name, index_name } = c.input!;
  const col = new Series(
    values.map((v) => v ?? NaN),
    { dtype: dtype as "float64" | "int64" },
  ).col;
  return Series.fromColumn(col, name, labelIndex(dateCol(Float64Array.from(times, (t) => t ?? NaN)), index_name));
}

function run(r: SeriesResampler, what: string): Series | DataFrame {
  switch (what) {
    case "ohlc":
      return r.ohlc();
    case "size":
      return r.size();
    case "agg_list":
      return r.agg(["sum", "mean", "max"]);
    case "agg_dict":
      return r.agg({ total: "sum", n: "count", top: "max" });
    case "agg_one":
      return r.agg("mean");
    default:
      return (r[what as "sum"] as () => Series).call(r);
  }
}

function indexEqual(actual: Series | DataFrame, e: Ix, label: string): void {
  const ix = actual.index;
  assert.equal(ix.kind, "labels", `${label}: a label index`);
  if (ix.kind !== "labels") return;
  assert.equal(ix.col.dtype, "datetime", `${label}: a datetime index (pandas ${e.dtype})`);
  assert.equal(ix.name, e.name, `${label}: index name`);
  assert.deepEqual(
    Array.from(ix.col.values),
    e.labels.map((t) => t ?? NaN),
    `${label}: bin labels`,
  );
}

function check(actual: Series | DataFrame, e: ES | EF, label: string): void {
  indexEqual(actual, e.index, label);
  if (e.kind === "series") {
    assert.ok(actual instanceof Series, `${label}: a Series`);
    seriesEqual(actual, { name: e.name, dtype: e.dtype, index: e.index.labels, values: e.values }, { label, rtol: 1e-12 });
  } else {
    assert.ok(actual instanceof DataFrame, `${label}: a DataFrame`);
    frameEqual(actual, { columns: e.columns, dtypes: e.dtypes, index: e.index.labels, data: e.data }, { label, rtol: 1e-12 });
  }
}

describe(`Series.resample matches pandas ${fixture.pandas} (frame_series_resample.json)`, () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${Object.keys(c.results).join(", ")}`, () => {
      const s = input(c);
      for (const [what, e] of Object.entries(c.results)) check(run(s.resample(c.rule), what), e, `${name}.${what}`);
    });
  }
  it("covers the data sets, every rule and every aggregation", () => {
    const cs = Object.values(fixture.cases);
    assert.deepEqual(new Set(cs.map((c) => c.data).filter(Boolean)), new Set(["airline", "co2", "airquality"]));
    assert.deepEqual(new Set(cs.map((c) => c.rule)), new Set(["H", "D", "W", "M", "MS", "Q", "Y", "A"]));
    const aggs = new Set(cs.flatMap((c) => Object.keys(c.results)));
    for (const a of [
      "sum",
      "mean",
      "min",
      "max",
      "count",
      "first",
      "last",
      "median",
      "std",
      "var",
      "nunique",
      "size",
      "ohlc",
      "agg_list",
      "agg_dict",
      "agg_one",
    ])
      assert.ok(aggs.has(a), a);
  });
});

describe("Series.resample and DataFrame.resample share one machinery", () => {
  const frame = dataset("airline-passengers", { parseDates: ["month"] });
  it("a frame's column resampled equals the Series resampled", () => {
    for (const agg of ["sum", "mean", "std", "first", "count"] as const) {
      const a = frame.resample("Q", { on: "month" })[agg]().col("passengers");
      const b = air.resample("Q")[agg]();
      assert.deepEqual(a.toArray(), b.toArray(), agg);
      assert.deepEqual(a.indexValues(), b.indexValues(), agg);
    }
  });
  it("the frame resampler gains var and size (pandas' DataFrame.resample(...).var() / .size())", () => {
    const e = fixture.cases.airline_Q!.results;
    const v = frame.resample("Q", { on: "month" }).var().col("passengers");
    seriesEqual(v, { ...(e.var as ES), index: (e.var as ES).index.labels }, { name: false, rtol: 1e-12 });
    const size = frame.resample("Q", { on: "month" }).size();
    assert.equal(size.name, null, "pandas leaves a frame's size unnamed");
    assert.deepEqual(size.toArray(), (e.size as ES).values);
    assert.equal(pandasDtype(size.col), "int64");
  });
  it("a frame with unsorted times aggregates in time order, as pandas (first, last, sum, var)", () => {
    const { input: inp, rule, results } = fixture.frame;
    const df = new DataFrame({ when: inp.when.map((t) => new Date(t)), v: inp.v.map((x) => x ?? NaN), k: inp.k });
    for (const [what, e] of Object.entries(results)) {
      const got = (df.resample(rule, { on: "when" })[what as "sum"] as () => DataFrame)();
      indexEqual(got, e.index, `frame.${what}`);
      frameEqual(
        got,
        { columns: e.columns, dtypes: e.dtypes, index: e.index.labels, data: e.data },
        { label: `frame.${what}`, rtol: 1e-12 },
      );
    }
  });
  it("first/last of an empty int bin are float64 NaN in the frame too, as pandas", () => {
    const c = fixture.cases.ints_gaps_M!;
    const s = input(c);
    const df = new DataFrame({ t: s.indexValues() as Date[], count: s.toArray() as number[] });
    frameEqual(
      df.resample("M", { on: "t" }).first(),
      (() => {
        const e = c.results.first as ES;
        return { columns: ["count"], dtypes: [e.dtype], index: e.index.labels, data: [e.values] };
      })(),
    );
  });
});

describe("Series.resample refuses bad input, naming the op, the input, the rule and the fix", () => {
  const dates = [new Date("2024-01-03"), new Date("2024-02-10")];
  it("a RangeIndex", () =>
    throwsFrame(
      () => new Series([1, 2], { name: "v" }).resample("M"),
      /^Series\.resample: /,
      /rule "M"/,
      /Series "v" with a RangeIndex/,
      /needs a datetime index/,
      /new Series\(values, \{ index: dates \}\)/,
    ));
  it("a text index", () =>
    throwsFrame(() => new Series([1, 2], { index: ["a", "b"] }).resample("D"), /rule "D"/, /an index of string/, /needs a datetime index/));
  it("a numeric index", () =>
    throwsFrame(() => dataset("mtcars").setIndex("mpg").col("hp").resample("Q"), /Series "hp" with an index of float64/));
  it("an unknown rule", () =>
    throwsFrame(
      () => new Series([1, 2], { index: dates }).resample("fortnight"),
      /^Series\.resample: unknown rule "fortnight"/,
      /Use "H", "D", "W", "M", "MS", "Q" or "Y"/,
    ));
  it("a multiple of a rule", () =>
    throwsFrame(() => new Series([1, 2], { index: dates }).resample("2D"), /unknown rule "2D"/, /multiples \("2D"\)/));
  it("an anchored week", () => throwsFrame(() => new Series([1, 2], { index: dates }).resample("W-MON"), /unknown rule "W-MON"/));
  it("the rule is checked before the index", () => throwsFrame(() => new Series([1, 2]).resample("X"), /unknown rule "X"/));
  it("closed/label other than the rule's default", () => {
    throwsFrame(() => air.resample("M", { closed: "left" }), /closed="left" is not supported for rule "M"/, /closed="right"/);
    throwsFrame(() => air.resample("D", { label: "right" }), /label="right" is not supported for rule "D"/, /label="left"/);
    assert.deepEqual(air.resample("M", { closed: "right", label: "right" }).sum().toArray(), air.resample("M").sum().toArray());
  });
  it("a numeric aggregate of text", () =>
    throwsFrame(
      () => new Series(["a", "b"], { index: dates, name: "w" }).resample("M").mean(),
      /cannot take mean of column "w", which is string/,
    ));
  it("text keeps count/first/last", () =>
    assert.deepEqual(new Series(["a", null, "b"], { index: [...dates, new Date("2024-02-11")] }).resample("M").last().toArray(), [
      "a",
      "b",
    ]));
  it("ohlc of text", () =>
    throwsFrame(
      () => new Series(["a", "b"], { index: dates, name: "w" }).resample("M").ohlc(),
      /ohlc needs numbers, but Series "w" is string/,
    ));
  it("an unknown aggregate name, alone or in a list", () => {
    throwsFrame(() => air.resample("Y").agg("average" as "mean"), /unknown aggregation "average"/);
    throwsFrame(() => air.resample("Y").agg(["sum", "average" as "mean"]), /unknown aggregation "average"/);
  });
  it("an empty list or dict", () => {
    throwsFrame(() => air.resample("Y").agg([]), /agg got an empty list/);
    throwsFrame(() => air.resample("Y").agg({}), /agg got an empty dict/);
  });
  it("a function aggregate, named by its name in a list (pandas: the function's __name__)", () => {
    const range = (v: (number | string)[]) => Math.max(...(v as number[])) - Math.min(...(v as number[]));
    const df = air.resample("Y").agg(["min", range]);
    assert.deepEqual(df.columns, ["min", "range"]);
    const y = air.resample("Y");
    assert.deepEqual(df.col("range").toArray(), y.max().sub(y.min()).toArray());
    assert.equal(df.col("range").iat(0), 148 - 104);
  });
});
