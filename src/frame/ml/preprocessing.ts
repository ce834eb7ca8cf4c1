// To the model: one-hot encoding, integer codes, scalers that remember their parameters (fit on
// training data, transform test data with the same numbers), and a seeded train/test split.

import { type Scalar, cell, colLength, isStringLike, floatCol, intCol, numericView, range, quote } from "../column.js";
import { FrameError } from "../errors.js";
import { groupIds, sortedGroups } from "../keys.js";
import { labelName } from "../multiIndex.js";
import { Generator } from "../../tensor/random.js";
import { DataFrame } from "../table.js";
import { Series } from "../series.js";
import { columnOf } from "../frames.js";

/** Options of getDummies: columns, prefix, prefixSep, dropFirst..., pd.get_dummies's keyword arguments in camelCase. */
export interface GetDummiesOptions {
  /** Columns to encode (default: the string and category columns). */
  columns?: string[];
  /** Name prefix per column (default: the column name). */
  prefix?: string | Record<string, string>;
  prefixSep?: string;
  /** Leave out the first level (k-1 columns for k levels). */
  dropFirst?: boolean;
  /** Add a column for missing values. */
  dummyNa?: boolean;
}

/**
 * One-hot encoding (pandas get_dummies): each encoded column is replaced by one 0/1 column per
 * level, in sorted level order, appended after the other columns. Values are int64 (pandas 1.5: uint8).
 * @example
 * getDummies(iris, { columns: ["Species"] }) // shape [150, 7]
 */
export function getDummies(data: DataFrame | Series, opts: GetDummiesOptions = {}): DataFrame {
  const df = data instanceof Series ? DataFrame.fromColumns([data.name ?? "0"], [data.col], data.index) : data;
  const cols = opts.columns ?? df.names.filter((_, j) => isStringLike(df.data[j]!));
  cols.forEach((k) => df.colIndex("getDummies", k));
  const sep = opts.prefixSep ?? "_";
  const keepNames = df.names.filter((k) => !cols.includes(k));
  const names = [...keepNames];
  const out = keepNames.map((k) => columnOf(df, "getDummies", k));
  for (const k of cols) {
    const c = columnOf(df, "getDummies", k);
    const { groups, keys } = sortedGroups([c], groupIds([c], true), true);
    const levels = c.dtype === "category" ? c.dict.map((_, i) => i) : Array.from({ length: groups.n }, (_, g) => g);
    const prefix =
      data instanceof Series && opts.prefix === undefined ? "" : typeof opts.prefix === "string" ? opts.prefix : (opts.prefix?.[k] ?? k);
    const label = (g: number) => (c.dtype === "category" ? c.dict[g]! : labelName(keys[0]!, g));
    const id = (i: number) => (c.dtype === "category" ? (c as { codes: Int32Array }).codes[i]! : groups.ids[i]!);
    levels.forEach((g, p) => {
      if (opts.dropFirst && p === 0) return;
      names.push(prefix === "" ? label(g) : `${prefix}${sep}${label(g)}`);
      out.push(intCol(Float64Array.from({ length: colLength(c) }, (_, i) => (id(i) === g ? 1 : 0))));
    });
    if (opts.dummyNa) {
      names.push(prefix === "" ? "nan" : `${prefix}${sep}nan`);
      out.push(intCol(Float64Array.from({ length: colLength(c) }, (_, i) => (id(i) < 0 ? 1 : 0))));
    }
  }
  return DataFrame.fromColumns(names, out, df.index);
}

/**
 * Integer codes and the distinct values (pandas factorize): codes follow first appearance
 * (or sorted values with sort: true); missing values get -1.
 */
export function factorize(s: Series, opts: { sort?: boolean } = {}): { codes: Int32Array; uniques: Scalar[] } {
  const kg = groupIds([s.col], true);
  const { groups, keys } = sortedGroups([s.col], kg, opts.sort ?? false);
  return { codes: groups.ids, uniques: Array.from({ length: groups.n }, (_, g) => cell(keys[0]!, g)) };
}

abstract class Scaler {
  protected cols: string[] = [];
  protected a = new Float64Array(0);
  protected b = new Float64Array(0);
  /** Learn the parameters of `columns` (default: every numeric column) from this frame. */
  fit(df: DataFrame, columns?: string[]): this {
    this.cols =
      columns ?? df.names.filter((_, j) => !isStringLike(df.data[j]!) && df.data[j]!.dtype !== "datetime" && df.data[j]!.dtype !== "bool");
    const ps = this.cols.map((k) =>
      this.params(
        numericView("fit", columnOf(df, "fit", k), k).filter((x) => x === x),
        k,
      ),
    );
    this.a = Float64Array.from(ps, (p) => p[0]);
    this.b = Float64Array.from(ps, (p) => p[1]);
    return this;
  }
  protected abstract params(v: Float64Array, name: string): [number, number];
  /** (x - a) / b per fitted column, with the fitted a and b; other columns pass through. */
  transform(df: DataFrame): DataFrame {
    if (this.cols.length === 0 && this.a.length === 0)
      throw new FrameError(`transform: the scaler is not fitted. Call fit(trainFrame) first.`);
    this.cols.forEach((k) => df.colIndex("transform", k));
    return df.mapColumns((c, k) => {
      const j = this.cols.indexOf(k);
      if (j < 0) return c;
      const v = numericView("transform", c, k);
      return floatCol(v.map((x) => (x - this.a[j]!) / this.b[j]!));
    });
  }
  fitTransform(df: DataFrame, columns?: string[]): DataFrame {
    return this.fit(df, columns).transform(df);
  }
  /** Back to the original units. */
  inverseTransform(df: DataFrame): DataFrame {
    return df.mapColumns((c, k) => {
      const j = this.cols.indexOf(k);
      return j < 0 ? c : floatCol(numericView("inverseTransform", c, k).map((x) => x * this.b[j]! + this.a[j]!));
    });
  }
  /** One fitted parameter by column name. */
  protected byColumn(p: Float64Array): Record<string, number> {
    return Object.fromEntries(this.cols.map((k, j) => [k, p[j]!]));
  }
  /** The fitted parameters per column, to save and restore. */
  toJSON(): Record<string, [number, number]> {
    return Object.fromEntries(this.cols.map((k, j) => [k, [this.a[j]!, this.b[j]!]]));
  }
}

/** (x - mean) / std with the population std (ddof 0, as scikit-learn's StandardScaler). */
export class StandardScaler extends Scaler {
  constructor(private readonly ddof = 0) {
    super();
  }
  /** Each fitted column's mean, as scikit-learn's StandardScaler.mean_ (by column name). */
  get mean(): Record<string, number> {
    return this.byColumn(this.a);
  }
  /** Each fitted column's standard deviation (ddof 0 unless the constructor says otherwise), as StandardScaler.scale_ (by column name). */
  get scale(): Record<string, number> {
    return this.byColumn(this.b);
  }
  protected params(v: Float64Array, name: string): [number, number] {
    if (v.length <= this.ddof)
      throw new FrameError(`StandardScaler: column ${quote(name)} has ${v.length} values; it needs more than ddof=${this.ddof}.`);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) * (x - m), 0) / (v.length - this.ddof));
    return [m, sd === 0 ? 1 : sd]; // a constant column is centred, not divided by 0 (as scikit-learn)
  }
}

/** (x - min) / (max - min): values of the fitted data land in [0, 1]. */
export class MinMaxScaler extends Scaler {
  /** Each fitted column's minimum, as scikit-learn's MinMaxScaler.data_min_ (by column name). */
  get min(): Record<string, number> {
    return this.byColumn(this.a);
  }
  protected params(v: Float64Array, name: string): [number, number] {
    if (v.length === 0) throw new FrameError(`MinMaxScaler: column ${quote(name)} has no values to fit.`);
    let lo = Infinity,
      hi = -Infinity;
    for (const x of v) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return [lo, hi - lo === 0 ? 1 : hi - lo];
  }
}

/** Options of trainTestSplit: testSize (fraction or count, default 0.25), seed, shuffle, stratify, as scikit-learn's train_test_split (random_state is `seed`). */
export interface SplitOptions {
  /** Fraction (0..1) or number of test rows (default 0.25); the count rounds up, as scikit-learn. */
  testSize?: number;
  seed?: number;
  shuffle?: boolean;
  /** Keep this column's class proportions in both parts. */
  stratify?: string;
}

/** [train, test] rows, shuffled with a seed; stratified per class when asked. */
export function trainTestSplit(df: DataFrame, opts: SplitOptions = {}): [DataFrame, DataFrame] {
  const n = df.length;
  const ts = opts.testSize ?? 0.25;
  const nTest = ts < 1 ? Math.ceil(ts * n) : ts;
  if (!Number.isInteger(nTest) || nTest <= 0 || nTest >= n)
    throw new FrameError(`trainTestSplit: testSize ${ts} gives ${nTest} test rows out of ${n}; both parts need at least one row.`);
  const g = new Generator(opts.seed ?? 0);
  const shuffle = (a: Int32Array) => {
    if (opts.shuffle === false) return a;
    for (let i = a.length - 1; i > 0; i--) {
      const j = g.int(0, i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  };
  if (opts.stratify === undefined) {
    const perm = shuffle(range(0, n));
    return [df.take(perm.slice(nTest)), df.take(perm.slice(0, nTest))];
  }
  if (opts.shuffle === false) throw new FrameError(`trainTestSplit: stratify needs shuffle; pass shuffle: true.`);
  const c = columnOf(df, "trainTestSplit", opts.stratify);
  const kg = groupIds([c], false);
  const rows = Array.from({ length: kg.n }, () => [] as number[]);
  kg.ids.forEach((k, i) => rows[k]!.push(i));
  // each class gives its share of the test rows, largest remainders first
  const exact = rows.map((r) => (r.length * nTest) / n);
  const take0 = exact.map(Math.floor);
  let left = nTest - take0.reduce((s, x) => s + x, 0);
  exact
    .map((x, k) => [x - Math.floor(x), k] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .forEach(([, k]) => {
      if (left > 0) {
        take0[k]!++;
        left--;
      }
    });
  const test: number[] = [],
    train: number[] = [];
  rows.forEach((r, k) => {
    const p = shuffle(Int32Array.from(r));
    test.push(...p.slice(0, take0[k]));
    train.push(...p.slice(take0[k]));
  });
  return [df.take(shuffle(Int32Array.from(train))), df.take(shuffle(Int32Array.from(test)))];
}
