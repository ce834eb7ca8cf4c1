// DataFrame: named columns of equal length plus a row Index. The class holds the data and the
// small verbs; larger verbs live in verbs/ (one concept per file) and are forwarded to here so
// that `df.merge(...)` and `merge(df, ...)` are the same function.

import {
  type Column,
  type FrameDType,
  type AstypeDType,
  type Scalar,
  cell,
  colLength,
  columnFromValues,
  castColumn,
  isStringLike,
  naMask,
  take,
  boolCol,
  maskToIndex,
  numericView,
  floatCol,
  isNumericDType,
  intCol,
  quote,
} from "./column.js";
import { FrameError, oneOf, unknownColumn } from "./errors.js";
import {
  type Index,
  type ColumnIndex,
  type LabelKey,
  indexLength,
  indexLabel,
  takeIndex,
  rangeIndex,
  labelIndex,
  positionsOf,
  sameLength,
  multiIndex,
} from "./labels.js";
import {
  type AxisNames,
  type LevelAxis,
  type RenameAxisOptions,
  type SortIndexOptions,
  columnPosition,
  droplevel,
  renameAxis,
  reorderAxis,
  reorderLevels,
  resetIndex,
  selectColumnIndex,
  setIndex,
  sortIndexOrder,
  stack,
  swapLevels,
  unstack,
  xs,
  type XsOptions,
} from "./multiIndex.js";
import { Series, makeIndex, maskOf, positionsFrom, duplicatedRows, type ValueCountsOptions } from "./series.js";
import { argsort, identity, nBest, type NKeep, type NaPosition } from "./sort.js";
import { fillColumn, fillDirection, interpolateColumn } from "./verbs/missing.js";
import { clipColumn, type ClipBound } from "./verbs/arith.js";
import {
  shiftColumn,
  diffColumn,
  pctChangeColumn,
  cumulative,
  Rolling,
  Expanding,
  Ewm,
  type RollingOptions,
  type EwmOptions,
  type CumOp,
} from "./verbs/window.js";
import { GroupBy, type GroupByOptions } from "./verbs/groupby.js";
import { merge, join, type MergeOptions, type JoinOptions } from "./verbs/merge.js";
import { pivot, pivotTable, melt, type PivotTableOptions, type PivotOptions, type MeltOptions } from "./verbs/reshape.js";
import { describe, info, corr, type DescribeOptions } from "./verbs/describe.js";
import { sample, type SampleOptions } from "./verbs/sample.js";
import { type Slice, headSlice, tailSlice, isSlice, slicePositions, labelSlicePositions } from "./slice.js";
import { rankColumn, type RankOptions } from "./verbs/rank.js";
import { resample, type Resampler } from "./verbs/resample.js";
import { formatFrame } from "./format/text.js";
import { evaluateQuery } from "./verbs/query.js";
import { toMarkdown } from "./format/markdown.js";
import { toHtml } from "./format/html.js";
import { toCsv, type ToCsvOptions } from "./io/csvWrite.js";
import { toJson, type JsonOrient } from "./io/json.js";
import { reduceFrame, quantileFrame, type ReduceOptions, type QuantileOptions } from "./verbs/reduce.js";
import { frameArith, type FrameOperand, type FrameArithOptions } from "./verbs/frameArith.js";
import { reindexRows, takeRows, unionIndex } from "./align.js";
import { frameToTensor } from "./ml/tensor.js";
import { columnOf, provideFrameClass } from "./frames.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";

/** One column's values for the DataFrame constructor: an array, a typed array or a Series (pd.DataFrame's dict values). */
export type ColumnInput = ArrayLike<unknown> | Series;
/** Options of the DataFrame constructor: `index` (row labels) and `dtypes` per column instead of inference (pd.DataFrame's index= and an astype mapping). */
export interface FrameOptions {
  index?: readonly Scalar[] | Index;
  /** dtype per column, instead of inferring it. */
  dtypes?: Record<string, FrameDType>;
}
/** A new column for assign: a Series, values, one scalar for every row, or a function of the frame. */
export type AssignValue = ColumnInput | Scalar | ((df: DataFrame) => ColumnInput | Scalar);

/** A pandas-style table of named, typed columns with a row index, as pd.DataFrame: columns of float64, int64 (nullable), bool, string, category or datetime (ms) on typed arrays; pandas' methods in camelCase (head, loc/iloc, query, groupby, merge...). Rows and columns may have several levels (MultiIndex; see docs/FRAME.md). */
export class DataFrame {
  /** The column names in order (read-only; `columns` gives a copy), as pd.DataFrame.columns. */
  readonly names: readonly string[];
  /** The columns in internal layout, parallel to names (see column.ts); use col(name) for a Series. */
  readonly data: readonly Column[];
  /** The row labels, as pd.DataFrame.index (a RangeIndex, one label column, or a MultiIndex). */
  readonly index: Index;
  /**
   * The column labels' levels beside the flat `names`, as the levels and names of pandas'
   * df.columns: null for plain named columns; one tuple per column (("hp", "min")) and a name per
   * level when the columns have several levels or a named axis (pandas' columns.name). The flat
   * names stay the labels joined by "_" ("hp_min"), so name-based verbs keep working.
   */
  readonly columnIndex: ColumnIndex | null = null;

  /**
   * A frame from columns, as pd.DataFrame({...}): each entry an array, typed array or Series.
   * Series are placed by index label, as pandas: the rows are the union of their indexes (sorted
   * when they differ; missing where a Series lacks a label), or `index` when given; arrays and
   * typed arrays are placed by position.
   * @param columns name -> values (all the same length)
   */
  constructor(columns: Record<string, ColumnInput> = {}, opts: FrameOptions = {}) {
    const names = Object.keys(columns);
    // like pandas, Series are placed by label: on the index given, else on the union of their indexes
    const given =
      opts.index === undefined
        ? undefined
        : makeIndex("DataFrame", opts.index, "kind" in opts.index ? indexLength(opts.index) : opts.index.length);
    const seriesIndex =
      given ??
      unionIndex(
        "DataFrame",
        Object.values(columns)
          .filter((v): v is Series => v instanceof Series)
          .map((s) => s.index),
      );
    const data = names.map((k) => {
      const v = columns[k]!;
      if (v instanceof Series) {
        const col = takeRows(v.col, reindexRows("DataFrame", v.index, seriesIndex!));
        return opts.dtypes?.[k] ? castColumn("DataFrame", col, opts.dtypes[k]!, k) : col;
      }
      return columnFromValues("DataFrame", k, v, opts.dtypes?.[k]);
    });
    const n = data.length ? colLength(data[0]!) : given ? indexLength(given) : 0;
    data.forEach((c, j) => {
      if (colLength(c) !== n)
        throw new FrameError(
          `DataFrame: column ${quote(names[j]!)} has ${colLength(c)} rows but ${quote(names[0]!)} has ${n}. All columns need the same length.`,
        );
    });
    this.names = names;
    this.data = data;
    this.index = makeIndex("DataFrame", given ?? seriesIndex, n);
  }

  /** A frame over existing columns (no copy, no checks beyond lengths). */
  static fromColumns(names: readonly string[], data: readonly Column[], index?: Index, levels: ColumnIndex | null = null): DataFrame {
    const n = data.length ? colLength(data[0]!) : index ? indexLength(index) : 0;
    // linear in the columns: a wide CSV can have tens of thousands
    const seen = new Set<string>();
    const dup = names.find((s) => seen.size === seen.add(s).size);
    if (dup !== undefined)
      throw new FrameError(
        `DataFrame: column name ${JSON.stringify(dup)} appears twice. Rename one of them (rename, or suffixes in merge).`,
      );
    data.forEach((c, j) => sameLength("DataFrame", `column ${quote(names[j]!)}`, colLength(c), n));
    const df = Object.create(DataFrame.prototype) as {
      names: readonly string[];
      data: readonly Column[];
      index: Index;
      columnIndex: ColumnIndex | null;
    };
    df.names = names.slice();
    df.data = data.slice();
    df.index = index ?? rangeIndex(n);
    if (levels && indexLength(levels) !== names.length)
      throw new FrameError(
        `DataFrame: the column levels have ${indexLength(levels)} entries for ${names.length} columns. Pass one entry per column.`,
      );
    df.columnIndex = levels;
    return df as DataFrame;
  }

  /**
   * A frame from row objects, as pd.DataFrame.from_records. Columns are the union of the keys in
   * order of first appearance; a key absent from a row is missing there.
   */
  static fromRecords(records: readonly Record<string, unknown>[], opts: FrameOptions & { columns?: string[] } = {}): DataFrame {
    const names = opts.columns ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
    const cols: Record<string, unknown[]> = {};
    for (const k of names) cols[k] = records.map((r) => r[k]);
    return new DataFrame(cols, opts);
  }

  /** A frame from a 2-D tensor: one column per tensor column (named 0, 1, ... unless given). */
  static fromTensor(t: Tensor, opts: { columns?: string[]; index?: readonly Scalar[] } = {}): DataFrame {
    if (t.ndim !== 2 && t.ndim !== 1)
      throw new FrameError(`fromTensor: expected a 1-D or 2-D tensor, got shape [${t.shape.join(", ")}]. Reshape it first.`);
    const [rows, width] = t.ndim === 2 ? [t.shape[0]!, t.shape[1]!] : [t.shape[0]!, 1];
    const names = opts.columns ?? Array.from({ length: width }, (_, j) => String(j));
    if (names.length !== width) throw new FrameError(`fromTensor: ${names.length} column names for a tensor with ${width} columns.`);
    const s = t.storage;
    const data = names.map((_, j) => {
      const v = new Float64Array(rows);
      for (let i = 0; i < rows; i++) v[i] = s[i * width + j]!;
      return t.dtype === "int32" ? intCol(v) : t.dtype === "bool" ? boolCol(Uint8Array.from(v)) : floatCol(v);
    });
    return DataFrame.fromColumns(names, data, opts.index ? makeIndex("fromTensor", opts.index, rows) : undefined);
  }

  // ---------------------------------------------------------------- looking

  /** [rows, columns] */
  get shape(): [number, number] {
    return [indexLength(this.index), this.names.length];
  }
  /** The number of rows, as len(df). */
  get length(): number {
    return indexLength(this.index);
  }
  /** A copy of the column names, as list(df.columns). */
  get columns(): string[] {
    return this.names.slice();
  }
  /**
   * Each column's dtype, as pd.DataFrame.dtypes: a string Series indexed by column name, in column
   * order (`df.dtypes.at("a")`, `df.dtypes.toArray()`); dtype names are tensorloom's ("string"
   * where pandas says object). `df.col(name).dtype` gives one column's dtype typed as FrameDType.
   * @example
   * mtcars.dtypes.at("mpg") // "float64"
   */
  get dtypes(): Series {
    return Series.fromColumn(
      columnFromValues(
        "dtypes",
        null,
        this.data.map((c) => c.dtype),
        "string",
      ),
      null,
      labelIndex(columnFromValues("dtypes", null, this.names, "string")),
    );
  }
  /** True when the frame has no rows or no columns, as pd.DataFrame.empty. */
  get empty(): boolean {
    return this.length === 0 || this.names.length === 0;
  }
  /** The index labels as JS values, as df.index.tolist(). */
  indexValues(): Scalar[] {
    return Array.from({ length: this.length }, (_, i) => indexLabel(this.index, i));
  }

  /** Position of a column, or an error listing the columns. */
  colIndex(op: string, name: string): number {
    const j = this.names.indexOf(name);
    if (j < 0) throw unknownColumn(op, name, this.names);
    return j;
  }
  /** Whether a column of this name exists, as `name in df.columns`. */
  has(name: string): boolean {
    return this.names.includes(name);
  }
  /**
   * One column as a Series (sharing the frame's index), as df[name]; with column levels also by
   * its tuple of labels, as df[("mpg", "mean")] (the Series is named with the flat name).
   * @example
   * mtcars.groupby("cyl", { asIndex: true }).agg({ mpg: ["mean", "max"] }).col(["mpg", "max"]).toArray() // [33.9, 21.4, 19.2]
   */
  col(name: string | readonly Scalar[]): Series {
    const j = typeof name === "string" ? this.colIndex("col", name) : columnPosition("col", this, name);
    return Series.fromColumn(this.data[j]!, this.names[j]!, this.index);
  }
  /** Alias of col, as df[name] or df[("a", "b")]. */
  get(name: string | readonly Scalar[]): Series {
    return this.col(name);
  }

  /** The first n rows (default 5; negative n: all but the last -n), as pd.DataFrame.head. */
  head(n = 5): DataFrame {
    return this.iloc(headSlice(n, this.length));
  }
  /** The last n rows (default 5; negative n: all but the first -n), as pd.DataFrame.tail. */
  tail(n = 5): DataFrame {
    return this.iloc(tailSlice(n, this.length));
  }

  /** Summary statistics per column (count, mean, std, min, quartiles, max; count/unique/top/freq for text), as pd.DataFrame.describe. */
  describe(opts: DescribeOptions = {}): DataFrame {
    return describe(this, opts);
  }
  /** The text pandas' info() prints: index, columns with non-null counts and dtypes, memory. */
  info(): string {
    return info(this);
  }
  /** Pearson correlation between the numeric columns (pairwise complete rows). */
  corr(): DataFrame {
    return corr(this);
  }
  /** Counts of each distinct row (over `subset` columns), most frequent first, as pd.DataFrame.value_counts (1.5): an unnamed Series whose index levels are named after the columns. */
  valueCounts(subset?: string[], opts: ValueCountsOptions = {}): Series {
    const cols = subset ?? this.names;
    const key = this.select(...cols);
    const g = key.groupby([...cols], { dropna: opts.dropna ?? true }).size();
    const order = opts.sort === false ? null : argsort([g.data[g.data.length - 1]!], [opts.ascending ?? false], "last");
    const sorted = order ? g.take(order) : g;
    const counts = sorted.col("size");
    const total = counts.sum();
    const vals = opts.normalize ? counts.div(total) : counts;
    return Series.fromColumn(vals.col, null, multiIndex(sorted.data.slice(0, -1), cols));
  }
  /**
   * The rank of each value within its column, as pd.DataFrame.rank (axis 0 only): the options of
   * Series.rank. As pandas 1.5's default (numeric_only=None), text and date columns are ranked
   * too; numericOnly: true keeps only the int, float and bool columns.
   * @example
   * mtcars.select("mpg", "cyl").rank({ method: "min" }) // shape [32, 2]
   */
  rank(opts: RankOptions = {}): DataFrame {
    const df = opts.numericOnly ? this.select(...this.names.filter((_, j) => isNumericDType(this.data[j]!.dtype))) : this;
    return df.mapColumns((c, k) => rankColumn("rank", c, k, opts));
  }
  /** Distinct values per column. */
  nunique(): Series {
    return new Series(
      this.names.map((k) => this.col(k).nunique()),
      { index: this.names, dtype: "int64" },
    );
  }

  /** The frame printed as pandas prints it (respecting displayOptions). */
  toString(): string {
    return formatFrame(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  /** The frame as a Markdown table, as pd.DataFrame.to_markdown (no tabulate dependency). */
  toMarkdown(opts: { index?: boolean } = {}): string {
    return toMarkdown(this, opts);
  }
  /** The frame as an HTML table, as pd.DataFrame.to_html. */
  toHtml(opts: { index?: boolean } = {}): string {
    return toHtml(this, opts);
  }
  /** The frame as CSV text, as pd.DataFrame.to_csv() without a path. */
  toCsv(opts: ToCsvOptions = {}): string {
    return toCsv(this, opts);
  }
  /** The frame as JSON text in an orient (default "records"), as pd.DataFrame.to_json. */
  toJson(opts: { orient?: JsonOrient } = {}): string {
    return toJson(this, opts.orient ?? "records");
  }
  /** Rows as objects (missing: null; NaN in float columns). */
  toRecords(): Record<string, Scalar>[] {
    const out: Record<string, Scalar>[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.row(i));
    return out;
  }
  /** Row i as an object. */
  row(i: number): Record<string, Scalar> {
    const r: Record<string, Scalar> = {};
    this.names.forEach((k, j) => {
      r[k] = cell(this.data[j]!, i);
    });
    return r;
  }
  /** Columns as arrays. */
  toColumns(): Record<string, Scalar[]> {
    return Object.fromEntries(this.names.map((k) => [k, this.col(k).toArray()]));
  }
  /**
   * The numeric columns as a 2-D tensor [rows, columns] (float32 unless dtype), for a model, as
   * torch.tensor(df[columns].to_numpy()). Needs the tensor core loaded: import "tensorloom" once,
   * or call toTensor(df, columns) from "tensorloom/frame/ml" (tensorloom/frame alone has no tensors).
   * @param columns which columns (default: all; text columns are refused with their names)
   */
  toTensor(columns?: string[], dtype: DType = "float32"): Tensor {
    return frameToTensor(this, columns ?? this.names.slice(), dtype);
  }

  // ---------------------------------------------------------------- selecting

  /**
   * Rows by position, as pd.DataFrame.iloc: a list, or a slice { start, stop, step } with Python's
   * rules (stop excluded, negative positions from the end, a negative step walks backwards; `end`
   * is stop's older name); null for all rows. Optionally columns by position: a list or a slice.
   * @example
   * mtcars.iloc({ start: 1, stop: 10, step: 3 }, { stop: 3 }) // shape [3, 3]
   */
  iloc(rows: number[] | Int32Array | Slice<number> | null, cols?: number[] | Slice<number>): DataFrame {
    const df = rows === null ? this : this.take(positionsFrom("iloc", rows, this.length));
    if (!cols) return df;
    if (!Array.isArray(cols)) return df.select(...Array.from(slicePositions("iloc", cols, this.names.length), (j) => this.names[j]!));
    return df.select(
      ...cols.map((j) => {
        const k = j < 0 ? j + this.names.length : j;
        if (!Number.isInteger(k) || k < 0 || k >= this.names.length)
          throw new FrameError(`iloc: column position ${j} is out of range for ${this.names.length} columns.`);
        return this.names[k]!;
      }),
    );
  }

  /**
   * Rows by label, as pd.DataFrame.loc: one label, a list, a slice { start, stop, step } of labels
   * (both ends included, as pandas; `from`/`to` are the older names), a boolean mask (a bool
   * Series, booleans or a Uint8Array: the rows where it is true, as pandas' df.loc[mask]), or null
   * for all rows; optionally columns by name (a list, or a slice of names, both ends included).
   * On a MultiIndex an array of labels is one key (a tuple, or its leading labels, as pandas'
   * df.loc[(6, 1)]), an array of arrays a list of keys, and slice ends may be keys too.
   * @example
   * mtcars.loc(mtcars.col("mpg").gt(25), ["model", "mpg"]) // shape [6, 2]
   */
  loc(
    rows: Scalar | Scalar[] | Scalar[][] | Slice<LabelKey> | Series | ArrayLike<boolean> | Uint8Array | null,
    cols?: string[] | Slice<string>,
  ): DataFrame {
    const df = this.take(this.locRows(rows));
    if (!cols) return df;
    if (!Array.isArray(cols))
      return df.select(
        ...Array.from(labelSlicePositions("loc", labelIndex(columnFromValues("loc", null, this.names)), cols), (j) => this.names[j]!),
      );
    return df.select(...cols);
  }

  private locRows(rows: Scalar | Scalar[] | Scalar[][] | Slice<LabelKey> | Series | ArrayLike<boolean> | Uint8Array | null): Int32Array {
    let idx: Int32Array;
    if (rows === null) idx = positionsFrom("loc", {}, this.length);
    else if (rows instanceof Uint8Array) idx = maskToIndex(maskOf("loc", rows, this.length));
    else if (rows instanceof Series && rows.dtype === "bool") idx = maskToIndex(maskOf("loc", rows, this.length, this.index));
    else if (Array.isArray(rows)) {
      // on a MultiIndex an array of labels is one key (a tuple, pandas' df.loc[("a", 1)]) and an array of arrays a list of keys
      const keys: LabelKey[] =
        this.index.kind === "multi" && rows.length > 0 && !Array.isArray(rows[0]) ? [rows as Scalar[]] : (rows as LabelKey[]);
      idx =
        rows.length && typeof rows[0] === "boolean"
          ? maskToIndex(maskOf("loc", rows as boolean[], this.length))
          : Int32Array.from(keys.flatMap((l) => positionsOf("loc", this.index, l)));
    } else if (isSlice(rows)) idx = labelSlicePositions("loc", this.index, rows);
    else idx = Int32Array.from(positionsOf("loc", this.index, rows as Scalar));
    return idx;
  }

  /** Rows at positions (internal building block; -1 gives a missing row). */
  take(idx: Int32Array): DataFrame {
    return DataFrame.fromColumns(
      this.names,
      this.data.map((c) => take(c, idx, true)),
      takeIndex(this.index, idx),
      this.columnIndex,
    );
  }

  /** Rows where the mask holds, as pandas' df[mask]: a bool Series (e.g. df.col("qty").gt(50); placed by label when its index differs, a label it lacks is an error), a function of the frame, or booleans (by position). */
  filter(mask: Series | ArrayLike<boolean> | Uint8Array | ((df: DataFrame) => Series)): DataFrame {
    const m = maskOf("filter", typeof mask === "function" ? mask(this) : mask, this.length, this.index);
    return this.take(maskToIndex(m));
  }

  /**
   * Rows where a condition written as text holds, as pandas' query: column names (`backticks`
   * for any name), numbers, 'text', ==, !=, <, <=, >, >=, in [..], not in, + - * / %, and, or,
   * not, parentheses. Parsed, never eval'ed.
   * @example
   * mtcars.query("mpg > 25 and am == 1") // shape [6, 12]
   */
  query(expr: string): DataFrame {
    return this.filter(evaluateQuery(this, expr));
  }

  /** Only these columns, in this order. */
  select(...names: string[]): DataFrame {
    const js = names.flat().map((k) => this.colIndex("select", k));
    return DataFrame.fromColumns(
      js.map((j) => this.names[j]!),
      js.map((j) => this.data[j]!),
      this.index,
      selectColumnIndex(this.columnIndex, js),
    );
  }
  /** Columns of these dtypes (e.g. ["float64", "int64"]), or "number". */
  selectDtypes(include: FrameDType[] | "number"): DataFrame {
    const want = (d: FrameDType) => (include === "number" ? d === "float64" || d === "int64" : include.includes(d));
    return this.select(...this.names.filter((_, j) => want(this.data[j]!.dtype)));
  }
  /** Without these columns. */
  drop(names: string | string[]): DataFrame {
    const list = Array.isArray(names) ? names : [names];
    list.forEach((k) => this.colIndex("drop", k));
    return this.select(...this.names.filter((k) => !list.includes(k)));
  }
  /** New column names from a mapping (unknown names are an error) or a function. */
  rename(map: Record<string, string> | ((name: string) => string)): DataFrame {
    if (typeof map !== "function") Object.keys(map).forEach((k) => this.colIndex("rename", k));
    const f = typeof map === "function" ? map : (k: string) => map[k] ?? k;
    return DataFrame.fromColumns(this.names.map(f), this.data, this.index);
  }
  /**
   * Add or replace columns, as pd.DataFrame.assign. Functions see the frame with the earlier new
   * columns. A Series is placed by index label, as pandas' df["c"] = s: each row takes the value
   * with its label, missing where the Series lacks it (int64 then becomes float64), and a Series
   * whose index repeats a label is refused; arrays and typed arrays are placed by position.
   * @example
   * iris.assign({ half: iris.col("Sepal.Length").div(2) }) // shape [150, 6]
   */
  assign(cols: Record<string, AssignValue>): DataFrame {
    let df: DataFrame = this;
    for (const [k, v0] of Object.entries(cols)) {
      const v = typeof v0 === "function" ? v0(df) : v0;
      // a frame without columns or rows takes the first column's rows, as pandas' df["c"] = s
      const empty = df.names.length === 0 && df.length === 0;
      let col: Column;
      if (v instanceof Series) col = empty ? v.col : takeRows(v.col, reindexRows("assign", v.index, df.index));
      else if (v === null || typeof v !== "object" || v instanceof Date) col = columnFromValues("assign", k, new Array(df.length).fill(v));
      else col = columnFromValues("assign", k, v);
      const index = !empty ? df.index : v instanceof Series ? v.index : rangeIndex(colLength(col));
      sameLength("assign", `column ${quote(k)}`, colLength(col), indexLength(index));
      const j = df.names.indexOf(k);
      const names = j >= 0 ? df.names : [...df.names, k];
      const data = j >= 0 ? df.data.map((c, i) => (i === j ? col : c)) : [...df.data, col];
      df = DataFrame.fromColumns(names, data, index);
    }
    return df;
  }
  /** Convert columns: one dtype for all, or per column, as pd.DataFrame.astype ("str" is accepted as "string"; missing values stay missing). */
  astype(dtypes: AstypeDType | Record<string, AstypeDType>): DataFrame {
    if (typeof dtypes !== "string") Object.keys(dtypes).forEach((k) => this.colIndex("astype", k));
    return this.mapColumns((c, k) => {
      const to = typeof dtypes === "string" ? dtypes : dtypes[k];
      return to ? castColumn("astype", c, to, k) : c;
    });
  }
  /**
   * The index becomes this column, or these columns as a MultiIndex (removed from the columns
   * unless drop: false), as pd.DataFrame.set_index.
   * @example
   * warpbreaks.setIndex(["wool", "tension"]).index.kind // "multi"
   */
  setIndex(keys: string | string[], opts: { drop?: boolean } = {}): DataFrame {
    return setIndex(this, Array.isArray(keys) ? keys : [keys], opts.drop ?? true);
  }
  /**
   * The index levels become leading columns again (named after the levels; "index" or "level_i"
   * when unnamed) and a RangeIndex replaces them, as pd.DataFrame.reset_index; drop: true discards them.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().resetIndex().columns // ["wool", "tension", "breaks"]
   */
  resetIndex(opts: { drop?: boolean } = {}): DataFrame {
    return resetIndex(this, opts.drop ?? false);
  }
  /**
   * A cross-section of a MultiIndex, as pd.DataFrame.xs: rows whose leading levels equal `key` (a
   * label or a tuple), or whose `level` (number or name) equals it; the matched levels are
   * dropped unless dropLevel: false. `axis: 1` does the same on the column levels.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().xs("A").length // 3
   */
  xs(key: LabelKey, opts: XsOptions = {}): DataFrame {
    return xs(this, key, opts);
  }
  /**
   * The innermost column level moved into the rows, as pd.DataFrame.stack (missing cells dropped,
   * as pandas' dropna=True): plain columns give a Series on a MultiIndex (row labels, column
   * name); several column levels give a frame with one level fewer.
   * @example
   * mtcars.select("mpg", "hp").head(2).stack().length // 4
   */
  stack(opts: { dropna?: boolean } = {}): Series | DataFrame {
    return stack(this, opts);
  }
  /**
   * A row index level (default the last; a number or a name) moved to the columns, as
   * pd.DataFrame.unstack: columns become (column, label) pairs, missing where no row fills a cell.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().unstack().shape // [2, 3]
   */
  unstack(level: number | string = -1): DataFrame {
    return unstack(this, level);
  }
  /**
   * Without some levels (numbers or names) of the row MultiIndex, or of the column levels with
   * `{ axis: 1 }`, as pd.DataFrame.droplevel.
   * @example
   * mtcars.groupby("cyl", { asIndex: true }).agg({ mpg: ["mean", "max"] }).droplevel(0, { axis: 1 }).columns // ["mean", "max"]
   */
  droplevel(level: number | string | (number | string)[], opts: { axis?: LevelAxis } = {}): DataFrame {
    return droplevel(this, level, opts.axis ?? 0);
  }
  /**
   * Levels i and j (numbers or names; default the last two) of the row MultiIndex, or of the
   * column levels with `{ axis: 1 }`, swapped, as pd.DataFrame.swaplevel: rows and columns keep
   * their order (sortIndex() sorts rows by the new levels); column levels give new flat names.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().swaplevel().index.names // ["tension", "wool"]
   * @example
   * mtcars.groupby("cyl", { asIndex: true }).agg({ mpg: ["mean", "max"] }).swaplevel(0, 1, { axis: 1 }).columns // ["mean_mpg", "max_mpg"]
   */
  swaplevel(i: number | string = -2, j: number | string = -1, opts: { axis?: LevelAxis } = {}): DataFrame {
    return reorderAxis(this, "swaplevel", opts.axis ?? 0, (ix) => swapLevels("swaplevel", ix, i, j));
  }
  /**
   * The row levels (or the column levels with `{ axis: 1 }`) in a new order, every level once by
   * number or name, as pd.DataFrame.reorder_levels.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().reorderLevels(["tension", "wool"]).index.names // ["tension", "wool"]
   */
  reorderLevels(order: (number | string)[], opts: { axis?: LevelAxis } = {}): DataFrame {
    return reorderAxis(this, "reorderLevels", opts.axis ?? 0, (ix) => reorderLevels("reorderLevels", ix, order));
  }
  /**
   * New names for the row levels (or the column levels with `{ axis: 1 }`), as
   * pd.DataFrame.rename_axis: one name, a list (one per level), a map from old names to new
   * ones, or `{ index, columns }` for both axes; null removes a name. Naming plain columns gives
   * them pandas' `columns.name`.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().renameAxis(["w", "t"]).index.names // ["w", "t"]
   * @example
   * mtcars.groupby("cyl", { asIndex: true }).agg({ mpg: ["mean", "max"] }).renameAxis({ columns: ["col", "fn"] }).columnIndex.names // ["col", "fn"]
   */
  renameAxis(mapper: AxisNames | RenameAxisOptions, opts: { axis?: LevelAxis } = {}): DataFrame {
    return renameAxis(this, mapper, opts.axis ?? 0);
  }

  /** Row-wise (axis 1: fn gets each row as an object) or column-wise (axis 0: fn gets each column). */
  apply(fn: (row: Record<string, Scalar>, i: number) => unknown, opts: { axis: 1 }): Series;
  apply(fn: (col: Series) => unknown, opts?: { axis?: 0 }): Series;
  apply(fn: ((row: Record<string, Scalar>, i: number) => unknown) | ((col: Series) => unknown), opts: { axis?: 0 | 1 } = {}): Series {
    if (opts.axis === 1) {
      const f = fn as (row: Record<string, Scalar>, i: number) => unknown;
      const out = Array.from({ length: this.length }, (_, i) => f(this.row(i), i));
      return Series.fromColumn(columnFromValues("apply", null, out), null, this.index);
    }
    const f = fn as (col: Series) => unknown;
    const values = this.names.map((k) => f(this.col(k)));
    // under column levels the result is indexed by the column tuples (a named column axis: its labels), as pandas
    if (this.columnIndex) return Series.fromColumn(columnFromValues("apply", null, values), null, this.columnIndex);
    return new Series(values, { index: this.names });
  }
  /** Element-wise function over every cell (pandas applymap); missing cells stay missing. */
  map(fn: (v: Scalar) => unknown): DataFrame {
    return this.mapColumns((c, k) => Series.fromColumn(c, k).map(fn).col);
  }
  /** Keep cells where cond holds, else `other` (missing by default). cond: a bool frame or a row mask. */
  where(cond: DataFrame | Series | ArrayLike<boolean>, other: Scalar = null): DataFrame {
    return this.keepWhere("where", cond, other);
  }
  /** Replace cells where cond holds with `other` (the opposite of where). */
  mask(cond: DataFrame | Series | ArrayLike<boolean>, other: Scalar = null): DataFrame {
    return this.keepWhere("mask", cond, other);
  }
  private keepWhere(op: "where" | "mask", cond: DataFrame | Series | ArrayLike<boolean>, other: Scalar): DataFrame {
    // a row mask is placed on the rows once; each column is a Series on this frame's index, so a
    // bool Series or frame cond lines up by label
    const rows = cond instanceof DataFrame ? null : maskOf(op, cond, this.length, this.index, op === "where" ? 0 : 1);
    return this.mapColumns((c, k) => Series.fromColumn(c, k, this.index)[op](rows ?? (cond as DataFrame).col(k), other).col);
  }
  /** Random rows, reproducible through `seed`. */
  sample(opts: SampleOptions = {}): DataFrame {
    return sample(this, opts);
  }

  /**
   * Sort rows by one or several columns (stable), ascending per key, missing values first or last.
   * @example
   * mtcars.sortValues(["cyl", "mpg"], { ascending: [true, false] }) // shape [32, 12]
   */
  sortValues(by: string | string[], opts: { ascending?: boolean | boolean[]; naPosition?: NaPosition } = {}): DataFrame {
    const keys = Array.isArray(by) ? by : [by];
    const one = opts.ascending;
    const asc: boolean[] = Array.isArray(one) ? one : keys.map(() => one ?? true);
    if (asc.length !== keys.length)
      throw new FrameError(`sortValues: ${asc.length} ascending flags for ${keys.length} keys; pass one per key.`);
    return this.take(
      argsort(
        keys.map((k) => columnOf(this, "sortValues", k)),
        asc,
        opts.naPosition ?? "last",
      ),
    );
  }
  /**
   * Rows sorted by index label, as pd.DataFrame.sort_index; on a MultiIndex every level in turn,
   * or `level` (numbers or names) first and then the others (sortRemaining, default true).
   * `ascending` is one flag or one per level.
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).mean().sortIndex({ level: "tension" }) // shape [6, 1]
   */
  sortIndex(opts: SortIndexOptions = {}): DataFrame {
    return this.take(sortIndexOrder("sortIndex", this.index, opts));
  }
  /**
   * Each column's values limited to [lower, upper], as pd.DataFrame.clip(lower, upper) with
   * scalar bounds (see Series.clip); a text column is refused, as pandas raises.
   */
  clip(lower?: ClipBound, upper?: ClipBound): DataFrame {
    return this.mapColumns((c, k) => clipColumn("clip", c, k, lower, upper));
  }
  /**
   * The n rows with the largest values of `columns`, as pd.DataFrame.nlargest(n, columns, keep):
   * later columns break ties of earlier ones; `keep` ("first", "last", "all") settles rows tied
   * on every column (see Series.nlargest). Columns must hold numbers, bools or times.
   */
  nlargest(n: number, columns: string | string[], opts: { keep?: NKeep } = {}): DataFrame {
    return this.extremes("nlargest", n, columns, opts.keep ?? "first", true);
  }
  /** The n rows with the smallest values of `columns`, as pd.DataFrame.nsmallest(n, columns, keep); see nlargest. */
  nsmallest(n: number, columns: string | string[], opts: { keep?: NKeep } = {}): DataFrame {
    return this.extremes("nsmallest", n, columns, opts.keep ?? "first", false);
  }
  private extremes(op: string, n: number, columns: string | string[], keep: NKeep, largest: boolean): DataFrame {
    const keys = Array.isArray(columns) ? columns : [columns];
    const cols = keys.map((k) => columnOf(this, op, k));
    cols.forEach((c, i) => numericView(op, c, keys[i]!));
    oneOf(op, "keep", keep, ["first", "last", "all"]);
    // pandas 1.5's SelectNFrame: each column picks its n best with every tie ("all"); rows tied
    // on the border value go on to the next column, the others are in
    let out: number[] = [],
      rows = identity(this.length),
      want = n;
    for (let i = 0; i < cols.length; i++) {
      const last = i === cols.length - 1;
      const got = nBest(op, cols[i]!, keys[i]!, rows, want, last ? keep : "all", largest);
      if (last || got.length <= want) {
        out = out.concat(Array.from(got));
        break;
      }
      const v = numericView(op, cols[i]!, keys[i]!),
        border = v[got[got.length - 1]!];
      out = out.concat(Array.from(got.filter((r) => v[r] !== border)));
      rows = got.filter((r) => v[r] === border);
      want = n - out.length;
    }
    const df = this.take(Int32Array.from(out));
    return keys.length === 1 ? df : df.sortValues(keys, { ascending: !largest });
  }
  /** true for rows equal (over `subset`) to an earlier row (keep "first"), a later one, or any other (false). */
  duplicated(subset?: string[], keep: "first" | "last" | false = "first"): Series {
    const cols = (subset ?? this.names).map((k) => columnOf(this, "duplicated", k));
    return Series.fromColumn(boolCol(duplicatedRows(cols, keep)), null, this.index);
  }
  /** Without repeated rows (over `subset` columns), keeping the "first", "last" or none, as pd.DataFrame.drop_duplicates. */
  dropDuplicates(subset?: string[], keep: "first" | "last" | false = "first"): DataFrame {
    return this.filter(this.duplicated(subset, keep).not());
  }

  // ---------------------------------------------------------------- reductions and arithmetic

  /**
   * Sum of each numeric column (axis 0, default: a Series indexed by column name) or of each row
   * over the numeric columns (axis 1: a Series on the frame's index), as pd.DataFrame.sum with
   * numeric_only=True: float64, int64 and bool columns take part (bools count as 0/1, as pandas),
   * text and date columns are left out. skipna as pandas (default true; false: a missing value
   * gives NaN). The result is int64 when every column is int64/bool without missing values, else
   * float64 (pandas gives object for bool mixed with other columns).
   * @example
   * mtcars.select("cyl", "hp").sum().toArray() // [198, 4694]
   */
  sum(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "sum", opts);
  }
  /**
   * Mean of each numeric column (axis 0) or row (axis 1), as pd.DataFrame.mean with
   * numeric_only=True (bool columns count as 0/1; text and dates are left out); float64.
   * @example
   * iris.mean().length // 4
   */
  mean(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "mean", opts);
  }
  /** Sample standard deviation (ddof 1) per numeric column or row, as pd.DataFrame.std with numeric_only=True; float64. */
  std(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "std", opts);
  }
  /** Sample variance (ddof 1) per numeric column or row, as pd.DataFrame.var with numeric_only=True; float64. */
  var(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "var", opts);
  }
  /**
   * Smallest value per numeric column or row, as pd.DataFrame.min with numeric_only=True. Bool
   * columns take part; the result is bool when all columns are bool, int64 when all are int-like,
   * else float64 with bools as 0/1 (pandas 1.5 gives object there, holding True/False).
   */
  min(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "min", opts);
  }
  /** Largest value per numeric column or row, as pd.DataFrame.max with numeric_only=True (dtypes as min). */
  max(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "max", opts);
  }
  /** Median per numeric column or row, as pd.DataFrame.median with numeric_only=True; float64. */
  median(opts: ReduceOptions = {}): Series {
    return reduceFrame(this, "median", opts);
  }
  /**
   * Present (non-missing) values per column (axis 0) or per row (axis 1), as pd.DataFrame.count:
   * every column counts, text and dates included (pandas' count has numeric_only=False); int64.
   * @example
   * mtcars.count().length // 12
   */
  count(opts: { axis?: ReduceOptions["axis"] } = {}): Series {
    return reduceFrame(this, "count", opts);
  }
  /**
   * Quantiles (linear interpolation, missing values skipped) of each numeric column (axis 0) or
   * row (axis 1), as pd.DataFrame.quantile with numeric_only=True. One q gives a Series named
   * after q (String(q)); a list gives a DataFrame indexed by q whose columns are the numeric
   * columns (axis 1: the row labels, as text). Bool columns count as 0/1 (pandas 1.5 raises on
   * them); dates are left out.
   * @example
   * iris.quantile([0.25, 0.75]) // shape [2, 4]
   */
  quantile(q: number, opts?: QuantileOptions): Series;
  quantile(q: readonly number[], opts?: QuantileOptions): DataFrame;
  quantile(q: number | readonly number[], opts: QuantileOptions = {}): Series | DataFrame {
    return quantileFrame(this, q, opts);
  }

  /**
   * Element-wise this + other, as pd.DataFrame.add / +: other is a number, a Series whose index
   * holds column names (each column gets its own value, e.g. df.sub(df.mean())), or a frame.
   * Both axes match by label as pandas: equal labels pair up in place, otherwise the result has
   * the sorted union of the labels and a label on one side only gives missing values (an all-NaN
   * float64 column; int64 rows with a missing partner become float64). `{ axis: "index" }` takes
   * a Series of row labels instead (df.div(df.sum({ axis: 1 }), { axis: "index" })), aligned with
   * the frame's index. `{ fillValue }` with a frame or a number stands in for a value missing on
   * one side only, as pandas' fill_value. Text columns concatenate with text only; dtypes follow
   * Series arithmetic (int op int stays int64).
   * @example
   * iris.sub(iris.mean()) // shape [150, 5]
   */
  add(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("add", this, other, false, opts);
  }
  /** Element-wise this - other, as pd.DataFrame.sub / - (operands and label matching as add). */
  sub(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("sub", this, other, false, opts);
  }
  /** Element-wise this * other, as pd.DataFrame.mul / * (operands and label matching as add). */
  mul(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("mul", this, other, false, opts);
  }
  /** Element-wise true division, as pd.DataFrame.div / / (operands and label matching as add). */
  div(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("div", this, other, false, opts);
  }
  /** Element-wise Python-style modulo, as pd.DataFrame.mod / % (operands and label matching as add). */
  mod(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("mod", this, other, false, opts);
  }
  /** Element-wise power, as pd.DataFrame.pow / ** (operands and label matching as add). */
  pow(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("pow", this, other, false, opts);
  }
  /** Element-wise floor division, as pd.DataFrame.floordiv / // (operands and label matching as add). */
  floordiv(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("floordiv", this, other, false, opts);
  }
  /** other - this element-wise, as pd.DataFrame.rsub. */
  rsub(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("sub", this, other, true, opts);
  }
  /** other / this element-wise, as pd.DataFrame.rdiv. */
  rdiv(other: FrameOperand, opts: FrameArithOptions = {}): DataFrame {
    return frameArith("div", this, other, true, opts);
  }

  // ---------------------------------------------------------------- missing data

  /** True where a value is missing, per cell, as pd.DataFrame.isna. */
  isna(): DataFrame {
    return this.mapColumns((c) => boolCol(naMask(c)));
  }
  /** True where a value is present, per cell, as pd.DataFrame.notna. */
  notna(): DataFrame {
    return this.mapColumns((c) => boolCol(naMask(c).map((v) => 1 - v)));
  }
  /** Fill missing cells: one value, a value per column, or { method: "ffill" | "bfill" }. */
  fillna(value: Scalar | Record<string, Scalar> | { method: "ffill" | "bfill"; limit?: number }): DataFrame {
    if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      if ("method" in value && (value.method === "ffill" || value.method === "bfill")) {
        const { method, limit } = value as { method: "ffill" | "bfill"; limit?: number };
        return this.mapColumns((c) => fillDirection(c, method, limit));
      }
      const per = value as Record<string, Scalar>;
      Object.keys(per).forEach((k) => this.colIndex("fillna", k));
      return this.mapColumns((c, k) => (k in per ? fillColumn("fillna", c, k, per[k]!) : c));
    }
    // one value for every column: pandas skips columns it cannot hold rather than failing
    return this.mapColumns((c, k) => {
      const fits =
        value === null ||
        (typeof value === "number" && isNumericDType(c.dtype) && c.dtype !== "bool") ||
        (typeof value === "string" && c.dtype === "string") ||
        (typeof value === "boolean" && c.dtype === "bool") ||
        (value instanceof Date && c.dtype === "datetime");
      return fits ? fillColumn("fillna", c, k, value) : c;
    });
  }
  /** Fill missing values with the last present one in each column (at most `limit` in a row), as pd.DataFrame.ffill. */
  ffill(limit?: number): DataFrame {
    return this.fillna({ method: "ffill", limit });
  }
  /** Fill missing values with the next present one in each column (at most `limit` in a row), as pd.DataFrame.bfill. */
  bfill(limit?: number): DataFrame {
    return this.fillna({ method: "bfill", limit });
  }
  /**
   * Drop rows with missing values: how "any" (default) or "all", only looking at `subset`,
   * or keep rows with at least `thresh` present values. axis 1 drops columns instead.
   */
  dropna(opts: { how?: "any" | "all"; subset?: string[]; thresh?: number; axis?: 0 | 1 } = {}): DataFrame {
    const names = opts.subset ?? this.names;
    const masks = names.map((k) => naMask(columnOf(this, "dropna", k)));
    if (opts.axis === 1) {
      const keep = this.names.filter((_, j) => {
        const m = naMask(this.data[j]!);
        const present = m.length - m.reduce((s, v) => s + v, 0);
        return opts.thresh !== undefined ? present >= opts.thresh : opts.how === "all" ? present > 0 : present === m.length;
      });
      return this.select(...keep);
    }
    const n = this.length;
    const keep = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let missing = 0;
      for (const m of masks) missing += m[i]!;
      const present = masks.length - missing;
      keep[i] =
        opts.thresh !== undefined
          ? present >= opts.thresh
            ? 1
            : 0
          : opts.how === "all"
            ? present > 0 || masks.length === 0
              ? 1
              : 0
            : missing === 0
              ? 1
              : 0;
    }
    return this.take(maskToIndex(keep));
  }
  /** Linear interpolation of the numeric columns over row positions. */
  interpolate(): DataFrame {
    return this.mapColumns((c, k) => (c.dtype === "float64" ? interpolateColumn("interpolate", c, k) : c));
  }

  // ---------------------------------------------------------------- combining and grouping

  /** SQL-style join on columns (pandas merge). */
  merge(right: DataFrame, opts: MergeOptions = {}): DataFrame {
    return merge(this, right, opts);
  }
  /** Join on the index of `other` (or on `on` columns of this frame against other's index). */
  join(other: DataFrame, opts: JoinOptions = {}): DataFrame {
    return join(this, other, opts);
  }
  /**
   * Group rows by one or several key columns, as pd.DataFrame.groupby. Keys come back as leading
   * columns (pandas' as_index=False form); `{ asIndex: true }` gives pandas' default, the keys as
   * the index (a MultiIndex for several) and (column, function) column levels (see docs/FRAME.md).
   * @example
   * mtcars.groupby("cyl").agg({ mpg: "mean", hp: ["min", "max"] }) // shape [3, 4]
   */
  groupby(keys: string | string[], opts: GroupByOptions & { asIndex: true }): GroupBy<true>;
  groupby(keys: string | string[], opts?: GroupByOptions & { asIndex?: false }): GroupBy<false>;
  groupby(keys: string | string[], opts?: GroupByOptions): GroupBy;
  groupby(keys: string | string[], opts: GroupByOptions = {}): GroupBy {
    return new GroupBy(this, Array.isArray(keys) ? keys : [keys], opts);
  }
  /** A spreadsheet-style pivot table, as pd.pivot_table: index keys as leading columns, or as the index with column levels under asIndex: true (pandas' form). */
  pivotTable(opts: PivotTableOptions): DataFrame {
    return pivotTable(this, opts);
  }
  /** Reshape long to wide without aggregating, as pd.DataFrame.pivot. */
  pivot(opts: PivotOptions): DataFrame {
    return pivot(this, opts);
  }
  /** Reshape wide to long, as pd.DataFrame.melt. */
  melt(opts: MeltOptions = {}): DataFrame {
    return melt(this, opts);
  }

  // ---------------------------------------------------------------- time and order

  /** Every column moved down by `periods` (up when negative), as pd.DataFrame.shift. */
  shift(periods = 1, fillValue?: Scalar): DataFrame {
    return this.mapColumns((c, k) => shiftColumn(c, periods, fillValue, k));
  }
  /** Each numeric column minus its value `periods` rows before, as pd.DataFrame.diff (text columns are left out). */
  diff(periods = 1): DataFrame {
    return this.numericColumns("diff").mapColumns((c, k) => diffColumn(c, periods, k));
  }
  /** Relative change of each numeric column from `periods` rows before, as pd.DataFrame.pct_change. */
  pctChange(periods = 1): DataFrame {
    return this.numericColumns("pctChange").mapColumns((c, k) => pctChangeColumn(c, periods, k));
  }
  /** Running sum of each non-text column, skipping missing values, as pd.DataFrame.cumsum. */
  cumsum(): DataFrame {
    return this.cum("cumsum");
  }
  /** Running product of each column, as pd.DataFrame.cumprod. */
  cumprod(): DataFrame {
    return this.cum("cumprod");
  }
  /** Running maximum of each column, as pd.DataFrame.cummax. */
  cummax(): DataFrame {
    return this.cum("cummax");
  }
  /** Running minimum of each column, as pd.DataFrame.cummin. */
  cummin(): DataFrame {
    return this.cum("cummin");
  }
  private cum(op: CumOp): DataFrame {
    return this.numericColumns(op).mapColumns((c, k) => cumulative(op, c, k));
  }
  /** Moving windows of `window` rows over the int, float and bool columns, as pd.DataFrame.rolling (row counts only, no time offsets). */
  rolling(window: number, opts: RollingOptions = {}): Rolling<DataFrame> {
    return new Rolling(window, opts, ...this.windowParts("rolling"));
  }
  /** Windows from the first row to each row, as pd.DataFrame.expanding. */
  expanding(minPeriods = 1): Expanding<DataFrame> {
    return new Expanding(minPeriods, ...this.windowParts("expanding"));
  }
  /** Exponentially weighted windows, as pd.DataFrame.ewm. */
  ewm(opts: EwmOptions): Ewm<DataFrame> {
    return new Ewm(opts, ...this.windowParts("ewm"));
  }
  /** What a window object computes over: the numeric columns, their names, and how its results become a frame. */
  private windowParts(op: string): [Column[], string[], (cols: Column[]) => DataFrame] {
    // windows read numbers and bools; pandas 1.5 leaves text and times out, and raises when none is left
    const df = this.select(...this.names.filter((_, j) => isNumericDType(this.data[j]!.dtype)));
    if (!df.names.length && this.names.length)
      throw new FrameError(`${op}: no numeric column among ${this.names.join(", ")}. Select int, float or bool columns first.`);
    return [[...df.data], [...df.names], (cols) => DataFrame.fromColumns(df.names, cols, df.index)];
  }
  /** Bucket rows by time: rule "D" (day), "W" (week ending Sunday), "M" (month end), "MS", "Q", "Y", "H". */
  resample(rule: string, opts: { on?: string } = {}): Resampler {
    return resample(this, rule, opts);
  }

  // ---------------------------------------------------------------- helpers

  /** A frame with each column replaced by fn(column). */
  mapColumns(fn: (c: Column, name: string, j: number) => Column): DataFrame {
    return DataFrame.fromColumns(
      this.names,
      this.data.map((c, j) => fn(c, this.names[j]!, j)),
      this.index,
      this.columnIndex,
    );
  }
  /** The numeric (and datetime) columns, for verbs that skip text as pandas' numeric_only. */
  numericColumns(_op: string): DataFrame {
    return this.select(...this.names.filter((_, j) => !isStringLike(this.data[j]!)));
  }
  /** Numbers of one column (NaN for missing), with a clear error for text. */
  numbers(op: string, name: string): Float64Array {
    return numericView(op, columnOf(this, op, name), name);
  }
}
provideFrameClass(DataFrame); // the verbs build frames through frames.ts, never importing this file
