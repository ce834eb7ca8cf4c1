// Key encoding: one or several key columns -> a dense group id per row. groupby, merge,
// duplicated, valueCounts, unique, pivot and crosstab all start here, so equal keys mean the
// same thing everywhere (strings by text, numbers by value, int 3 equal to float 3.0).

import { type Column, cell, colLength, isStringLike, numericView, range, take } from "./column.js";
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
  if (cols.length === 1) return single(cols[0]!, dropNA);
  let acc = single(cols[0]!, false);
  const na = dropNA ? naAny(cols) : null;
  for (let c = 1; c < cols.length; c++) acc = combine(acc, single(cols[c]!, false));
  if (!na) return acc;
  // renumber without the rows whose key has a missing part
  const ids = new Int32Array(acc.ids.length);
  const remap = new Int32Array(acc.n).fill(-1);
  const first: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (na[i]) {
      ids[i] = -1;
      continue;
    }
    const g = acc.ids[i]!;
    if (remap[g]! < 0) {
      remap[g] = first.length;
      first.push(i);
    }
    ids[i] = remap[g]!;
  }
  return { ids, n: first.length, firstRow: Int32Array.from(first) };
}

function naAny(cols: readonly Column[]): Uint8Array | null {
  const n = colLength(cols[0]!);
  let out: Uint8Array | null = null;
  for (const c of cols) {
    const v = isStringLike(c) ? null : numericView("groupby", c, null);
    for (let i = 0; i < n; i++) {
      const missing = v ? v[i] !== v[i] : (c as { codes: Int32Array }).codes[i]! < 0;
      if (missing) {
        out ??= new Uint8Array(n);
        out[i] = 1;
      }
    }
  }
  return out;
}

function single(c: Column, dropNA: boolean): KeyGroups {
  const n = colLength(c);
  const ids = new Int32Array(n);
  const first: number[] = [];
  let naId = -1;
  const range: [number, number] | null = c.dtype === "bool" ? [0, 1] : denseIntRange(c, n);
  // a missing key: no group (dropna), else one group of its own, placed at its first row
  const missingId = (i: number): number => {
    if (dropNA) return -1;
    if (naId < 0) {
      naId = first.length;
      first.push(i);
    }
    return naId;
  };
  if (isStringLike(c)) {
    const remap = new Int32Array(c.dict.length).fill(-1);
    const codes = c.codes;
    for (let i = 0; i < n; i++) {
      const k = codes[i]!;
      if (k < 0) {
        ids[i] = missingId(i);
        continue;
      }
      let r = remap[k]!;
      if (r < 0) {
        r = remap[k] = first.length;
        first.push(i);
      }
      ids[i] = r;
    }
  } else if (range && (c.dtype === "bool" || c.dtype === "int64")) {
    // bools and integers in a narrow range: a dense table instead of a hash map
    const v = c.values;
    const valid = c.valid;
    const [lo, hi] = range;
    const remap = new Int32Array(Math.max(0, hi - lo + 1)).fill(-1);
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) {
        ids[i] = missingId(i);
        continue;
      }
      const k = v[i]! - lo;
      let r = remap[k]!;
      if (r < 0) {
        r = remap[k] = first.length;
        first.push(i);
      }
      ids[i] = r;
    }
  } else {
    const v = numericView("groupby", c, null);
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x !== x) {
        ids[i] = missingId(i);
        continue;
      }
      let r = map.get(x);
      if (r === undefined) {
        r = first.length;
        map.set(x, r);
        first.push(i);
      }
      ids[i] = r;
    }
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

function combine(a: KeyGroups, b: KeyGroups): KeyGroups {
  const n = a.ids.length;
  const ids = new Int32Array(n);
  const first: number[] = [];
  const span = a.n * b.n;
  if (span <= Math.max(1 << 16, 4 * n)) {
    const remap = new Int32Array(span).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = a.ids[i]! * b.n + b.ids[i]!;
      let r = remap[key]!;
      if (r < 0) {
        r = remap[key] = first.length;
        first.push(i);
      }
      ids[i] = r;
    }
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
  const rank = new Int32Array(kg.n);
  for (let r = 0; r < order.length; r++) rank[order[r]!] = r;
  const ids = new Int32Array(kg.ids.length);
  for (let i = 0; i < ids.length; i++) {
    const g = kg.ids[i]!;
    ids[i] = g < 0 ? -1 : rank[g]!;
  }
  const firstRow = Int32Array.from(order, (g) => kg.firstRow[g]!);
  return { groups: { ids, n: kg.n, firstRow }, keys: cols.map((c) => take(c, firstRow, true)) };
}
