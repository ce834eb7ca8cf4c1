// The columnar data model under DataFrame and Series: one typed-array layout per dtype, and the
// few generic operations every verb builds on (length, missing, take, concat, cast, values).
// Not here: anything that knows about labels (index.ts) or frames (table.ts).

import { FrameError } from "./errors.js";

/**
 * Frame dtypes and their storage:
 * - float64: Float64Array, NaN is missing (as pandas).
 * - int64: Float64Array holding integers (exact to 2^53; JS has no fast 64-bit integer array),
 *   with an optional validity mask (1 = present): pandas' nullable Int64.
 * - bool: Uint8Array 0/1 with an optional validity mask.
 * - string: dictionary-encoded: Int32Array codes into a dictionary of distinct strings, -1 is
 *   missing. Filtering and sorting move 4-byte codes and never copy strings. A dictionary may
 *   stay UTF-8 bytes until `dict` is first read (utf8StrCol: readCsv's mostly distinct text).
 * - category: the same layout, but the dictionary is the declared categories (sorted when
 *   inferred from data, as pandas does), kept through filters and shown by valueCounts.
 * - datetime: Float64Array of milliseconds since 1970-01-01 (timezone-naive, read as UTC), NaN
 *   is missing (NaT).
 */
export type FrameDType = "float64" | "int64" | "bool" | "string" | "category" | "datetime";
/** The column dtypes a frame holds: float64, int64 (nullable, pandas' Int64), bool, string, category and datetime (milliseconds; pandas stores ns). */
export const FRAME_DTYPES: readonly FrameDType[] = ["float64", "int64", "bool", "string", "category", "datetime"];
/** What astype accepts: a FrameDType, or "str" as another name for "string" (pandas' astype(str); unlike pandas, missing values stay missing instead of becoming the text "nan"). */
export type AstypeDType = FrameDType | "str";

export interface FloatColumn {
  readonly dtype: "float64" | "datetime";
  readonly values: Float64Array;
}
export interface IntColumn {
  readonly dtype: "int64";
  readonly values: Float64Array;
  readonly valid: Uint8Array | null;
}
export interface BoolColumn {
  readonly dtype: "bool";
  readonly values: Uint8Array;
  readonly valid: Uint8Array | null;
}
export interface StrColumn {
  readonly dtype: "string" | "category";
  readonly codes: Int32Array;
  readonly dict: readonly string[];
}
export type Column = FloatColumn | IntColumn | BoolColumn | StrColumn;

/** One cell as JS sees it. Missing is null, except in float64 where it is NaN (pandas' NaN). */
export type Scalar = number | string | boolean | Date | null;

export const isNumericDType = (d: FrameDType): boolean => d === "float64" || d === "int64" || d === "bool";
export const isStringLike = (c: Column): c is StrColumn => c.dtype === "string" || c.dtype === "category";

export function colLength(c: Column): number {
  return isStringLike(c) ? c.codes.length : c.values.length;
}

/** 1 where the cell is missing. */
export function naMask(c: Column): Uint8Array {
  const n = colLength(c);
  const out = new Uint8Array(n);
  switch (c.dtype) {
    case "float64":
    case "datetime": {
      const v = c.values;
      for (let i = 0; i < n; i++) if (v[i] !== v[i]) out[i] = 1;
      break;
    }
    case "int64":
    case "bool": {
      const m = c.valid;
      if (m) for (let i = 0; i < n; i++) out[i] = m[i] ? 0 : 1;
      break;
    }
    case "string":
    case "category": {
      const k = c.codes;
      for (let i = 0; i < n; i++) if (k[i]! < 0) out[i] = 1;
      break;
    }
    default:
      return c satisfies never;
  }
  return out;
}

export function isNA(c: Column, i: number): boolean {
  switch (c.dtype) {
    case "float64":
    case "datetime":
      return Number.isNaN(c.values[i]);
    case "int64":
    case "bool":
      return c.valid !== null && c.valid[i] === 0;
    case "string":
    case "category":
      return c.codes[i]! < 0;
    default:
      return c satisfies never;
  }
}

export function countNA(c: Column): number {
  const m = naMask(c);
  let k = 0;
  for (let i = 0; i < m.length; i++) k += m[i]!;
  return k;
}

/** The cell at row i. */
export function cell(c: Column, i: number): Scalar {
  switch (c.dtype) {
    case "float64":
      return c.values[i]!;
    case "datetime": {
      const v = c.values[i]!;
      return v !== v ? null : new Date(v);
    }
    case "int64":
      return c.valid && !c.valid[i] ? null : c.values[i]!;
    case "bool":
      return c.valid && !c.valid[i] ? null : c.values[i] === 1;
    case "string":
    case "category": {
      const k = c.codes[i]!;
      return k < 0 ? null : c.dict[k]!;
    }
    default:
      return c satisfies never;
  }
}

/**
 * A number for numeric and datetime cells (NaN when missing); for sorting, stats and tensors.
 * Read-only: for float64, datetime and mask-free int64 columns it is the column's own storage.
 */
export function numericView(op: string, c: Column, name: string | null): Float64Array {
  switch (c.dtype) {
    case "float64":
    case "datetime":
      return c.values;
    case "int64":
    case "bool": {
      if (c.dtype === "int64" && !c.valid) return c.values;
      const out = Float64Array.from(c.values);
      if (c.valid) for (let i = 0; i < out.length; i++) if (!c.valid[i]) out[i] = NaN;
      return out;
    }
    case "string":
    case "category":
      throw new FrameError(
        `${op}: column ${quote(name)} is ${c.dtype}, but ${op} needs numbers (float64, int64, bool). Convert it with astype({ ${name ?? "col"}: "float64" }) or select numeric columns.`,
      );
    default:
      return c satisfies never;
  }
}

export const quote = (name: string | null): string => (name === null ? "(unnamed)" : JSON.stringify(name));

// ---------------------------------------------------------------- building

export function floatCol(values: Float64Array): FloatColumn {
  return { dtype: "float64", values };
}
export function dateCol(values: Float64Array): FloatColumn {
  return { dtype: "datetime", values };
}
export function intCol(values: Float64Array, valid: Uint8Array | null = null): IntColumn {
  return { dtype: "int64", values, valid: valid?.every((v) => v === 1) ? null : valid };
}
export function boolCol(values: Uint8Array, valid: Uint8Array | null = null): BoolColumn {
  return { dtype: "bool", values, valid: valid?.every((v) => v === 1) ? null : valid };
}
export function strCol(codes: Int32Array, dict: readonly string[], dtype: "string" | "category" = "string"): StrColumn {
  return { dtype, codes, dict };
}

// TextDecoder exists in every browser and in Node; declared here so the build needs no DOM types.
declare const TextDecoder: new (label?: string, opts?: { ignoreBOM?: boolean }) => { decode(b?: Uint8Array): string };

/**
 * A dictionary kept as UTF-8 bytes: value k is bytes[at[k], at[k + 1]). readCsv gives a column of
 * mostly distinct text (timestamps, ids) one of these instead of a million JS strings. Returns the
 * values as JS strings, decoded on the first call (the same array after; the bytes are let go).
 */
export function utf8Dict(bytes: Uint8Array, at: Int32Array): () => string[] {
  let strs: string[] | null = null,
    b: Uint8Array | null = bytes,
    a: Int32Array | null = at;
  return () => {
    if (b && a) {
      const d = new TextDecoder("utf-8", { ignoreBOM: true });
      // one decode, then slices of it (ASCII: byte and character offsets agree); else one per value
      const text = d.decode(b),
        ascii = text.length === b.length;
      strs = new Array<string>(a.length - 1);
      for (let k = 0; k < strs.length; k++) strs[k] = ascii ? text.slice(a[k], a[k + 1]) : d.decode(b.subarray(a[k], a[k + 1]));
      b = a = null;
    }
    return strs!;
  };
}

const utf8Dicts = new WeakMap<StrColumn, () => string[]>();

/** A text column whose dictionary stays as bytes until read (utf8Dict); take() keeps it so. */
export function utf8StrCol(codes: Int32Array, values: () => string[], dtype: "string" | "category" = "string"): StrColumn {
  const col: StrColumn = {
    dtype,
    codes,
    get dict() {
      return values();
    },
  };
  utf8Dicts.set(col, values);
  return col;
}

/** Dictionary-encode strings (null/undefined are missing). */
export function encodeStrings(values: ArrayLike<string | null | undefined>, dtype: "string" | "category" = "string"): StrColumn {
  const codes = new Int32Array(values.length);
  const map = new Map<string, number>();
  const dict: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let k = map.get(v);
    if (k === undefined) {
      k = dict.length;
      map.set(v, k);
      dict.push(v);
    }
    codes[i] = k;
  }
  const col = strCol(codes, dict, "string");
  return dtype === "category" ? toCategory(col) : col;
}

/** A category column: the dictionary becomes the sorted distinct values (pandas' inferred categories). */
export function toCategory(c: StrColumn, categories?: readonly string[]): StrColumn {
  const used = [...new Set(usedDict(c))];
  const cats = categories ? [...categories] : used.sort(stringOrder(used));
  const pos = new Map(cats.map((s, i) => [s, i] as const));
  const remap = new Int32Array(c.dict.length).fill(-1);
  c.dict.forEach((s, i) => {
    remap[i] = pos.get(s) ?? -1;
  });
  const codes = new Int32Array(c.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = c.codes[i]!;
    codes[i] = k < 0 ? -1 : remap[k]!;
  }
  return strCol(codes, cats, "category");
}

/** The dictionary entries that some row uses, in dictionary order. */
export function usedDict(c: StrColumn): string[] {
  const seen = new Uint8Array(c.dict.length);
  for (let i = 0; i < c.codes.length; i++) {
    const k = c.codes[i]!;
    if (k >= 0) seen[k] = 1;
  }
  return c.dict.filter((_, i) => seen[i] === 1);
}

/**
 * The comparison for sorting these strings in code point order: JavaScript's own (`<`) unless
 * one holds a character past U+FFFF, where UTF-16 order differs (compareStrings).
 */
export function stringOrder(strs: readonly string[]): (a: string, b: string) => number {
  return strs.some((v) => /[\uD800-\uDFFF]/.test(v)) ? compareStrings : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/** Python's string order (code points), not localeCompare. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  while (a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // JS's < compares UTF-16 units, where a surrogate (a code point past U+FFFF) sorts below
  // U+E000-U+FFFF: lift the surrogates above them (NaN past the end sorts first)
  const x = a.charCodeAt(i),
    y = b.charCodeAt(i);
  const up = (u: number) => (u >= 0xd800 && u < 0xe000 ? u + 0x10000 : u);
  return x !== x || up(x) < up(y) ? -1 : 1;
}

/**
 * A column from JS values, inferring the dtype as pandas does: all booleans give bool, all
 * integers int64, numbers float64, Dates datetime, anything else string. null, undefined and NaN
 * are missing; ints with missing values become float64 (pandas' default) unless dtype says "int64".
 */
export function columnFromValues(op: string, name: string | null, values: ArrayLike<unknown>, dtype?: FrameDType): Column {
  const n = values.length;
  if (ArrayBuffer.isView(values)) {
    const a = values as unknown as ArrayLike<number>;
    const inferred: FrameDType = values instanceof Float64Array || values instanceof Float32Array ? "float64" : "int64";
    const col = inferred === "float64" ? floatCol(Float64Array.from(a)) : intCol(Float64Array.from(a));
    return dtype ? castColumn(op, col, dtype, name) : col;
  }
  if (dtype === undefined) {
    let nBool = 0,
      nInt = 0,
      nNum = 0,
      nDate = 0,
      nStr = 0,
      nMissing = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) nMissing++;
      else if (typeof v === "boolean") nBool++;
      else if (typeof v === "number") {
        nNum++;
        if (Number.isInteger(v)) nInt++;
      } else if (v instanceof Date) nDate++;
      else if (typeof v === "string") nStr++;
      else
        throw new FrameError(
          `${op}: column ${quote(name)} row ${i} holds ${describeValue(v)}; cells must be numbers, strings, booleans, Dates or null.`,
        );
    }
    const present = n - nMissing;
    if (present === 0) dtype = "float64";
    else if (nBool === present) dtype = "bool";
    else if (nNum === present) dtype = nInt === present && nMissing === 0 ? "int64" : "float64";
    else if (nDate === present) dtype = "datetime";
    else if (nStr === present) dtype = "string";
    else
      throw new FrameError(
        `${op}: column ${quote(name)} mixes ${[nBool && "booleans", nNum && "numbers", nDate && "Dates", nStr && "strings"].filter(Boolean).join(" and ")}; a column holds one type. Convert the values first (e.g. String(v)) or pass a dtype.`,
      );
  }
  return buildColumn(op, name, values, dtype);
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function buildColumn(op: string, name: string | null, values: ArrayLike<unknown>, dtype: FrameDType): Column {
  const n = values.length;
  const missing = (v: unknown): boolean => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
  const bad = (i: number, v: unknown): never => {
    throw new FrameError(
      `${op}: column ${quote(name)} row ${i}: cannot store ${JSON.stringify(v) ?? String(v)} as ${dtype}. Pass values of that type, or choose another dtype.`,
    );
  };
  switch (dtype) {
    case "float64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (missing(v)) out[i] = NaN;
        else if (typeof v === "number") out[i] = v;
        else if (typeof v === "boolean") out[i] = v ? 1 : 0;
        else if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) out[i] = Number(v);
        else bad(i, v);
      }
      return floatCol(out);
    }
    case "int64": {
      const out = new Float64Array(n);
      const valid = new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const x = typeof v === "boolean" ? Number(v) : typeof v === "string" && v.trim() !== "" ? Number(v) : v;
        if (missing(v)) valid[i] = 0;
        else if (typeof x === "number" && Number.isInteger(x)) out[i] = x;
        else bad(i, v);
      }
      return intCol(out, valid);
    }
    case "bool": {
      const out = new Uint8Array(n);
      const valid = new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (missing(v)) valid[i] = 0;
        else if (typeof v === "boolean") out[i] = v ? 1 : 0;
        else if (typeof v === "number") out[i] = v !== 0 ? 1 : 0;
        else bad(i, v);
      }
      return boolCol(out, valid);
    }
    case "datetime": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (missing(v)) out[i] = NaN;
        else if (v instanceof Date) out[i] = v.getTime();
        else if (typeof v === "number") out[i] = v;
        else if (typeof v === "string") {
          const t = parseDate(v);
          if (Number.isNaN(t)) bad(i, v);
          out[i] = t;
        } else bad(i, v);
      }
      return dateCol(out);
    }
    case "string":
    case "category": {
      const strs = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        strs[i] = missing(v) ? null : v instanceof Date ? formatDate(v.getTime()) : String(v);
      }
      return encodeStrings(strs, dtype);
    }
    default:
      return dtype satisfies never;
  }
}

// ---------------------------------------------------------------- dates

const DATE_RE = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_SLASH_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Milliseconds since the epoch for ISO-like dates ("1949-01", "2024-03-05", "2024-03-05 14:30:00.5",
 * a "T" separator, a trailing Z or offset) and US "MM/DD/YYYY", read as UTC (naive) like
 * pandas.to_datetime; NaN when the text is not a date.
 */
export function parseDate(s: string): number {
  const m = DATE_RE.exec(s.trim());
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, tz] = m;
    const month = Number(mo),
      day = d === undefined ? 1 : Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
    let t = Date.UTC(
      Number(y),
      month - 1,
      day,
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(sec ?? 0),
      frac ? Math.floor(Number("0." + frac) * 1000 + 1e-7) : 0,
    );
    if (new Date(t).getUTCDate() !== day) return NaN; // 2023-02-30
    if (tz && tz !== "Z") {
      const sign = tz[0] === "-" ? -1 : 1;
      const digits = tz.slice(1).replace(":", "");
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
    }
    return t;
  }
  const u = DATE_SLASH_RE.exec(s.trim());
  if (u) return Date.UTC(Number(u[3]), Number(u[1]) - 1, Number(u[2]));
  return NaN;
}

const two = (x: number): string => (x < 10 ? "0" : "") + x;

/**
 * The precision of one datetime column's stamps, as pandas prints and writes them (formatDate's
 * dateOnly and millis): dates alone when every stamp is at midnight, milliseconds on every stamp
 * when any has them (one pass over the column).
 */
export function columnDatePrecision(values: Float64Array): { dateOnly: boolean; millis: boolean } {
  let dateOnly = true,
    millis = false;
  for (const v of values) {
    if (v !== v) continue;
    if (v % 86400000 !== 0) dateOnly = false;
    if (v % 1000 !== 0) millis = true;
  }
  return { dateOnly, millis };
}

/**
 * As pandas prints a Timestamp: "1949-01-01" at midnight, else "1949-01-01 12:30:00" (".500" with
 * ms). dateOnly and millis set a column's common precision: pandas prints every stamp of a column
 * as finely as the finest of them, ".000" beside ".500".
 */
export function formatDate(ms: number, dateOnly?: boolean, millis?: boolean): string {
  if (Number.isNaN(ms)) return "NaT";
  // civil_from_days (Howard Hinnant): much faster than Date#toISOString for a million rows
  const days = Math.floor(ms / 86400000);
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const day = `${y < 1000 ? String(y).padStart(4, "0") : y}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
  let rest = ms - days * 86400000;
  if (dateOnly ?? rest === 0) return day;
  const hh = Math.floor(rest / 3600000);
  rest -= hh * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const ss = Math.floor(rest / 1000);
  const frac = Math.round(rest - ss * 1000);
  return `${day} ${two(hh)}:${two(mi)}:${two(ss)}${frac || millis ? "." + String(frac).padStart(3, "0") : ""}`;
}

// ---------------------------------------------------------------- moving rows

/**
 * Rows `idx` of a column; index -1 gives a missing cell. An int64 column that gets a missing cell
 * this way becomes float64 (pandas' rule for merges, reindexing and shifts), unless keepInt.
 */
export function take(c: Column, idx: Int32Array, keepInt = false): Column {
  const n = idx.length;
  switch (c.dtype) {
    case "float64":
    case "datetime": {
      const out = new Float64Array(n),
        v = c.values;
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        out[i] = j < 0 ? NaN : v[j]!;
      }
      return { dtype: c.dtype, values: out };
    }
    case "int64": {
      const out = new Float64Array(n),
        v = c.values,
        m = c.valid;
      let anyMissing = false;
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        if (j < 0) anyMissing = true;
        else out[i] = v[j]!;
      }
      if (!anyMissing && !m) return intCol(out);
      if (anyMissing && !keepInt) {
        for (let i = 0; i < n; i++) {
          const j = idx[i]!;
          if (j < 0 || (m && !m[j])) out[i] = NaN;
        }
        return floatCol(out);
      }
      const valid = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        valid[i] = j < 0 ? 0 : m ? m[j]! : 1;
      }
      return intCol(out, valid);
    }
    case "bool": {
      const out = new Uint8Array(n),
        v = c.values,
        m = c.valid;
      let valid: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        if (j < 0 || (m && !m[j])) {
          valid ??= new Uint8Array(n).fill(1);
          valid[i] = 0;
        } else out[i] = v[j]!;
      }
      return boolCol(out, valid);
    }
    case "string":
    case "category": {
      const out = new Int32Array(n),
        k = c.codes;
      for (let i = 0; i < n; i++) {
        const j = idx[i]!;
        out[i] = j < 0 ? -1 : k[j]!;
      }
      const lazy = utf8Dicts.get(c);
      return lazy ? utf8StrCol(out, lazy, c.dtype) : strCol(out, c.dict, c.dtype);
    }
    default:
      return c satisfies never;
  }
}

/**
 * take(c, idx) for an idx that holds each row at most once and no -1, given as where each row
 * goes: pos[i] = p where idx[p] = i, -1 for a row left out; n = idx.length. It writes in row order:
 * on a large column whose idx jumps about (a join's key groups) that is several times faster.
 */
export function placeRows(c: Column, pos: Int32Array, n: number): Column {
  switch (c.dtype) {
    case "float64":
    case "datetime":
      return { dtype: c.dtype, values: place(c.values, pos, new Float64Array(n)) };
    case "int64":
      return intCol(place(c.values, pos, new Float64Array(n)), c.valid && place(c.valid, pos, new Uint8Array(n)));
    case "bool": {
      const m = c.valid;
      return boolCol(
        place(m ? c.values.map((x, i) => x & m[i]!) : c.values, pos, new Uint8Array(n)),
        m && place(m, pos, new Uint8Array(n)),
      );
    }
    case "string":
    case "category": {
      const out = place(c.codes, pos, new Int32Array(n));
      const lazy = utf8Dicts.get(c);
      return lazy ? utf8StrCol(out, lazy, c.dtype) : strCol(out, c.dict, c.dtype);
    }
    default:
      return c satisfies never;
  }
}

function place<T extends Float64Array | Int32Array | Uint8Array>(v: T, pos: Int32Array, out: T): T {
  for (let i = 0; i < pos.length; i++) if (pos[i]! >= 0) out[pos[i]!] = v[i]!;
  return out;
}

/** Rows where mask is 1. */
export function filterColumn(c: Column, mask: Uint8Array): Column {
  return take(c, maskToIndex(mask));
}

export function maskToIndex(mask: Uint8Array): Int32Array {
  // eight bytes (two words) at a time: a selective mask is mostly zero words; a byte counts when
  // it is not 0. Both passes (count, then list) run in setBytes, whose long loop is last: V8
  // optimizes a function while its first long loop runs, and code after that loop with no type
  // feedback yet would deoptimize it on every call.
  const n = mask.length,
    m = mask.byteOffset % 4 ? 0 : (n >> 3) << 1,
    w = new Uint32Array(mask.buffer, m && mask.byteOffset, m),
    idx = new Int32Array(setBytes(mask, w, null));
  setBytes(mask, w, idx);
  return idx;
}

/**
 * The number of mask's set bytes, and their positions written to idx when given. w: mask's first
 * words, two at a time; the bytes after them are counted first and listed last.
 */
function setBytes(mask: Uint8Array, w: Uint32Array, idx: Int32Array | null): number {
  const tail = w.length << 2;
  let t = 0;
  for (let i = tail; i < mask.length; i++) t += mask[i] ? 1 : 0;
  if (idx) for (let i = tail, p = idx.length - t; i < mask.length; i++) if (mask[i]) idx[p++] = i;
  let k = t;
  for (let j = 0; j < w.length; j += 2)
    if (w[j]! | w[j + 1]!)
      for (let i = j << 2, e = i + 8; i < e; i++)
        if (mask[i]) {
          if (idx) idx[k - t] = i;
          k++;
        }
  return k;
}

export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** A column of n missing cells shaped like `like` (float64 for numbers, as pandas' reindex). */
export function missingColumn(like: Column, n: number): Column {
  return take(like, new Int32Array(n).fill(-1));
}

/**
 * Rows of several columns one after another. Mixed dtypes follow pandas' concat: int64 and
 * float64 give float64, numbers with strings are refused (pandas would make an object column).
 */
export function concatColumns(op: string, name: string | null, cols: Column[]): Column {
  const first = cols[0]!;
  const dtypes = new Set(cols.map((c) => c.dtype));
  let target: FrameDType = first.dtype;
  if (dtypes.size > 1) {
    const ds = [...dtypes];
    if (ds.every((d) => d === "string" || d === "category")) target = "string";
    else if (ds.every((d) => d === "int64" || d === "float64" || d === "bool")) target = ds.includes("float64") ? "float64" : "int64";
    else
      throw new FrameError(
        `${op}: column ${quote(name)} is ${ds.join(" in one input and ")} in another; they cannot be stacked into one column. Convert with astype first.`,
      );
  }
  const parts = cols.map((c) => (c.dtype === target ? c : castColumn(op, c, target, name)));
  const n = parts.reduce((s, c) => s + colLength(c), 0);
  switch (target) {
    case "float64":
    case "datetime": {
      const out = new Float64Array(n);
      let o = 0;
      for (const p of parts as FloatColumn[]) {
        out.set(p.values, o);
        o += p.values.length;
      }
      return { dtype: target, values: out };
    }
    case "int64":
    case "bool": {
      const out = target === "int64" ? new Float64Array(n) : new Uint8Array(n);
      const valid = new Uint8Array(n).fill(1);
      let o = 0;
      for (const p of parts as (IntColumn | BoolColumn)[]) {
        out.set(p.values, o);
        if (p.valid) valid.set(p.valid, o);
        o += p.values.length;
      }
      return target === "int64" ? intCol(out as Float64Array, valid) : boolCol(out as Uint8Array, valid);
    }
    case "string":
    case "category": {
      const strParts = parts as StrColumn[];
      const sameDict = strParts.every((p) => p.dict === strParts[0]!.dict);
      const dict: string[] = sameDict ? [...strParts[0]!.dict] : [];
      const map = new Map<string, number>(dict.map((s, i) => [s, i]));
      const codes = new Int32Array(n);
      let o = 0;
      for (const p of strParts) {
        const remap = sameDict
          ? null
          : p.dict.map((s) => {
              let k = map.get(s);
              if (k === undefined) {
                k = dict.length;
                map.set(s, k);
                dict.push(s);
              }
              return k;
            });
        for (let i = 0; i < p.codes.length; i++) {
          const k = p.codes[i]!;
          codes[o + i] = k < 0 ? -1 : remap ? remap[k]! : k;
        }
        o += p.codes.length;
      }
      const col = strCol(codes, sameDict ? strParts[0]!.dict : dict, "string");
      return target === "category" ? toCategory(col, [...new Set(strParts.flatMap((p) => p.dict))]) : col;
    }
    default:
      return target satisfies never;
  }
}

// ---------------------------------------------------------------- casting

/** astype for one column. Strings to numbers parse the text and name the first row that fails. */
const NAN_TEXT = /^\s*[+-]?nan\s*$/i;
/** Python's float(text), which pandas' astype uses: "nan", "inf", "-Infinity" in any case; decimal only (no "0x1"); "" is NaN, refused by the caller. */
function pythonFloat(text: string): number {
  const t = text.trim();
  return t === "" || /^[+-]?0[xob]/i.test(t) ? NaN : Number(t.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
}

export function castColumn(op: string, c: Column, dtype: AstypeDType, name: string | null): Column {
  const to: FrameDType = dtype === "str" ? "string" : dtype;
  if (c.dtype === to) return c;
  const n = colLength(c);
  if (!FRAME_DTYPES.includes(to))
    throw new FrameError(`${op}: unknown dtype ${JSON.stringify(to)} for column ${quote(name)}. Use one of ${FRAME_DTYPES.join(", ")}.`);
  if (to === "category" && c.dtype === "string") return toCategory(c);
  if (to === "string" && c.dtype === "category") return strCol(c.codes, c.dict, "string");
  if (to === "string" || to === "category") {
    const strs = new Array<string | null>(n);
    // times as pandas' astype(str): dates alone only when every time in the column is at midnight
    const dateOnly = c.dtype === "datetime" ? c.values.every((t) => t !== t || t % 86400000 === 0) : undefined;
    for (let i = 0; i < n; i++) {
      const v = cell(c, i);
      strs[i] = v === null || v !== v ? null : v instanceof Date ? formatDate(v.getTime(), dateOnly) : labelText(v, c.dtype === "float64");
    }
    return encodeStrings(strs, to);
  }
  if (isStringLike(c)) {
    const parsed: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = c.codes[i]!;
      if (k < 0) {
        parsed[i] = null;
        continue;
      }
      const s = c.dict[k]!;
      if (to === "datetime") {
        parsed[i] = s;
        continue;
      }
      if (to === "bool") {
        const b = s === "True" || s === "true" ? true : s === "False" || s === "false" ? false : undefined;
        if (b === undefined)
          throw new FrameError(
            `${op}: column ${quote(name)} row ${i}: cannot convert ${JSON.stringify(s)} to bool. Use "True"/"False" text, or map the values first.`,
          );
        parsed[i] = b;
        continue;
      }
      const x = pythonFloat(s);
      // int64 takes integer text only, as Python's int(): "2.5" and "1e3" are refused
      if ((Number.isNaN(x) && !(to === "float64" && NAN_TEXT.test(s))) || (to === "int64" && !/^\s*[+-]?\d+\s*$/.test(s)))
        throw new FrameError(
          `${op}: column ${quote(name)} row ${i}: cannot convert ${JSON.stringify(s)} to ${to}. Clean the column first, or use toNumeric(series, { errors: "coerce" }) to turn bad text into missing values.`,
        );
      parsed[i] = x;
    }
    return buildColumn(op, name, parsed, to);
  }
  const num = numericView(op, c, name);
  switch (to) {
    case "float64":
      return floatCol(c.dtype === "float64" ? c.values : num);
    case "datetime":
      return dateCol(Float64Array.from(num));
    case "int64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = num[i]!;
        if (!Number.isFinite(x)) {
          if (c.dtype === "float64" || c.dtype === "datetime")
            throw new FrameError(
              `${op}: column ${quote(name)} row ${i} is ${x} (missing or infinite), which int64 cannot hold. Fill it first (fillna) or use astype "float64".`,
            );
          continue;
        }
        out[i] = Math.trunc(x);
      }
      return intCol(out, c.dtype === "float64" || c.dtype === "datetime" ? null : (c as IntColumn | BoolColumn).valid);
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = num[i] !== 0 ? 1 : 0; // NaN counts as true, as numpy
      return boolCol(out, c.dtype === "int64" ? c.valid : null);
    }
    default:
      throw new FrameError(`${op}: cannot convert ${c.dtype} to ${to}.`);
  }
}

/** A label as column-name text: "4", "1.5" (a float label), "setosa", "1949-01-01", "True", "NaN". */
export function labelText(v: Scalar, isFloat = false): string {
  if (v === null || (typeof v === "number" && Number.isNaN(v))) return "NaN";
  if (v instanceof Date) return formatDate(v.getTime());
  if (typeof v === "number") return formatNumberPlain(v, isFloat);
  if (typeof v === "boolean") return v ? "True" : "False";
  return v;
}

/** A number as Python's str() writes it: 3.0 for a float 3, 1e-05, 1e+16. */
export function formatNumberPlain(v: number, isFloat: boolean): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (!isFloat) return String(v);
  const a = Math.abs(v);
  if (Object.is(v, -0)) return "-0.0";
  if (Number.isInteger(v) && a < 1e16) return String(v) + ".0";
  const s = String(v);
  if (a >= 1e-4 && a < 1e16) return s; // shortest round-trip digits, as Python's repr
  // Python's repr switches to exponent form below 1e-4 and from 1e16; JS at 1e-7 and 1e21
  const e = /e/.test(s) || (Math.abs(v) < 1e-4 && v !== 0) || Math.abs(v) >= 1e16 ? v.toExponential() : null;
  if (e === null) return s;
  const [m, x] = e.split("e") as [string, string];
  const d = x.replace(/^[+-]/, "");
  return `${m}e${x[0] === "-" ? "-" : "+"}${d.length < 2 ? "0" + d : d}`;
}
