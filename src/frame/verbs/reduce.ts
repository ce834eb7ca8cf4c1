// Whole-frame reductions behind df.sum(), df.mean(), ..., df.quantile(): one value per column
// (axis 0, a Series indexed by column name, or by the column tuples under column levels) or one
// per row (axis 1, a Series on the frame's index). Only numeric columns take part (float64, int64, bool), as pandas' numeric_only=True;
// count counts every column, as pandas' count. The per-value work is aggregates.ts's, so
// df.sum() and df.col(k).sum() agree: axis 1 is the same aggregate over row groups.

import {
  type Column,
  type FrameDType,
  boolCol,
  cell,
  colLength,
  floatCol,
  intCol,
  isNumericDType,
  naMask,
  numericView,
  columnFromValues,
} from "../column.js";
import { aggregate, numericResult, oneGroup, quantiles } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { type Index, labelIndex, indexLabel, takeIndex } from "../labels.js";
import { axisNumber, selectColumnIndex } from "../multiIndex.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { newFrame, newSeries } from "../frames.js";

/** The reductions of DataFrame.sum/mean/std/var/min/max/count/median. */
export type FrameReduction = "sum" | "mean" | "std" | "var" | "min" | "max" | "count" | "median";

/** Options of the frame reductions: `axis` 0 (per column, default) or 1 (per row); `skipna` (default true) as pandas' skipna. */
export interface ReduceOptions {
  /** 0 or "index": one value per column (default); 1 or "columns": one value per row. */
  axis?: 0 | 1 | "index" | "columns";
  /** Skip missing values (default true); false: any missing value makes the result NaN. */
  skipna?: boolean;
}

/** Options of DataFrame.quantile: `axis` as the reductions (quantiles skip missing values, as pandas). */
export interface QuantileOptions {
  axis?: 0 | 1 | "index" | "columns";
}

/** The columns a reduction uses: numeric ones (count: all), with their positions. */
function columnsFor(df: DataFrame, spec: FrameReduction | "quantile"): { names: string[]; cols: Column[]; at: number[] } {
  const names: string[] = [],
    cols: Column[] = [],
    at: number[] = [];
  df.data.forEach((c, j) => {
    if (spec === "count" || isNumericDType(c.dtype)) {
      names.push(df.names[j]!);
      cols.push(c);
      at.push(j);
    }
  });
  return { names, cols, at };
}

/** The index of a per-column result: the columns' labels (their tuples under column levels, with the level names, as pandas), else their names. */
function columnLabels(op: string, df: DataFrame, names: readonly string[], at: readonly number[]): Index {
  const ci = df.columnIndex;
  return ci ? takeIndex(ci, Int32Array.from(at)) : labelIndex(columnFromValues(op, null, names, "string"));
}

/**
 * The dtype of the result: count int64; no columns float64; sum int64 when every column is int64 or bool without
 * missing values; min/max bool for all-bool columns, int64 for int-like ones; float64 otherwise.
 */
function resultDType(spec: FrameReduction, cols: readonly Column[]): FrameDType {
  if (spec === "count") return "int64";
  if (cols.length === 0) return "float64"; // pandas: no numeric columns give float64 (0.0 sums)
  const intLike = cols.every((c) => (c.dtype === "int64" || c.dtype === "bool") && !c.valid);
  if (spec === "sum") return intLike ? "int64" : "float64";
  if (spec === "min" || spec === "max")
    return cols.length && cols.every((c) => c.dtype === "bool" && !c.valid) ? "bool" : intLike ? "int64" : "float64";
  return "float64";
}

/** df.sum() and its siblings: see DataFrame.sum. */
export function reduceFrame(df: DataFrame, spec: FrameReduction, opts: ReduceOptions = {}): Series {
  const axis = axisNumber(spec, opts.axis);
  const skipna = opts.skipna ?? true;
  const { names, cols, at } = columnsFor(df, spec);
  const dtype = resultDType(spec, cols);
  if (axis === 0) {
    const out = new Float64Array(cols.length);
    cols.forEach((c, j) => {
      const n = colLength(c);
      if (!skipna && spec !== "count" && naMask(c).some((m) => m === 1)) {
        out[j] = NaN;
        return;
      }
      const v = cell(aggregate(spec, spec, c, names[j]!, oneGroup(n)), 0);
      out[j] = v === null ? NaN : Number(v);
    });
    return newSeries(numericResult(out, dtype), null, columnLabels(spec, df, names, at));
  }
  // axis 1: every value of the used columns in one column, grouped by row
  const rows = df.length,
    k = cols.length;
  const vals = new Float64Array(rows * k),
    ids = new Int32Array(rows * k);
  const rowHasNA = new Uint8Array(rows);
  cols.forEach((c, j) => {
    if (spec === "count") {
      const m = naMask(c);
      for (let i = 0; i < rows; i++) vals[j * rows + i] = m[i] ? NaN : 1;
    } else {
      const v = numericView(spec, c, names[j]!);
      vals.set(v, j * rows);
      for (let i = 0; i < rows; i++) if (v[i] !== v[i]) rowHasNA[i] = 1;
    }
    for (let i = 0; i < rows; i++) ids[j * rows + i] = i;
  });
  let out: Float64Array;
  if (spec === "median") out = rowQuantiles(vals, rows, k, [0.5], true)[0]!;
  else {
    const long: Column =
      dtype === "int64" && spec !== "count" ? intCol(vals) : dtype === "bool" ? boolCol(Uint8Array.from(vals)) : floatCol(vals);
    out = Float64Array.from(numericView(spec, aggregate(spec, spec, long, null, { ids, n: rows }), null));
  }
  if (!skipna && spec !== "count") for (let i = 0; i < rows; i++) if (rowHasNA[i]) out[i] = NaN;
  return newSeries(numericResult(out, dtype), null, df.index);
}

/** df.quantile(q) / df.quantile([q...]): see DataFrame.quantile. */
export function quantileFrame(df: DataFrame, q: number | readonly number[], opts: QuantileOptions = {}): Series | DataFrame {
  const axis = axisNumber("quantile", opts.axis);
  const qs = checkQuantiles("quantile", q);
  const { names, cols, at } = columnsFor(df, "quantile");
  let byQ: Float64Array[]; // byQ[t][j] = quantile qs[t] of result position j (a column, or a row)
  if (axis === 0) {
    byQ = qs.map(() => new Float64Array(cols.length));
    cols.forEach((c, j) =>
      quantiles(numericView("quantile", c, names[j]!), qs).forEach((x, t) => {
        byQ[t]![j] = x;
      }),
    );
  } else {
    const rows = df.length,
      k = cols.length;
    const vals = new Float64Array(rows * k);
    cols.forEach((c, j) => vals.set(numericView("quantile", c, names[j]!), j * rows));
    byQ = rowQuantiles(vals, rows, k, qs, false);
  }
  if (typeof q === "number") {
    return newSeries(floatCol(byQ[0]!), String(q), axis === 0 ? columnLabels("quantile", df, names, at) : df.index);
  }
  const labels = axis === 0 ? names : Array.from({ length: df.length }, (_, i) => String(indexLabel(df.index, i)));
  const data = labels.map((_, j) => floatCol(Float64Array.from(byQ, (o) => o[j]!)));
  return newFrame(labels, data, labelIndex(floatCol(Float64Array.from(qs))), axis === 0 ? selectColumnIndex(df.columnIndex, at) : null);
}

/**
 * Quantiles of each row of `vals` (column j of row i at j * rows + i), missing values skipped:
 * the row's few values are insertion-sorted in a scratch array, which is much faster than a
 * general quantile per row. Linear interpolation as quantileSorted; `median`: (a + b) / 2 for an
 * even count, as aggregates' median.
 */
function rowQuantiles(vals: Float64Array, rows: number, k: number, qs: readonly number[], median: boolean): Float64Array[] {
  const outs = qs.map(() => new Float64Array(rows));
  const a = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    let n = 0;
    for (let j = 0; j < k; j++) {
      const x = vals[j * rows + i]!;
      if (x !== x) continue;
      let p = n++;
      while (p > 0 && a[p - 1]! > x) {
        a[p] = a[p - 1]!;
        p--;
      }
      a[p] = x;
    }
    for (let t = 0; t < qs.length; t++) {
      if (n === 0) {
        outs[t]![i] = NaN;
        continue;
      }
      if (median) {
        const m = n >> 1;
        outs[t]![i] = n % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
        continue;
      }
      const pos = (n - 1) * qs[t]!,
        lo = Math.floor(pos),
        hi = Math.ceil(pos);
      outs[t]![i] = a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
    }
  }
  return outs;
}

/** q as a list, each in [0, 1]. */
export function checkQuantiles(op: string, q: number | readonly number[]): number[] {
  const qs = typeof q === "number" ? [q] : [...q];
  for (const x of qs)
    if (!(typeof x === "number" && x >= 0 && x <= 1))
      throw new FrameError(`${op}: q must be in [0, 1], got ${String(x)}. Pass a number or a list of numbers such as [0.25, 0.5, 0.75].`);
  return qs;
}
