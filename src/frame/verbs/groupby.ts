// groupby: split rows by key columns, apply an aggregate per group, combine. By default keys come
// back as ordinary leading columns with a RangeIndex (pandas' as_index=False form) and a column
// with several aggregates gets flat names "col_agg"; asIndex: true gives pandas' default shape
// (keys as the index levels, (column, function) column levels). See docs/FRAME.md.

import { type Column, type Scalar, cell, isStringLike, take, columnFromValues, colLength } from "../column.js";
import { type AggName, type AggSpec, type Groups, GroupAggregates, aggLabel, aggregate, checkAggName } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { groupIds, sortedGroups } from "../keys.js";
import { type Index, multiIndex } from "../labels.js";
import { columnLevels } from "../multiIndex.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { concat } from "./concat.js";
import { SeriesGroupBy } from "./seriesGroupby.js";
import { frameClass, seriesClass, newFrame, newSeries, columnOf } from "../frames.js";

/** pd.NamedAgg: an output column computed from one input column. */
export interface NamedAgg {
  column: string;
  aggfunc: AggSpec;
}
/** What agg accepts per output: one aggregate for every column, a list, per column, or named. */
export type AggInput = AggSpec | AggSpec[] | Record<string, AggSpec | AggSpec[] | NamedAgg>;

/**
 * Options of groupby, as pandas' groupby keywords: sort (keys in sorted order, default true),
 * dropna (leave out rows whose key is missing, default true) and asIndex (default false: keys as
 * leading columns and flat "col_agg" names; true: pandas' default, keys as the row index (a
 * MultiIndex for several keys) and (column, function) column levels for several functions).
 */
export interface GroupByOptions {
  sort?: boolean;
  dropna?: boolean;
  asIndex?: boolean;
}

const NUMERIC_ONLY = new Set(["sum", "mean", "std", "var", "median", "prod"]);

/** What GroupBy.size returns: a Series on the group keys under asIndex: true (pandas' default), else a frame with a "size" column (pandas' as_index=False). */
export type GroupSize<AsIndex extends boolean> = AsIndex extends true ? Series : DataFrame;

/**
 * Rows split by key columns, then aggregated per group, as pandas' DataFrameGroupBy; keys come
 * back as leading columns with flat "col_agg" names (as_index=False form), or as the index with
 * column levels under asIndex: true (pandas' default). `AsIndex` records which, for size().
 */
export class GroupBy<AsIndex extends boolean = boolean> extends GroupAggregates<DataFrame> {
  private cache: { groups: Groups; keys: Column[] } | null = null;
  private readonly valueNames: string[];

  constructor(
    /** The frame being grouped. */ readonly df: DataFrame,
    /** The key column names, as pandas' groupby keys. */ readonly keys: string[],
    private readonly opts: GroupByOptions = {},
    values?: string[],
  ) {
    super();
    if (keys.length === 0) throw new FrameError(`groupby: no key columns given. Pass a column name or a list of them.`);
    keys.forEach((k) => df.colIndex("groupby", k));
    this.valueNames = values ?? df.names.filter((k) => !keys.includes(k));
  }

  /** The groups: row -> group id, in sorted key order unless sort: false. */
  get groups(): { groups: Groups; keys: Column[] } {
    if (!this.cache) {
      const cols = this.keys.map((k) => columnOf(this.df, "groupby", k));
      const kg = groupIds(cols, this.opts.dropna ?? true);
      this.cache = sortedGroups(cols, kg, this.opts.sort ?? true);
    }
    return this.cache;
  }
  /** The number of groups, as pandas' GroupBy.ngroups. */
  get ngroups(): number {
    return this.groups.groups.n;
  }

  /** Restrict the value columns, as df.groupby(k)[cols]. */
  select(...cols: string[]): GroupBy<AsIndex> {
    cols.forEach((k) => this.df.colIndex("groupby.select", k));
    const g = new GroupBy<AsIndex>(this.df, this.keys, this.opts, cols);
    g.cache = this.cache;
    return g;
  }

  /**
   * One value column, as pandas' df.groupby(k)["x"] (a SeriesGroupBy): its aggregates are Series
   * indexed by the keys, a list of aggregates a frame with a column per function, and transform a
   * Series aligned to the rows. `select(...)` keeps the frame form (keys as columns).
   * @example
   * mtcars.groupby("cyl").col("mpg").mean().toArray() // [26.66, 19.74, 15.1]
   */
  col(name: string): SeriesGroupBy {
    const g = new SeriesGroupBy(this, name);
    return g;
  }
  /** Alias of col, as df.groupby(k)[name]. */
  get(name: string): SeriesGroupBy {
    return this.col(name);
  }

  /** The group keys as a row index named after them (a MultiIndex for several keys; with dropna: false its missing labels sort last, as pandas' levels). */
  keyIndex(): Index {
    const ix = multiIndex(this.groups.keys, this.keys);
    return ix.kind === "multi" && this.opts.dropna === false ? { ...ix, missingLast: true } : ix;
  }

  /** The aggregated columns with the keys: leading columns, or the index (asIndex) with column levels when `tuples` are given. */
  private result(names: string[], cols: Column[], tuples: Scalar[][] | null = null): DataFrame {
    if (this.opts.asIndex) return newFrame(names, cols, this.keyIndex(), tuples && columnLevels(tuples, [null, null]));
    return newFrame([...this.keys, ...names], [...this.groups.keys, ...cols]);
  }

  /**
   * Aggregate: "mean" for every value column; ["min", "max"] (columns named col_min, col_max);
   * { mpg: "mean", hp: ["min", "max"] }; or named outputs { avgMpg: { column: "mpg", aggfunc: "mean" } }.
   * Text columns are skipped by numeric aggregates given for all columns (pandas numeric_only).
   * Under asIndex a list of functions gives two column levels (column, function), as pandas.
   */
  agg(spec: AggInput): DataFrame {
    const { groups } = this.groups;
    const names: string[] = [];
    const cols: Column[] = [];
    const tuples: Scalar[][] = [];
    const run = (src: string, fn: AggSpec, out: string) => {
      const c = columnOf(this.df, "agg", src);
      names.push(out);
      tuples.push([src, aggLabel(fn, "<lambda>")]);
      cols.push(aggregate(`groupby.agg`, fn, c, src, groups));
    };
    if (typeof spec === "string" || typeof spec === "function" || Array.isArray(spec)) {
      const list = Array.isArray(spec) ? spec : [spec];
      list.forEach((f) => checkAggName("groupby.agg", f));
      for (const src of this.valueNames) {
        const c = columnOf(this.df, "agg", src);
        for (const f of list) {
          if (typeof f === "string" && NUMERIC_ONLY.has(f) && isStringLike(c)) continue;
          run(src, f, Array.isArray(spec) ? `${src}_${aggLabel(f, "fn")}` : src);
        }
      }
    } else {
      for (const [out, v] of Object.entries(spec)) {
        if (typeof v === "object" && !Array.isArray(v)) {
          run(v.column, v.aggfunc, out);
          continue;
        }
        const list = Array.isArray(v) ? v : [v];
        for (const f of list) run(out, f, Array.isArray(v) ? `${out}_${aggLabel(f, "fn")}` : out);
      }
    }
    const levels = Array.isArray(spec) || (typeof spec === "object" && Object.values(spec).some(Array.isArray));
    return this.result(names, cols, levels ? tuples : null);
  }

  /** Product of each numeric value column per group, as pandas' GroupBy.prod. */
  prod(): DataFrame {
    return this.agg("prod");
  }
  /**
   * Rows per group (int64): a frame with the keys and a "size" column (pandas' as_index=False
   * form), or under asIndex: true an unnamed Series on the keys (a MultiIndex for several), as
   * pandas' GroupBy.size.
   * @example
   * warpbreaks.groupby(["wool", "tension"]).size().columns // ["wool", "tension", "size"]
   * @example
   * warpbreaks.groupby(["wool", "tension"], { asIndex: true }).size().index.kind // "multi"
   */
  size(): GroupSize<AsIndex> {
    const c = columnOf(this.df, "size", this.keys[0]!);
    const counts = aggregate("size", "size", c, null, this.groups.groups);
    if (this.opts.asIndex) return newSeries(counts, null, this.keyIndex()) as GroupSize<AsIndex>;
    return this.result(["size"], [counts]) as GroupSize<AsIndex>;
  }

  /**
   * A result per row: each value column's group aggregate (or a function of the group's values
   * returning one value or one per row) broadcast back to the rows, in the original row order.
   */
  transform(spec: AggName | ((values: Series) => Series | Scalar)): DataFrame {
    const { groups } = this.groups;
    const names: string[] = [];
    const cols: Column[] = [];
    for (const src of this.valueNames) {
      const c = columnOf(this.df, "transform", src);
      if (typeof spec === "string" && NUMERIC_ONLY.has(spec) && isStringLike(c)) continue;
      if (typeof spec === "function") {
        cols.push(this.transformFn(c, src, spec));
      } else {
        const per = aggregate("transform", spec, c, src, groups);
        cols.push(take(per, groups.ids, true));
      }
      names.push(src);
    }
    return newFrame(names, cols, this.df.index);
  }

  private transformFn(c: Column, name: string, fn: (values: Series) => Series | Scalar): Column {
    const rows = this.rowsPerGroup();
    const out = new Array<Scalar>(colLength(c)).fill(null);
    rows.forEach((idx) => {
      const r = fn(newSeries(take(c, idx, true), name));
      idx.forEach((i, p) => {
        out[i] = r instanceof seriesClass() ? r.iat(p) : r;
      });
    });
    return columnFromValues("transform", name, out);
  }

  /** The row positions of each group, in row order. */
  rowsPerGroup(): Int32Array[] {
    const { groups } = this.groups;
    const counts = new Int32Array(groups.n);
    for (const g of groups.ids) if (g >= 0) counts[g]!++;
    const lists = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(groups.n);
    groups.ids.forEach((g, i) => {
      if (g >= 0) lists[g]![fill[g]!++] = i;
    });
    return lists;
  }

  /** The key values of group g as an object. */
  key(g: number): Record<string, Scalar> {
    return Object.fromEntries(this.keys.map((k, j) => [k, cell(this.groups.keys[j]!, g)]));
  }

  /** The rows of one group, by key value(s). */
  getGroup(key: Scalar | Scalar[]): DataFrame {
    const want = Array.isArray(key) ? key : [key];
    const rows = this.rowsPerGroup();
    for (let g = 0; g < rows.length; g++) {
      if (this.keys.every((_, j) => sameScalar(cell(this.groups.keys[j]!, g), want[j]!))) return this.df.take(rows[g]!);
    }
    throw new FrameError(`getGroup: no group with key ${JSON.stringify(want)} in columns ${this.keys.join(", ")}.`);
  }

  /**
   * fn on each group's rows. Frames are stacked (their own index kept); scalars give one row per
   * group with the keys and a "value" column; Series give one row per group, their labels as columns.
   */
  apply(fn: (group: DataFrame, key: Record<string, Scalar>) => DataFrame | Series | Scalar): DataFrame {
    const rows = this.rowsPerGroup();
    const results = rows.map((idx, g) => fn(this.df.take(idx), this.key(g)));
    if (results.every((r) => r instanceof frameClass())) return concat(results as DataFrame[]);
    if (results.every((r) => r instanceof seriesClass())) {
      const labels = (results[0] as Series).indexValues().map(String);
      const cols = labels.map((_, p) =>
        columnFromValues(
          "apply",
          labels[p]!,
          results.map((r) => (r as Series).iat(p)),
        ),
      );
      return this.result(labels, cols);
    }
    if (results.some((r) => r instanceof frameClass() || r instanceof seriesClass()))
      throw new FrameError(`groupby.apply: the function returned frames for some groups and values for others; return one kind.`);
    return this.result(["value"], [columnFromValues("apply", "value", results)]);
  }

  /** Rows of the groups for which fn is true, in their original order. */
  filter(fn: (group: DataFrame, key: Record<string, Scalar>) => boolean): DataFrame {
    const rows = this.rowsPerGroup();
    const keep = new Uint8Array(this.df.length);
    rows.forEach((idx, g) => {
      if (fn(this.df.take(idx), this.key(g))) for (const i of idx) keep[i] = 1;
    });
    return this.df.filter(keep);
  }
}

function sameScalar(a: Scalar, b: Scalar): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === "number" && typeof b === "number" && Number.isNaN(a)) return Number.isNaN(b);
  return a === b;
}
