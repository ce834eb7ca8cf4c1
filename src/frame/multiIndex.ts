// MultiIndex verbs: setIndex with several keys, resetIndex back to flat columns, xs, stack and
// unstack, and the column levels (ColumnIndex) that ride beside the flat column names. Row
// levels are full-length columns (labels.ts), so these verbs are takes and group ids (keys.ts);
// nothing here builds pandas' codes/levels pairs.

import {
  type Column,
  type Scalar,
  castColumn,
  cell,
  colLength,
  columnFromValues,
  concatColumns,
  encodeStrings,
  labelText,
  naMask,
  range,
  strCol,
  take,
  toCategory,
} from "./column.js";
import { FrameError } from "./errors.js";
import {
  type ColumnIndex,
  type Index,
  type LabelKey,
  type MultiIndex,
  indexLength,
  indexLevels,
  indexNames,
  indexTuple,
  levelList,
  multiIndex,
  positionsOf,
  rangeIndex,
  takeIndex,
  tupleKey,
} from "./labels.js";
import { groupIds, sortedGroups } from "./keys.js";
import { argsort, identity } from "./sort.js";
import type { DataFrame } from "./table.js";
import type { Series } from "./series.js";
import { newFrame, newSeries } from "./frames.js";

/** A label of a column as text, float labels with their ".0" (as pandas prints them): "4", "1.5", "2.0", "setosa". */
export function labelName(c: Column, i: number): string {
  return labelText(cell(c, i), c.dtype === "float64");
}

/** The flat names of column levels: each column's labels joined by "_", trailing empty labels left out ("hp_min"; ("cyl", "") is "cyl"). */
export function flatNames(ci: ColumnIndex): string[] {
  const levels = indexLevels(ci);
  return Array.from({ length: indexLength(ci) }, (_, j) => {
    const parts = levels.map((c) => labelName(c, j));
    while (parts.length > 1 && parts.at(-1) === "") parts.pop();
    return parts.join("_");
  });
}

/**
 * One level of column labels: typed when the labels share a type, else text (pandas: an object
 * level, as "All" beside numbers). Text levels are categories in sorted order, as the levels
 * pandas builds from tuples: stack orders its groups by the categories, as pandas by level codes.
 */
function levelColumn(values: readonly Scalar[]): Column {
  let c: Column;
  try {
    c = columnFromValues("columns", null, values);
  } catch {
    c = encodeStrings(values.map((v) => labelText(v)));
  }
  return c.dtype === "string" ? toCategory(c) : c;
}

/** Column names as a level that keeps their order (pandas keeps a frame's columns as the outer level of unstack). */
function namesLevel(names: readonly string[]): Column {
  return strCol(range(0, names.length), names, "category");
}

/** Column levels from one tuple of labels per column and a name per level. */
export function columnLevels(tuples: readonly (readonly Scalar[])[], names: readonly (string | null)[]): ColumnIndex {
  tuples.forEach((t, j) => {
    if (t.length !== names.length)
      throw new FrameError(
        `columns: column ${j} has ${t.length} labels but the columns have ${names.length} levels. Pass one label per level.`,
      );
  });
  return multiIndex(
    names.map((_, l) => levelColumn(tuples.map((t) => t[l]!))),
    names,
  ) as ColumnIndex;
}

/** The column levels of some columns (by position), or null when the frame has none. */
export function selectColumnIndex(ci: ColumnIndex | null, positions: readonly number[]): ColumnIndex | null {
  return ci ? (takeIndex(ci, Int32Array.from(positions)) as ColumnIndex) : null;
}

/** The position of the column with this full tuple of labels, or an error naming the levels. */
export function columnPosition(op: string, df: DataFrame, key: readonly Scalar[]): number {
  const ci = df.columnIndex;
  if (ci?.kind !== "multi") {
    if (key.length === 1 && typeof key[0] === "string") return df.colIndex(op, key[0]);
    throw new FrameError(
      `${op}: a tuple key ${JSON.stringify(key)} needs column levels, but the columns have one level. Pass a column name.`,
    );
  }
  if (key.length !== ci.cols.length)
    throw new FrameError(
      `${op}: the key ${JSON.stringify(key)} has ${key.length} labels but the columns have ${ci.cols.length} levels; a column needs one label per level (xs(key, { axis: 1 }) selects a partial key).`,
    );
  try {
    return positionsOf(op, ci, key)[0]!;
  } catch {
    const shown = columnTuples(ci)
      .slice(0, 8)
      .map((t) => JSON.stringify(t));
    throw new FrameError(
      `${op}: no column ${JSON.stringify(key)}. The columns are ${shown.join(", ")}${indexLength(ci) > 8 ? ", ..." : ""} (labels keep their type: 4 is not "4").`,
    );
  }
}

/** The position of a level given by number (negative from the end) or name. */
export function levelPosition(op: string, names: readonly (string | null)[], level: number | string): number {
  if (typeof level === "number") {
    const p = level < 0 ? level + names.length : level;
    if (Number.isInteger(p) && p >= 0 && p < names.length) return p;
    throw new FrameError(
      `${op}: level ${level} is out of range for ${names.length} levels. Pass 0..${names.length - 1} (or a negative number from the end).`,
    );
  }
  const p = names.indexOf(level);
  if (p < 0)
    throw new FrameError(
      `${op}: no level named ${JSON.stringify(level)}. The levels are ${names.map((k) => (k === null ? "None" : JSON.stringify(k))).join(", ")}.`,
    );
  return p;
}

/** The frame indexed by these columns: one makes a label index, several a MultiIndex, as pd.DataFrame.set_index. */
export function setIndex(df: DataFrame, keys: readonly string[], drop: boolean): DataFrame {
  if (keys.length === 0) throw new FrameError(`setIndex: no columns given. Pass a column name or a list of them.`);
  const js = keys.map((k) => df.colIndex("setIndex", k));
  const keep = drop ? df.names.map((_, j) => j).filter((j) => !js.includes(j)) : df.names.map((_, j) => j);
  return newFrame(
    keep.map((j) => df.names[j]!),
    keep.map((j) => df.data[j]!),
    multiIndex(
      js.map((j) => df.data[j]!),
      keys,
    ),
    selectColumnIndex(df.columnIndex, keep),
  );
}

/**
 * The index levels become leading columns (named after the levels; unnamed ones "index", or
 * "level_i" on a MultiIndex, as pandas) and a RangeIndex replaces them, as pd.DataFrame.reset_index.
 * With column levels the new columns get the level name first and "" below it, as pandas.
 */
export function resetIndex(df: DataFrame, drop: boolean): DataFrame {
  const ci = df.columnIndex;
  if (drop) return newFrame(df.names, df.data, undefined, ci);
  const ix = df.index;
  const names = indexNames(ix).map((k, j) => k ?? (ix.kind === "multi" ? `level_${j}` : df.names.includes("index") ? "level_0" : "index"));
  const taken = names.find((k) => df.names.includes(k));
  if (taken !== undefined)
    throw new FrameError(
      `resetIndex: the index level ${JSON.stringify(taken)} is also a column, so it cannot become one (pandas: cannot insert ${taken}, already exists). Pass drop: true, or rename the column first.`,
    );
  const levels =
    ci &&
    columnLevels(
      [
        ...names.map((k) => [
          k,
          ...indexNames(ci)
            .slice(1)
            .map(() => ""),
        ]),
        ...columnTuples(ci),
      ],
      indexNames(ci),
    );
  return newFrame([...names, ...df.names], [...indexLevels(ix), ...df.data], undefined, levels);
}

/** Which axis a level verb works on: 0 / "index" (the rows, default) or 1 / "columns" (the column levels), as pandas' axis. */
export type LevelAxis = 0 | 1 | "index" | "columns";

/** 0 for the rows, 1 for the columns, from pandas' axis argument. */
export function axisNumber(op: string, axis: LevelAxis | undefined): 0 | 1 {
  if (axis === undefined || axis === 0 || axis === "index") return 0;
  if (axis === 1 || axis === "columns") return 1;
  throw new FrameError(`${op}: axis must be 0 ("index") or 1 ("columns"), got ${JSON.stringify(axis)}.`);
}

/** The frame with its row index (axis 0) or its column labels (axis 1) replaced; column labels give the flat names (their labels joined by "_"). */
function withAxisIndex(df: DataFrame, axis: 0 | 1, ix: Index | null): DataFrame {
  if (axis === 0) return newFrame(df.names, df.data, ix!, df.columnIndex);
  const ci = ix as ColumnIndex | null;
  if (!ci) return newFrame(df.names, df.data, df.index);
  return newFrame(flatNames(ci), df.data, df.index, ci.kind === "multi" || ci.name !== null ? ci : null);
}

/** The column labels as an index: the column levels, or the names as one text level. */
function columnAxis(df: DataFrame): ColumnIndex {
  return df.columnIndex ?? (multiIndex([namesLevel(df.names)], [null]) as ColumnIndex);
}

/** ix itself when it is a MultiIndex; else the error of a level verb on one level (axis 1: the column levels). */
function multiLevels(op: string, ix: Index | null, axis: 0 | 1 = 0): MultiIndex {
  if (ix?.kind === "multi") return ix;
  throw new FrameError(
    axis === 1
      ? `${op}: the columns have one level; ${op} needs a MultiIndex over the columns (several column levels).`
      : `${op}: the index has one level; ${op} needs a MultiIndex (several levels: setIndex([a, b]) or groupby(keys, { asIndex: true })).`,
  );
}

/** The index without some levels (numbers or names), as pd.MultiIndex.droplevel; one level left gives a plain label index. */
export function dropLevels(op: string, index: Index, level: number | string | readonly (number | string)[]): Index {
  const ix = multiLevels(op, index);
  const drop = (Array.isArray(level) ? level : [level]).map((l) => levelPosition(op, ix.names, l));
  const keep = ix.names.map((_, l) => l).filter((l) => !drop.includes(l));
  if (keep.length === 0)
    throw new FrameError(
      `${op}: dropping ${drop.length} of ${ix.names.length} levels leaves none. Keep at least one level (resetIndex removes them all).`,
    );
  return multiIndex(
    keep.map((l) => ix.cols[l]!),
    keep.map((l) => ix.names[l]!),
  );
}

/**
 * The frame without some levels of its row index (axis 0) or of its column levels (axis 1), as
 * pd.DataFrame.droplevel; columns left with one level get the remaining labels as flat names.
 */
export function droplevel(df: DataFrame, level: number | string | readonly (number | string)[], axis: LevelAxis = 0): DataFrame {
  return reorderAxis(df, "droplevel", axis, (ix) => dropLevels("droplevel", ix, level));
}

/** The levels of a MultiIndex in a new order (every level once, by number or name), as pd.MultiIndex.reorder_levels. */
export function reorderLevels(op: string, index: Index, order: readonly (number | string)[]): Index {
  const ix = multiLevels(op, index);
  const at = order.map((l) => levelPosition(op, ix.names, l));
  if (at.length !== ix.cols.length || new Set(at).size !== at.length)
    throw new FrameError(
      `${op}: the order ${JSON.stringify(order)} names ${at.length} level${at.length === 1 ? "" : "s"}${new Set(at).size !== at.length ? " with repeats" : ""}, but the index has ${ix.cols.length} (${levelList(ix.names)}). Name every level once.`,
    );
  return multiIndex(
    at.map((l) => ix.cols[l]!),
    at.map((l) => ix.names[l]!),
  );
}

/** Levels i and j of a MultiIndex swapped (default the last two), as pd.MultiIndex.swaplevel; the entries keep their order. */
export function swapLevels(op: string, index: Index, i: number | string = -2, j: number | string = -1): Index {
  const ix = multiLevels(op, index);
  const a = levelPosition(op, ix.names, i),
    b = levelPosition(op, ix.names, j);
  const order = ix.names.map((_, l) => (l === a ? b : l === b ? a : l));
  return reorderLevels(op, ix, order);
}

/** New names for the levels of an axis: one name (one level), a name per level, or a map from old names to new ones (pandas' rename_axis mapper). */
export type AxisNames = string | null | readonly (string | null)[] | Readonly<Record<string, string | null>>;

/** The index with its level names replaced, as pd.Index.set_names / rename_axis. */
export function renameLevels(op: string, ix: Index, names: AxisNames): Index {
  const old = indexNames(ix);
  let next: (string | null)[];
  if (names === null || typeof names === "string") {
    if (old.length !== 1)
      throw new FrameError(
        `${op}: one name ${JSON.stringify(names)} given for ${old.length} levels (${levelList(old)}). Pass a list with one name per level, or a map from old names to new ones.`,
      );
    next = [names];
  } else if (Array.isArray(names)) {
    if (names.length !== old.length)
      throw new FrameError(
        `${op}: ${names.length} names given for ${old.length} level${old.length === 1 ? "" : "s"} (${levelList(old)}). Pass one name per level.`,
      );
    next = names.slice();
  } else {
    const map = names as Readonly<Record<string, string | null>>;
    next = old.map((k) => (k !== null && Object.hasOwn(map, k) ? map[k]! : k));
  }
  if (ix.kind === "range") return { ...ix, name: next[0]! };
  if (ix.kind === "labels") return { ...ix, name: next[0]! };
  return multiIndex(ix.cols, next);
}

/** Options of DataFrame.renameAxis: names for the row levels (`index`) and the column levels (`columns`), as pd.DataFrame.rename_axis's keywords. */
export interface RenameAxisOptions {
  index?: AxisNames;
  columns?: AxisNames;
}

/** See DataFrame.renameAxis. */
export function renameAxis(df: DataFrame, mapper: AxisNames | RenameAxisOptions | undefined, axis: LevelAxis = 0): DataFrame {
  const isOptions =
    mapper !== null &&
    typeof mapper === "object" &&
    !Array.isArray(mapper) &&
    Object.keys(mapper).every((k) => k === "index" || k === "columns") &&
    Object.keys(mapper).length > 0;
  const opts: RenameAxisOptions = isOptions
    ? (mapper as RenameAxisOptions)
    : axisNumber("renameAxis", axis) === 1
      ? { columns: mapper as AxisNames }
      : { index: mapper as AxisNames };
  let out = df;
  if (opts.index !== undefined) out = withAxisIndex(out, 0, renameLevels("renameAxis", out.index, opts.index));
  if (opts.columns !== undefined) {
    const ci = renameLevels("renameAxis", columnAxis(out), opts.columns) as ColumnIndex;
    out = withAxisIndex(out, 1, ci.kind === "labels" && ci.name === null && !out.columnIndex ? null : ci);
  }
  return out;
}

/** See DataFrame.droplevel, swaplevel and reorderLevels: new levels for the row index (axis 0) or the column levels (axis 1), which must be a MultiIndex. */
export function reorderAxis(df: DataFrame, op: string, axis: LevelAxis, fn: (ix: MultiIndex) => Index): DataFrame {
  const a = axisNumber(op, axis);
  return withAxisIndex(df, a, fn(multiLevels(op, a === 1 ? df.columnIndex : df.index, a)));
}

/**
 * Options of sortIndex, as pd.DataFrame.sort_index's keywords: `ascending` (one flag, or one per
 * level: per level given, or per index level without `level`), `level` (sort by these levels
 * first, by number or name) and `sortRemaining` (then by the other levels, default true).
 */
export interface SortIndexOptions {
  ascending?: boolean | boolean[];
  level?: number | string | (number | string)[];
  sortRemaining?: boolean;
}

/**
 * The row order of sortIndex, as pandas 1.5: without `level` every level in turn (stable); with
 * `level` those levels first, then (sortRemaining) the others; one descending flag reverses the
 * whole order (as pandas' sortlevel), a list of flags sorts by the given levels only (stable).
 */
export function sortIndexOrder(op: string, ix: Index, opts: SortIndexOptions = {}): Int32Array {
  const levels = indexLevels(ix),
    names = indexNames(ix);
  const asc = opts.ascending ?? true;
  const lengthError = (what: string, k: number) =>
    new FrameError(
      `${op}: ascending has ${(asc as boolean[]).length} flags for ${k} ${what}. Pass one flag per ${what === "levels" ? "level" : "level given"} (pandas: level must have same length as ascending), or one flag.`,
    );
  if (opts.level === undefined) {
    if (Array.isArray(asc) && asc.length !== levels.length) throw lengthError("levels", levels.length);
    return argsort(
      levels,
      levels.map((_, l) => (Array.isArray(asc) ? asc[l]! : asc)),
      "last",
    );
  }
  // with `level`, pandas 1.5 sorts by the levels' codes, where a missing label's code (-1) is the
  // lowest: missing labels come first ascending and last descending (without `level`: last;
  // groupby dropna: false makes them level values, sorted last)
  const given = (Array.isArray(opts.level) ? opts.level : [opts.level]).map((l) => levelPosition(op, names, l));
  if (Array.isArray(asc)) {
    if (asc.length !== given.length) throw lengthError("levels given", given.length);
    let order: Int32Array | undefined;
    const low = ix.kind === "multi" && ix.missingLast ? "last" : "first";
    for (let k = given.length - 1; k >= 0; k--)
      order = argsort([levels[given[k]!]!], [asc[k]!], asc[k] ? low : low === "first" ? "last" : "first", order);
    return order ?? identity(indexLength(ix));
  }
  const keys = [...given, ...(opts.sortRemaining === false ? [] : levels.map((_, l) => l).filter((l) => !given.includes(l)))];
  const order = argsort(
    keys.map((l) => levels[l]!),
    keys.map(() => true),
    ix.kind === "multi" && ix.missingLast ? "last" : "first",
  );
  return asc ? order : order.reverse();
}

/** Options of xs: which level the key is for, which axis, and whether the matched levels are dropped, as pd.DataFrame.xs's keywords. */
export interface XsOptions {
  level?: number | string;
  axis?: 0 | 1;
  dropLevel?: boolean;
}

/** Rows (or columns, axis 1) whose key matches at the leading levels or at `level`, and which levels matched (the ones xs drops). */
function matchLevels(
  op: string,
  levels: readonly Column[],
  names: readonly (string | null)[],
  key: LabelKey,
  level: number | string | undefined,
  lookup: (k: LabelKey) => number[],
): { rows: number[]; matched: number[] } {
  const parts = Array.isArray(key) ? (key as readonly Scalar[]) : [key as Scalar];
  if (level === undefined) return { rows: lookup(key), matched: parts.map((_, j) => j) };
  if (parts.length !== 1)
    throw new FrameError(
      `${op}: with level given the key is one label, got ${JSON.stringify(parts)}. Drop level to match several leading levels.`,
    );
  const p = levelPosition(op, names, level);
  const want = tupleKey(parts);
  const c = levels[p]!;
  const rows: number[] = [];
  for (let i = 0; i < colLength(c); i++) if (tupleKey([cell(c, i)]) === want) rows.push(i);
  if (rows.length === 0)
    throw new FrameError(
      `${op}: label ${JSON.stringify(parts[0])} is not in level ${JSON.stringify(names[p] ?? p)}. Check the level and the label's type (4 is not "4").`,
    );
  return { rows, matched: [p] };
}

/**
 * A cross-section, as pd.DataFrame.xs: the rows whose index starts with `key` (one label, or a
 * tuple of the leading levels), or whose `level` equals key; the matched levels are dropped
 * unless dropLevel is false. axis 1 selects columns by their column levels the same way.
 */
export function xs(df: DataFrame, key: LabelKey, opts: XsOptions = {}): DataFrame {
  const drop = opts.dropLevel ?? true;
  if (opts.axis === 1) {
    const ci = df.columnIndex;
    if (!ci) throw new FrameError(`xs: the columns have no levels; select columns by name (select, col).`);
    const levels = indexLevels(ci),
      names = indexNames(ci);
    const { rows: cols, matched } = matchLevels("xs", levels, names, key, opts.level, (k) => positionsOf("xs", ci, k));
    const keepLevels = names.map((_, l) => l).filter((l) => !drop || !matched.includes(l));
    if (keepLevels.length === 0)
      throw new FrameError(`xs: the key ${JSON.stringify(key)} names whole columns; use col(tuple) for one column, or dropLevel: false.`);
    const at = Int32Array.from(cols);
    const kept = multiIndex(
      keepLevels.map((l) => take(levels[l]!, at, true)),
      keepLevels.map((l) => names[l]!),
    ) as ColumnIndex;
    return newFrame(
      drop ? flatNames(kept) : cols.map((j) => df.names[j]!),
      cols.map((j) => df.data[j]!),
      df.index,
      kept.kind === "multi" || kept.name !== null ? kept : null,
    );
  }
  const { rows, index } = xsRows(df.index, key, opts);
  return newFrame(
    df.names,
    df.data.map((c) => take(c, rows, true)),
    index,
    df.columnIndex,
  );
}

/** The rows of a cross-section on the row index and the index left for them (the matched levels dropped unless dropLevel: false). */
export function xsRows(ix: Index, key: LabelKey, opts: XsOptions = {}): { rows: Int32Array; index: Index } {
  const levels = indexLevels(ix),
    names = indexNames(ix);
  const { rows, matched } = matchLevels("xs", levels, names, key, opts.level, (k) => positionsOf("xs", ix, k));
  const idx = Int32Array.from(rows);
  if (opts.dropLevel === false || ix.kind !== "multi") return { rows: idx, index: takeIndex(ix, idx) };
  const keep = levels.map((_, l) => l).filter((l) => !matched.includes(l));
  return {
    rows: idx,
    index:
      keep.length === 0
        ? rangeIndex(idx.length)
        : multiIndex(
            keep.map((l) => take(levels[l]!, idx, true)),
            keep.map((l) => names[l]!),
          ),
  };
}

/** `ix` with the missingLast mark of `from` (groupby dropna: false levels keep it through unstack). */
function keepMissingLast<T extends Index>(ix: T, from: Index): T {
  return from.kind === "multi" && from.missingLast && ix.kind === "multi" ? { ...ix, missingLast: true } : ix;
}

/** Where each row lands when `level` moves to the columns: the new index, the column labels and, per (row, label) cell, the source row or -1. */
function unstackPlan(
  op: string,
  index: Index,
  level: number | string,
): { index: Index; labels: Column; name: string | null; source: Int32Array; nR: number; nC: number } {
  const ix = multiLevels(op, index);
  const L = levelPosition(op, ix.names, level);
  const rest = ix.cols.filter((_, l) => l !== L),
    restNames = ix.names.filter((_, l) => l !== L);
  // pandas orders an unstacked level by its codes: a missing label (code -1) comes first, unless
  // it is a level value (groupby dropna: false), sorted last
  const na = ix.missingLast ? "last" : "first";
  const R = sortedGroups(rest, groupIds(rest, false), true, na);
  const C = sortedGroups([ix.cols[L]!], groupIds([ix.cols[L]!], false), true, na);
  const nR = R.groups.n,
    nC = C.groups.n;
  const source = new Int32Array(nR * nC).fill(-1);
  const n = indexLength(ix);
  for (let i = 0; i < n; i++) {
    const p = R.groups.ids[i]! * nC + C.groups.ids[i]!;
    if (source[p]! >= 0)
      throw new FrameError(
        `${op}: the index entry (${ix.cols.map((c) => labelText(cell(c, i))).join(", ")}) appears in rows ${source[p]} and ${i}; unstack needs each entry once. Aggregate first (groupby(..., { asIndex: true }).mean()).`,
      );
    source[p] = i;
  }
  return { index: keepMissingLast(multiIndex(R.keys, restNames), ix), labels: C.keys[0]!, name: ix.names[L]!, source, nR, nC };
}

/** The cells of label c; an int column becomes float64 when any cell of the result is missing (the same cells for every column), as pandas. */
function unstackCells(plan: ReturnType<typeof unstackPlan>, col: Column, c: number): Column {
  const idx = new Int32Array(plan.nR);
  for (let r = 0; r < plan.nR; r++) idx[r] = plan.source[r * plan.nC + c]!;
  const out = take(col, idx);
  return out.dtype === "int64" && plan.source.includes(-1) ? castColumn("unstack", out, "float64", null) : out;
}

/**
 * A level of the row MultiIndex (default the last) moved to the columns, as pd.DataFrame.unstack:
 * rows are the other levels' distinct entries (sorted), columns each column x each label of the
 * level (sorted); cells no row fills are missing (int columns become float64, as pandas).
 */
export function unstack(df: DataFrame, level: number | string = -1): DataFrame {
  const plan = unstackPlan("unstack", df.index, level);
  const ci = df.columnIndex;
  const m = df.names.length,
    nC = plan.nC;
  const cols: Column[] = [];
  df.data.forEach((col) => {
    for (let c = 0; c < nC; c++) cols.push(unstackCells(plan, col, c));
  });
  // the old column labels repeat once per label of the level, which varies fastest
  const outer = Int32Array.from({ length: m * nC }, (_, p) => Math.floor(p / nC)),
    inner = Int32Array.from({ length: m * nC }, (_, p) => p % nC);
  const oldLevels = ci ? indexLevels(ci) : [namesLevel(df.names)];
  const levels = keepMissingLast(
    multiIndex(
      [...oldLevels.map((c) => take(c, outer, true)), take(plan.labels, inner, true)],
      [...(ci ? indexNames(ci) : [null]), plan.name],
    ),
    df.index,
  ) as ColumnIndex;
  return newFrame(flatNames(levels), cols, plan.index, levels);
}

/** A Series on a MultiIndex with one level moved to the columns, as pd.Series.unstack: one column per label of the level (columns.name: the level's name). */
export function unstackSeries(s: Series, level: number | string = -1): DataFrame {
  const plan = unstackPlan("unstack", s.index, level);
  const levels = multiIndex([plan.labels], [plan.name]) as ColumnIndex;
  return newFrame(
    flatNames(levels),
    Array.from({ length: plan.nC }, (_, c) => unstackCells(plan, s.col, c)),
    plan.index,
    levels,
  );
}

/**
 * The innermost column level moved into the rows, as pd.DataFrame.stack (dropna=True): flat or
 * one-level columns give a Series on (row levels..., column label), one row per present cell;
 * several column levels give a frame whose columns are the other levels, one row per (row, label)
 * with at least one present value. Columns stacked together need compatible dtypes.
 */
export function stack(df: DataFrame, opts: { dropna?: boolean } = {}): Series | DataFrame {
  const ci = df.columnIndex;
  const n = df.length,
    m = df.names.length;
  const rowLevels = indexLevels(df.index),
    rowNames = indexNames(df.index);
  if (ci?.kind !== "multi") {
    if (m === 0) throw new FrameError(`stack: the frame has no columns to stack.`);
    const labelCol = ci ? ci.col : namesLevel(df.names);
    const values = stackable(df.data, df.names);
    const miss = naMask(values);
    const pos: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const p = j * n + i;
        if (opts.dropna === false || !miss[p]) pos.push(p);
      }
    const at = Int32Array.from(pos);
    const rows = at.map((p) => p % n),
      cols = at.map((p) => Math.floor(p / n));
    const index = multiIndex(
      [...rowLevels.map((c) => take(c, rows, true)), take(labelCol, cols, true)],
      [...rowNames, ci ? ci.name : null],
    );
    return newSeries(take(values, at, true), null, index);
  }
  const depth = ci.cols.length;
  const outerLevels = ci.cols.slice(0, depth - 1),
    innerCol = ci.cols[depth - 1]!;
  // pandas sorts the column levels first: missing labels (code -1) first, unless they are level values
  const na = ci.missingLast ? "last" : "first";
  const O = sortedGroups(outerLevels, groupIds(outerLevels, false), true, na);
  const I = sortedGroups([innerCol], groupIds([innerCol], false), true, na);
  const nO = O.groups.n,
    nI = I.groups.n;
  const slot = new Int32Array(nO * nI).fill(-1); // (outer tuple, inner label) -> column position
  for (let j = 0; j < m; j++) slot[O.groups.ids[j]! * nI + I.groups.ids[j]!] = j;
  // every output column gathers its cells from the columns that share its outer labels
  const outCols: Column[] = [];
  const present = new Uint8Array(n * nI);
  for (let o = 0; o < nO; o++) {
    const sources = Array.from({ length: nI }, (_, k) => slot[o * nI + k]!);
    const have = sources.filter((j) => j >= 0);
    const joined = stackable(
      have.map((j) => df.data[j]!),
      have.map((j) => df.names[j]!),
    );
    const offset = new Int32Array(nI).fill(-1);
    have.forEach((j, q) => {
      offset[sources.indexOf(j)] = q * n;
    });
    const idx = new Int32Array(n * nI);
    for (let i = 0; i < n; i++) for (let k = 0; k < nI; k++) idx[i * nI + k] = offset[k]! < 0 ? -1 : offset[k]! + i;
    const col = take(joined, idx);
    const miss = naMask(col);
    for (let p = 0; p < idx.length; p++) if (!miss[p]) present[p] = 1;
    outCols.push(col);
  }
  const keep = Int32Array.from({ length: n * nI }, (_, p) => p).filter((p) => opts.dropna === false || present[p] === 1);
  const rows = keep.map((p) => Math.floor(p / nI)),
    labels = keep.map((p) => p % nI);
  const index = multiIndex(
    [...rowLevels.map((c) => take(c, rows, true)), take(I.keys[0]!, labels, true)],
    [...rowNames, ci.names[depth - 1]!],
  );
  const levels = multiIndex(O.keys, ci.names.slice(0, depth - 1)) as ColumnIndex;
  return newFrame(
    flatNames(levels),
    outCols.map((c) => take(c, keep, true)),
    index,
    levels.kind === "multi" || levels.name !== null ? levels : null,
  );
}

/** Columns stacked into one, or an error naming the columns whose types cannot share one (pandas would make an object column). */
function stackable(cols: readonly Column[], names: readonly string[]): Column {
  try {
    return concatColumns("stack", null, cols.slice());
  } catch {
    const kinds = [...new Set(cols.map((c) => c.dtype))].join(", ");
    throw new FrameError(
      `stack: the columns ${names.map((k) => JSON.stringify(k)).join(", ")} hold ${kinds} values, which cannot share one column (pandas would make an object column). Select columns of one kind, or convert them with astype first.`,
    );
  }
}

/** Each column's labels as a tuple, as list(df.columns) on a column MultiIndex. */
export function columnTuples(ci: ColumnIndex): Scalar[][] {
  return Array.from({ length: indexLength(ci) }, (_, j) => indexTuple(ci, j));
}
