// Key encoding: one or several key columns -> a dense group id per row. groupby, merge,
// duplicated, valueCounts, unique, pivot and crosstab all start here, so equal keys mean the
// same thing everywhere (strings by text, numbers by value, int 3 equal to float 3.0).

import { type Column, cell, colLength, isStringLike, naMask, numericView, range, take } from "./column.js";
import { type Index, indexLabel, labelKey, tupleKey } from "./labels.js";
import { type NaPosition, argsort } from "./sort.js";

/**
 * The lookup key of each row label of an index, for Maps that pair labels across indexes (label
 * alignment, reindexing): a label's labelKey (numbers and strings as themselves, dates as ms, NaN
 * as null) on a flat index, and the tuple's text key on a MultiIndex, so ("a", 1) matches ("a", 1.0).
 */
export function indexKey(ix: Index): (i: number) => string | number | boolean | null {
  if (ix.kind === "multi") {
    const cols = ix.cols;
    return (i) => tupleKey(cols.map((c) => cell(c, i)));
  }
  return (i) => labelKey(indexLabel(ix, i));
}

export interface KeyGroups {
  /** Group of each row, numbered in order of first appearance; -1 for a missing key when dropNA. */
  readonly ids: Int32Array;
  readonly n: number;
  /** The first row of each group. */
  readonly firstRow: Int32Array;
}

/** Group ids for the rows of `cols` (all the same length). */
export function groupIds(cols: readonly Column[], dropNA: boolean): KeyGroups {
  const direct = digitIds(cols, dropNA);
  if (direct) return direct;
  if (cols.length === 1) return single(cols[0]!, dropNA);
  const one = (c: Column) => digitIds([c], false) ?? single(c, false);
  let acc = one(cols[0]!);
  const na = dropNA ? naAny(cols) : null;
  for (let c = 1; c < cols.length; c++) acc = combine(acc, one(cols[c]!));
  if (!na) return acc;
  // renumber without the rows whose key has a missing part (acc's ids are combine's own: in place)
  const ids = acc.ids,
    first: number[] = [],
    remap = new Int32Array(acc.n + 1).fill(-2);
  remap[0] = -1;
  na.forEach((m, i) => m && (ids[i] = -1));
  firstSeen(ids, 1, remap, ids, first);
  return { ids, n: first.length, firstRow: Int32Array.from(first) };
}

/** 1 where any key column's cell is missing; null when none is. */
function naAny(cols: readonly Column[]): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const c of cols) {
    if ((c.dtype === "int64" || c.dtype === "bool") && !c.valid) continue;
    const m = naMask(c);
    if (out) for (let i = 0; i < m.length; i++) out[i]! |= m[i]!;
    else out = m;
  }
  return out?.includes(1) ? out : null;
}

/** Group ids of one column of numbers (floats, datetimes, integers over a wide range) through a hash map. */
function single(c: Column, dropNA: boolean): KeyGroups {
  const n = colLength(c);
  const ids = new Int32Array(n);
  const first: number[] = [];
  let naId = -1;
  const v = numericView("groupby", c, null);
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    let r: number | undefined;
    if (x !== x) {
      // a missing key: no group (dropna), else one group of its own, placed at its first row
      if (dropNA) r = -1;
      else if (naId < 0) {
        r = naId = first.length;
        first.push(i);
      } else r = naId;
    } else if ((r = map.get(x)) === undefined) {
      r = first.length;
      map.set(x, r);
      first.push(i);
    }
    ids[i] = r;
  }
  return { ids, n: first.length, firstRow: Int32Array.from(first) };
}

/** [smallest, largest] of an int64 column's present values when the span is small enough for a dense table (at most 65,536 or twice the rows), else null. */
function denseIntRange(c: Column, n: number): [number, number] | null {
  if (c.dtype !== "int64") return null;
  let lo = Infinity,
    hi = -Infinity;
  const v = c.values;
  for (let i = 0; i < n; i++) {
    if (c.valid && !c.valid[i]) continue;
    const x = v[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi - lo <= Math.max(1 << 16, 2 * n) ? [lo, hi] : null;
}

/**
 * ids[i] = the group of key keys[i] + off through remap (-2: not seen yet, then numbered in order of
 * first appearance, its first row pushed to first). The long loop is the whole function: V8
 * optimizes a function while its first long loop runs, and code after the loop that had not run
 * yet (no type feedback) deoptimized it on every call.
 */
function firstSeen(keys: Int32Array, off: number, remap: Int32Array, ids: Int32Array, first: number[]): void {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]! + off;
    let r = remap[k]!;
    if (r === -2) {
      r = remap[k] = first.length;
      first.push(i);
    }
    ids[i] = r;
  }
}

/**
 * Text, bool or narrow-int key columns in one table: each row's key as mixed-radix digits (digit
 * 0: a missing cell), numbered by first appearance of the whole key, in one pass per column and
 * one over the rows (a single text column: its codes are the keys). Null when a column is of
 * another kind, the table would be too large, or, for several columns, a key has a missing part
 * under dropNA (groupIds' general path takes those).
 */
function digitIds(cols: readonly Column[], dropNA: boolean): KeyGroups | null {
  const c0 = cols[0]!,
    n = colLength(c0),
    text = cols.length === 1 && isStringLike(c0);
  const ranges: [number, number][] = [];
  let span = 1;
  for (const c of cols) {
    const r: [number, number] | null = isStringLike(c) ? [0, c.dict.length - 1] : c.dtype === "bool" ? [0, 1] : denseIntRange(c, n);
    if (!r) return null;
    ranges.push(r);
    span *= Math.max(0, r[1] - r[0] + 1) + 1;
  }
  // one text column: a table as long as its dictionary, whatever the rows
  if (span > Math.max(1 << 16, 4 * n) && !text) return null;
  const ids = new Int32Array(n),
    first: number[] = [],
    remap = new Int32Array(span).fill(-2);
  // slot 0: one column's missing cell, its own group or, under dropNA, none
  if (dropNA && cols.length === 1) remap[0] = -1;
  if (text) firstSeen(c0.codes, 1, remap, ids, first);
  else {
    let missing = 0;
    cols.forEach((c, j) => {
      const [lo, hi] = ranges[j]!,
        size = Math.max(0, hi - lo + 1) + 1;
      missing += isStringLike(c)
        ? addDigits(ids, size, c.codes, null, -1)
        : addDigits(ids, size, (c as { values: Float64Array | Uint8Array }).values, (c as { valid: Uint8Array | null }).valid, lo - 1);
    });
    if (missing && dropNA && cols.length > 1) return null;
    firstSeen(ids, 0, remap, ids, first);
  }
  return { ids, n: first.length, firstRow: Int32Array.from(first) };
}

/**
 * ids[i] = ids[i] * size + the digit of row i: v[i] - lo, or 0 for a missing cell (valid says so;
 * text passes its codes with lo -1, so code -1 is 0). Returns how many cells were missing; one
 * loop, as firstSeen.
 */
function addDigits(ids: Int32Array, size: number, v: Int32Array | Float64Array | Uint8Array, valid: Uint8Array | null, lo: number): number {
  let m = 0;
  for (let i = 0; i < ids.length; i++) {
    const d = valid && !valid[i] ? 0 : v[i]! - lo;
    ids[i] = ids[i]! * size + d;
    m += +(d === 0);
  }
  return m;
}

/** out[i] = a[i] * bn + b[i]; one loop, as firstSeen. */
function pairKeys(a: Int32Array, b: Int32Array, bn: number, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! * bn + b[i]!;
}

function combine(a: KeyGroups, b: KeyGroups): KeyGroups {
  const n = a.ids.length;
  const ids = new Int32Array(n);
  const first: number[] = [];
  const span = a.n * b.n;
  if (span <= Math.max(1 << 16, 4 * n)) {
    // the pair's key into ids, then numbered through a table (key -1 never occurs)
    pairKeys(a.ids, b.ids, b.n, ids);
    firstSeen(ids, 0, new Int32Array(span).fill(-2), ids, first);
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = a.ids[i]! * b.n + b.ids[i]!;
      let r = map.get(key);
      if (r === undefined) {
        r = first.length;
        map.set(key, r);
        first.push(i);
      }
      ids[i] = r;
    }
  }
  return { ids, n: first.length, firstRow: Int32Array.from(first) };
}

/**
 * Renumber groups so that ids follow the sorted order of their keys (pandas' groupby sort=True).
 * Returns the new groups and the key columns, one row per group.
 */
export function sortedGroups(
  cols: readonly Column[],
  kg: KeyGroups,
  sort: boolean,
  naPosition: NaPosition = "last",
): { groups: KeyGroups; keys: Column[] } {
  let order: Int32Array = range(0, kg.n);
  if (sort && kg.n > 1) {
    const keyRows = cols.map((c) => take(c, kg.firstRow, true));
    order = argsort(
      keyRows,
      cols.map(() => true),
      naPosition,
    );
  }
  // rank[g + 1]: group g's place in key order (slot 0 keeps -1, a row in no group)
  const rank = new Int32Array(kg.n + 1);
  rank[0] = -1;
  for (let r = 0; r < order.length; r++) rank[order[r]! + 1] = r;
  const firstRow = Int32Array.from(order, (g) => kg.firstRow[g]!);
  // kg's ids are renumbered in place: every caller hands over a fresh groupIds result
  renumber(kg.ids, rank);
  return { groups: { ids: kg.ids, n: kg.n, firstRow }, keys: cols.map((c) => take(c, firstRow, true)) };
}

/** ids[i] = rank[ids[i] + 1]; one loop, as firstSeen. */
function renumber(ids: Int32Array, rank: Int32Array): void {
  for (let i = 0; i < ids.length; i++) ids[i] = rank[ids[i]! + 1]!;
}
