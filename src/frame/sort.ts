// Stable multi-key argsort by LSD radix sort: each key becomes a 64-bit unsigned sort key (two
// Uint32Arrays), and keys are applied from last to first with a stable 16-bit-digit pass each,
// skipping digits every row shares. O(n) per key instead of a comparator sort's O(n log n).
//
// Readable version of what it computes, for one key:
//   perm.sort((a, b) => compare(key[a], key[b]) || a - b)   with NA first or last

import { type Column, colLength, stringOrder, isStringLike, numericView, range } from "./column.js";
import { oneOf } from "./errors.js";

export type NaPosition = "first" | "last";

/** Row order that sorts `cols` lexicographically; ascending per key; ties keep row order. */
export function argsort(cols: readonly Column[], ascending: readonly boolean[], naPosition: NaPosition, start?: Int32Array): Int32Array {
  const n = cols.length ? colLength(cols[0]!) : 0;
  let perm: Int32Array = start ?? identity(n);
  let tmp: Int32Array = new Int32Array(perm.length);
  const hi = new Uint32Array(n),
    lo = new Uint32Array(n);
  for (let c = cols.length - 1; c >= 0; c--) {
    sortKeys(cols[c]!, ascending[c] ?? true, naPosition, hi, lo);
    if (perm.length < SMALL) {
      // a few rows: a stable comparison sort on the same keys (each radix pass scans 65,536 counts)
      perm = Int32Array.from(Array.from(perm).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]!));
      continue;
    }
    for (const [keys, shift] of [
      [lo, 0],
      [lo, 16],
      [hi, 0],
      [hi, 16],
    ] as const) {
      if (radixPass(perm, keys, shift, tmp)) [perm, tmp] = [tmp, perm];
    }
  }
  return perm;
}

/** Below this many rows argsort compares keys instead of making radix passes. */
const SMALL = 256;

/** Each entry's rank in text order (compareStrings), as a code -> rank table. */
export function textRanks(dict: readonly string[]): Int32Array {
  const rank = new Int32Array(dict.length);
  const cmp = stringOrder(dict);
  dict
    .map((_, i) => i)
    .sort((a, b) => cmp(dict[a]!, dict[b]!))
    .forEach((code, r) => {
      rank[code] = r;
    });
  return rank;
}

/** The positions 0..n-1. */
export const identity = (n: number): Int32Array => range(0, n);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [LO, HI] = LITTLE ? [0, 1] : [1, 0];

function sortKeys(col: Column, asc: boolean, na: NaPosition, hi: Uint32Array, lo: Uint32Array): void {
  const n = hi.length;
  const naHi = na === "last" ? 0xffffffff : 0,
    naLo = naHi;
  if (isStringLike(col)) {
    // a category sorts in its categories' order, a string column in text order
    const m = col.dict.length;
    const order = col.dtype === "string" ? textRanks(col.dict) : range(0, m);
    const rank = order.map((r) => (asc ? r : m - 1 - r) + 1); // 0 kept for NA first
    const codes = col.codes;
    for (let i = 0; i < n; i++) {
      const k = codes[i]!;
      hi[i] = 0;
      lo[i] = k < 0 ? naLo : rank[k]!;
      if (k < 0) hi[i] = naHi;
    }
    return;
  }
  const v = numericView("sortValues", col, null);
  for (let i = 0; i < n; i++) {
    let x = v[i]!;
    if (x !== x) {
      hi[i] = naHi;
      lo[i] = naLo;
      continue;
    }
    if (x === 0) x = 0; // -0 sorts with 0
    f64[0] = x;
    let h = u32[HI]!,
      l = u32[LO]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (!asc) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    // keep room for the NA keys at both ends: non-missing keys never reach 0 or 0xffffffff in hi
    hi[i] = h;
    lo[i] = l;
  }
}

const counts = new Int32Array(65537);

/** One stable counting pass on a 16-bit digit; false (and no work) when every row shares it. */
function radixPass(perm: Int32Array, keys: Uint32Array, shift: number, out: Int32Array): boolean {
  const n = perm.length;
  if (n < 2) return false;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[((keys[perm[i]!]! >>> shift) & 0xffff) + 1]!++;
  for (let d = 1; d <= 65536; d++) if (counts[d] === n) return false;
  for (let d = 1; d <= 65536; d++) counts[d]! += counts[d - 1]!;
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    out[counts[(keys[p]! >>> shift) & 0xffff]!++] = p;
  }
  return true;
}

/** Which of tied rows nlargest/nsmallest keep: the first, the last, or all of them (pandas' keep). */
export type NKeep = "first" | "last" | "all";

/**
 * pandas 1.5's nlargest/nsmallest (SelectNSeries) over the rows `rows` of `col`, in that order:
 * the positions of the n largest (smallest) values, ties by row order from the front ("first")
 * or the back ("last"), or every row tied with the n-th ("all"); missing values follow, only to
 * fill up to n (with "all", every one of them). n at least the row count is a stable sort.
 * With `label`, a missing value whose row label a present value shares is left out (pandas finds
 * the missing rows by dropping the present rows' labels).
 */
export function nBest(
  op: string,
  col: Column,
  name: string | null,
  rows: Int32Array,
  n: number,
  keep: NKeep,
  largest: boolean,
  label?: (r: number) => string,
): Int32Array {
  oneOf(op, "keep", keep, ["first", "last", "all"]);
  const v = numericView(op, col, name);
  if (n <= 0) return new Int32Array(0);
  if (n >= rows.length) return argsort([col], [!largest], "last", rows).slice(0, n);
  let present: Int32Array = rows.filter((r) => v[r] === v[r]),
    missing = rows.filter((r) => v[r] !== v[r]);
  if (label && missing.length) {
    const taken = new Set(Array.from(present, label));
    missing = missing.filter((r) => !taken.has(label(r)));
  }
  if (keep === "last") present.reverse();
  // the radix argsort keeps tied rows in the order given (reversed for "last")
  present = argsort([col], [!largest], "last", present);
  let inds = Array.from(present.subarray(0, n)),
    count = n;
  if (keep === "all") {
    const kth = v[present[inds.length - 1]!]!;
    let end = inds.length;
    while (end < present.length && v[present[end]!] === kth) end++;
    inds = Array.from(present.subarray(0, end));
    count = inds.length < n && missing.length + inds.length >= n ? missing.length + inds.length : inds.length;
  }
  return Int32Array.from([...inds, ...missing.subarray(0, count - inds.length)]);
}
