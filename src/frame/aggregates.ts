// Aggregate functions as data: each one reduces a column over groups (row -> group id) to one
// value per group. A whole-column reduction (series.sum()) is the one-group case, so Series,
// groupby, pivotTable, resample and rolling-free reductions share these definitions.
// Missing values are skipped, as pandas' skipna=True.

import {
  type Column,
  type FrameDType,
  boolCol,
  floatCol,
  intCol,
  isStringLike,
  naMask,
  numericView,
  quote,
  strCol,
  take,
  dateCol,
} from "./column.js";
import { FrameError } from "./errors.js";
import { textRanks } from "./sort.js";

/** The built-in aggregate names, as pandas' strings for agg ("sum", "mean", "count", "size", "nunique"...). */
export type AggName = "sum" | "mean" | "count" | "size" | "min" | "max" | "std" | "var" | "median" | "first" | "last" | "nunique" | "prod";
/** Every AggName, in a list (for checking user input). */
export const AGG_NAMES: readonly AggName[] = [
  "sum",
  "mean",
  "count",
  "size",
  "min",
  "max",
  "std",
  "var",
  "median",
  "first",
  "last",
  "nunique",
  "prod",
];

/** A user aggregate: gets the group's non-missing values (numbers; strings for text columns). */
export type AggFn = (values: (number | string)[]) => number | string;
/** One aggregate: a built-in name or a function of a group's non-missing values, as pandas' agg arguments. */
export type AggSpec = AggName | AggFn;

/** Groups of rows: ids[i] is row i's group in [0, n), or -1 to leave the row out. */
export interface Groups {
  readonly ids: Int32Array;
  readonly n: number;
}

export const oneGroup = (rows: number): Groups => ({ ids: new Int32Array(rows), n: 1 });

/** An aggregate's label in result names: its name, a function's name, or `anonymous` for an unnamed function (pandas' "<lambda>"). */
export const aggLabel = (spec: AggSpec, anonymous: string): string => (typeof spec === "string" ? spec : spec.name || anonymous);

export function checkAggName(op: string, spec: AggSpec): void {
  if (typeof spec === "string" && !AGG_NAMES.includes(spec)) {
    throw new FrameError(
      `${op}: unknown aggregation ${JSON.stringify(spec)}. Use one of ${AGG_NAMES.join(", ")}, or a function of the group's values.`,
    );
  }
}

/** Reduce `col` per group. The result has one row per group. */
export function aggregate(op: string, spec: AggSpec, col: Column, name: string | null, g: Groups): Column {
  checkAggName(op, spec);
  const { ids, n } = g;
  const rows = ids.length;
  if (typeof spec === "function") return custom(spec, col, name, g);
  if (spec === "size" || spec === "count") {
    const out = new Float64Array(n);
    if (spec === "size") {
      for (let i = 0; i < rows; i++) {
        const k = ids[i]!;
        if (k >= 0) out[k]!++;
      }
    } else {
      const missing = naMask(col);
      for (let i = 0; i < rows; i++) {
        const k = ids[i]!;
        if (k >= 0 && !missing[i]) out[k]!++;
      }
    }
    return intCol(out);
  }
  if (spec === "nunique") return nunique(col, g);
  if (spec === "first" || spec === "last") return firstLast(col, g, spec === "last");
  if (isStringLike(col)) {
    if (spec === "min" || spec === "max") return stringMinMax(col, g, spec === "max");
    throw new FrameError(
      `${op}: cannot take ${spec} of column ${quote(name)}, which is ${col.dtype}. ${spec} needs numbers; select numeric columns, or use count, nunique, first, last, min or max.`,
    );
  }
  if (col.dtype === "datetime") {
    if (spec === "min" || spec === "max" || spec === "mean" || spec === "median")
      return dateCol((aggregate(op, spec, floatCol(col.values), name, g) as { values: Float64Array }).values);
    throw new FrameError(`${op}: cannot take ${spec} of datetime column ${quote(name)}. Use min, max, mean, median, count, first or last.`);
  }
  const v = numericView(op, col, name);
  const isInt = col.dtype === "int64" || col.dtype === "bool";
  switch (spec) {
    case "sum":
    case "prod": {
      const out = new Float64Array(n).fill(spec === "sum" ? 0 : 1);
      if (spec === "sum") sumsAndCounts(v, ids, out, null);
      else
        for (let i = 0; i < rows; i++) {
          const k = ids[i]!,
            x = v[i]!;
          if (k >= 0 && x === x) out[k]! *= x;
        }
      return isInt ? intCol(out) : floatCol(out);
    }
    case "mean": {
      const s = new Float64Array(n),
        c = new Float64Array(n);
      sumsAndCounts(v, ids, s, c);
      for (let k = 0; k < n; k++) s[k] = c[k]! > 0 ? s[k]! / c[k]! : NaN;
      return floatCol(s);
    }
    case "min":
    case "max": {
      const out = new Float64Array(n).fill(NaN);
      const isMax = spec === "max";
      for (let i = 0; i < rows; i++) {
        const k = ids[i]!,
          x = v[i]!;
        if (k < 0 || x !== x) continue;
        const cur = out[k]!;
        if (cur !== cur || (isMax ? x > cur : x < cur)) out[k] = x;
      }
      return numericResult(out, col.dtype);
    }
    case "var":
    case "std": {
      // two passes (mean, then squared deviations) as numpy/pandas, for the same rounding
      const s = new Float64Array(n),
        c = new Float64Array(n);
      sumsAndCounts(v, ids, s, c);
      for (let k = 0; k < n; k++) s[k]! /= c[k]!;
      const ss = new Float64Array(n);
      for (let i = 0; i < rows; i++) {
        const k = ids[i]!,
          x = v[i]!;
        if (k >= 0 && x === x) {
          const d = x - s[k]!;
          ss[k]! += d * d;
        }
      }
      for (let k = 0; k < n; k++) {
        const r = c[k]! > 1 ? ss[k]! / (c[k]! - 1) : NaN;
        ss[k] = spec === "std" ? Math.sqrt(r) : r;
      }
      return floatCol(ss);
    }
    case "median": {
      const lists = groupValues(v, g);
      const out = new Float64Array(n);
      for (let k = 0; k < n; k++) out[k] = median(lists[k]!);
      return floatCol(out);
    }
    default:
      return spec satisfies never;
  }
}

/** A float64 result as `dtype` (int64 or bool), or float64 when any value is missing (NaN), as pandas. */
export function numericResult(out: Float64Array, dtype: FrameDType): Column {
  if (dtype === "float64") return floatCol(out);
  const valid = new Uint8Array(out.length);
  let anyMissing = false;
  for (let k = 0; k < out.length; k++) {
    valid[k] = out[k] === out[k] ? 1 : 0;
    if (!valid[k]) anyMissing = true;
  }
  if (anyMissing) return floatCol(out); // pandas: an empty int group gives NaN (float64)
  if (dtype === "bool") return boolCol(Uint8Array.from(out));
  return intCol(out);
}

function groupValues(v: Float64Array, g: Groups): Float64Array[] {
  const counts = new Int32Array(g.n);
  for (let i = 0; i < v.length; i++) {
    const k = g.ids[i]!;
    if (k >= 0 && v[i] === v[i]) counts[k]!++;
  }
  const lists = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(g.n);
  for (let i = 0; i < v.length; i++) {
    const k = g.ids[i]!;
    if (k >= 0 && v[i] === v[i]) lists[k]![fill[k]!++] = v[i]!;
  }
  return lists;
}

/**
 * The sum of v's present values (valid, when given, says which), added in row order as
 * aggregate's group loop adds them (the same rounding), with no group ids. Nothing but the return
 * follows the loop: V8 optimizes a function while its first long loop runs, and code after the
 * loop that has not run yet would deoptimize it on every call.
 */
export function presentSum(v: Float64Array, valid: Uint8Array | null): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === x && (!valid || valid[i])) s += x;
  }
  return s;
}

/**
 * Per group, the sum of the present (non-NaN) values added to s, and their number to c when
 * given. Nothing but the return follows the loop (see presentSum).
 */
function sumsAndCounts(v: Float64Array, ids: Int32Array, s: Float64Array, c: Float64Array | null): void {
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i]!,
      x = v[i]!;
    if (k >= 0 && x === x) {
      s[k]! += x;
      if (c) c[k]!++;
    }
  }
}

/** Median of the values (sorted in place); NaN when empty. */
export function median(a: Float64Array): number {
  if (a.length === 0) return NaN;
  a.sort();
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** The present (non-NaN) values of `v` in their order, with their sum (in that order), min and max. */
export function presentValues(v: Float64Array): { a: Float64Array; sum: number; min: number; max: number } {
  const all = new Float64Array(v.length);
  let n = 0,
    sum = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x !== x) continue;
    all[n++] = x;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { a: n === v.length ? all : all.subarray(0, n), sum, min, max };
}

/**
 * Quantiles with linear interpolation of the values (NaN skipped), by quickselect: O(n) per
 * quantile instead of sorting, each select over the part right of the one before. `v` is not modified.
 */
export function quantiles(v: Float64Array, qs: readonly number[]): number[] {
  return presentQuantiles(presentValues(v), qs);
}

/** quantiles() of presentValues' result; reorders its `a`. */
export function presentQuantiles(p: { a: Float64Array; min: number; max: number }, qs: readonly number[]): number[] {
  const { a, min, max } = p;
  const n = a.length;
  const out = qs.map(() => NaN);
  if (n === 0) return out;
  let from = 0;
  for (const t of qs.map((_, t) => t).sort((s, t) => qs[s]! - qs[t]!)) {
    const pos = (n - 1) * qs[t]!;
    const lo = Math.floor(pos),
      hi = Math.ceil(pos);
    // select(lo) leaves a[..lo] <= a[lo] <= a[lo+1..], so a later (larger) one looks from lo on
    const x = pos === 0 ? min : lo === n - 1 ? max : select(a, lo, from);
    if (pos !== 0 && lo < n - 1) from = lo;
    const y = hi === lo ? x : hi === n - 1 ? max : minFrom(a, lo + 1);
    out[t] = x + (y - x) * (pos - lo);
  }
  return out;
}

/** After select(a, k): the smallest of a[from..] is the (k+1)-th order statistic. */
function minFrom(a: Float64Array, from: number): number {
  let m = Infinity;
  for (let i = from; i < a.length; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

/** The k-th smallest value, given a[..from] <= a[from..]; partially reorders `a` (Hoare partition, median of three). */
function select(a: Float64Array, k: number, from: number): number {
  let l = from,
    r = a.length - 1;
  while (r > l) {
    const m = (l + r) >> 1;
    const x0 = a[l]!,
      x1 = a[m]!,
      x2 = a[r]!;
    const pivot = x0 < x1 ? (x1 < x2 ? x1 : Math.max(x0, x2)) : x0 < x2 ? x0 : Math.max(x1, x2);
    let i = l,
      j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Quantile with linear interpolation (numpy's default); `a` sorted, no NaN. */
export function quantileSorted(a: Float64Array, q: number): number {
  if (a.length === 0) return NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

function firstLast(col: Column, g: Groups, last: boolean): Column {
  const pick = new Int32Array(g.n).fill(-1);
  const missing = naMask(col);
  const rows = g.ids.length;
  for (let s = 0; s < rows; s++) {
    const i = last ? rows - 1 - s : s;
    const k = g.ids[i]!;
    if (k >= 0 && !missing[i] && pick[k]! < 0) pick[k] = i;
  }
  return take(col, pick);
}

function stringMinMax(col: Extract<Column, { codes: Int32Array }>, g: Groups, isMax: boolean): Column {
  const rank = textRanks(col.dict);
  const best = new Int32Array(g.n).fill(-1);
  for (let i = 0; i < col.codes.length; i++) {
    const k = g.ids[i]!,
      c = col.codes[i]!;
    if (k < 0 || c < 0) continue;
    const b = best[k]!;
    if (b < 0 || (isMax ? rank[c]! > rank[b]! : rank[c]! < rank[b]!)) best[k] = c;
  }
  return strCol(best, col.dict, col.dtype);
}

function nunique(col: Column, g: Groups): Column {
  const out = new Float64Array(g.n);
  const seen = Array.from({ length: g.n }, () => new Set<number>());
  const rows = g.ids.length;
  const v = isStringLike(col) ? col.codes : numericView("nunique", col, null);
  for (let i = 0; i < rows; i++) {
    const k = g.ids[i]!,
      x = v[i]!;
    if (k < 0 || x !== x || (isStringLike(col) && x < 0)) continue;
    seen[k]!.add(x);
  }
  for (let k = 0; k < g.n; k++) out[k] = seen[k]!.size;
  return intCol(out);
}

function custom(fn: AggFn, col: Column, name: string | null, g: Groups): Column {
  const lists: (number | string)[][] = Array.from({ length: g.n }, () => []);
  if (isStringLike(col)) {
    for (let i = 0; i < col.codes.length; i++) {
      const k = g.ids[i]!,
        c = col.codes[i]!;
      if (k >= 0 && c >= 0) lists[k]!.push(col.dict[c]!);
    }
  } else {
    const v = numericView("agg", col, name);
    for (let i = 0; i < v.length; i++) {
      const k = g.ids[i]!;
      if (k >= 0 && v[i] === v[i]) lists[k]!.push(v[i]!);
    }
  }
  const results = lists.map((l) => fn(l));
  if (results.every((r) => typeof r === "number")) {
    const f = Float64Array.from(results as number[]);
    return f.every((x) => Number.isInteger(x)) && !isStringLike(col) && col.dtype !== "float64" ? intCol(f) : floatCol(f);
  }
  const dict = [...new Set(results.map(String))];
  const pos = new Map(dict.map((s, i) => [s, i]));
  return strCol(
    Int32Array.from(results, (r) => pos.get(String(r))!),
    dict,
  );
}

/**
 * The named aggregates that GroupBy, SeriesGroupBy and Resampler share, each one call of their
 * agg: R is what agg gives, a frame with a column per value column or a Series. A group here is
 * a key group or a time bin; an empty time bin gives 0 for sum and count, missing for the others.
 */
export abstract class GroupAggregates<R> {
  /** One aggregate per group. */
  abstract agg(spec: AggName): R;
  /** Sum of the present values per group, as pandas' GroupBy.sum, SeriesGroupBy.sum and Resampler.sum. */
  sum(): R {
    return this.agg("sum");
  }
  /** Mean of the present numbers per group, as pandas' GroupBy.mean (and SeriesGroupBy's, Resampler's). */
  mean(): R {
    return this.agg("mean");
  }
  /** Median of the present numbers per group, as pandas' GroupBy.median (and SeriesGroupBy's, Resampler's). */
  median(): R {
    return this.agg("median");
  }
  /** Smallest value per group, as pandas' GroupBy.min (and SeriesGroupBy's, Resampler's). */
  min(): R {
    return this.agg("min");
  }
  /** Largest value per group, as pandas' GroupBy.max (and SeriesGroupBy's, Resampler's). */
  max(): R {
    return this.agg("max");
  }
  /** Sample standard deviation (ddof 1) per group, as pandas' GroupBy.std (and SeriesGroupBy's, Resampler's). */
  std(): R {
    return this.agg("std");
  }
  /** Sample variance (ddof 1) per group, as pandas' GroupBy.var (and SeriesGroupBy's, Resampler's). */
  var(): R {
    return this.agg("var");
  }
  /** The first present value per group, as pandas' GroupBy.first (and SeriesGroupBy's, Resampler's). */
  first(): R {
    return this.agg("first");
  }
  /** The last present value per group, as pandas' GroupBy.last (and SeriesGroupBy's, Resampler's). */
  last(): R {
    return this.agg("last");
  }
  /** Distinct present values per group (int64), as pandas' GroupBy.nunique (and SeriesGroupBy's, Resampler's). */
  nunique(): R {
    return this.agg("nunique");
  }
  /** Present (non-missing) values per group (int64), as pandas' GroupBy.count (and SeriesGroupBy's, Resampler's). */
  count(): R {
    return this.agg("count");
  }
}
