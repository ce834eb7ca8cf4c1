// The verbs the pandas page steps through, each as the tensorloom/frame call it runs, the line of
// pandas it mirrors, the input tables and the result. `code` is the text of `run`'s body, kept
// beside it so that what the page shows is what it computes (Node tests check every result
// against pandas on the same CSVs: test/fixtures/lab_pandas_verbs.json).

import { type DataFrame, readCsv } from "../../../src/frame/index.js";

/** The CSV files the verbs read, by name (their text as shipped in lab/data). */
export const VERB_DATA = ["airquality", "iris", "tooth-growth", "supplements", "warpbreaks", "airline-passengers"] as const;
export type VerbDataName = (typeof VERB_DATA)[number];
export type VerbTexts = Record<VerbDataName, string>;

export interface VerbExample {
  verb: "read" | "select" | "filter" | "groupby" | "merge" | "pivot" | "rolling";
  /** What the verb does, in a sentence. */
  explain: string;
  /** The data sets shown as inputs. */
  inputs: VerbDataName[];
  /** The tensorloom/frame code (the body of run). */
  code: string;
  /** The same step in pandas. */
  pandas: string;
  run: (texts: VerbTexts) => DataFrame;
}

export const VERBS: readonly VerbExample[] = [
  {
    verb: "read",
    explain: "Parse CSV text into columns with one dtype each: numbers, text, and empty cells as missing (NaN).",
    inputs: ["airquality"],
    code: `readCsv(airqualityText)`,
    pandas: `pd.read_csv("airquality.csv")`,
    run: (t) => readCsv(t.airquality),
  },
  {
    verb: "select",
    explain: "Keep some columns, in the order asked for; every row stays.",
    inputs: ["iris"],
    code: `iris.select("Species", "Petal.Length", "Petal.Width")`,
    pandas: `iris[["Species", "Petal.Length", "Petal.Width"]]`,
    run: (t) => readCsv(t.iris).select("Species", "Petal.Length", "Petal.Width"),
  },
  {
    verb: "filter",
    explain: "Keep the rows where a boolean mask holds: hot days (Temp > 90) with an ozone reading. Rows keep their original labels.",
    inputs: ["airquality"],
    code: `airquality.filter((d) => d.col("Temp").gt(90).and(d.col("Ozone").notna()))`,
    pandas: `airquality[(airquality.Temp > 90) & airquality.Ozone.notna()]`,
    run: (t) => readCsv(t.airquality).filter((d) => d.col("Temp").gt(90).and(d.col("Ozone").notna())),
  },
  {
    verb: "groupby",
    explain: "Split the rows by key (supplement and dose), reduce each group (mean tooth length), and combine: one row per group.",
    inputs: ["tooth-growth"],
    code: `toothGrowth.groupby(["supp", "dose"]).agg({ len: "mean" })`,
    pandas: `tooth_growth.groupby(["supp", "dose"]).agg({"len": "mean"}).reset_index()`,
    run: (t) => readCsv(t["tooth-growth"]).groupby(["supp", "dose"]).agg({ len: "mean" }),
  },
  {
    verb: "merge",
    explain: "Join two tables on a shared key: each group mean gets the supplement's full name from a lookup table.",
    inputs: ["tooth-growth", "supplements"],
    code: `toothGrowth.groupby(["supp", "dose"]).agg({ len: "mean" })\n  .merge(supplements, { on: "supp", how: "left" })`,
    pandas: `tooth_growth.groupby(["supp", "dose"]).agg({"len": "mean"}).reset_index()\n  .merge(supplements, on="supp", how="left")`,
    run: (t) =>
      readCsv(t["tooth-growth"]).groupby(["supp", "dose"]).agg({ len: "mean" }).merge(readCsv(t.supplements), { on: "supp", how: "left" }),
  },
  {
    verb: "pivot",
    explain: "Spread one key across the columns: mean breaks with wool down the rows and tension across.",
    inputs: ["warpbreaks"],
    code: `warpbreaks.pivotTable({ values: "breaks", index: "wool", columns: "tension", aggfunc: "mean" })`,
    pandas: `warpbreaks.pivot_table(values="breaks", index="wool", columns="tension", aggfunc="mean").reset_index()`,
    run: (t) => readCsv(t.warpbreaks).pivotTable({ values: "breaks", index: "wool", columns: "tension", aggfunc: "mean" }),
  },
  {
    verb: "rolling",
    explain:
      "A moving window down the rows: the mean of the last 12 months, which removes the seasonal cycle (missing until 12 months exist).",
    inputs: ["airline-passengers"],
    code: `airline.assign({ rolling12: (d) => d.col("passengers").rolling(12).mean() })`,
    pandas: `airline.assign(rolling12=airline.passengers.rolling(12).mean())`,
    run: (t) => readCsv(t["airline-passengers"]).assign({ rolling12: (d) => d.col("passengers").rolling(12).mean() }),
  },
];

/**
 * The verbs on a learner's own CSV, choosing columns by dtype: the first text column is the key,
 * the first numeric one the value. Verbs that need what the table lacks are left out.
 */
export function ownVerbs(text: string): { verb: string; code: string; result: DataFrame }[] {
  const df = readCsv(text);
  const numeric = df.columns.filter((c) => ["float64", "int64"].includes(df.col(c).dtype));
  const textCol = df.columns.find((c) => ["string", "category"].includes(df.col(c).dtype));
  const q = (s: string): string => JSON.stringify(s);
  const out: { verb: string; code: string; result: DataFrame }[] = [{ verb: "read", code: "readCsv(text)", result: df }];
  const picked = df.columns.slice(0, Math.min(3, df.columns.length));
  out.push({ verb: "select", code: `df.select(${picked.map(q).join(", ")})`, result: df.select(...picked) });
  const v = numeric[0];
  if (v !== undefined) {
    const median = df.col(v).median();
    out.push({
      verb: "filter",
      code: `df.filter((d) => d.col(${q(v)}).gt(${median}))  // above the median`,
      result: df.filter((d) => d.col(v).gt(median)),
    });
    if (textCol !== undefined)
      out.push({
        verb: "groupby",
        code: `df.groupby(${q(textCol)}).agg({ ${q(v)}: "mean" })`,
        result: df.groupby(textCol).agg({ [v]: "mean" }),
      });
    out.push({
      verb: "rolling",
      code: `df.assign({ rolling3: (d) => d.col(${q(v)}).rolling(3).mean() })`,
      result: df.assign({ rolling3: (d) => d.col(v).rolling(3).mean() }),
    });
  }
  return out;
}
