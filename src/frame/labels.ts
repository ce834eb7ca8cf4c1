// The row Index of a DataFrame or Series: a RangeIndex (0..n-1 stored as two numbers), labels
// held in one column (any dtype), or a MultiIndex (one full-length column per level, so taking
// rows is a take per level). Column labels with several levels (or a named column axis) are a
// ColumnIndex beside the flat column names; see docs/FRAME.md. Verbs that build several keys
// return them as ordinary columns unless asked for pandas' index form (asIndex: true).

import { type Column, type Scalar, cell, colLength, take, range, formatDate, intCol, encodeStrings } from "./column.js";
import { FrameError } from "./errors.js";

export interface RangeIndex {
  readonly kind: "range";
  readonly start: number;
  readonly n: number;
  readonly name: string | null;
}
export interface LabelIndex {
  readonly kind: "labels";
  readonly col: Column;
  readonly name: string | null;
}
/**
 * Row labels with several levels, as pd.MultiIndex: `cols` holds one full-length column per level
 * (pandas' get_level_values), `names` a name per level. `name` is always null, as pandas'
 * MultiIndex.name, so code reading `index.name` needs no case for it.
 */
export interface MultiIndex {
  readonly kind: "multi";
  readonly cols: readonly Column[];
  readonly names: readonly (string | null)[];
  readonly name: null;
  /**
   * Missing labels are level values sorted last, as in the levels of pandas' groupby(dropna=False)
   * result; otherwise (set_index, concat...) they are pandas' code -1, which unstack and
   * sortIndex({ level }) put first.
   */
  readonly missingLast?: boolean;
}
/** The row labels of a frame or series: a RangeIndex (0..n-1), labels held in one column, or several levels, as pd.RangeIndex / pd.Index / pd.MultiIndex. */
export type Index = RangeIndex | LabelIndex | MultiIndex;

/**
 * Column labels beyond the flat names, as pandas' df.columns when it has a name or several
 * levels: an index over the columns (one entry per column, in order). A named single level is
 * pandas' `columns.name` (a pivot's "tension"); a MultiIndex is column levels (("hp", "min")).
 */
export type ColumnIndex = LabelIndex | MultiIndex;

export const rangeIndex = (n: number, start = 0, name: string | null = null): RangeIndex => ({ kind: "range", start, n, name });
export const labelIndex = (col: Column, name: string | null = null): LabelIndex => ({ kind: "labels", col, name });

/** Several levels as a MultiIndex; one level stays a plain label index (pandas does the same when a level is dropped). */
export function multiIndex(cols: readonly Column[], names: readonly (string | null)[]): Index {
  if (cols.length === 1) return labelIndex(cols[0]!, names[0] ?? null);
  if (cols.length === 0) throw new FrameError(`MultiIndex: no levels given. Pass one column per level.`);
  const n = colLength(cols[0]!);
  cols.forEach((c, j) => {
    if (colLength(c) !== n)
      throw new FrameError(`MultiIndex: level ${j} has ${colLength(c)} labels but level 0 has ${n}. Every level needs one label per row.`);
  });
  return { kind: "multi", cols: cols.slice(), names: cols.map((_, j) => names[j] ?? null), name: null };
}

export function indexLength(ix: Index): number {
  return ix.kind === "range" ? ix.n : colLength(ix.kind === "labels" ? ix.col : ix.cols[0]!);
}

/** The number of levels (1 unless a MultiIndex), as pd.Index.nlevels. */
export function indexDepth(ix: Index): number {
  return ix.kind === "multi" ? ix.cols.length : 1;
}

/** The label of row i; on a MultiIndex the entry written "(a, b)", as pandas prints it (indexTuple gives the values). */
export function indexLabel(ix: Index, i: number): Scalar {
  if (ix.kind === "multi") return tupleText(ix.cols.map((c) => cell(c, i)));
  return ix.kind === "range" ? ix.start + i : cell(ix.col, i);
}

/** The labels of row i, one per level, as an entry of pd.MultiIndex.tolist() (one value for a flat index). */
export function indexTuple(ix: Index, i: number): Scalar[] {
  return ix.kind === "multi" ? ix.cols.map((c) => cell(c, i)) : [indexLabel(ix, i)];
}

/** One column per level (a flat index is one level), as pandas' get_level_values for each level. */
export function indexLevels(ix: Index): Column[] {
  return ix.kind === "multi" ? ix.cols.slice() : [indexColumn(ix)];
}

/** The name of each level, as pd.Index.names. */
export function indexNames(ix: Index): (string | null)[] {
  return ix.kind === "multi" ? ix.names.slice() : [ix.name];
}

/**
 * The labels as one column (a RangeIndex becomes int64). A MultiIndex gives its entries as text
 * "(a, b)": callers that need the levels read indexLevels.
 */
export function indexColumn(ix: Index): Column {
  if (ix.kind === "labels") return ix.col;
  if (ix.kind === "multi") return encodeStrings(tupleLabels(ix.cols, indexLength(ix)));
  const v = new Float64Array(ix.n);
  for (let i = 0; i < ix.n; i++) v[i] = ix.start + i;
  return intCol(v);
}

/**
 * The index of rows `idx`. A RangeIndex stays one when the rows are a contiguous ascending run
 * (head, tail, slices); otherwise the labels are kept as int64, as pandas keeps them after a filter.
 */
export function takeIndex(ix: Index, idx: Int32Array): Index {
  if (ix.kind === "multi") return { ...ix, cols: ix.cols.map((c) => take(c, idx, true)) };
  if (ix.kind === "range") {
    let run = true;
    for (let i = 1; i < idx.length; i++)
      if (idx[i] !== idx[i - 1]! + 1) {
        run = false;
        break;
      }
    if (run && (idx.length === 0 || idx[0]! >= 0)) return rangeIndex(idx.length, idx.length ? ix.start + idx[0]! : 0, ix.name);
    // the labels of the chosen rows, without materialising the whole range first
    let missing = false;
    const v = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j < 0) missing = true;
      v[i] = ix.start + j;
    }
    if (!missing) return labelIndex(intCol(v), ix.name);
  }
  return labelIndex(take(indexColumn(ix), idx, true), ix.name);
}

/** A key for label lookups: numbers and strings as themselves, dates as their milliseconds. */
export function labelKey(v: Scalar): string | number | boolean | null {
  return v instanceof Date ? v.getTime() : typeof v === "number" && Number.isNaN(v) ? null : v;
}

/** A key for tuple lookups: equal tuples (under labelKey) give equal text. */
export function tupleKey(values: readonly Scalar[]): string {
  return JSON.stringify(values.map(labelKey));
}

const lookupCache = new WeakMap<Column, Map<unknown, number[]>>();
const prefixCache = new WeakMap<MultiIndex, Map<number, Map<string, number[]>>>();

/** The rows of each key, in row order. */
function rowsByKey<K>(n: number, keyOf: (i: number) => K): Map<K, number[]> {
  const map = new Map<K, number[]>();
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
  }
  return map;
}

/** A row key for loc/xs/at, as pandas' df.loc[key]: one label, or on a MultiIndex a tuple of leading-level labels (all levels, or a prefix). */
export type LabelKey = Scalar | readonly Scalar[];

/**
 * Positions of a label, or an error naming it. On a MultiIndex the label is a tuple of all levels
 * or of the first few (pandas' partial key), or one label of the first level; every matching row
 * is returned, in row order.
 */
export function positionsOf(op: string, ix: Index, label: LabelKey): number[] {
  if (ix.kind === "multi") {
    const key = Array.isArray(label) ? (label as readonly Scalar[]) : [label as Scalar];
    if (key.length === 0 || key.length > ix.cols.length)
      throw new FrameError(
        `${op}: the key ${formatKey(key)} has ${key.length} labels but the MultiIndex has ${ix.cols.length} levels (${levelList(ix.names)}). Pass one label per level, or fewer for a partial key.`,
      );
    let byDepth = prefixCache.get(ix);
    if (!byDepth) prefixCache.set(ix, (byDepth = new Map()));
    let map = byDepth.get(key.length);
    if (!map) {
      const lv = ix.cols.slice(0, key.length);
      byDepth.set(key.length, (map = rowsByKey(indexLength(ix), (i) => tupleKey(lv.map((c) => cell(c, i))))));
    }
    const hit = map.get(tupleKey(key));
    if (hit) return hit;
    throw new FrameError(
      `${op}: key ${formatKey(key)} is not in the MultiIndex (${describeIndex(ix)}). Keys are tuples of labels from the first level on; use iloc for positions.`,
    );
  }
  if (Array.isArray(label))
    throw new FrameError(
      `${op}: a tuple key ${formatKey(label as Scalar[])} needs a MultiIndex, but the index has one level. Pass one label.`,
    );
  if (ix.kind === "range") {
    const p = typeof label === "number" ? label - ix.start : NaN;
    if (Number.isInteger(p) && p >= 0 && p < ix.n) return [p];
  } else {
    const col = ix.col;
    let map = lookupCache.get(col);
    if (!map) lookupCache.set(col, (map = rowsByKey(colLength(col), (i) => labelKey(cell(col, i)))));
    const hit = map.get(labelKey(label as Scalar));
    if (hit) return hit;
  }
  throw new FrameError(`${op}: label ${formatLabel(label as Scalar)} is not in the index (${describeIndex(ix)}). Use iloc for positions.`);
}

/** Positions from `from` to `to` inclusive (pandas label slices include both ends). */
export function labelSlice(op: string, ix: Index, from: LabelKey | undefined, to: LabelKey | undefined): Int32Array {
  const n = indexLength(ix);
  const a = from === undefined ? 0 : positionsOf(op, ix, from)[0]!;
  const b = to === undefined ? n - 1 : positionsOf(op, ix, to).at(-1)!;
  return range(a, b + 1);
}

/** Row labels "(a, b)" of several key columns over n rows (missing: NaN), as pandas prints a MultiIndex entry: the stand-in where pandas would make one. */
export function tupleLabels(cols: readonly Column[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => tupleText(cols.map((c) => cell(c, i))));
}

function tupleText(values: readonly Scalar[]): string {
  return `(${values.map((v) => (v instanceof Date ? formatDate(v.getTime()) : String(v ?? "NaN"))).join(", ")})`;
}

export function formatLabel(v: Scalar): string {
  return v instanceof Date ? formatDate(v.getTime()) : JSON.stringify(v);
}

/** Level names as messages list them, an unnamed level as pandas' None: "wool, None". */
export const levelList = (names: readonly (string | null)[]): string => names.map((k) => k ?? "None").join(", ");

function formatKey(key: readonly Scalar[]): string {
  return `(${key.map(formatLabel).join(", ")})`;
}

export function describeIndex(ix: Index): string {
  if (ix.kind === "range") return `RangeIndex(start=${ix.start}, stop=${ix.start + ix.n})`;
  const n = indexLength(ix);
  const shown = Array.from({ length: Math.min(n, 5) }, (_, i) =>
    ix.kind === "multi" ? formatKey(indexTuple(ix, i)) : formatLabel(cell(ix.col, i)),
  );
  return `${n} labels: ${shown.join(", ")}${n > 5 ? ", ..." : ""}`;
}

export function sameLength(op: string, what: string, n: number, expected: number): void {
  if (n !== expected) throw new FrameError(`${op}: ${what} has ${n} rows but the frame has ${expected}. Pass one value per row.`);
}
