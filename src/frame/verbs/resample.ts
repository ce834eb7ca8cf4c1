// resample: bucket rows by a datetime column (or index) into calendar bins and aggregate each,
// including empty bins between the first and the last (sum 0, mean NaN), as pandas.
// Labels follow pandas' defaults: D/H/MS bins are labelled by their start; W (weeks ending
// Sunday), M, Q and Y by their last day.

import { type Column, colLength, dateCol, isStringLike, numericView } from "../column.js";
import { type AggSpec, aggregate } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { indexColumn, labelIndex } from "../labels.js";
import { DataFrame } from "../table.js";

const DAY = 86400000;

function binLabel(rule: string, t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  switch (rule) {
    case "H": return Math.floor(t / 3600000) * 3600000;
    case "D": return Math.floor(t / DAY) * DAY;
    case "W": { const day = Math.floor(t / DAY) * DAY; const dow = (new Date(day).getUTCDay() + 6) % 7; return day + (6 - dow) * DAY; }
    case "M": return Date.UTC(y, m + 1, 0);
    case "MS": return Date.UTC(y, m, 1);
    case "Q": return Date.UTC(y, Math.floor(m / 3) * 3 + 3, 0);
    case "Y": case "A": return Date.UTC(y, 12, 0);
    default: throw new FrameError(`resample: unknown rule ${JSON.stringify(rule)}. Use "H", "D", "W", "M", "MS", "Q" or "Y".`);
  }
}

function nextLabel(rule: string, t: number): number {
  switch (rule) {
    case "H": return t + 3600000;
    case "D": return t + DAY;
    case "W": return t + 7 * DAY;
    case "MS": { const d = new Date(t); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1); }
    default: return binLabel(rule, t + DAY); // month/quarter/year ends: the end of the next period
  }
}

/** Rows binned by time ("H", "D", "W", "MS", "M", "Q", "Y"...), aggregated per bin, as pandas' Resampler from df.resample(rule). */
export class Resampler {
  constructor(private readonly df: DataFrame, private readonly times: Float64Array, private readonly rule: string, private readonly name: string | null, private readonly valueNames: string[]) {}

  /** One aggregate over each bin for every numeric value column. */
  agg(spec: AggSpec): DataFrame {
    const n = this.times.length;
    const labels = new Float64Array(n);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = this.times[i]!;
      if (t !== t) { labels[i] = NaN; continue; }
      const b = binLabel(this.rule, t);
      labels[i] = b;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    const bins: number[] = [];
    if (lo <= hi) for (let b = lo; b <= hi; b = nextLabel(this.rule, b)) bins.push(b);
    const pos = new Map(bins.map((b, k) => [b, k]));
    const ids = Int32Array.from(labels, (b) => (b === b ? pos.get(b)! : -1));
    const names: string[] = [];
    const cols: Column[] = [];
    for (const k of this.valueNames) {
      const c = this.df.data[this.df.colIndex("resample", k)]!;
      if (isStringLike(c) && typeof spec === "string" && !["count", "first", "last", "nunique", "size", "min", "max"].includes(spec)) continue;
      names.push(k);
      cols.push(aggregate("resample", spec, c, k, { ids, n: bins.length }));
    }
    return DataFrame.fromColumns(names, cols, labelIndex(dateCol(Float64Array.from(bins)), this.name));
  }
  /** Sum per time bin of every numeric column, as pandas' Resampler.sum. */
  sum(): DataFrame { return this.agg("sum"); }
  /** Mean per time bin, as pandas' Resampler.mean. */
  mean(): DataFrame { return this.agg("mean"); }
  /** Smallest value per time bin, as pandas' Resampler.min. */
  min(): DataFrame { return this.agg("min"); }
  /** Largest value per time bin, as pandas' Resampler.max. */
  max(): DataFrame { return this.agg("max"); }
  /** Median per time bin, as pandas' Resampler.median. */
  median(): DataFrame { return this.agg("median"); }
  /** Present values per time bin, as pandas' Resampler.count. */
  count(): DataFrame { return this.agg("count"); }
  /** First present value per time bin, as pandas' Resampler.first. */
  first(): DataFrame { return this.agg("first"); }
  /** Last present value per time bin, as pandas' Resampler.last. */
  last(): DataFrame { return this.agg("last"); }
  /** Sample standard deviation per time bin, as pandas' Resampler.std. */
  std(): DataFrame { return this.agg("std"); }
}

export function resample(df: DataFrame, rule: string, opts: { on?: string } = {}): Resampler {
  binLabel(rule, 0); // validates the rule
  const c = opts.on !== undefined ? df.data[df.colIndex("resample", opts.on)]! : indexColumn(df.index);
  if (c.dtype !== "datetime") throw new FrameError(`resample: ${opts.on !== undefined ? `column ${JSON.stringify(opts.on)}` : "the index"} is ${c.dtype}, but resample needs datetimes. Parse it first (readCsv parseDates, or astype("datetime")).`);
  const values = df.names.filter((k) => k !== opts.on);
  void colLength; void numericView;
  return new Resampler(df, c.values, rule, opts.on ?? df.index.name, values);
}
