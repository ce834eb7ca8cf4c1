// resample: bucket rows by a datetime column (or index) into calendar bins and aggregate each,
// including empty bins between the first and the last (sum 0, mean NaN), as pandas.
// Labels follow pandas' defaults: D/H/MS bins are labelled by their start (closed left); W
// (weeks ending Sunday), M, Q and Y by their last day (closed right, the whole last day in).
// One machinery serves df.resample and s.resample: Resampler<T> bins the times once and wraps
// the aggregated columns as a DataFrame or, for a Series, as a Series (SeriesResampler adds
// pandas' Series-only results: ohlc, and agg with a list or a dict giving a frame).

import { type Column, dateCol, floatCol, isStringLike, numericView, quote, take } from "../column.js";
import { type AggSpec, type Groups, GroupAggregates, aggLabel, aggregate, checkAggName } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { type Index, indexColumn, labelIndex } from "../labels.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { newFrame, newSeries, columnOf } from "../frames.js";

const DAY = 86400000;
const RULES = `"H", "D", "W", "M", "MS", "Q" or "Y" ("A")`;
/** pandas' closed/label defaults: "right" for the period ends (W, M, Q, Y), "left" for the rest. */
const rightEdged = (rule: string): boolean => rule === "W" || rule === "M" || rule === "Q" || rule === "Y" || rule === "A";

function binLabel(rule: string, t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear(),
    m = d.getUTCMonth();
  switch (rule) {
    case "H":
      return Math.floor(t / 3600000) * 3600000;
    case "D":
      return Math.floor(t / DAY) * DAY;
    case "W": {
      const day = Math.floor(t / DAY) * DAY;
      const dow = (new Date(day).getUTCDay() + 6) % 7;
      return day + (6 - dow) * DAY;
    }
    case "M":
      return Date.UTC(y, m + 1, 0);
    case "MS":
      return Date.UTC(y, m, 1);
    case "Q":
      return Date.UTC(y, Math.floor(m / 3) * 3 + 3, 0);
    case "Y":
    case "A":
      return Date.UTC(y, 12, 0);
    default:
      throw new Error(`unknown rule ${rule}`);
  }
}

function checkRule(op: string, rule: unknown): asserts rule is string {
  if (typeof rule === "string") {
    try {
      binLabel(rule, 0);
      return;
    } catch {
      /* below */
    }
  }
  throw new FrameError(
    `${op}: unknown rule ${JSON.stringify(rule)}. Use ${RULES}; multiples ("2D"), other offsets and anchors ("W-MON") are not supported.`,
  );
}

function nextLabel(rule: string, t: number): number {
  switch (rule) {
    case "H":
      return t + 3600000;
    case "D":
      return t + DAY;
    case "W":
      return t + 7 * DAY;
    case "MS": {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    default:
      return binLabel(rule, t + DAY); // month/quarter/year ends: the end of the next period
  }
}

/** Each time's bin (-1 for a missing time) and the bins' labels, first to last with none skipped. */
function timeBins(rule: string, times: Float64Array): { groups: Groups; labels: Float64Array } {
  const n = times.length;
  const labels = new Float64Array(n);
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (t !== t) {
      labels[i] = NaN;
      continue;
    }
    const b = binLabel(rule, t);
    labels[i] = b;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  const bins: number[] = [];
  if (lo <= hi) for (let b = lo; b <= hi; b = nextLabel(rule, b)) bins.push(b);
  const pos = new Map(bins.map((b, k) => [b, k]));
  const ids = Int32Array.from(labels, (b) => (b === b ? pos.get(b)! : -1));
  return { groups: { ids, n: bins.length }, labels: Float64Array.from(bins) };
}

/** A stable order of the rows by time (missing times last), or null when they are in order already. */
function timeOrder(times: Float64Array): Int32Array | null {
  let prev = -Infinity,
    sorted = true;
  for (let i = 0; i < times.length && sorted; i++) {
    const t = times[i]!;
    if (t === t) {
      if (t < prev) sorted = false;
      prev = t;
    }
  }
  if (sorted) return null;
  const key = (i: number) => {
    const t = times[i]!;
    return t === t ? t : Infinity;
  };
  return Int32Array.from(times.keys()).sort((a, b) => key(a) - key(b) || a - b);
}

/** An int64/bool result with a missing bin (first/last of an empty bin) as float64 NaN, as pandas. */
function floatIfMissing(c: Column): Column {
  if ((c.dtype === "int64" || c.dtype === "bool") && c.valid !== null && c.valid.includes(0))
    return floatCol(numericView("resample", c, null));
  return c;
}

/** How a resampler hands back its aggregated columns: a DataFrame, or a Series for s.resample. */
type Wrap<T> = (names: (string | null)[], cols: Column[], index: Index) => T;

/**
 * Rows binned by time ("H", "D", "W", "MS", "M", "Q", "Y"...), aggregated per bin, as pandas'
 * Resampler from df.resample(rule) (T = DataFrame) or s.resample(rule) (T = Series). Empty bins
 * between the first and the last are kept: 0 for sum, count and size, missing for the others.
 */
export class Resampler<T = DataFrame> extends GroupAggregates<T> {
  /** Each row's bin (the group ids shared with groupby's aggregates). */
  protected readonly groups: Groups;
  /** The bins as a datetime index, named as pandas names it (the `on` column or the index's name). */
  protected readonly binIndex: Index;

  /** The value columns, in time order (pandas sorts by time first, so first/last follow time). */
  protected readonly cols: readonly Column[];

  /** @internal use df.resample or s.resample. */
  constructor(
    times: Float64Array,
    rule: string,
    indexName: string | null,
    protected readonly names: readonly (string | null)[],
    cols: readonly Column[],
    private readonly wrap: Wrap<T>,
    private readonly isSeries: boolean,
  ) {
    super();
    const order = timeOrder(times);
    if (order !== null) {
      times = Float64Array.from(order, (i) => times[i]!);
      cols = cols.map((c) => take(c, order, true));
    }
    this.cols = cols;
    const { groups, labels } = timeBins(rule, times);
    this.groups = groups;
    this.binIndex = labelIndex(dateCol(labels), indexName);
  }

  /** One aggregate (a name such as "sum", or a function of a bin's present values) over each bin, as pandas' Resampler.agg / aggregate with one function. */
  agg(spec: AggSpec): T {
    const names: (string | null)[] = [];
    const cols: Column[] = [];
    this.cols.forEach((c, j) => {
      if (
        !this.isSeries &&
        isStringLike(c) &&
        typeof spec === "string" &&
        !["count", "first", "last", "nunique", "size", "min", "max"].includes(spec)
      )
        return;
      names.push(this.names[j]!);
      cols.push(floatIfMissing(aggregate("resample", spec, c, this.names[j]!, this.groups)));
    });
    return this.wrap(names, cols, this.binIndex);
  }
  /**
   * Rows per time bin, missing values included (0 for an empty bin), as pandas' Resampler.size:
   * an int64 Series on the bins, named as the Series resampled (unnamed for a frame, as pandas).
   */
  size(): Series {
    const name = this.isSeries ? (this.names[0] ?? null) : null;
    return newSeries(
      aggregate("resample", "size", floatCol(new Float64Array(this.groups.ids.length)), name, this.groups),
      name,
      this.binIndex,
    );
  }
}

/**
 * pandas' Series.resample(rule) result: every Resampler aggregate as a Series on the bins (named
 * as the Series), plus ohlc, and agg with a list or a dict giving a DataFrame.
 */
export class SeriesResampler extends Resampler<Series> {
  /**
   * One aggregate per bin as a Series, as pandas' Resampler.agg; a list of aggregates gives a
   * DataFrame with a column per function ("sum", "mean"; a function by its name, else "<lambda>"),
   * a dict (output column -> aggregate) a DataFrame with those columns.
   */
  override agg(spec: AggSpec): Series;
  override agg(spec: readonly AggSpec[] | Readonly<Record<string, AggSpec>>): DataFrame;
  override agg(spec: AggSpec | readonly AggSpec[] | Readonly<Record<string, AggSpec>>): Series | DataFrame {
    if (typeof spec === "string" || typeof spec === "function") return super.agg(spec);
    const entries: [string, AggSpec][] = Array.isArray(spec)
      ? (spec as readonly AggSpec[]).map((f) => [aggLabel(f, "<lambda>"), f])
      : Object.entries(spec as Readonly<Record<string, AggSpec>>);
    if (entries.length === 0)
      throw new FrameError(
        `resample: agg got an empty ${Array.isArray(spec) ? "list" : "dict"}; give at least one aggregate, e.g. agg(["sum", "mean"]).`,
      );
    for (const [, f] of entries) checkAggName("resample", f);
    return newFrame(
      entries.map(([k]) => k),
      entries.map(([, f]) => floatIfMissing(aggregate("resample", f, this.cols[0]!, this.names[0]!, this.groups))),
      this.binIndex,
    );
  }
  /** Alias of agg, as pandas' Resampler.aggregate. */
  aggregate(spec: AggSpec): Series;
  aggregate(spec: readonly AggSpec[] | Readonly<Record<string, AggSpec>>): DataFrame;
  aggregate(spec: AggSpec | readonly AggSpec[] | Readonly<Record<string, AggSpec>>): Series | DataFrame {
    return this.agg(spec as AggSpec);
  }
  /**
   * Open (first), high (max), low (min) and close (last) present value per bin, as pandas'
   * Resampler.ohlc: a DataFrame with those four columns on the bins (float64 when a bin is empty).
   */
  ohlc(): DataFrame {
    const c = this.cols[0]!;
    if (isStringLike(c) || c.dtype === "datetime")
      throw new FrameError(
        `resample: ohlc needs numbers, but Series ${quote(this.names[0] ?? null)} is ${c.dtype}. Convert it first (astype("float64")) or use first/last/min/max.`,
      );
    const cols = (["first", "max", "min", "last"] as const).map((f) =>
      floatIfMissing(aggregate("resample", f, c, this.names[0]!, this.groups)),
    );
    return newFrame(["open", "high", "low", "close"], cols, this.binIndex);
  }
}

export function resample(df: DataFrame, rule: string, opts: { on?: string } = {}): Resampler {
  checkRule("resample", rule);
  const c = opts.on !== undefined ? columnOf(df, "resample", opts.on) : indexColumn(df.index);
  if (c.dtype !== "datetime")
    throw new FrameError(
      `resample: ${opts.on !== undefined ? `column ${JSON.stringify(opts.on)}` : "the index"} is ${c.dtype}, but resample needs datetimes (rule ${JSON.stringify(rule)}). Parse it first (readCsv parseDates, or astype("datetime")).`,
    );
  const names = df.names.filter((k) => k !== opts.on);
  const cols = names.map((k) => columnOf(df, "resample", k));
  return new Resampler<DataFrame>(
    c.values,
    rule,
    opts.on ?? df.index.name,
    names,
    cols,
    (ns, cs, ix) => newFrame(ns as string[], cs, ix),
    false,
  );
}

/** Options of Series.resample: pandas' closed and label, accepted at each rule's default only. */
export interface SeriesResampleOptions {
  closed?: "left" | "right";
  label?: "left" | "right";
}

export function resampleSeries(s: Series, rule: string, opts: SeriesResampleOptions = {}): SeriesResampler {
  const op = "Series.resample";
  checkRule(op, rule);
  const edge = rightEdged(rule) ? "right" : "left";
  for (const k of ["closed", "label"] as const) {
    const v = opts[k];
    if (v !== undefined && v !== edge)
      throw new FrameError(
        `${op}: ${k}=${JSON.stringify(v)} is not supported for rule ${JSON.stringify(rule)}; only pandas' default for that rule (${k}=${JSON.stringify(edge)}) is. Leave ${k} out.`,
      );
  }
  const ix = s.index;
  if (ix.kind !== "labels" || ix.col.dtype !== "datetime") {
    const what =
      ix.kind === "range" ? "a RangeIndex (positions 0..n-1)" : ix.kind === "multi" ? "a MultiIndex" : `an index of ${ix.col.dtype}`;
    throw new FrameError(
      `${op}: got rule ${JSON.stringify(rule)} on Series ${quote(s.name)} with ${what}, but resample needs a datetime index. Give the Series dates as its index (new Series(values, { index: dates }), or df.setIndex("date").col(name)), or resample the frame: df.resample(${JSON.stringify(rule)}, { on: "date" }).`,
    );
  }
  return new SeriesResampler(ix.col.values, rule, ix.name, [s.name], [s.col], (_, cs, index) => newSeries(cs[0]!, s.name, index), true);
}
