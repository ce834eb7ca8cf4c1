// Series: one column plus its row index and name. Comparisons and logic return bool Series, which
// is the filter-expression style: df.filter(df.col("qty").gt(50).and(df.col("category").eq("c3"))).
// Arithmetic and logic between Series align their labels first, as pandas (align.ts); comparisons
// need equal indexes, as pandas' == does.

import {
  type Column,
  type FrameDType,
  type AstypeDType,
  type Scalar,
  cell,
  colLength,
  columnFromValues,
  castColumn,
  countNA,
  floatCol,
  intCol,
  isStringLike,
  naMask,
  numericView,
  quote,
  take,
  boolCol,
  maskToIndex,
  range,
} from "./column.js";
import { FrameError, oneOf } from "./errors.js";
import {
  type Index,
  type LabelKey,
  formatLabel,
  indexLabel,
  indexLength,
  labelIndex,
  positionsOf,
  rangeIndex,
  takeIndex,
  sameLength,
  indexTuple,
} from "./labels.js";
import {
  type AxisNames,
  type SortIndexOptions,
  dropLevels,
  renameLevels,
  reorderLevels,
  sortIndexOrder,
  swapLevels,
  unstackSeries,
  xsRows,
  type XsOptions,
} from "./multiIndex.js";
import type { DataFrame } from "./table.js";
import { type AggSpec, aggregate, oneGroup, presentSum, quantileSorted } from "./aggregates.js";
import {
  type ArithOp,
  type ArithOptions,
  type CompareOp,
  type LogicOp,
  type Operand,
  type Other,
  arith,
  compare,
  logic,
  not,
  isin,
  boolValues,
  fillOneSided,
  fillScalarSide,
  clipColumn,
  type ClipBound,
} from "./verbs/arith.js";
import { type Alignment, absentRows, alignIndexes, reindexRows, requireSameLabels, takeRows } from "./align.js";
import { argsort, identity, nBest, type NKeep, type NaPosition } from "./sort.js";
import { groupIds } from "./keys.js";
import { checkQuantiles } from "./verbs/reduce.js";
import { pearson } from "./verbs/describe.js";
import { fillColumn, fillDirection, interpolateColumn } from "./verbs/missing.js";
import {
  shiftColumn,
  diffColumn,
  pctChangeColumn,
  cumulative,
  type CumOp,
  Rolling,
  Expanding,
  Ewm,
  type RollingOptions,
  type EwmOptions,
} from "./verbs/window.js";
import { type SeriesResampleOptions, type SeriesResampler, resampleSeries } from "./verbs/resample.js";
import { StringAccessor } from "./accessors/str.js";
import { type Slice, headSlice, tailSlice, slicePositions } from "./slice.js";
import { rankColumn, type RankOptions } from "./verbs/rank.js";
import { DateAccessor } from "./accessors/dt.js";
import { formatSeries } from "./format/text.js";
import { provideSeriesClass } from "./frames.js";
import { columnToTensor } from "./ml/tensor.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";

/** Options of the Series constructor: name, index (row labels) and dtype, as pd.Series's keywords. */
export interface SeriesOptions {
  name?: string | null;
  /** Row labels (one per value); a RangeIndex when omitted. */
  index?: readonly Scalar[] | Index;
  dtype?: FrameDType;
}

/** Options of Series.valueCounts: normalize, sort, ascending, dropna, as pd.Series.value_counts's keywords. */
export interface ValueCountsOptions {
  normalize?: boolean;
  sort?: boolean;
  ascending?: boolean;
  dropna?: boolean;
}

const isIndex = (x: unknown): x is Index =>
  typeof x === "object" &&
  x !== null &&
  "kind" in x &&
  ((x as Index).kind === "range" || (x as Index).kind === "labels" || (x as Index).kind === "multi");

export function makeIndex(op: string, index: readonly Scalar[] | Index | undefined, n: number): Index {
  if (index === undefined) return rangeIndex(n);
  if (isIndex(index)) {
    sameLength(op, "the index", indexLength(index), n);
    return index;
  }
  sameLength(op, "the index", index.length, n);
  return labelIndex(columnFromValues(op, "index", index));
}

/** One named, typed column with a row index, as pd.Series; arithmetic between Series aligns on the index labels, as pandas (see docs/FRAME.md). */
export class Series {
  /** The values (internal layout; see column.ts). */
  readonly col: Column;
  /** The row labels, as pd.Series.index (a RangeIndex, one label column, or a MultiIndex). */
  readonly index: Index;
  /** The series' name (null when unnamed), as pd.Series.name. */
  readonly name: string | null;

  /**
   * A Series from JS values or a typed array, as pd.Series; the dtype is inferred (see column.ts).
   * @param values one value per row; null/undefined/NaN are missing
   */
  constructor(values: ArrayLike<unknown>, opts: SeriesOptions = {}) {
    this.col = columnFromValues("Series", opts.name ?? null, values, opts.dtype);
    this.index = makeIndex("Series", opts.index, colLength(this.col));
    this.name = opts.name ?? null;
  }

  /** A Series over an existing column (no copy). */
  static fromColumn(col: Column, name: string | null = null, index?: Index): Series {
    const s = Object.create(Series.prototype) as { col: Column; index: Index; name: string | null };
    s.col = col;
    s.index = index ?? rangeIndex(colLength(col));
    s.name = name;
    return s as Series;
  }

  private with(col: Column, name: string | null = this.name, index: Index = this.index): Series {
    return Series.fromColumn(col, name, index);
  }

  /** The values and labels at these positions, in this order. */
  private takeRows(idx: Int32Array): Series {
    return this.with(take(this.col, idx, true), this.name, takeIndex(this.index, idx));
  }

  /** The number of values, as len(s). */
  get length(): number {
    return colLength(this.col);
  }
  /** The dtype ("float64", "int64", "bool", "string", "category" or "datetime"), as pd.Series.dtype (a string here). */
  get dtype(): FrameDType {
    return this.col.dtype;
  }
  /** [length], as pd.Series.shape. */
  get shape(): [number] {
    return [this.length];
  }

  /** The values as JS values (missing: null; NaN in float64). */
  toArray(): Scalar[] {
    const n = this.length;
    const out = new Array<Scalar>(n);
    for (let i = 0; i < n; i++) out[i] = cell(this.col, i);
    return out;
  }
  /** The values as JS values (null for missing, Date for datetimes), as pd.Series.tolist(). */
  get values(): Scalar[] {
    return this.toArray();
  }

  /** The index labels as JS values. */
  indexValues(): Scalar[] {
    return Array.from({ length: indexLength(this.index) }, (_, i) => indexLabel(this.index, i));
  }

  /** The value at position i (negative counts from the end). */
  iat(i: number): Scalar {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new FrameError(`iat: position ${i} is out of range for a Series of ${n} rows.`);
    return cell(this.col, j);
  }

  /** The value with this index label (the first, if the label repeats), as pd.Series.at; on a MultiIndex a tuple of labels (or its leading labels). */
  at(label: LabelKey): Scalar {
    return cell(this.col, positionsOf("at", this.index, label)[0]!);
  }

  /**
   * A level of the MultiIndex (default the last; a number or a name) moved to the columns, as
   * pd.Series.unstack: one column per label of that level, missing where a pair is absent.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().unstack().shape // [2, 3]
   */
  unstack(level: number | string = -1): DataFrame {
    return unstackSeries(this, level);
  }
  /**
   * A cross-section of a MultiIndex, as pd.Series.xs: the values whose leading levels equal `key`
   * (a label or a tuple), or whose `level` (number or name) equals it; the matched levels are
   * dropped unless dropLevel: false.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().xs("H", { level: "tension" }).length // 2
   */
  xs(key: LabelKey, opts: Omit<XsOptions, "axis"> = {}): Series {
    const { rows, index } = xsRows(this.index, key, opts);
    return this.with(take(this.col, rows, true), this.name, index);
  }
  /**
   * Without some levels (numbers or names) of the MultiIndex, as pd.Series.droplevel; one level
   * left gives a plain label index.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().droplevel("wool").index.name // "tension"
   */
  droplevel(level: number | string | (number | string)[]): Series {
    return this.with(this.col, this.name, dropLevels("droplevel", this.index, level));
  }
  /**
   * Levels i and j of the MultiIndex swapped (numbers or names; default the last two), as
   * pd.Series.swaplevel: the values keep their order (sortIndex() sorts by the new levels).
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().swaplevel().index.names // ["tension", "wool"]
   */
  swaplevel(i: number | string = -2, j: number | string = -1): Series {
    return this.with(this.col, this.name, swapLevels("swaplevel", this.index, i, j));
  }
  /**
   * The MultiIndex levels in a new order (every level once, by number or name), as
   * pd.Series.reorder_levels.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().reorderLevels(["tension", "wool"]).index.names // ["tension", "wool"]
   */
  reorderLevels(order: (number | string)[]): Series {
    return this.with(this.col, this.name, reorderLevels("reorderLevels", this.index, order));
  }
  /**
   * The index with new level names, as pd.Series.rename_axis: one name, a list (one per level),
   * or a map from old names to new ones; null removes a name.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().renameAxis({ wool: "w" }).index.names // ["w", "tension"]
   */
  renameAxis(names: AxisNames): Series {
    return this.with(this.col, this.name, renameLevels("renameAxis", this.index, names));
  }
  /** A copy with another name, as pd.Series.rename(name). */
  rename(name: string | null): Series {
    return this.with(this.col, name);
  }
  /**
   * 1-based float64 ranks of the values, as pd.Series.rank (pandas 1.5 defaults): method
   * "average" | "min" | "max" | "dense" | "first", ascending, pct, naOption "keep" (missing stays
   * missing) | "top" | "bottom". Text ranks by string order, dates by time; same index and name.
   * @example
   * new Series([3, 1, 3, 2]).rank().toArray() // [3.5, 1, 3.5, 2]
   */
  rank(opts: RankOptions = {}): Series {
    return this.with(rankColumn("rank", this.col, this.name, opts), this.name, this.index);
  }

  /** Rows at positions, or a slice { start, stop, step } with Python's rules (stop excluded, negative step backwards; `end` is stop's older name), as pd.Series.iloc. */
  iloc(rows: number[] | Int32Array | Slice<number>): Series {
    const idx = positionsFrom("iloc", rows, this.length);
    return this.takeRows(idx);
  }
  /** The first n values (default 5; negative n: all but the last -n), as pd.Series.head. */
  head(n = 5): Series {
    return this.iloc(headSlice(n, this.length));
  }
  /** The last n values (default 5; negative n: all but the first -n), as pd.Series.tail. */
  tail(n = 5): Series {
    return this.iloc(tailSlice(n, this.length));
  }

  /** Rows where `mask` is true, as pandas' s[mask]: a bool Series is placed by label when its index differs (a label it lacks is an error); booleans go by position. */
  filter(mask: Series | ArrayLike<boolean>): Series {
    const m = maskOf("filter", mask, this.length, this.index);
    const idx = maskToIndex(m);
    return this.takeRows(idx);
  }

  // ---------------------------------------------------------------- arithmetic and logic

  private operand(): Operand {
    return { col: this.col, name: this.name };
  }
  /** Both operands on the union of their labels (pandas' alignment), and the result's name and index. */
  private aligned(op: string, other: Series): { a: Operand; b: Operand; name: string | null; al: Alignment } {
    const al = alignIndexes(op, this.index, other.index);
    return {
      a: { col: takeRows(this.col, al.left), name: this.name },
      b: { col: takeRows(other.col, al.right), name: other.name },
      name: this.name === other.name ? this.name : null,
      al,
    };
  }
  private bin(op: ArithOp, other: Series | Other, reverse = false, opts: ArithOptions = {}): Series {
    const fill = opts.fillValue ?? null;
    if (!(other instanceof Series))
      return this.with(arith(op, fill === null ? this.operand() : fillScalarSide(op, this.operand(), fill), other, reverse));
    const { a, b, name, al } = this.aligned(op, other);
    const [x, y] = fill === null ? [a, b] : fillOneSided(op, a, b, fill);
    return Series.fromColumn(arith(op, x, y, reverse), name, al.index);
  }
  /**
   * Elementwise this + other, as pd.Series.add / +: a number, a string (text concatenates), or a
   * Series aligned on the index labels as pandas: the result has the sorted union of both
   * indexes (equal indexes pair by position and keep their order), missing where a label is on
   * one side only (so int64 becomes float64), a label repeated on both sides pairs every way.
   * `fillValue` stands in for a value missing on one side only, as pandas' fill_value. The name
   * is kept when both names are equal, else null.
   * @example
   * new Series([1, 2], { index: ["a", "b"] }).add(new Series([10, 20], { index: ["b", "c"] }), { fillValue: 0 }).toArray() // [1, 12, 20]
   */
  add(other: Series | number | string, opts: ArithOptions = {}): Series {
    return this.bin("add", other, false, opts);
  }
  /** Elementwise this - other (dates minus dates give ms), as pd.Series.sub / -; Series align by label and fillValue works as in add. */
  sub(other: Series | number | Date, opts: ArithOptions = {}): Series {
    return this.bin("sub", other, false, opts);
  }
  /** Elementwise this * other, as pd.Series.mul / *; Series align by label and fillValue works as in add. */
  mul(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("mul", other, false, opts);
  }
  /** Elementwise true division, as pd.Series.div / /; Series align by label and fillValue works as in add. */
  div(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("div", other, false, opts);
  }
  /** Elementwise Python-style modulo (sign of the divisor), as pd.Series.mod / %; Series align by label and fillValue works as in add. */
  mod(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("mod", other, false, opts);
  }
  /** Elementwise this ** other, as pd.Series.pow; Series align by label and fillValue works as in add. */
  pow(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("pow", other, false, opts);
  }
  /** Elementwise floor division, as pd.Series.floordiv / //; Series align by label and fillValue works as in add. */
  floordiv(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("floordiv", other, false, opts);
  }
  /** other - this elementwise, as pd.Series.rsub; Series align by label and fillValue works as in add. */
  rsub(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("sub", other, true, opts);
  }
  /** other / this elementwise, as pd.Series.rdiv; Series align by label and fillValue works as in add. */
  rdiv(other: Series | number, opts: ArithOptions = {}): Series {
    return this.bin("div", other, true, opts);
  }
  /** -this elementwise, as -s. */
  neg(): Series {
    return this.bin("mul", -1);
  }
  /** Absolute values, as pd.Series.abs. */
  abs(): Series {
    return this.mapNumbers("abs", Math.abs);
  }
  /** Round half to even, as numpy; an int64 Series stays int64 (negative decimals round to tens, hundreds...). */
  round(decimals = 0): Series {
    if (this.col.dtype === "int64" && decimals >= 0) return this;
    // numpy scales by 10^d for d >= 0 and divides by 10^-d below, then rounds half to even
    const f = 10 ** Math.abs(decimals);
    const even = (y: number) => (Math.abs(y % 1) === 0.5 ? 2 * Math.round(y / 2) : Math.round(y));
    return this.mapNumbers("round", decimals >= 0 ? (x) => even(x * f) / f : (x) => even(x / f) * f);
  }
  private mapNumbers(op: string, fn: (x: number) => number): Series {
    const v = numericView(op, this.col, this.name);
    const out = v.map(fn);
    // ints stay int64, as pandas (abs, and round to tens or hundreds); the mask carries the missing
    return this.with(
      this.col.dtype === "int64"
        ? intCol(
            out.map((x) => (x === x ? x : 0)),
            this.col.valid,
          )
        : floatCol(out),
    );
  }

  private cmp(op: CompareOp, other: Series | Other): Series {
    if (!(other instanceof Series)) return this.with(compare(op, this.operand(), other));
    requireSameLabels(op, this.index, other.index);
    return Series.fromColumn(
      compare(op, this.operand(), { col: other.col, name: other.name }),
      this.name === other.name ? this.name : null,
      this.index,
    );
  }
  /**
   * this == other elementwise (bool; missing compares false), as pandas' s == other. A Series
   * operand must have the same index (the same labels in the same order), as pandas' == requires
   * ("Can only compare identically-labeled Series objects"); the other comparisons likewise.
   */
  eq(other: Series | Scalar): Series {
    return this.cmp("eq", other);
  }
  /** this != other elementwise (bool), as pd.Series.ne / !=. */
  ne(other: Series | Scalar): Series {
    return this.cmp("ne", other);
  }
  /** this > other elementwise (bool), as pd.Series.gt / >. */
  gt(other: Series | Scalar): Series {
    return this.cmp("gt", other);
  }
  /** this >= other elementwise (bool), as pd.Series.ge / >=. */
  ge(other: Series | Scalar): Series {
    return this.cmp("ge", other);
  }
  /** this < other elementwise (bool), as pd.Series.lt / <. */
  lt(other: Series | Scalar): Series {
    return this.cmp("lt", other);
  }
  /** this <= other elementwise (bool), as pd.Series.le / <=. */
  le(other: Series | Scalar): Series {
    return this.cmp("le", other);
  }
  /**
   * left <= value <= right, as pd.Series.between(left, right, inclusive): `inclusive` "both"
   * (default), "neither", "left" or "right" says which ends count.
   */
  between(left: Scalar, right: Scalar, opts: { inclusive?: "both" | "neither" | "left" | "right" } = {}): Series {
    const inc = oneOf("between", "inclusive", opts.inclusive ?? "both", ["both", "neither", "left", "right"]);
    const lo = inc === "both" || inc === "left" ? this.ge(left) : this.gt(left);
    return lo.and(inc === "both" || inc === "right" ? this.le(right) : this.lt(right));
  }
  /**
   * Values below `lower` raised to it, above `upper` lowered to it, as pd.Series.clip(lower,
   * upper); missing stay missing, an omitted or null bound leaves that side alone, scalar bounds
   * the wrong way round are swapped, and int64 stays int64 unless a bound has a fraction. A
   * Series bound aligns by label: its missing values bound nothing, a label it lacks gives a
   * missing value (pandas 1.5).
   */
  clip(lower?: ClipBound | Series, upper?: ClipBound | Series): Series {
    // a Series bound is placed on these rows by label: its missing values bound nothing, and a
    // label it lacks makes the value missing (NaN), as pandas 1.5
    const place = (b: ClipBound | Series, none: number) => {
      if (!(b instanceof Series)) return b;
      const rows = reindexRows("clip", b.index, this.index),
        bv = numericView("clip", b.col, b.name);
      // a bound with no value at all is no bound, as pandas
      if (bv.every((x) => x !== x)) return null;
      return Float64Array.from({ length: this.length }, (_, i) => {
        const r = rows ? rows[i]! : i;
        return r < 0 ? NaN : bv[r] === bv[r] ? bv[r]! : none;
      });
    };
    return this.with(clipColumn("clip", this.col, this.name, place(lower, -Infinity), place(upper, Infinity)));
  }
  /** True where the value is one of `values`, as pd.Series.isin. */
  isin(values: readonly Scalar[]): Series {
    return this.with(isin({ col: this.col, name: this.name }, values));
  }
  private logical(op: LogicOp, other: Series | boolean): Series {
    if (!(other instanceof Series)) return this.with(logic(op, this.operand(), other));
    const { a, b, name, al } = this.aligned(op, other);
    // pandas reindexes both to objects with NaN, reads the right side's NaN as False, and gives
    // False wherever the left is NaN: so a label only on the right is false for and, or, xor
    return Series.fromColumn(logic(op, a, b, absentRows(al.left)), name, al.index);
  }
  /** Elementwise AND of bool series (pandas' &), with pandas' missing-value rules (missing is false); Series align by label as in add. */
  and(other: Series | boolean): Series {
    return this.logical("and", other);
  }
  /** Elementwise OR of bool series (pandas' |), with pandas' missing-value rules (missing is false); Series align by label as in add. */
  or(other: Series | boolean): Series {
    return this.logical("or", other);
  }
  /** Elementwise XOR of bool series (pandas' ^; missing is false); Series align by label as in add. */
  xor(other: Series | boolean): Series {
    return this.logical("xor", other);
  }
  /** Elementwise NOT of a bool series (pandas' ~). */
  not(): Series {
    return this.with(not({ col: this.col, name: this.name }));
  }

  // ---------------------------------------------------------------- missing values

  /** True where the value is missing (NaN, null, NaT), as pd.Series.isna. */
  isna(): Series {
    return this.with(boolCol(naMask(this.col)));
  }
  /** True where the value is present, as pd.Series.notna. */
  notna(): Series {
    return this.with(boolCol(naMask(this.col).map((v) => 1 - v)));
  }
  /** Replace missing values with a value, or propagate with { method: "ffill" | "bfill" }. */
  fillna(value: Scalar | { method: "ffill" | "bfill"; limit?: number }): Series {
    if (value !== null && typeof value === "object" && !(value instanceof Date))
      return this.with(fillDirection(this.col, value.method, value.limit));
    return this.with(fillColumn("fillna", this.col, this.name, value));
  }
  /** Fill missing values with the last present one (at most `limit` in a row), as pd.Series.ffill. */
  ffill(limit?: number): Series {
    return this.with(fillDirection(this.col, "ffill", limit));
  }
  /** Fill missing values with the next present one (at most `limit` in a row), as pd.Series.bfill. */
  bfill(limit?: number): Series {
    return this.with(fillDirection(this.col, "bfill", limit));
  }
  /** The present values only, as pd.Series.dropna. */
  dropna(): Series {
    return this.filter(this.notna());
  }
  /** Linear interpolation over positions (pandas' method="linear"); leading NaN stay. */
  interpolate(): Series {
    return this.with(interpolateColumn("interpolate", this.col, this.name));
  }

  /** Convert to another frame dtype, as pd.Series.astype; "str" is accepted as "string" (missing values stay missing, where pandas' astype(str) writes "nan"). */
  astype(dtype: AstypeDType): Series {
    return this.with(castColumn("astype", this.col, dtype, this.name));
  }

  /** Element-wise: a function of each non-missing value, or a lookup object (missing when absent). */
  map(fn: ((v: Scalar, i: number) => unknown) | Record<string, unknown> | Map<Scalar, unknown>): Series {
    const n = this.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = cell(this.col, i);
      const missing = v === null || (typeof v === "number" && Number.isNaN(v));
      if (typeof fn === "function") out[i] = missing ? null : fn(v, i);
      else if (fn instanceof Map) out[i] = missing ? null : (fn.get(v) ?? null);
      else out[i] = missing ? null : (fn[String(v)] ?? null);
    }
    const col = columnFromValues("map", this.name, out);
    // numbers from a float column stay float64 (3.0 * 2 is 6.0 in pandas, not int 6)
    return this.with(col.dtype === "int64" && this.col.dtype === "float64" ? castColumn("map", col, "float64", this.name) : col);
  }
  /** As map with a function, but called on missing values too. */
  apply(fn: (v: Scalar, i: number) => unknown): Series {
    const out = Array.from({ length: this.length }, (_, i) => fn(cell(this.col, i), i));
    return this.with(columnFromValues("apply", this.name, out));
  }

  /** Keep values where cond is true, else `other` (missing by default), as pd.Series.where; a bool Series cond is placed by label, and a label it lacks counts as false. */
  where(cond: Series | ArrayLike<boolean> | Uint8Array, other: Scalar = null): Series {
    return this.keepWhere(maskOf("where", cond, this.length, this.index, 0), 1, other);
  }
  /** Replace values where cond is true with `other` (the opposite of where), as pd.Series.mask; a label a bool Series cond lacks is replaced too, as pandas does. */
  mask(cond: Series | ArrayLike<boolean> | Uint8Array, other: Scalar = null): Series {
    return this.keepWhere(maskOf("mask", cond, this.length, this.index, 1), 0, other);
  }
  /** The values at the rows whose mask is `keep`, `other` at the rest (where and mask). */
  private keepWhere(m: Uint8Array, keep: 0 | 1, other: Scalar): Series {
    const vals = this.toArray().map((v, i) => ((m[i] ? 1 : 0) === keep ? v : other));
    // pandas' dtypes: nothing replaced keeps the column; floats stay float64; ints stay int64 unless
    // a missing or fractional `other` lands in them; a missing `other` keeps any other dtype
    if (m.every((x) => (x ? 1 : 0) === keep)) return this.with(this.col);
    const d = this.col.dtype,
      num = other === null || typeof other === "number";
    const dtype =
      num && (d === "float64" || (d === "int64" && !Number.isInteger(other ?? 0.5))) ? "float64" : other === null ? d : undefined;
    return this.with(columnFromValues("where", this.name, vals, dtype));
  }

  // ---------------------------------------------------------------- reductions

  /** One aggregate over all values (missing skipped). */
  agg(spec: AggSpec): Scalar {
    return cell(aggregate(typeof spec === "string" ? spec : "agg", spec, this.col, this.name, oneGroup(this.length)), 0);
  }
  /** Sum of the present values (0 when none), as pd.Series.sum (skipna). */
  sum(): number {
    const c = this.col;
    return c.dtype === "float64" || c.dtype === "int64"
      ? presentSum(c.values, c.dtype === "int64" ? c.valid : null)
      : (this.agg("sum") as number);
  }
  /** Mean of the present values, as pd.Series.mean. */
  mean(): number {
    return this.agg("mean") as number;
  }
  /** Median of the present values, as pd.Series.median. */
  median(): number {
    return this.agg("median") as number;
  }
  /** Smallest present value (numbers, strings or dates), as pd.Series.min. */
  min(): Scalar {
    return this.agg("min");
  }
  /** Largest present value (numbers, strings or dates), as pd.Series.max. */
  max(): Scalar {
    return this.agg("max");
  }
  /** Sample standard deviation (ddof 1) of the present values, as pd.Series.std. */
  std(): number {
    return this.agg("std") as number;
  }
  /** Sample variance (ddof 1) of the present values, as pd.Series.var. */
  var(): number {
    return this.agg("var") as number;
  }
  /** Product of the present values, as pd.Series.prod. */
  prod(): number {
    return this.agg("prod") as number;
  }
  /** Non-missing values. */
  count(): number {
    return this.agg("count") as number;
  }
  /** The number of distinct present values, as pd.Series.nunique. */
  nunique(): number {
    return this.agg("nunique") as number;
  }
  /**
   * Quantile with linear interpolation of the present values (q in [0, 1]), as pd.Series.quantile:
   * one q gives a number, a list gives a float64 Series indexed by q (named as this Series).
   * @example
   * mtcars.col("mpg").quantile([0.25, 0.5]).toArray() // [15.425, 19.2]
   */
  quantile(q: number): number;
  quantile(q: readonly number[]): Series;
  quantile(q: number | readonly number[]): number | Series {
    const qs = checkQuantiles("quantile", q);
    const v = numericView("quantile", this.col, this.name)
      .filter((x) => x === x)
      .sort();
    if (typeof q === "number") return quantileSorted(v, q);
    return this.with(floatCol(Float64Array.from(qs, (x) => quantileSorted(v, x))), this.name, labelIndex(floatCol(Float64Array.from(qs))));
  }
  /** Distinct values in order of appearance (missing included once, as pandas). */
  unique(): Scalar[] {
    const kg = groupIds([this.col], false);
    return Array.from(kg.firstRow, (i) => cell(this.col, i));
  }
  /** The label of the largest / smallest value. */
  idxmax(): Scalar {
    return this.idxExtreme(false);
  }
  /** The index label of the smallest value, as pd.Series.idxmin. */
  idxmin(): Scalar {
    return this.idxExtreme(true);
  }
  private idxExtreme(asc: boolean): Scalar {
    const order = argsort([this.col], [asc], "last");
    if (order.length === 0 || countNA(this.col) === this.length)
      throw new FrameError(`idx${asc ? "min" : "max"}: Series ${quote(this.name)} has no values.`);
    // argsort is stable, so the first of equal extremes wins, as pandas
    return indexLabel(this.index, order[0]!);
  }
  /** Pearson correlation with another Series, as pd.Series.corr: values pair by index label (pandas' inner join; a label on one side only, or a pair with a missing value, is skipped). */
  corr(other: Series): number {
    const { a, b } = this.aligned("corr", other);
    return pearson(numericView("corr", a.col, a.name), numericView("corr", b.col, b.name));
  }

  /** Counts of each distinct value, most frequent first (pd.Series.value_counts). */
  valueCounts(opts: ValueCountsOptions = {}): Series {
    const { normalize = false, sort = true, ascending = false, dropna = true } = opts;
    const kg = groupIds([this.col], dropna);
    const counts = aggregate("valueCounts", "size", this.col, this.name, kg);
    let values = counts as { dtype: "int64"; values: Float64Array; valid: null };
    let keys = take(this.col, kg.firstRow, true);
    let order: Int32Array = range(0, kg.n);
    if (this.col.dtype === "category") {
      // every category appears, with 0 for the unused ones
      // every category appears, with 0 for the unused ones, then missing values (dropna: false)
      const cats = this.col.dict;
      let nMissing = 0;
      const full = new Float64Array(cats.length + 1);
      for (let g = 0; g < kg.n; g++) {
        const code = this.col.codes[kg.firstRow[g]!]!;
        if (code >= 0) full[code] = values.values[g]!;
        else nMissing = full[cats.length] = values.values[g]!;
      }
      const m = nMissing > 0 ? cats.length + 1 : cats.length;
      values = intCol(full.slice(0, m)) as typeof values;
      keys = { dtype: "category", codes: Int32Array.from({ length: m }, (_, k) => (k < cats.length ? k : -1)), dict: cats };
      order = range(0, m);
    }
    if (sort) order = argsort([values], [ascending], "last");
    const total = values.values.reduce((s, v) => s + v, 0);
    const outCol: Column = normalize ? floatCol(Float64Array.from(order, (g) => values.values[g]! / total)) : take(values, order);
    // pandas 1.5 names the result after the column and leaves the index unnamed (2.0 changed both)
    return Series.fromColumn(outCol, this.name, labelIndex(take(keys, order, true)));
  }

  /** Summary statistics (count, mean, std, min, quartiles, max; or count/unique/top/freq for text). */
  describe(): Series {
    if (isStringLike(this.col) || this.col.dtype === "bool") {
      const vc = this.valueCounts();
      const labels = ["count", "unique", "top", "freq"];
      const vals = [this.count(), this.nunique(), vc.length ? String(vc.indexValues()[0]) : null, vc.length ? String(vc.iat(0)) : null];
      return new Series(
        vals.map((v) => (v === null ? null : String(v))),
        { name: this.name, index: labels },
      );
    }
    const v = numericView("describe", this.col, this.name)
      .filter((x) => x === x)
      .sort();
    const vals = [
      v.length,
      this.mean(),
      this.std(),
      v.length ? v[0] : NaN,
      quantileSorted(v, 0.25),
      quantileSorted(v, 0.5),
      quantileSorted(v, 0.75),
      v.length ? v[v.length - 1] : NaN,
    ];
    return new Series(Float64Array.from(vals), { name: this.name, index: ["count", "mean", "std", "min", "25%", "50%", "75%", "max"] });
  }

  // ---------------------------------------------------------------- order and time

  /** Sorted by value (stable; `{ ascending, naPosition }`), as pd.Series.sort_values. */
  sortValues(opts: { ascending?: boolean; naPosition?: NaPosition } = {}): Series {
    const idx = argsort([this.col], [opts.ascending ?? true], opts.naPosition ?? "last");
    return this.takeRows(idx);
  }
  /**
   * Sorted by index label, as pd.Series.sort_index; on a MultiIndex every level in turn, or
   * `level` first and then the others (sortRemaining); `ascending` one flag or one per level.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).col("breaks").mean().sortIndex({ level: 1 }).index.kind // "multi"
   */
  sortIndex(opts: SortIndexOptions = {}): Series {
    const idx = sortIndexOrder("sortIndex", this.index, opts);
    return this.takeRows(idx);
  }
  /**
   * The n largest values (default 5), largest first, as pd.Series.nlargest(n, keep): ties in row
   * order ("first"), from the last row back ("last"), or every row tied with the n-th ("all");
   * missing values come last, only when fewer than n are present. Numbers, bools and times only.
   */
  nlargest(n = 5, opts: { keep?: NKeep } = {}): Series {
    return this.best("nlargest", n, opts.keep ?? "first", true);
  }
  /** The n smallest values (default 5), smallest first, as pd.Series.nsmallest(n, keep); keep and missing values as in nlargest. */
  nsmallest(n = 5, opts: { keep?: NKeep } = {}): Series {
    return this.best("nsmallest", n, opts.keep ?? "first", false);
  }
  private best(op: string, n: number, keep: NKeep, largest: boolean): Series {
    // a RangeIndex repeats no label, so no missing row shares one
    const label = this.index.kind === "range" ? undefined : (r: number) => JSON.stringify(indexTuple(this.index, r));
    return this.takeRows(nBest(op, this.col, this.name, identity(this.length), n, keep, largest, label));
  }
  /** true for rows whose value appeared before (keep "first"), after ("last"), or repeats at all (false). */
  duplicated(keep: "first" | "last" | false = "first"): Series {
    return this.with(boolCol(duplicatedRows([this.col], keep)));
  }
  /** Without repeated values, keeping the "first" (default), "last" or none (false), as pd.Series.drop_duplicates. */
  dropDuplicates(keep: "first" | "last" | false = "first"): Series {
    return this.filter(this.duplicated(keep).not());
  }

  /** Values moved down by `periods` (up when negative), filling with missing or fillValue, as pd.Series.shift. */
  shift(periods = 1, fillValue?: Scalar): Series {
    return this.with(shiftColumn(this.col, periods, fillValue, this.name));
  }
  /** this minus the value `periods` rows before, as pd.Series.diff. */
  diff(periods = 1): Series {
    return this.with(diffColumn(this.col, periods, this.name));
  }
  /** Relative change from the value `periods` rows before, as pd.Series.pct_change (pandas 1.5's fill_method="pad": missing values are forward-filled first). */
  pctChange(periods = 1): Series {
    return this.with(pctChangeColumn(this.col, periods, this.name));
  }
  /** Running sum, skipping missing values, as pd.Series.cumsum. */
  cumsum(): Series {
    return this.cum("cumsum");
  }
  /** Running product, skipping missing values, as pd.Series.cumprod. */
  cumprod(): Series {
    return this.cum("cumprod");
  }
  /** Running maximum, skipping missing values, as pd.Series.cummax. */
  cummax(): Series {
    return this.cum("cummax");
  }
  /** Running minimum, skipping missing values, as pd.Series.cummin. */
  cummin(): Series {
    return this.cum("cummin");
  }
  private cum(op: CumOp): Series {
    return this.with(cumulative(op, this.col, this.name));
  }
  /** Moving windows of `window` rows, as pd.Series.rolling (row counts only, no time offsets); then .mean(), .sum()... */
  rolling(window: number, opts: RollingOptions = {}): Rolling<Series> {
    return new Rolling(window, opts, ...this.windowParts());
  }
  /** What a window object computes over: this column, its name, and how a result becomes a Series. */
  private windowParts(): [Column[], (string | null)[], (cols: Column[]) => Series] {
    return [[this.col], [this.name], (cols) => this.with(cols[0]!)];
  }
  /** Windows from the first row to each row, as pd.Series.expanding. */
  expanding(minPeriods = 1): Expanding<Series> {
    return new Expanding(minPeriods, ...this.windowParts());
  }
  /** Exponentially weighted windows, as pd.Series.ewm; give one of span, com, halflife or alpha. */
  ewm(opts: EwmOptions): Ewm<Series> {
    return new Ewm(opts, ...this.windowParts());
  }
  /**
   * Values binned by calendar time on the datetime index, as pd.Series.resample: the rules "H",
   * "D", "MS" (bins closed and labelled on the left, by their start) and "W" (weeks ending
   * Sunday), "M", "Q", "Y" (closed and labelled on the right, by their last day), as
   * DataFrame.resample. Then sum/mean/min/max/count/first/last/median/std/var/nunique give a
   * Series on the bins (named as this Series, the index keeping the index's name), size() rows
   * per bin, ohlc() a frame of open/high/low/close, agg a name, a function, or a list / dict of
   * them (a frame). Empty bins between the first and the last are kept (0 for sum, count and
   * size; missing for the others); missing values are skipped. `closed`/`label` are accepted at
   * the rule's default only.
   * @example
   * new Series([1, 2, NaN, 4], { index: [new Date("2024-01-03"), new Date("2024-01-20"), new Date("2024-02-10"), new Date("2024-03-31")] }).resample("M").sum().toArray() // [3, 0, 4]
   */
  resample(rule: string, opts: SeriesResampleOptions = {}): SeriesResampler {
    return resampleSeries(this, rule, opts);
  }

  /** String methods (lower, upper, strip, contains, startsWith, replace, split, len). */
  get str(): StringAccessor {
    return new StringAccessor(this);
  }
  /** Datetime parts (year, month, day, dayofweek, hour...). */
  get dt(): DateAccessor {
    return new DateAccessor(this);
  }

  // ---------------------------------------------------------------- out

  /**
   * The values as a 1-D tensor (float32 by default), as pd.Series.to_numpy() handed to torch.tensor.
   * Missing values become NaN; text columns are refused (use factorize or getDummies first). Needs
   * the tensor core loaded (import "tensorloom", or use toTensor from "tensorloom/frame/ml").
   */
  toTensor(dtype: DType = "float32"): Tensor {
    return columnToTensor(this.col, this.name, dtype);
  }

  /** The series printed as pandas prints it (respecting displayOptions). */
  toString(): string {
    return formatSeries(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
provideSeriesClass(Series); // the verbs build Series through frames.ts, never importing this file

/**
 * A Series, array or typed array as a mask of `n` rows. A bool Series is placed on `index` by
 * label when its own index differs, as pandas does (extra labels are dropped); a row whose label
 * the mask lacks is an error (`absent` "error": pandas' "Unalignable boolean Series provided as
 * indexer", for filter and loc) or gets `absent` (where/mask, which treat it as not kept).
 * Arrays and typed arrays are positional.
 */
export function maskOf(
  op: string,
  mask: Series | ArrayLike<boolean> | Uint8Array,
  n: number,
  index?: Index,
  absent: "error" | 0 | 1 = "error",
): Uint8Array {
  if (mask instanceof Series) {
    const values = boolValues(op, { col: mask.col, name: mask.name });
    const rows = index === undefined ? null : reindexRows(op, mask.index, index);
    if (rows === null) {
      sameLength(op, "the mask", mask.length, n);
      return values;
    }
    return Uint8Array.from(rows, (r, i) => {
      if (r >= 0) return values[r]!;
      if (absent === "error")
        throw new FrameError(
          `${op}: the boolean Series has no label ${formatLabel(indexLabel(index!, i))} (row ${i}), so it cannot select rows by label (pandas: "Unalignable boolean Series provided as indexer"). Build the mask from this frame's own columns, or pass mask.values to select by position.`,
        );
      return absent;
    });
  }
  sameLength(op, "the mask", mask.length, n);
  if (mask instanceof Uint8Array) return mask;
  return Uint8Array.from(Array.from(mask as ArrayLike<boolean>), (b) => (b ? 1 : 0));
}

export function positionsFrom(op: string, rows: number[] | Int32Array | Slice<number>, n: number): Int32Array {
  if (Array.isArray(rows) || rows instanceof Int32Array) {
    return Int32Array.from(rows as ArrayLike<number>, (i) => {
      const j = i < 0 ? i + n : i;
      if (!Number.isInteger(j) || j < 0 || j >= n)
        throw new FrameError(`${op}: position ${i} is out of range for ${n} rows; positions run from ${-n} to ${n - 1}.`);
      return j;
    });
  }
  return slicePositions(op, rows, n);
}

/** Rows whose key (over several columns) already appeared, as pandas duplicated(keep). */
export function duplicatedRows(cols: readonly Column[], keep: "first" | "last" | false): Uint8Array {
  const kg = groupIds(cols, false);
  const n = kg.ids.length;
  const out = new Uint8Array(n);
  if (keep === false) {
    const count = new Int32Array(kg.n);
    for (let i = 0; i < n; i++) count[kg.ids[i]!]!++;
    for (let i = 0; i < n; i++) out[i] = count[kg.ids[i]!]! > 1 ? 1 : 0;
    return out;
  }
  const seen = new Uint8Array(kg.n);
  for (let s = 0; s < n; s++) {
    const i = keep === "first" ? s : n - 1 - s;
    const g = kg.ids[i]!;
    if (seen[g]) out[i] = 1;
    else seen[g] = 1;
  }
  return out;
}
