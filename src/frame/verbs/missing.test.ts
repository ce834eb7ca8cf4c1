// Missing data against pandas: isna/notna, fillna (value, per column, ffill/bfill, limit),
// dropna (how, subset, thresh, axis) and linear interpolation.

import { describe, it } from "node:test";
import { Series } from "../index.js";
import { dataset, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("missing", n);
const S = (n: string) => pandasCase<EncSeries>("missing", n);
const aq = dataset("airquality");

describe("missing data matches pandas", () => {
  it("isna().sum() per column", () => {
    const sums = new Series(
      aq.columns.map((k) => aq.col(k).isna().sum()),
      { index: aq.columns, dtype: "int64" },
    );
    seriesEqual(sums, S("isna_sum"));
  });
  it("notna", () => frameEqual(aq.notna().head(6), F("notna_head")));
  it("fillna with a value", () => frameEqual(aq.fillna(0).head(8), F("fillna_value")));
  it("fillna per column", () => frameEqual(aq.fillna({ Ozone: aq.col("Ozone").mean(), "Solar.R": -1 }).head(8), F("fillna_per_column")));
  it("ffill", () => frameEqual(aq.ffill().head(12), F("ffill")));
  it("bfill", () => frameEqual(aq.fillna({ method: "bfill" }).head(12), F("bfill")));
  it("ffill with a limit", () => seriesEqual(aq.col("Ozone").ffill(1).iloc({ start: 40, end: 50 }), S("ffill_limit")));
  it("dropna (any)", () => frameEqual(aq.dropna(), F("dropna_any")));
  it("dropna how all over a subset", () => frameEqual(aq.dropna({ how: "all", subset: ["Ozone", "Solar.R"] }), F("dropna_all_subset")));
  it("dropna subset", () => frameEqual(aq.dropna({ subset: ["Solar.R"] }), F("dropna_subset")));
  it("dropna thresh", () => frameEqual(aq.dropna({ thresh: 6 }), F("dropna_thresh")));
  it("dropna columns", () => frameEqual(aq.dropna({ axis: 1 }).head(3), F("dropna_axis1")));
  it("interpolate a frame", () => frameEqual(aq.interpolate().head(30), F("interpolate")));
  it("interpolate a Series", () => seriesEqual(aq.col("Ozone").interpolate(), S("interpolate_series")));
  it("fillna on text", () => seriesEqual(new Series(["a", null, "b", null]).fillna("z"), S("fillna_strings")));
});

describe("missing data: errors", () => {
  it("a fill value of the wrong type names the column", () =>
    throwsFrame(() => aq.fillna({ Ozone: "none" }), /cannot fill column "Ozone" \(float64\) with "none"/));
  it("an unknown column in fillna / dropna", () => {
    throwsFrame(() => aq.fillna({ ozone: 0 }), /fillna: no column named "ozone"/, /Did you mean "Ozone"/);
    throwsFrame(() => aq.dropna({ subset: ["solar"] }), /dropna: no column named "solar"/);
  });
  it("interpolating text", () => throwsFrame(() => new Series(["a", null]).interpolate(), /needs numbers/));
});
