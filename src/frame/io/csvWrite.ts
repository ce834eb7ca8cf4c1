// toCsv: pandas' to_csv defaults (index written, QUOTE_MINIMAL, missing as "", floats as Python's
// repr, dates as pandas prints them). Rows are written as UTF-8 bytes into one growing buffer
// (text cells encoded once per distinct value), which keeps a million rows from becoming a
// million short-lived JS strings; toCsv decodes the buffer once at the end.

import { type Column, colLength, columnDatePrecision, formatDate, formatNumberPlain, isStringLike, take, range } from "../column.js";
import { FrameError } from "../errors.js";
import { indexLevels, indexNames } from "../labels.js";
import { labelName } from "../multiIndex.js";
import type { DataFrame } from "../table.js";

declare const TextEncoder: new () => { encode(s: string): Uint8Array };
declare const TextDecoder: new (label?: string) => { decode(b: Uint8Array): string };

/** Options of toCsv: sep, index, indexLabel, header, naRep, lineTerminator, columns: pd.DataFrame.to_csv's keyword arguments in camelCase. */
export interface ToCsvOptions {
  sep?: string;
  /** Write the index as the first column (default true, as pandas). */
  index?: boolean;
  /** Header name of the index column, or one per level of a MultiIndex (default: the index's names, empty where unnamed). */
  indexLabel?: string | string[];
  header?: boolean;
  /** Text for missing values (default ""). */
  naRep?: string;
  lineTerminator?: string;
  /** Only these columns. */
  columns?: string[];
}

function quoter(sep: string): (s: string) => string {
  // a leading U+FEFF is quoted too: at the start of a file, readers would drop it as a byte-order mark
  return (s) =>
    s.includes(sep) || s.includes('"') || s.includes("\n") || s.includes("\r") || s.charCodeAt(0) === 0xfeff
      ? `"${s.replace(/"/g, '""')}"`
      : s;
}

class ByteWriter {
  buf: Uint8Array;
  len = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(1024, capacity));
  }
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    // by hand for a cell's few bytes: TypedArray#set costs more than such a copy
    if (n > 32) this.buf.set(b, this.len);
    else for (let k = 0, buf = this.buf, o = this.len; k < n; k++) buf[o + k] = b[k]!;
    this.len += n;
  }
  /**
   * |m| / 10^k as decimal text with a sign: m = 12345, k = 2 gives "123.45"; k = 0 gives "12345.0"
   * when asFloat (Python writes floats with a ".0").
   */
  fixed(neg: boolean, m: number, k: number, asFloat: boolean): void {
    this.ensure(32);
    const b = this.buf;
    if (neg) b[this.len++] = 45;
    let digits = 1;
    for (let p = 10; p <= m; p *= 10) digits++;
    if (digits <= k) digits = k + 1;
    // digits from the last, the point before the last k (floor and multiply: % on doubles is slow)
    const end = this.len + digits + (k > 0 ? 1 : 0);
    let p = end;
    // int32 arithmetic where m fits it (a division by 10 becomes a multiply)
    const small = m < 2147483648;
    for (let d = 0; d < digits; d++) {
      if (d === k && k > 0) b[--p] = 46;
      const t = small ? ((m | 0) / 10) | 0 : Math.floor(m / 10);
      b[--p] = 48 + (m - t * 10);
      m = t;
    }
    this.len = end;
    if (k === 0 && asFloat) {
      b[this.len++] = 46;
      b[this.len++] = 48;
    }
  }
  /** x (an int32, 0 <= x < 10^width; a fraction is dropped) in `width` digits, zero-padded. */
  padded(x: number, width: number): void {
    const b = this.buf;
    for (let p = this.len + width - 1, q = x | 0; p >= this.len; p--) {
      const t = (q / 10) | 0;
      b[p] = 48 + (q - t * 10);
      q = t;
    }
    this.len += width;
  }
  /**
   * A stamp as formatDate writes it at a column's precision; `days` caches each day's text by day
   * number (1,024 slots). Years outside 0 to 9999 and fractions of a millisecond go through `format`.
   */
  date(x: number, days: { day: Float64Array; text: string[] }, dateOnly: boolean, millis: boolean, format: (ms: number) => string): void {
    const day = Math.floor(x / 86400000),
      slot = day & 1023,
      rest = x - day * 86400000;
    if (days.day[slot] !== day) {
      days.day[slot] = day;
      days.text[slot] = formatDate(day * 86400000, true);
    }
    const text = days.text[slot]!;
    if (text.length !== 10 || text.charCodeAt(0) === 45 || rest !== Math.floor(rest)) return this.ascii(format(x));
    this.ascii(text);
    if (dateOnly) return;
    this.ensure(13);
    const b = this.buf,
      r = rest | 0;
    b[this.len++] = 32;
    this.padded(r / 3600000, 2);
    b[this.len++] = 58;
    this.padded(((r / 60000) | 0) % 60, 2);
    b[this.len++] = 58;
    this.padded(((r / 1000) | 0) % 60, 2);
    if (millis || r % 1000) {
      b[this.len++] = 46;
      this.padded(r % 1000, 3);
    }
  }
  /** An ASCII string (numbers, dates). */
  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6];

/**
 * Python's repr of a float. Fast path: the fewest decimals k <= 6 for which round(x * 10^k) / 10^k
 * is x again; that decimal string round-trips, so it is the shortest one. Otherwise the general
 * formatter (exponents, long fractions).
 */
function writeFloat(w: ByteWriter, x: number): void {
  const a = Math.abs(x);
  if (a < 1e9 && (a >= 1e-4 || a === 0)) {
    for (let k = 0; k <= 6; k++) {
      const p = POW10[k]!;
      const m = Math.round(a * p);
      if (m / p === a) {
        w.fixed(x < 0 || Object.is(x, -0), m, k, true);
        return;
      }
    }
  }
  w.ascii(formatNumberPlain(x, true));
}

/** Writes cell i of a column. */
type CellWriter = (w: ByteWriter, i: number) => void;

function cellWriter(c: Column, naRep: Uint8Array, q: (s: string) => string, enc: { encode(s: string): Uint8Array }): CellWriter {
  if (isStringLike(c)) {
    const dict = c.dict.map((s) => enc.encode(q(s)));
    const codes = c.codes;
    return (w, i) => {
      const k = codes[i]!;
      w.bytes(k < 0 ? naRep : dict[k]!);
    };
  }
  switch (c.dtype) {
    case "float64": {
      const v = c.values;
      return (w, i) => {
        const x = v[i]!;
        if (x !== x) w.bytes(naRep);
        else writeFloat(w, x);
      };
    }
    case "int64": {
      const v = c.values,
        m = c.valid;
      return (w, i) => {
        const x = v[i]!;
        if (m && !m[i]) w.bytes(naRep);
        else if (Math.abs(x) < 2 ** 53) w.fixed(x < 0, Math.abs(x), 0, false);
        else w.ascii(String(x));
      };
    }
    case "bool": {
      const v = c.values,
        m = c.valid;
      return (w, i) => {
        if (m && !m[i]) w.bytes(naRep);
        else w.ascii(v[i] ? "True" : "False");
      };
    }
    case "datetime": {
      const v = c.values;
      const { dateOnly, millis } = columnDatePrecision(v);
      const format = (ms: number) => formatDate(ms, dateOnly, millis);
      const days = { day: new Float64Array(1024).fill(NaN), text: [] as string[] };
      return (w, i) => {
        const x = v[i]!;
        if (x !== x) w.bytes(naRep);
        else w.date(x, days, dateOnly, millis, format);
      };
    }
  }
}

/** The header cells of the index columns: indexLabel (one per level), else the level names ("" where unnamed). */
function indexHeader(df: DataFrame, label: string | string[] | undefined): string[] {
  const names = indexNames(df.index);
  if (label === undefined) return names.map((k) => k ?? "");
  const labels = Array.isArray(label) ? label : [label];
  if (labels.length !== names.length)
    throw new FrameError(
      `toCsv: indexLabel has ${labels.length} name${labels.length === 1 ? "" : "s"} but the index has ${names.length} level${names.length === 1 ? "" : "s"}. Pass one name per level (pandas: index_label as a list).`,
    );
  return labels;
}

/** The CSV as UTF-8 bytes (what a file writer wants). */
export function toCsvBytes(df: DataFrame, opts: ToCsvOptions = {}): Uint8Array {
  const sep = opts.sep ?? ",";
  const enc = new TextEncoder();
  const nl = enc.encode(opts.lineTerminator ?? "\n");
  const sepB = enc.encode(sep);
  const naRep = enc.encode(opts.naRep ?? "");
  const q = quoter(sep);
  const frame = opts.columns ? df.select(...opts.columns) : df;
  const withIndex = opts.index ?? true;
  // one column per index level (a MultiIndex writes each level, as pandas)
  const idxCols = withIndex ? indexLevels(frame.index).map((c) => take(c, range(0, frame.length), true)) : [];
  const idxNames = withIndex ? indexHeader(frame, opts.indexLabel) : [];
  const cols: Column[] = [...idxCols, ...frame.data];
  const writers = cols.map((c) => cellWriter(c, naRep, q, enc));
  const w = new ByteWriter(frame.length * cols.length * 8);
  // Readers (pandas, readCsv) skip lines that are empty or only spaces and tabs, so a one-column
  // record like that is quoted: "" for an empty cell, as Python's csv module writes it.
  const quoteBlank = (start: number): void => {
    if (cols.length !== 1) return;
    const b = w.buf;
    for (let k = start; k < w.len; k++) if (b[k] !== 32 && b[k] !== 9) return;
    const blank = b.slice(start, w.len);
    w.len = start;
    w.ascii('"');
    w.bytes(blank);
    w.ascii('"');
  };
  if (opts.header ?? true) {
    const line = (cells: string[]): void => {
      const start = w.len;
      w.bytes(enc.encode(cells.map(q).join(sep)));
      quoteBlank(start);
      w.bytes(nl);
    };
    const ci = frame.columnIndex;
    if (ci?.kind === "multi") {
      // pandas: a header row per column level (the level's name in the first index cell), then
      // the index names on a row of their own when any level is named
      ci.cols.forEach((level, l) =>
        line([
          ...idxNames.map((_, k) => (k === 0 ? (ci.names[l] ?? "") : "")),
          ...Array.from({ length: frame.names.length }, (_, j) => labelName(level, j)),
        ]),
      );
      if (idxNames.some((k) => k !== "")) line([...idxNames, ...frame.names.map(() => "")]);
    } else line([...idxNames, ...frame.names]);
  }
  const n = cols.length ? colLength(cols[0]!) : 0;
  for (let i = 0; i < n; i++) {
    const start = w.len;
    for (let j = 0; j < writers.length; j++) {
      if (j > 0) w.bytes(sepB);
      writers[j]!(w, i);
    }
    quoteBlank(start);
    w.bytes(nl);
  }
  return w.buf.subarray(0, w.len);
}

/** The frame as CSV text, as pd.DataFrame.to_csv without a path (files through "tensorloom/frame/node"'s writeCsvFile). */
export function toCsv(df: DataFrame, opts: ToCsvOptions = {}): string {
  return new TextDecoder("utf-8").decode(toCsvBytes(df, opts));
}
