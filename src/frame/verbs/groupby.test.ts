// groupby (every aggregate, several keys, dict/list/named aggregations, transform, apply,
// filter) and reshaping (pivotTable, pivot, melt, crosstab) against pandas (reset_index form).

import { describe, it } from "node:test";
import { DataFrame, crosstab } from "../index.js";
import { dataset, pick, frameEqual, seriesEqual, pandasCase, throwsFrame, type EncFrame, type EncSeries } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("group", n);
const mt = dataset("mtcars"),
  aq = dataset("airquality"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts"),
  iris = dataset("iris"),
  eu = dataset("eu-stock-markets"),
  co2 = dataset("co2-mauna-loa");
const num = mt.drop("model");

describe("groupby aggregates match pandas", () => {
  for (const agg of ["sum", "mean", "count", "min", "max", "std", "var", "median", "first", "last", "nunique", "prod"] as const) {
    it(agg, () => {
      // pandas' int64 products overflow and wrap around (hp, disp); tensorloom's float result does not, so prod compares the float columns
      const e = F(`mtcars_cyl_${agg}`);
      const cols = agg === "prod" ? ["cyl", ...e.columns.filter((_, j) => e.dtypes[j] === "float64")] : e.columns;
      frameEqual(
        num
          .groupby("cyl")
          .agg(agg)
          .select(...cols),
        pick(e, cols),
        { index: false },
      );
    });
  }
  it("size", () => frameEqual(mt.groupby("cyl").size(), F("mtcars_cyl_size")));
  it("two keys", () => frameEqual(num.groupby(["cyl", "am"]).mean(), F("mtcars_two_keys_mean")));
  it("per-column aggregates", () => frameEqual(mt.groupby("gear").agg({ mpg: "mean", hp: ["min", "max"] }), F("mtcars_agg_dict")));
  it("named aggregations", () =>
    frameEqual(
      mt.groupby("cyl").agg({
        avg_mpg: { column: "mpg", aggfunc: "mean" },
        n: { column: "model", aggfunc: "count" },
        top_hp: { column: "hp", aggfunc: "max" },
      }),
      F("mtcars_named_agg"),
    ));
  it("a list for every column", () => frameEqual(mt.select("cyl", "mpg", "wt").groupby("cyl").agg(["mean", "std"]), F("mtcars_agg_list")));
  it("missing values are skipped", () => frameEqual(aq.groupby("Month").mean(), F("airquality_month_mean")));
  it("count skips missing values", () => frameEqual(aq.groupby("Month").count(), F("airquality_month_count")));
  it("text keys", () => frameEqual(titanic.groupby(["Class", "Sex"]).select("Freq").sum(), F("titanic_class_sex_sum")));
  it("text aggregates", () =>
    frameEqual(wb.groupby("wool").agg({ tension: ["min", "max", "first", "last", "nunique"] }), F("warpbreaks_string_minmax")));
  it("transform with an aggregate", () =>
    frameEqual(mt.groupby("cyl").select("mpg", "hp").transform("mean").head(10), F("transform_mean")));
  it("transform with a function", () =>
    frameEqual(
      mt
        .groupby("cyl")
        .select("mpg")
        .transform((s) => s.sub(s.mean()))
        .head(10),
      F("transform_fn"),
    ));
  it("apply returning a value", () =>
    frameEqual(
      mt.groupby("cyl").apply((g) => (g.col("mpg").max() as number) - (g.col("mpg").min() as number)),
      F("apply_scalar"),
    ));
  it("filter groups", () =>
    frameEqual(
      mt
        .groupby("cyl")
        .filter((g) => g.length > 10)
        .select("model", "cyl"),
      F("filter"),
    ));
  it("sort: false keeps first appearance", () =>
    frameEqual(wb.groupby("tension", { sort: false }).select("breaks").sum(), F("groupby_nosort")));
  it("valueCounts over several columns", () =>
    seriesEqual(wb.valueCounts(["wool", "tension"]), pandasCase<EncSeries>("group", "value_counts_frame"), { index: false, name: false }));
});

describe("reshaping matches pandas", () => {
  it("pivotTable mean", () =>
    frameEqual(wb.pivotTable({ values: "breaks", index: "wool", columns: "tension", aggfunc: "mean" }), F("pivot_table_mean")));
  it("pivotTable margins", () =>
    frameEqual(
      wb.pivotTable({ values: "breaks", index: "wool", columns: "tension", aggfunc: "mean", margins: true }),
      F("pivot_table_margins"),
    ));
  it("pivotTable sum, two index keys, fillValue", () =>
    frameEqual(
      titanic
        .filter(titanic.col("Freq").gt(0))
        .pivotTable({ values: "Freq", index: ["Class", "Sex"], columns: "Age", aggfunc: "sum", fillValue: 0 }),
      F("pivot_table_sum_fill"),
    ));
  it("pivotTable with two value columns", () =>
    frameEqual(
      mt.pivotTable({ values: ["mpg", "hp"], index: "cyl", columns: "am", aggfunc: "max" }).select("cyl", "mpg_0", "mpg_1", "hp_0", "hp_1"),
      F("pivot_table_two_values"),
    ));
  it("pivot", () => {
    const y = co2.assign({ year: (d) => d.col("month").str.slice(0, 4).astype("int64"), mon: (d) => d.col("month").str.slice(5, 7) });
    frameEqual(y.filter(y.col("year").lt(1962)).pivot({ index: "year", columns: "mon", values: "ppm" }), F("pivot"));
  });
  it("melt with id and value columns", () => frameEqual(eu.head(4).melt({ idVars: ["t"], valueVars: ["DAX", "FTSE"] }), F("melt")));
  it("melt everything (mixed types become text)", () => {
    const e = F("melt_all");
    const py = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? v.toFixed(1) : String(v)) : v);
    frameEqual(iris.head(2).melt(), { ...e, data: e.data.map((c) => c.map(py)) }, { dtypes: false });
  });
  it("melt names", () =>
    frameEqual(
      mt
        .select("model", "mpg", "hp")
        .head(3)
        .melt({ idVars: ["model"], varName: "measure", valueName: "amount" }),
      F("melt_names"),
    ));
  it("crosstab counts", () => frameEqual(crosstab(wb.col("wool"), wb.col("tension")), F("crosstab")));
  it("crosstab of values", () =>
    frameEqual(
      crosstab(titanic.col("Class"), titanic.col("Survived"), { values: titanic.col("Freq"), aggfunc: "sum" }),
      F("crosstab_values"),
    ));
  it("crosstab normalize by row", () =>
    frameEqual(crosstab(mt.col("cyl"), mt.col("gear"), { normalize: "index" }), F("crosstab_normalize")));
  it("crosstab margins", () =>
    frameEqual(crosstab(mt.col("am").astype("string"), mt.col("gear"), { margins: true }), F("crosstab_margins")));
});

describe("grouping: errors", () => {
  it("an unknown key", () => throwsFrame(() => mt.groupby("cylinders"), /groupby: no column named "cylinders"/));
  it("an unknown aggregate", () => throwsFrame(() => mt.groupby("cyl").agg("average" as "mean"), /unknown aggregation "average"/));
  it("a numeric aggregate of text", () =>
    throwsFrame(() => mt.groupby("cyl").agg({ model: "mean" }), /cannot take mean of column "model", which is string/));
  it("pivot with repeated pairs", () =>
    throwsFrame(
      () => wb.pivot({ index: "wool", columns: "tension", values: "breaks" }),
      /index "A" and column "L" appear together in rows 0 and 1/,
      /pivotTable/,
    ));
  it("pivotTable on an unknown column", () =>
    throwsFrame(() => wb.pivotTable({ index: "wol", values: "breaks" }), /no column named "wol"/));
  it("crosstab of different lengths", () =>
    throwsFrame(() => crosstab(wb.col("wool").head(3), wb.col("tension")), /has 3 rows but "tension" has 54/));
  void DataFrame;
});
