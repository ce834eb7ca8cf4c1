// Time and order against pandas: shift, diff, pctChange, cumulative ops, rolling (minPeriods,
// center), expanding, ewm mean, resample (D/W/M/MS/Q/Y/H), and the dt and str accessors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, Series } from "../index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("time", n);
const S = (n: string) => pandasCase<EncSeries>("time", n);
const air = dataset("airline-passengers", { parseDates: ["month"] });
const p = air.col("passengers");
const aq = dataset("airquality"),
  eu = dataset("eu-stock-markets"),
  mt = dataset("mtcars");
const oz = aq.col("Ozone");

describe("shift, diff, pctChange, cumulative ops match pandas", () => {
  it("shift", () => frameEqual(new DataFrame({ s1: p.shift(), s_neg: p.shift(-2), fill: p.shift(1, 0) }).head(6), F("shift")));
  it("diff", () => frameEqual(new DataFrame({ d1: p.diff(), d12: p.diff(12) }).head(14), F("diff")));
  it("pctChange", () => seriesEqual(p.pctChange().head(6), S("pct_change")));
  it("pctChange fills gaps forward first (pandas 1.x)", () => seriesEqual(oz.pctChange().head(12), S("pct_change_na")));
  it("cumsum, cumprod, cummax, cummin", () =>
    frameEqual(
      new DataFrame({ cumsum: p.cumsum(), cumprod: p.div(100).cumprod(), cummax: p.cummax(), cummin: p.cummin() }).head(12),
      F("cum"),
    ));
  it("cumulative ops skip NaN", () => frameEqual(new DataFrame({ cumsum: oz.cumsum(), cummax: oz.cummax() }).head(12), F("cum_na")));
  it("frame cumsum", () => frameEqual(aq.head(6).cumsum(), F("frame_cumsum")));
});

describe("windows match pandas", () => {
  for (const agg of ["mean", "sum", "std", "min", "max"] as const) {
    it(`rolling(12).${agg}`, () => seriesEqual(p.rolling(12)[agg](), S(`rolling_12_${agg}`), { rtol: 1e-9 }));
  }
  it("rolling with minPeriods and center", () =>
    seriesEqual(oz.rolling(5, { minPeriods: 2, center: true }).mean().head(20), S("rolling_minp_center")));
  it("rolling, even window, center", () => seriesEqual(p.rolling(4, { center: true }).sum().head(10), S("rolling_even_center")));
  it("rolling on a frame", () => frameEqual(eu.select("DAX", "FTSE").rolling(3).mean().head(6), F("rolling_frame")));
  it("expanding mean", () => seriesEqual(oz.expanding().mean().head(15), S("expanding_mean")));
  it("expanding max with minPeriods", () => seriesEqual(p.expanding(3).max().head(6), S("expanding_max_minp")));
  it("ewm span", () => seriesEqual(p.ewm({ span: 12 }).mean(), S("ewm_span")));
  it("ewm alpha, adjust false, NaN", () => seriesEqual(oz.ewm({ alpha: 0.3, adjust: false }).mean().head(30), S("ewm_alpha_noadjust")));
  it("ewm com with NaN", () => seriesEqual(oz.ewm({ com: 2 }).mean().head(30), S("ewm_com_na")));
});

describe("resample matches pandas", () => {
  const flat = (df: DataFrame) => df.resetIndex();
  it("quarterly sums", () => frameEqual(flat(air.resample("Q", { on: "month" }).sum()), F("resample_q_sum")));
  it("yearly means", () => frameEqual(flat(air.resample("Y", { on: "month" }).mean()), F("resample_y_mean")));
  it("month starts, max", () => frameEqual(flat(air.head(13).resample("MS", { on: "month" }).max()), F("resample_ms_max")));
  const start = Date.UTC(2024, 0, 1);
  const days = new DataFrame(
    {
      day: [...Array.from({ length: 40 }, (_, i) => new Date(start + i * 86400000)), new Date(Date.UTC(2024, 2, 20))],
      v: Array.from({ length: 41 }, (_, i) => i % 7),
    },
    { dtypes: { v: "float64" } },
  );
  it("weeks ending Sunday, with empty weeks", () => frameEqual(flat(days.resample("W", { on: "day" }).sum()), F("resample_w_sum")));
  it("month ends, mean", () => frameEqual(flat(days.resample("M", { on: "day" }).mean()), F("resample_m_mean")));
  const hours = new DataFrame(
    { t: ["2024-05-01 00:10", "2024-05-01 00:50", "2024-05-01 03:05", "2024-05-02 23:59:59"], v: [1.0, 2.0, 3.0, 4.0] },
    { dtypes: { t: "datetime", v: "float64" } },
  );
  it("days, count", () => frameEqual(flat(hours.resample("D", { on: "t" }).count()), F("resample_d_count")));
  it("hours, sum", () => frameEqual(flat(hours.head(3).resample("H", { on: "t" }).sum()), F("resample_h_sum")));
  it("dt accessors", () => {
    const d = air.col("month").dt;
    frameEqual(
      new DataFrame({ year: d.year, month: d.month, day: d.day, dayofweek: d.dayofweek, quarter: d.quarter, dayofyear: d.dayofyear }).head(
        14,
      ),
      F("dt"),
    );
  });
  it("dt hour, minute, second", () => {
    const d = hours.col("t").dt;
    frameEqual(new DataFrame({ hour: d.hour, minute: d.minute, second: d.second }), F("dt_hour"));
  });
  it("dt strftime", () => seriesEqual(air.col("month").dt.strftime("%Y/%m").head(3), S("dt_strftime")));
});

describe("str accessor matches pandas", () => {
  const s = mt.col("model");
  it("lower, upper, len, contains, startsWith, endsWith, replace, slice, get, title", () => {
    const df = new DataFrame({
      lower: s.str.lower(),
      upper: s.str.upper(),
      len: s.str.len(),
      contains: s.str.contains("Merc"),
      contains_ci: s.str.contains("merc", { case: false }),
      startswith: s.str.startsWith("Merc"),
      endswith: s.str.endsWith("C"),
      replace: s.str.replace(" ", "_"),
      slice: s.str.slice(0, 4),
      get0: s.str.get(0),
      title: s.str.lower().str.title(),
    });
    frameEqual(df.head(12), F("str"));
  });
  it("strip with missing values", () => seriesEqual(new Series(["  a ", "b  ", "  c", null]).str.strip(), S("str_strip")));
  it("split into columns", () => frameEqual(s.head(6).str.split(" "), F("str_split")));
  it("split with n", () => frameEqual(s.head(6).str.split(" ", { n: 1 }), F("str_split_n")));
  it("contains with a regex", () => seriesEqual(s.str.contains("^[A-F]", { regex: true }).head(10), S("str_contains_regex")));
  it("len of missing is NaN", () => seriesEqual(new Series(["ab", null, "cde"]).str.len(), S("str_len_na")));
});

describe("time and order: errors", () => {
  it("str on numbers", () => throwsFrame(() => p.str, /column "passengers" is int64; the str accessor needs a string column/));
  it("dt on text", () => throwsFrame(() => mt.col("model").dt, /the dt accessor needs a datetime column/, /parseDates/));
  it("resample on a non-date column", () =>
    throwsFrame(() => mt.resample("M", { on: "mpg" }), /column "mpg" is float64, but resample needs datetimes/));
  it("an unknown resample rule", () => throwsFrame(() => air.resample("fortnight", { on: "month" }), /unknown rule "fortnight"/));
  it("a bad window", () => throwsFrame(() => p.rolling(0), /window must be a positive integer, got 0/));
  it("ewm with two parameters", () =>
    throwsFrame(() => p.ewm({ span: 3, alpha: 0.5 }), /exactly one of span, com, halflife or alpha \(got span, alpha\)/));
  it("rolling on text", () => throwsFrame(() => mt.col("model").rolling(2).mean(), /"model" is string; window aggregates need numbers/));
  void assert;
});
