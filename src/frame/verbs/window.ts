// Order-dependent operations: shift, diff, pctChange, cumulative sums/products/extremes, and the
// window objects (rolling, expanding, ewm) shared by Series and DataFrame. Each result builder
// gets the computed columns and wraps them back into the caller's type.

import {
  type Column,
  type FloatColumn,
  type Scalar,
  colLength,
  floatCol,
  intCol,
  boolCol,
  isStringLike,
  cell,
  numericView,
  quote,
  take,
  columnFromValues,
} from "../column.js";
import { FrameError } from "../errors.js";
import { fillDirection } from "./missing.js";

export function shiftColumn(c: Column, periods: number, fillValue: Scalar | undefined, name: string | null): Column {
  if (!Number.isInteger(periods))
    throw new FrameError(`shift: periods must be an integer, got ${periods}. Pass a whole number of rows (negative moves values up).`);
  const n = colLength(c);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i - periods;
    idx[i] = j >= 0 && j < n ? j : -1;
  }
  if (fillValue === undefined || fillValue === null) return take(c, idx);
  return mergeFill(take(c, idx, true), idx, fillValue, name);
}

function mergeFill(out: Column, idx: Int32Array, fillValue: Scalar, name: string | null): Column {
  const n = idx.length;
  const vals: Scalar[] = new Array(n);
  for (let i = 0; i < n; i++) vals[i] = idx[i]! < 0 ? fillValue : cell(out, i);
  return columnFromValues("shift", name, vals, out.dtype);
}

/** Sums, products and ratios of times mean nothing (pandas raises, or adds nanosecond counts). */
function noTimes(op: string, name: string | null): never {
  throw new FrameError(`${op}: column ${quote(name)} is datetime, which has no ${op}. Use diff() for the gaps between times.`);
}

/** x[i] - x[i - periods], float64 (datetime: milliseconds). */
export function diffColumn(c: Column, periods: number, name: string | null): Column {
  if (c.dtype === "bool") {
    // bools differ or not, as pandas (a != b): missing where there is no earlier row or a value is missing
    const v = lagged(numericView("diff", c, name), periods, false).values;
    return boolCol(
      Uint8Array.from(v, (x) => (x ? 1 : 0)),
      Uint8Array.from(v, (x) => (x === x ? 1 : 0)),
    );
  }
  return lagged(numericView("diff", c, name), periods, false);
}

/** x[i] / x[i - periods] - 1 after forward-filling missing values (pandas 1.x fill_method="pad"). */
export function pctChangeColumn(c: Column, periods: number, name: string | null): Column {
  if (c.dtype === "datetime") noTimes("pctChange", name);
  return lagged(numericView("pctChange", fillDirection(c, "ffill"), name), periods, true);
}

/** Each value against the one `periods` rows before it (NaN where there is none): the difference, or the relative change. */
function lagged(v: Float64Array, periods: number, relative: boolean): FloatColumn {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = i - periods;
    out[i] = j >= 0 && j < n ? (relative ? v[i]! / v[j]! - 1 : v[i]! - v[j]!) : NaN;
  }
  return floatCol(out);
}

export type CumOp = "cumsum" | "cumprod" | "cummax" | "cummin";

/** Running sums/products/extremes; a missing cell stays missing and is skipped. */
export function cumulative(op: CumOp, c: Column, name: string | null): Column {
  if (c.dtype === "datetime" && (op === "cumsum" || op === "cumprod")) noTimes(op, name);
  const v = numericView(op, c, name);
  const n = v.length;
  const out = new Float64Array(n);
  let acc = op === "cumsum" ? 0 : op === "cumprod" ? 1 : NaN;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    if (x !== x) {
      out[i] = NaN;
      continue;
    }
    if (op === "cumsum") acc += x;
    else if (op === "cumprod") acc *= x;
    else if (op === "cummax") acc = acc !== acc || x > acc ? x : acc;
    else acc = acc !== acc || x < acc ? x : acc;
    out[i] = acc;
  }
  // the running max/min of bools is a bool, as pandas; their sum and product count (int64)
  if (c.dtype === "bool" && (op === "cummax" || op === "cummin")) return boolCol(Uint8Array.from(out), c.valid);
  if (c.dtype === "int64" || c.dtype === "bool") {
    const valid = c.valid;
    for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = 0;
    return intCol(out, valid);
  }
  return c.dtype === "datetime" ? { dtype: "datetime", values: out } : floatCol(out);
}

// ---------------------------------------------------------------- windows

/** The numbers a window sees: pandas' windows (rolling, expanding, ewm) read inf and -inf as missing. */
function finiteView(op: string, c: Column, name: string | null): Float64Array {
  return numericView(op, c, name).map((x) => (x - x === 0 ? x : NaN));
}

export type WindowAgg = "mean" | "sum" | "std" | "var" | "min" | "max" | "count" | "median";

/** Options of rolling: minPeriods and center, as pandas' rolling keywords (a fixed row count window; no time-based windows). */
export interface RollingOptions {
  /** Fewest non-missing values a window needs for a result (default: the window size). */
  minPeriods?: number;
  /** Label each window by its middle row instead of its last. */
  center?: boolean;
}

function windowReduce(
  agg: WindowAgg,
  v: Float64Array,
  start: (i: number) => number,
  end: (i: number) => number,
  minPeriods: number,
  countMinPeriods: number,
): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.max(0, start(i)),
      e = Math.min(n - 1, end(i));
    let cnt = 0,
      sum = 0,
      mn = Infinity,
      mx = -Infinity;
    for (let j = s; j <= e; j++) {
      const x = v[j]!;
      if (x !== x) continue;
      cnt++;
      sum += x;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    if (agg === "count") {
      // pandas counts with a sum over notna(), so its minPeriods is a count of rows, missing or not
      out[i] = e - s + 1 < countMinPeriods ? NaN : cnt;
      continue;
    }
    if (cnt < minPeriods || cnt === 0) {
      out[i] = NaN;
      continue;
    }
    switch (agg) {
      case "sum":
        out[i] = sum;
        break;
      case "mean":
        out[i] = sum / cnt;
        break;
      case "min":
        out[i] = mn;
        break;
      case "max":
        out[i] = mx;
        break;
      case "var":
      case "std": {
        if (cnt < 2) {
          out[i] = NaN;
          break;
        }
        const m = sum / cnt;
        let ss = 0;
        for (let j = s; j <= e; j++) {
          const x = v[j]!;
          if (x === x) ss += (x - m) * (x - m);
        }
        out[i] = agg === "std" ? Math.sqrt(ss / (cnt - 1)) : ss / (cnt - 1);
        break;
      }
      case "median": {
        const w = Array.from(v.subarray(s, e + 1))
          .filter((x) => x === x)
          .sort((a, b) => a - b);
        const m = w.length >> 1;
        out[i] = w.length % 2 ? w[m]! : (w[m - 1]! + w[m]!) / 2;
        break;
      }
      default:
        agg satisfies never;
    }
  }
  return out;
}

abstract class WindowBase<T> {
  constructor(
    protected readonly cols: Column[],
    protected readonly names: (string | null)[],
    protected readonly build: (cols: Column[]) => T,
  ) {}
  protected abstract bounds(): { start: (i: number) => number; end: (i: number) => number; minPeriods: number; countMinPeriods: number };
  protected run(agg: WindowAgg): T {
    const b = this.bounds();
    return this.build(
      this.cols.map((c, k) => {
        if (isStringLike(c))
          throw new FrameError(
            `${agg}: column ${quote(this.names[k]!)} is ${c.dtype}; window aggregates need numbers. Select numeric columns first.`,
          );
        // count sees inf as a value; the other aggregates, as pandas, as missing
        const v = agg === "count" ? numericView(agg, c, this.names[k]!) : finiteView(agg, c, this.names[k]!);
        return floatCol(windowReduce(agg, v, b.start, b.end, b.minPeriods, b.countMinPeriods));
      }),
    );
  }
  mean(): T {
    return this.run("mean");
  }
  sum(): T {
    return this.run("sum");
  }
  std(): T {
    return this.run("std");
  }
  var(): T {
    return this.run("var");
  }
  min(): T {
    return this.run("min");
  }
  max(): T {
    return this.run("max");
  }
  count(): T {
    return this.run("count");
  }
  median(): T {
    return this.run("median");
  }
}

/** Fixed-size moving windows (pandas rolling). */
export class Rolling<T> extends WindowBase<T> {
  constructor(
    private readonly window: number,
    private readonly opts: RollingOptions,
    cols: Column[],
    names: (string | null)[],
    build: (cols: Column[]) => T,
  ) {
    super(cols, names, build);
    if (!Number.isInteger(window) || window < 1)
      throw new FrameError(
        `rolling: window must be a positive integer, got ${window}. Pass the number of rows in each window (1 or more).`,
      );
    const mp = opts.minPeriods ?? window;
    if (!Number.isInteger(mp) || mp < 0 || mp > window)
      throw new FrameError(
        `rolling: minPeriods ${mp} must be an integer in [0, window=${window}]. Pass at most the window size, or widen the window.`,
      );
  }
  protected bounds() {
    const w = this.window;
    const shift = this.opts.center ? Math.floor((w - 1) / 2) : 0; // pandas FixedWindowIndexer offset
    // count without minPeriods counts every window, as pandas 1.5 (its default there is 0)
    const mp = this.opts.minPeriods;
    return { start: (i: number) => i + shift - w + 1, end: (i: number) => i + shift, minPeriods: mp ?? w, countMinPeriods: mp ?? 0 };
  }
}

/** Windows from the first row to each row (pandas expanding). */
export class Expanding<T> extends WindowBase<T> {
  constructor(
    private readonly minPeriods: number,
    cols: Column[],
    names: (string | null)[],
    build: (cols: Column[]) => T,
  ) {
    super(cols, names, build);
  }
  protected bounds() {
    return { start: () => 0, end: (i: number) => i, minPeriods: this.minPeriods, countMinPeriods: this.minPeriods };
  }
}

/** Options of ewm: exactly one of span, com, halflife or alpha, plus adjust, ignoreNa, minPeriods, as pandas' ewm keywords. */
export interface EwmOptions {
  /** Give exactly one of span (alpha = 2/(span+1)), com (alpha = 1/(1+com)), halflife or alpha. */
  span?: number;
  com?: number;
  halflife?: number;
  alpha?: number;
  /** Weights over all past values (true, pandas' default) or the recursive form. */
  adjust?: boolean;
  ignoreNa?: boolean;
  minPeriods?: number;
}

/** Exponentially weighted windows (pandas ewm): mean. */
export class Ewm<T> {
  private readonly alpha: number;
  constructor(
    private readonly opts: EwmOptions,
    private readonly cols: Column[],
    private readonly names: (string | null)[],
    private readonly build: (cols: Column[]) => T,
  ) {
    const given = (["span", "com", "halflife", "alpha"] as const).filter((k) => opts[k] !== undefined);
    if (given.length !== 1)
      throw new FrameError(`ewm: pass exactly one of span, com, halflife or alpha (got ${given.length ? given.join(", ") : "none"}).`);
    const a =
      opts.alpha ??
      (opts.span !== undefined
        ? 2 / (opts.span + 1)
        : opts.com !== undefined
          ? 1 / (1 + opts.com)
          : 1 - Math.exp(Math.log(0.5) / opts.halflife!));
    if (!(a > 0 && a <= 1))
      throw new FrameError(
        `ewm: alpha must be in (0, 1], got ${a} from ${given[0]}=${opts[given[0]!]}. Pass span >= 1, com >= 0, halflife > 0 or alpha in (0, 1].`,
      );
    this.alpha = a;
  }
  /** The pandas recursion (pandas/_libs/window/aggregations.pyx ewm) with missing values. */
  mean(): T {
    const { adjust = true, ignoreNa = false, minPeriods = 0 } = this.opts;
    const alpha = this.alpha;
    const minp = Math.max(minPeriods, 1);
    return this.build(
      this.cols.map((c, k) => {
        const v = finiteView("ewm", c, this.names[k]!);
        const n = v.length;
        const out = new Float64Array(n);
        const oldWtFactor = 1 - alpha,
          newWt = adjust ? 1 : alpha;
        let avg = v[0] ?? NaN,
          oldWt = 1,
          nobs = avg === avg ? 1 : 0;
        if (n) out[0] = nobs >= minp ? avg : NaN;
        for (let i = 1; i < n; i++) {
          const cur = v[i]!,
            isObs = cur === cur;
          if (isObs) nobs++;
          if (avg === avg) {
            if (isObs || !ignoreNa) {
              oldWt *= oldWtFactor;
              if (isObs) {
                if (avg !== cur) avg = (oldWt * avg + newWt * cur) / (oldWt + newWt);
                oldWt = adjust ? oldWt + newWt : 1;
              }
            }
          } else if (isObs) avg = cur;
          out[i] = nobs >= minp ? avg : NaN;
        }
        return floatCol(out);
      }),
    );
  }
}
