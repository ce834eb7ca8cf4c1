// The row Index of a DataFrame or Series: a RangeIndex (0..n-1 stored as two numbers) or labels
// held in one column (any dtype). There is no MultiIndex: operations that would make one
// (groupby on several keys, pivotTable with several index columns) return the keys as ordinary
// columns instead (pandas' as_index=False / reset_index() form); see docs/FRAME.md.

import { type Column, type Scalar, cell, colLength, take, range, formatDate, intCol } from "./column.js";
import { FrameError } from "./errors.js";

export interface RangeIndex { readonly kind: "range"; readonly start: number; readonly n: number; readonly name: string | null }
export interface LabelIndex { readonly kind: "labels"; readonly col: Column; readonly name: string | null }
/** The row labels of a frame or series: a RangeIndex (0..n-1) or labels held in one column, as pd.RangeIndex / pd.Index; there is no MultiIndex. */
export type Index = RangeIndex | LabelIndex;

export const rangeIndex = (n: number, start = 0, name: string | null = null): RangeIndex => ({ kind: "range", start, n, name });
export const labelIndex = (col: Column, name: string | null = null): LabelIndex => ({ kind: "labels", col, name });

export function indexLength(ix: Index): number {
  return ix.kind === "range" ? ix.n : colLength(ix.col);
}

export function indexLabel(ix: Index, i: number): Scalar {
  return ix.kind === "range" ? ix.start + i : cell(ix.col, i);
}

/** The labels as a column (a RangeIndex becomes int64). */
export function indexColumn(ix: Index): Column {
  if (ix.kind === "labels") return ix.col;
  const v = new Float64Array(ix.n);
  for (let i = 0; i < ix.n; i++) v[i] = ix.start + i;
  return intCol(v);
}

/**
 * The index of rows `idx`. A RangeIndex stays one when the rows are a contiguous ascending run
 * (head, tail, slices); otherwise the labels are kept as int64, as pandas keeps them after a filter.
 */
export function takeIndex(ix: Index, idx: Int32Array): Index {
  if (ix.kind === "range") {
    let run = true;
    for (let i = 1; i < idx.length; i++) if (idx[i] !== idx[i - 1] + 1) { run = false; break; }
    if (run && (idx.length === 0 || idx[0] >= 0)) return rangeIndex(idx.length, idx.length ? ix.start + idx[0] : 0, ix.name);
    // the labels of the chosen rows, without materialising the whole range first
    let missing = false;
    const v = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) { const j = idx[i]; if (j < 0) missing = true; v[i] = ix.start + j; }
    if (!missing) return labelIndex(intCol(v), ix.name);
  }
  return labelIndex(take(indexColumn(ix), idx, true), ix.name);
}

/** A key for label lookups: numbers and strings as themselves, dates as their milliseconds. */
export function labelKey(v: Scalar): string | number | boolean | null {
  return v instanceof Date ? v.getTime() : typeof v === "number" && Number.isNaN(v) ? null : v;
}

const lookupCache = new WeakMap<Column, Map<unknown, number[]>>();

/** Positions of a label, or an error naming it. */
export function positionsOf(op: string, ix: Index, label: Scalar): number[] {
  if (ix.kind === "range") {
    const p = typeof label === "number" ? label - ix.start : NaN;
    if (Number.isInteger(p) && p >= 0 && p < ix.n) return [p];
  } else {
    let map = lookupCache.get(ix.col);
    if (!map) {
      map = new Map();
      const n = colLength(ix.col);
      for (let i = 0; i < n; i++) {
        const k = labelKey(cell(ix.col, i));
        const list = map.get(k);
        if (list) list.push(i); else map.set(k, [i]);
      }
      lookupCache.set(ix.col, map);
    }
    const hit = map.get(labelKey(label instanceof Date ? label : label));
    if (hit) return hit;
  }
  throw new FrameError(`${op}: label ${formatLabel(label)} is not in the index (${describeIndex(ix)}). Use iloc for positions.`);
}

/** Positions from `from` to `to` inclusive (pandas label slices include both ends). */
export function labelSlice(op: string, ix: Index, from: Scalar | undefined, to: Scalar | undefined): Int32Array {
  const n = indexLength(ix);
  const a = from === undefined ? 0 : positionsOf(op, ix, from)[0]!;
  const b = to === undefined ? n - 1 : positionsOf(op, ix, to).at(-1)!;
  return range(a, b + 1);
}

/** Row labels "(a, b)" of several key columns over n rows (missing: NaN), as pandas prints a MultiIndex entry: the stand-in where pandas would make one. */
export function tupleLabels(cols: readonly Column[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => `(${cols.map((c) => String(cell(c, i) ?? "NaN")).join(", ")})`);
}

export function formatLabel(v: Scalar): string {
  return v instanceof Date ? formatDate(v.getTime()) : JSON.stringify(v);
}

function describeIndex(ix: Index): string {
  if (ix.kind === "range") return `RangeIndex(start=${ix.start}, stop=${ix.start + ix.n})`;
  const n = colLength(ix.col);
  const shown = Array.from({ length: Math.min(n, 5) }, (_, i) => formatLabel(cell(ix.col, i)));
  return `${n} labels: ${shown.join(", ")}${n > 5 ? ", ..." : ""}`;
}

export function sameLength(op: string, what: string, n: number, expected: number): void {
  if (n !== expected) throw new FrameError(`${op}: ${what} has ${n} rows but the frame has ${expected}. Pass one value per row.`);
}
