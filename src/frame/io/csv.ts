// readCsv: a one-pass CSV reader over a string (or UTF-8 bytes) that types columns while it reads.
// ASCII input (most files) is scanned as bytes: runs of simple records (unquoted fields, one line
// each) are cut into blocks of field offsets and each column reads its block in one loop, numbers,
// bools and dates parsed from the bytes, text dictionary-encoded through a byte-keyed table (a
// column of mostly distinct values, such as timestamps, groups its values once at the end instead
// of probing a table of a million entries). Every other record, and all non-ASCII input, goes field
// by field through the text path: numbers parsed from the characters without making a substring.
// ASCII bytes are decoded to text only if such a record (or a column re-read as text) needs it.
// A column that turns out not to be numeric re-reads only its own earlier fields. Browser-safe: no
// Node APIs (files: io/node.ts). Chosen over papaparse by measurement; see docs/FRAME.md.

import {
  type Column,
  type FrameDType,
  FRAME_DTYPES,
  boolCol,
  floatCol,
  intCol,
  strCol,
  toCategory,
  utf8Dict,
  utf8StrCol,
  parseDate,
  dateCol,
} from "../column.js";
import { FrameError } from "../errors.js";
import { indexLevels, multiIndex } from "../labels.js";
import { columnLevels } from "../multiIndex.js";
import { DataFrame } from "../table.js";
import {
  POW10,
  StringTable,
  asciiAt,
  grown,
  fastDate,
  fastDateBytes,
  groupByBytes,
  hashBytes,
  hashBytesInto,
  viewOf,
  asciiString,
  scratch,
} from "./csvFields.js";

// TextDecoder exists in every browser and in Node; declared here so the build needs no DOM types.
declare const TextEncoder: new () => { encodeInto(s: string, b: Uint8Array): { read: number; written: number } };
declare const TextDecoder: new (
  label?: string,
  opts?: { fatal?: boolean; ignoreBOM?: boolean },
) => { decode(b?: Uint8Array, o?: { stream?: boolean }): string };

/** Options of readCsv: sep, header, names, naValues, dtype, parseDates, nrows, skipRows, usecols, indexCol, quoteChar, comment, onBadLines...: pd.read_csv's keyword arguments in camelCase. */
export interface ReadCsvOptions {
  /** Field separator, one character (default ","). */
  sep?: string;
  /**
   * Row number of the header (default 0), null when the file has none (columns 0, 1, ...), or
   * several rows (increasing) whose cells make column levels, as pandas' header=[0, 1].
   */
  header?: number | readonly number[] | null;
  /** Column names to use (replacing the header row when there is one). */
  names?: string[];
  /** Extra strings read as missing. */
  naValues?: string[];
  /** Also treat pandas' default markers ("", NA, NaN, null, N/A, #N/A, ...) as missing (default true). */
  keepDefaultNa?: boolean;
  /**
   * dtype for all columns or per column instead of inference ("category" for low-cardinality text).
   * Under a header list a Map may key a column by its labels, as pandas' tuples:
   * `new Map([[["a", "x"], "float64"]])` (its flat name "a_x" works too).
   */
  dtype?: FrameDType | Record<string, FrameDType> | ReadonlyMap<string | readonly string[], FrameDType>;
  /** Columns to parse as datetimes; under a header list a column may be given by its labels, as pandas' tuples (`[["b", "z"]]`), or its flat name. */
  parseDates?: readonly (string | readonly string[])[];
  /** Read at most this many data rows. */
  nrows?: number;
  /** Skip this many lines before the header. */
  skipRows?: number;
  /** Keep only these columns. */
  usecols?: string[];
  /** Use this column (a name or a position) as the row index; several make a MultiIndex, as pandas' index_col=[0, 1]. */
  indexCol?: string | number | readonly (string | number)[];
  quoteChar?: string;
  /** Lines starting with this character are skipped. */
  comment?: string;
  /** Rows with more fields than the header: "error" (default) or "skip"; a function is told about each skipped row. */
  onBadLines?: "error" | "skip" | ((bad: { line: number; fields: number; expected: number }) => void);
  /** Told about each row with fewer fields than the header (its absent fields read as empty ones, as pandas: missing by default). */
  onShortRow?: (row: { line: number; fields: number; expected: number }) => void;
  /** A value that does not fit a requested dtype: "raise" (default) or "coerce" to missing (counted in onCoerce). */
  errors?: "raise" | "coerce";
  onCoerce?: (c: { column: string; line: number; text: string }) => void;
  /** Strip a leading byte-order mark (default true). */
  skipBom?: boolean;
}

/** pandas 1.5's default NA markers ("None" joined them in pandas 2.0). */
export const DEFAULT_NA = [
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "n/a",
  "nan",
  "null",
];

/** 1 or 0 for the bool words pandas reads (True, TRUE, true, False, FALSE, false) at text[s, e), read as boolAtBytes reads bytes (no substring); -1 for any other text. */
function boolAt(t: string, s: number, e: number): number {
  const n = e - s;
  return (n === 4 || n === 5) && asciiAt(t, s, e) ? boolAtBytes(scratch, 0, n) : -1;
}

/**
 * Set by parseNumberBytes: the field was an integer literal (a module-local flag: a binding
 * imported from another module can cost a getter call per field under some loaders).
 */
let bytesWereInt = false;

/**
 * The number written in the bytes b[s, e) of ASCII text (spaces around it allowed), or NaN when
 * it is not a number. Exact (correctly rounded) for up to 15 significant digits and exponents
 * within 10^±22 (both operands exact, one rounding); longer literals go through Number(). Sets
 * bytesWereInt.
 */
function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (s === e) return NaN;
  let i = s,
    neg = false;
  let c = b[i]!;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let mant = 0,
    digits = 0,
    scale = 0,
    any = false,
    isInt = true;
  while (i < e) {
    c = b[i]!;
    if (c < 48 || c > 57) break;
    any = true;
    if (digits < 15) {
      mant = mant * 10 + (c - 48);
      if (mant !== 0) digits++;
    } else scale++;
    i++;
  }
  if (i < e && c === 46) {
    isInt = false;
    i++;
    while (i < e) {
      c = b[i]!;
      if (c < 48 || c > 57) break;
      any = true;
      if (digits < 15) {
        mant = mant * 10 + (c - 48);
        scale--;
        if (mant !== 0) digits++;
      }
      i++;
    }
  }
  if (!any) {
    // inf, +inf, -inf, infinity, +infinity, -infinity in any case
    if (e - s > 9) return NaN;
    const x = String.fromCharCode(...b.subarray(s, e)).toLowerCase();
    bytesWereInt = false;
    if (x === "inf" || x === "+inf" || x === "infinity" || x === "+infinity") return Infinity;
    return x === "-inf" || x === "-infinity" ? -Infinity : NaN;
  }
  if (i < e && (c === 101 || c === 69)) {
    isInt = false;
    i++;
    let eneg = false,
      ex = 0,
      edig = 0;
    c = b[i]!;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      i++;
    }
    while (i < e) {
      c = b[i]!;
      if (c < 48 || c > 57) break;
      ex = ex * 10 + (c - 48);
      edig++;
      i++;
    }
    if (!edig) return NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e) return NaN;
  bytesWereInt = isInt;
  if (digits >= 15 || scale > 22 || scale < -22) {
    const v = Number(decodeAscii(b.subarray(s, e)));
    if (isInt && !Number.isSafeInteger(v)) bytesWereInt = false; // beyond 2^53: kept as float64
    return v;
  }
  const v = scale >= 0 ? mant * POW10[scale]! : mant / POW10[-scale]!;
  return neg ? -v : v;
}

/** parseNumberBytes for text[s, e): its characters are read as bytes (any other than ASCII: NaN). */
function parseNumber(t: string, s: number, e: number): number {
  const n = e - s;
  const b = n <= scratch.length ? scratch : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(s + i);
    if (c > 127) return NaN;
    b[i] = c;
  }
  return parseNumberBytes(b, 0, n);
}

/** 1 or 0 for the bool words pandas reads at the bytes b[s, e) of ASCII text; -1 for any other text. */
function boolAtBytes(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n !== 4 && n !== 5) return -1;
  const word = n === 4 ? TRUE_BYTES : FALSE_BYTES;
  const c0 = b[s]!;
  if ((c0 | 32) !== word[0]) return -1;
  const upper = b[s + 1]! < 97;
  if (upper && c0 >= 97) return -1; // tRUE
  const shift = upper ? 32 : 0;
  for (let i = 1; i < n; i++) if (b[s + i] !== word[i]! - shift) return -1;
  return n === 4 ? 1 : 0;
}
const TRUE_BYTES = Uint8Array.from("true", (c) => c.charCodeAt(0));
const FALSE_BYTES = Uint8Array.from("false", (c) => c.charCodeAt(0));

/** ASCII bytes as text (UTF-8 decoding reads them as they are). */
export function decodeAscii(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** Bytes as UTF-8 text; invalid bytes are an error naming the line and byte. */
export function decodeUtf8(bytes: Uint8Array, op = "readCsv"): string {
  try {
    // the BOM is kept here and dropped (once, unless skipBom: false) by the header reader, so bytes and text read alike
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    throw new FrameError(
      `${op}: the input is not valid UTF-8: byte ${at} (line ${line}) is 0x${bytes[at]?.toString(16).padStart(2, "0")}. Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), or decode it yourself and pass a string.`,
    );
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

// ---------------------------------------------------------------- column builders

type Mode = "int" | "float" | "bool" | "string" | "date";

export class Builder {
  mode: Mode;
  n = 0;
  // sized from the expected rows (ctx.capacity: small for a 20,000-column file of a few rows);
  // columns double if the estimate falls short. A column read as bool holds its 0/1 in a
  // Uint8Array here (1 byte a cell, where 8 would be fresh memory written and then dropped)
  nums: Float64Array;
  /** Rows the arrays have room for (nums is empty in string mode: text needs only codes). */
  cap: number;
  /** 1 = missing, for int/bool columns. */
  na: Uint8Array | null = null;
  codes: Int32Array | null = null;
  table: StringTable | null = null;
  // a text column of mostly distinct values: the cells whose value was not in the table yet
  // (row, hash, and the value's bytes, copied to pendBuf[pendS[i], pendS[i + 1]) while hashed,
  // so grouping reads them together and the column never points into the input), grouped once
  // by finish; null until then
  pendH: Int32Array | null = null;
  pendRows: Int32Array | null = null;
  pendS: Int32Array | null = null;
  pendBuf: Uint8Array | null = null;
  pendN = 0;
  /** A view of the input, kept while it views the same bytes. */
  private inView: DataView | null = null;
  /** Read (also) from ASCII bytes: finish may then copy its text values out of the input. */
  private fromBytes = false;
  /** The table's size when values started to wait (its values are the first entries). */
  private pendFrom = 0;
  constructor(
    readonly name: string,
    readonly col: number,
    readonly forced: FrameDType | undefined,
    readonly ctx: ParseContext,
  ) {
    // room for one block at first (grow then makes the room expected): a column whose first field
    // is text (a name, a timestamp) never fills a file-sized array of numbers
    this.cap = Math.min(ctx.capacity, 4096);
    this.mode =
      forced === "string" || forced === "category"
        ? "string"
        : forced === "datetime"
          ? "date"
          : forced === "float64"
            ? "float"
            : forced === "bool"
              ? "bool"
              : "int";
    this.nums = this.mode === "string" ? NO_NUMS : (new (this.mode === "bool" ? Uint8Array : Float64Array)(this.cap) as Float64Array);
    if (this.mode === "string") this.toStringMode(null);
  }

  private grow(): void {
    const cap = (this.cap = Math.max(2 * this.cap, this.ctx.capacity));
    if (this.mode !== "string") this.nums = grown(this.nums, cap);
    if (this.na) this.na = grown(this.na, cap);
    if (this.codes) this.codes = grown(this.codes, cap);
  }

  /** Drop the cells from row n on (a skipped row's), with their missing flags. */
  truncate(n: number): void {
    if (this.na) this.na.fill(0, n, this.n);
    while (this.pendN > 0 && this.pendRows![this.pendN - 1]! >= n) this.pendN--;
    this.n = n;
  }

  /**
   * Start listing the values (at row n of an expected ctx.capacity): the table's values come
   * first (row -1; ASCII input: each character one byte), so grouping finds a cell equal to one of
   * them without a probe per cell, and pendBuf can become the column's dictionary as it is. It
   * gets room for the rows left at the values' length so far.
   */
  private startPending(): void {
    const dict = this.table!.dict,
      nt = dict.length;
    let head = 0;
    for (const d of dict) head += d.length;
    const left = Math.max(1 << 12, this.ctx.capacity - this.n);
    const buf = new Uint8Array(head + Math.ceil(((left * head) / nt) * 1.1) + 64);
    this.pendH = new Int32Array(0);
    this.growPending(nt + left);
    const starts = this.pendS!;
    for (let k = 0, o = 0; k < nt; k++) {
      const d = dict[k]!;
      for (let x = 0; x < d.length; x++) buf[o++] = d.charCodeAt(x);
      starts[k + 1] = o;
      this.pendH[k] = hashBytes(buf, starts[k]!, o);
      this.pendRows![k] = -1;
    }
    this.pendFrom = this.pendN = nt;
    this.pendBuf = buf;
  }

  private growPending(need: number): void {
    // (the first size is the rows expected: exact, not the next power of two)
    const cap = Math.max(need, 2 * this.pendH!.length);
    const grow = (a: Int32Array | null, c: number): Int32Array => (a ? grown(a, c) : new Int32Array(c));
    this.pendRows = grow(this.pendRows, cap);
    this.pendS = grow(this.pendS, cap + 1);
    this.pendH = grow(this.pendH, cap);
  }

  /**
   * Give the waiting cells their codes: equal values are grouped (groupByBytes) and each new value
   * joins the dictionary at its first row, so the dictionary keeps the order of first appearance
   * as when every value went through the table. Returns the whole dictionary as bytes (utf8Dict:
   * no JS string until a verb asks) when the table's values are all ASCII and none came after the
   * cells started to wait; else the new values join table.dict as strings and it returns null.
   */
  private resolvePending(): (() => string[]) | null {
    const table = this.table!,
      dict = table.dict,
      codes = this.codes!;
    const pn = this.pendN,
      rows = this.pendRows!,
      starts = this.pendS!,
      hashes = this.pendH!,
      buf = this.pendBuf!;
    this.pendH = this.pendRows = this.pendS = this.pendBuf = null;
    this.pendN = 0;
    // values the text path added to the table after the cells started to wait (rare: a field
    // pushBlock handed to push) may equal waiting ones: those take the table's code
    const nt = this.pendFrom,
      grew = table.size !== nt;
    // the table keeps its strings (grew): they must not hold the input (pushBlock read it as bytes)
    if (grew) table.detach();
    // codeOf[i] overwrites rep[i] from nt on: rep[i] <= i, so codeOf[rep[i]] is known, and the
    // table's values (i < nt, distinct) keep rep[i] = i, their code
    const codeOf = groupByBytes(buf, pn, starts, starts.subarray(1), hashes);
    const base = dict.length,
      head = starts[nt]!;
    // the dictionary's offsets in buf: the table's values, then the new values in order of first
    // appearance, moved down to follow them (w <= s: in place)
    const at = new Int32Array(base + pn - nt + 1);
    at.set(starts.subarray(0, nt + 1));
    at[base] = head;
    // (adjacent new values move as one run: buf[runFrom, runTo) goes to runW)
    let nNew = 0,
      w = head,
      runW = head,
      runFrom = head,
      runTo = head;
    for (let i = nt; i < pn; i++) {
      const f = codeOf[i]!;
      if (f === i) {
        const s = starts[i]!,
          e = starts[i + 1]!;
        const k = grew ? table.findBytes(buf, s, e, hashes[i]!) : -1;
        if (k >= 0) codeOf[i] = k;
        else {
          codeOf[i] = base + nNew++;
          if (s !== runTo) {
            if (runW !== runFrom) buf.copyWithin(runW, runFrom, runTo);
            runW = w;
            runFrom = s;
          }
          runTo = e;
          w += e - s;
          at[base + nNew] = w;
        }
      } else codeOf[i] = codeOf[f]!;
      codes[rows[i]!] = codeOf[i]!;
    }
    if (runW !== runFrom) buf.copyWithin(runW, runFrom, runTo);
    // (a view of buf even where its room for the values outgrew them: room never written is never
    // paged in, where a copy would be 19 MB more of fresh memory for a million timestamps)
    if (!grew) return utf8Dict(fit(buf, w, 1), fit(at, base + nNew + 1));
    // the new values' strings slice one decode of their bytes (a copy, not the input)
    const text = decodeAscii(buf.subarray(head, w));
    for (let q = base; q < base + nNew; q++) dict.push(text.slice(at[q]! - head, at[q + 1]! - head));
    // number the dictionary again in order of first appearance
    const n = this.n,
      remap = new Int32Array(dict.length).fill(-1),
      ordered: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = codes[i]!;
      if (k < 0) continue;
      if (remap[k]! < 0) {
        remap[k] = ordered.length;
        ordered.push(dict[k]!);
      }
      codes[i] = remap[k]!;
    }
    table.dict = ordered;
    return null;
  }

  /** A missing cell, the next one. */
  private missing(): void {
    const i = this.n++;
    if (this.mode === "string") this.codes![i] = -1;
    else if (this.mode === "float" || this.mode === "date") this.nums[i] = NaN;
    else {
      if (!this.na) this.na = new Uint8Array(this.cap);
      this.na[i] = 1;
    }
  }

  /** A field given as a range of the text (unquoted) or as a decoded string. */
  push(t: string, s: number, e: number, decoded: string | null, line: number): void {
    if (decoded !== null) {
      t = decoded;
      s = 0;
      e = decoded.length;
    }
    if (this.n === this.cap) this.grow();
    const ctx = this.ctx;
    if (s === e && ctx.emptyIsNA) {
      return this.missing();
    }
    // NA markers that look like numbers ("-999") must be caught before parsing; others only
    // need a look when the text is not a value, so most fields never become a substring
    if (ctx.numericNa && e - s <= ctx.naMaxLen && ctx.na.has(t.slice(s, e))) {
      return this.missing();
    }
    switch (this.mode) {
      case "int":
      case "float": {
        const v = parseNumber(t, s, e);
        if (v === v) {
          if (this.mode === "int" && !bytesWereInt) {
            if (this.forced === "int64") {
              this.coerce(t.slice(s, e), line);
              return;
            }
            this.toFloatMode();
          }
          this.nums[this.n++] = v;
          return;
        }
        const text = t.slice(s, e);
        if (ctx.na.has(text)) {
          return this.missing();
        }
        if (this.forced === "int64" || this.forced === "float64") {
          this.coerce(text, line);
          return;
        }
        const b = this.mode === "int" ? boolAt(t, s, e) : -1;
        if (b >= 0 && this.n === this.countNA()) {
          this.mode = "bool";
          ctx.promoted(this);
          // (the cells before are all missing: their values are never read)
          this.nums = new Uint8Array(this.cap) as unknown as Float64Array;
          this.nums[this.n++] = b;
          return;
        }
        this.toStringMode(text);
        return;
      }
      case "bool": {
        const b = boolAt(t, s, e);
        if (b >= 0) {
          this.nums[this.n++] = b;
          return;
        }
        const text = t.slice(s, e);
        if (ctx.na.has(text)) {
          return this.missing();
        }
        if (this.forced === "bool") {
          this.coerce(text, line);
          return;
        }
        this.toStringMode(text);
        return;
      }
      case "date": {
        let v = fastDate(t, s, e);
        if (v !== v) {
          const text = t.slice(s, e);
          if (ctx.na.has(text)) {
            return this.missing();
          }
          v = parseDate(text);
          if (v !== v) {
            this.coerce(text, line);
            return;
          }
        }
        this.nums[this.n++] = v;
        return;
      }
      case "string": {
        if (e - s <= ctx.naMaxLen && ctx.naFirst[t.charCodeAt(s)] === 1 && ctx.na.has(t.slice(s, e))) {
          return this.missing();
        }
        this.codes![this.n++] = this.table!.lookup(t, s, e);
        return;
      }
    }
  }

  /** push for the unquoted field at bytes b[s, e) of ASCII input, given to it as its own text (the input need not be decoded). */
  private pushText(b: Uint8Array, s: number, e: number, line: number): void {
    const f = asciiString(b, s, e);
    this.push(f, 0, f.length, null, line);
  }

  /**
   * Column j of a block of simple records (unquoted fields, one line each, the first on line0):
   * field r's bytes are b[se[2 (r stride + j)], se[2 (r stride + j) + 1]). Each mode's loop reads the fields it
   * expects in place; any other field goes to push as its own text (which reads it again, so
   * both paths give the same column, and may change the mode), and the loop for the new mode
   * goes on from the next field. The scan path hands it one field at a time (count 1).
   */
  pushBlock(b: Uint8Array, se: Int32Array, stride: number, j: number, count: number, line0: number): void {
    const ctx = this.ctx;
    this.fromBytes = true;
    while (this.n + count > this.cap) this.grow();
    let r = 0;
    if (ctx.numericNa) {
      for (; r < count; r++) {
        const o = 2 * (r * stride + j);
        this.pushText(b, se[o]!, se[o + 1]!, line0 + r);
      }
      return;
    }
    const emptyIsNA = ctx.emptyIsNA;
    // each loop keeps the count of cells in a local and stops at the first field it does not take
    while (r < count) {
      const mode = this.mode;
      let n = this.n,
        o = 2 * (r * stride + j);
      const step = 2 * stride;
      if (mode === "float" || mode === "int") {
        const isFloat = mode === "float",
          nums = this.nums,
          cut = ctx.cutter?.se === se ? ctx.cutter : null;
        for (; r < count; r++, o += step) {
          if (cut) {
            // the cutter's run of literals, then the field it stopped at is read here
            const k = cut.numbers(o, step, count - r, isFloat, nums, n);
            n += k;
            r += k;
            o += k * step;
            if (r === count) break;
          }
          const s = se[o]!,
            e = se[o + 1]!;
          if (s !== e && e - s < 16) {
            // the common literal, [-]digits[.digits] (at most 15 digits: exact), read here; any
            // other goes through parseNumberBytes, which gives the same value
            let i = s,
              m = 0,
              dot = -1;
            const neg = b[i] === 45;
            if (neg) i++;
            for (; i < e; i++) {
              const c = b[i]!;
              if (c >= 48 && c <= 57) m = m * 10 + (c - 48);
              else if (c === 46 && dot < 0) dot = i;
              else break;
            }
            if (i === e && e - s > (neg ? 1 : 0) + (dot < 0 ? 0 : 1)) {
              if (dot < 0) {
                nums[n++] = neg ? -m : m;
                continue;
              }
              if (isFloat) {
                const v = m / POW10[e - dot - 1]!;
                nums[n++] = neg ? -v : v;
                continue;
              }
            }
          }
          if (s !== e) {
            const v = parseNumberBytes(b, s, e);
            if (v === v && (isFloat || bytesWereInt)) {
              nums[n++] = v;
              continue;
            }
          } else if (emptyIsNA && isFloat) {
            nums[n++] = NaN;
            continue;
          }
          break;
        }
      } else if (mode === "string") {
        const codes = this.codes!,
          table = this.table!,
          naFirst = ctx.naFirst,
          naMaxLen = ctx.naMaxLen;
        if (this.pendH === null) {
          const took = table.lookupRun(b, se, o, step, count - r, codes, n, naFirst, naMaxLen);
          r += took;
          n += took;
          o += took * step;
          // mostly distinct values (ids, timestamps): from here on new values are only listed, and
          // grouped by finish (a table of a million values misses the cache on every probe)
          if (table.size >= PENDING_FROM && 2 * table.size > n) this.startPending();
        } else {
          // every value waits for finish (grouped with the table's values there)
          if (this.pendN + count - r > this.pendH.length) this.growPending(this.pendN + count - r);
          const rows = this.pendRows!,
            starts = this.pendS!,
            hashes = this.pendH;
          const from = (this.inView = viewOf(this.inView, b));
          let pn = this.pendN,
            buf = this.pendBuf!,
            to = new DataView(buf.buffer),
            w = starts[pn]!;
          for (; r < count; r++, o += step) {
            const s = se[o]!,
              e = se[o + 1]!;
            if (s === e || (e - s <= naMaxLen && naFirst[b[s]!] === 1)) break;
            // (pendBuf is a whole buffer of its own)
            if (w + e - s > buf.length) to = new DataView((buf = this.pendBuf = grown(buf, 2 * buf.length + e - s)).buffer);
            rows[pn] = n++;
            hashes[pn++] = hashBytesInto(from, s, e, to, w);
            w += e - s;
            starts[pn] = w;
          }
          this.pendN = pn;
        }
      } else if (mode === "bool") {
        const nums = this.nums;
        for (; r < count; r++, o += step) {
          const v = boolAtBytes(b, se[o]!, se[o + 1]!);
          if (v < 0) break;
          nums[n++] = v;
        }
      } else {
        const nums = this.nums;
        for (; r < count; r++, o += step) {
          const v = fastDateBytes(b, se[o]!, se[o + 1]!);
          if (v !== v) break;
          nums[n++] = v;
        }
      }
      this.n = n;
      if (r < count) {
        // a field the loop did not take: the general path reads it (and may change the mode)
        this.pushText(b, se[o]!, se[o + 1]!, line0 + r);
        r++;
      }
    }
  }

  /** int -> float: the cells missing so far (held in the mask) become NaN, float's missing value. */
  private toFloatMode(): void {
    const na = this.na;
    if (na) for (let i = 0; i < this.n; i++) if (na[i] === 1) this.nums[i] = NaN;
    this.na = null;
    this.mode = "float";
    this.ctx.promoted(this);
  }

  /** Cell i (< n) holds no value; valid in every mode but string. */
  private isMissing(i: number): boolean {
    return this.mode === "float" || this.mode === "date" ? this.nums[i] !== this.nums[i] : this.na !== null && this.na[i] === 1;
  }

  private countNA(): number {
    if (!this.na) return 0;
    let k = 0;
    for (let i = 0; i < this.n; i++) k += this.na[i]!;
    return k;
  }

  private coerce(text: string, line: number): void {
    if (this.ctx.errors !== "coerce") {
      const want = this.forced ?? (this.mode === "date" ? "datetime" : this.mode);
      throw new FrameError(
        `readCsv: column ${JSON.stringify(this.name)}, line ${line}: ${JSON.stringify(text)} is not a valid ${want}. Fix the value, choose another dtype for the column, or pass errors: "coerce" to read it as missing.`,
      );
    }
    this.ctx.onCoerce?.({ column: this.name, line, text });
    if (this.mode === "int" && !this.na) this.na = new Uint8Array(this.cap);
    this.missing();
  }

  /**
   * Switch to text. Missing cells stay missing (whichever mode held them); the others are
   * re-read from the source, each found from the nearest field offset the reader kept for its row.
   */
  private toStringMode(current: string | null): void {
    const n = this.n;
    const codes = new Int32Array(this.cap);
    const table = new StringTable();
    for (let i = 0; i < n; i++) codes[i] = this.isMissing(i) ? -1 : this.ctx.relookup(i, this.col, table);
    this.mode = "string";
    this.nums = NO_NUMS;
    this.table = table;
    this.codes = codes;
    this.ctx.promoted(this);
    if (current !== null) this.push(current, 0, current.length, current, 0);
  }

  finish(): Column {
    const n = this.n;
    // a column without rows has no values to type: object (text), as pandas
    if (n === 0 && this.forced === undefined) return strCol(new Int32Array(0), []);
    switch (this.mode) {
      case "string": {
        const table = this.table!;
        // (resolvePending detaches the table itself where it keeps the table's strings)
        let values: (() => string[]) | null = null;
        if (this.pendH) values = this.resolvePending();
        else if (this.fromBytes) table.detach();
        const codes = fit(this.codes!, n);
        const col = values ? utf8StrCol(codes, values) : strCol(codes, table.dict);
        return this.forced === "category" ? toCategory(col) : col;
      }
      case "date":
        return dateCol(fit(this.nums, n));
      case "float":
        return floatCol(fit(this.nums, n));
      case "bool":
      case "int": {
        const v = fit(this.nums, n);
        const valid = this.na ? Uint8Array.from(this.na.subarray(0, n), (x) => 1 - x) : null;
        const anyNA = valid?.some((x) => x === 0);
        if (this.mode === "bool") return boolCol(v as unknown as Uint8Array, valid);
        if (anyNA && this.forced !== "int64") {
          // pandas' default: an int column with missing values is float64
          for (let i = 0; i < n; i++) if (!valid![i]) v[i] = NaN;
          return floatCol(v);
        }
        if (this.forced === "float64") return floatCol(v);
        return intCol(v, valid);
      }
    }
  }
}

/**
 * The first n cells of a builder's array: a view when the array is (nearly) full, as it is when
 * the row estimate was right, so a million-row column is not copied once more; else a copy.
 * slack: a view while at most 1/2^slack of the array is past n.
 */
function fit<A extends Float64Array | Int32Array | Uint8Array>(a: A, n: number, slack = 3): A {
  if (n === a.length) return a;
  return (n >= a.length - (a.length >> slack) ? a.subarray(0, n) : a.slice(0, n)) as A;
}

// ---------------------------------------------------------------- the record loop

const NO_NUMS = new Float64Array(0);

/** Distinct values a text column's table holds before, if most of its cells are distinct, new values wait for finish. */
const PENDING_FROM = 1 << 12;

const MARK_SHIFT = 4,
  MARK_EVERY = 1 << MARK_SHIFT;

/**
 * Work counters for tests that guard the reader's complexity without timing it: rereadFields
 * counts the fields scanned again when columns turn to text (at most MARK_EVERY per cell),
 * records the records parsed (a stream must not re-parse its buffer for every piece).
 */
export const readCsvWork = { rereadFields: 0, records: 0 };

export interface ParseContext {
  /** The rows each builder starts with room for. */
  capacity: number;
  na: Set<string>;
  emptyIsNA: boolean;
  numericNa: boolean;
  /** 1 at the first character code of each NA marker. */
  naFirst: Uint8Array;
  naMaxLen: number;
  errors: "raise" | "coerce";
  onCoerce?: ReadCsvOptions["onCoerce"];
  /** The code in `table` of the text of (data row, column): a column turning to text re-reads its fields. */
  relookup(row: number, col: number, table: StringTable): number;
  /** Told of each change of a column's type, so a row skipped afterwards (onBadLines) can undo it. */
  promoted(b: Builder): void;
  /** The block cutter's number reader, while a block it cut is read. */
  cutter: BlockCutter | null;
}

export interface Dialect {
  sep: number;
  quote: number;
  comment: number;
}

/** The text of the last quoted field read by readQuoted, and the newlines inside it. */
let quotedText = "";
let quotedNewlines = 0;

/**
 * Read the quoted field whose opening quote is at text[i]: "" is a quote, the field ends at the
 * closing quote, and text after it up to the separator is kept, as pandas does. Sets quotedText
 * and returns the offset after the field.
 */
function readQuoted(t: string, i: number, to: number, d: Dialect, line: number, col: number): number {
  const { sep, quote } = d;
  i++;
  let piece = "",
    runStart = i,
    newlines = 0;
  for (;;) {
    if (i >= to)
      throw new FrameError(
        `readCsv: the quoted field starting on line ${line} (column ${col + 1}) is never closed: the input ends inside quotes. Close the quote, or pass quoteChar: "" style cleanup before reading.`,
      );
    const q = t.charCodeAt(i);
    if (q === quote) {
      if (t.charCodeAt(i + 1) === quote) {
        piece += t.slice(runStart, i + 1);
        i += 2;
        runStart = i;
        continue;
      }
      piece += t.slice(runStart, i);
      i++;
      break;
    }
    if (q === 10) newlines++;
    i++;
  }
  const tailStart = i;
  i = unquotedEnd(t, i, to, sep);
  if (i > tailStart) piece += t.slice(tailStart, i);
  quotedText = piece;
  quotedNewlines = newlines;
  return i;
}

/** Offset of the end of the unquoted field starting at i (its separator, line end, or `to`). */
function unquotedEnd(t: string, i: number, to: number, sep: number): number {
  while (i < to) {
    const q = t.charCodeAt(i);
    if (q === sep || q === 10 || q === 13) break;
    i++;
  }
  return i;
}

/**
 * Walk the records of text[from, to): fields go to onField(col, s, e, decoded, line, at), where
 * `at` is the field's first character in the text (its opening quote when quoted); onEnd(fields,
 * line) closes a record and returns false to stop. Returns the offset after the last record read.
 */
function scan(
  t: string,
  from: number,
  to: number,
  d: Dialect,
  startLine: number,
  onField: (j: number, s: number, e: number, decoded: string | null, line: number, at: number) => void,
  onEnd: (fields: number, line: number, start: number) => boolean,
): { pos: number; line: number } {
  let i = from,
    line = startLine;
  const { sep, quote, comment } = d;
  while (i < to) {
    const recStart = i,
      recLine = line;
    let c = t.charCodeAt(i);
    // blank lines (also of spaces and tabs other than the separator, as pandas) and comments are skipped
    if ((c === 32 || c === 9) && c !== sep) {
      let k = i + 1;
      while (k < to) {
        const q = t.charCodeAt(k);
        if ((q !== 32 && q !== 9) || q === sep) break;
        k++;
      }
      const q = k < to ? t.charCodeAt(k) : 10;
      if (q === 10 || q === 13) {
        i = k;
        c = q;
        if (i >= to) break;
      }
    }
    if (c === 10 || c === 13) {
      i += c === 13 && t.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      continue;
    }
    if (c === comment) {
      while (i < to && t.charCodeAt(i) !== 10) i++;
      i++;
      line++;
      continue;
    }
    let j = 0;
    for (;;) {
      c = i < to ? t.charCodeAt(i) : -1;
      const at = i;
      if (c === quote) {
        i = readQuoted(t, i, to, d, line, j);
        line += quotedNewlines;
        onField(j, 0, quotedText.length, quotedText, recLine, at);
      } else {
        i = unquotedEnd(t, i, to, sep);
        onField(j, at, i, null, recLine, at);
      }
      j++;
      c = i < to ? t.charCodeAt(i) : -1;
      // a separator always opens one more field, also at the end of the input ("1,2," has three)
      if (c === sep) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (i < to && t.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    if (!onEnd(j, recLine, recStart)) return { pos: i, line };
  }
  return { pos: i, line };
}

/**
 * A faster cutBlock over one input (the Node reader's, in wasm): the same records cut into the
 * same offsets, written to `se`.
 */
export interface BlockCutter {
  /** The input it cuts: readRecords uses it only for these bytes. */
  readonly bytes: Uint8Array;
  /** Where cut writes the field offsets (of bytes: the input's offset `base` is bytes[0]). */
  readonly se: Int32Array;
  readonly base: number;
  /**
   * A cutter that holds a window of a larger input (the Node file reader's): the input's size,
   * and whole(), which makes bytes the whole input (base 0) and returns them, for the records
   * and columns that are read as text.
   */
  readonly size?: number;
  whole?(): Uint8Array;
  /** cutBlock(bytes, i, to, d, nb, se, maxRows) at input offsets i, to (a window cuts whole lines of what it holds): returns the records cut. */
  cut(i: number, to: number, d: Dialect, nb: number, maxRows: number): number;
  /** After cut: the input offset after its last record. */
  end(): number;
  /** Whether every byte of `bytes` is below 0x80 (as isAscii). */
  ascii(): boolean;
  /**
   * The [-]digits[.digits] literals (under 16 characters) among the count fields se[o + r step],
   * read as pushBlock reads them, to into[at + r], up to the first other field (or a decimal,
   * unless isFloat: pushBlock reads those itself); returns how many it read.
   */
  numbers(o: number, step: number, count: number, isFloat: boolean, into: Float64Array, at: number): number;
}

/** Where the last cutBlock stopped: after its last record. */
let cutEnd = 0;

/** cutEnd, for tests that compare cutters. */
export const lastCutEnd = (): number => cutEnd;

/**
 * Cut at most `maxRows` simple records from b[i, to) into `se` (the start and end of each field,
 * row-major, `nb` fields a row): records of exactly nb unquoted fields on one line. Stops before
 * the first other record (a quoted field, another field count, a blank or comment line, a line
 * starting with a space); returns the records cut and sets cutEnd after the last of them.
 */
export function cutBlock(b: Uint8Array, i: number, to: number, d: Dialect, nb: number, se: Int32Array, maxRows: number): number {
  const { sep, quote, comment } = d;
  // most bytes are above every byte that ends a field (with ",": digits, letters): one test each
  const top = Math.max(sep, 13);
  let rows = 0;
  cutEnd = i;
  while (rows < maxRows && i < to) {
    const c0 = b[i]!;
    if (c0 === quote || c0 === 32 || c0 === 9 || c0 === 10 || c0 === 13 || c0 === comment) break;
    let k = i,
      j = 0,
      o = 2 * rows * nb,
      ok = false;
    for (;;) {
      se[o] = k;
      while (k < to) {
        const q = b[k]!;
        if (q <= top && (q === sep || q === 10 || q === 13)) break;
        k++;
      }
      se[o + 1] = k;
      o += 2;
      j++;
      if (k < to && b[k] === sep) {
        if (j === nb) break;
        k++;
        if (k < to && b[k] === quote) break;
        continue;
      }
      ok = j === nb;
      break;
    }
    if (!ok) break;
    if (k < to && b[k] === 13) k++;
    if (k < to && b[k] === 10) k++;
    i = k;
    rows++;
  }
  cutEnd = i;
  return rows;
}

/**
 * Header names as pandas 1.5's C reader makes them: blanks become "Unnamed: j"; a repeat of
 * `x` becomes `x.k` with k counted per name and stepped past any name in the header, so
 * a,a,a.1,a gives a, a.2, a.1, a.3. Given names are numbered before the blanks' "Unnamed: j",
 * so a written "Unnamed: 1" keeps its name.
 */
function cleanNames(raw: string[]): string[] {
  const names = raw.map((r, j) => (r === "" ? `Unnamed: ${j}` : r));
  const inHeader = new Set(names);
  const counts = new Map<string, number>();
  const order = [...raw.keys()].filter((j) => raw[j] !== "").concat([...raw.keys()].filter((j) => raw[j] === ""));
  for (const j of order) {
    const base = names[j]!;
    let name = base,
      k = counts.get(base) ?? 0;
    while (k > 0) {
      counts.set(base, k + 1);
      name = `${base}.${k}`;
      k = inHeader.has(name) ? k + 1 : (counts.get(name) ?? 0);
    }
    if (name !== base) {
      names[j] = name;
      inHeader.add(name);
    }
    counts.set(name, k + 1);
  }
  return names;
}

/** What readRecords read: a frame, where the read stopped, and whether the text is used up. */
export interface RecordsRead {
  df: DataFrame;
  cursor: CsvCursor;
  done: boolean;
}

/** Where a chunked read stands. */
export interface CsvCursor {
  pos: number;
  line: number;
  names: string[];
  /** Per column: its name as an index level (null where the header cell is blank), when it differs from names. */
  indexNames?: (string | null)[];
  /** Under a header of several rows: each column's labels, one per row. */
  tuples?: string[][];
  /** Under a header of several rows: the column levels' names. */
  levelNames?: (string | null)[];
}

/**
 * The positions of the index columns among `names` (pandas' index_col: names or positions, in the
 * order given, which is the levels' order).
 */
function indexPositions(ic: ReadCsvOptions["indexCol"], names: readonly string[]): number[] {
  const ps = ic === undefined ? [] : [ic].flat();
  return ps.map((k, i) => {
    const p = typeof k === "number" ? k : names.indexOf(k);
    if (!Number.isInteger(p) || p < 0 || p >= names.length || ps.indexOf(k) !== i)
      throw new FrameError(
        `readCsv: indexCol ${JSON.stringify(ic)} has ${JSON.stringify(k)}${ps.indexOf(k) !== i ? " twice" : `, not a column read (${names.slice(0, 8).join(", ")})`}. Pass each index column once, by name or position 0..${names.length - 1}.`,
      );
    return p;
  });
}

/**
 * The columns kept (usecols: in the file's order, whatever the order asked, as pandas), and the
 * index columns among them in level order, as positions into `names`.
 */
function keptColumns(opts: ReadCsvOptions, names: readonly string[]): { kept: number[]; index: number[] } {
  const keep = opts.usecols && new Set(opts.usecols);
  const kept = names.map((_, j) => j).filter((j) => !keep || keep.has(names[j]!));
  const index = indexPositions(
    opts.indexCol,
    kept.map((j) => names[j]!),
  ).map((p) => kept[p]!);
  return { kept, index };
}

/** Read the header of `text`; returns the column names and where the data starts. */
export function readHeader(text: string, opts: ReadCsvOptions = {}): CsvCursor {
  const d = dialect(opts);
  let pos = 0,
    line = 1;
  if ((opts.skipBom ?? true) && text.charCodeAt(0) === 0xfeff) pos = 1;
  const skipLines = (count: number) => {
    for (let k = 0; k < count && pos < text.length; k++) {
      const nl = text.indexOf("\n", pos);
      pos = nl < 0 ? text.length : nl + 1;
      line++;
    }
  };
  /** The fields of the next record. */
  const row = (): string[] => {
    const raw: string[] = [];
    const r = scan(
      text,
      pos,
      text.length,
      d,
      line,
      (_j, s, e, dec) => raw.push(dec ?? text.slice(s, e)),
      () => false,
    );
    pos = r.pos;
    line = r.line;
    return raw;
  };
  skipLines(opts.skipRows ?? 0);
  const header = opts.header === undefined ? 0 : opts.header;
  const rows = header === null ? [] : [header].flat();
  const cursor: CsvCursor = { pos, line, names: [] };
  const raws = rows.map((h, l) => {
    if (!Number.isInteger(h) || h < (rows[l - 1] ?? -1) + 1)
      throw new FrameError(
        `readCsv: header ${JSON.stringify(header)} is not a row number or increasing row numbers. Pass e.g. 0, or [0, 1] for two rows of column levels.`,
      );
    skipLines(h - (rows[l - 1] ?? -1) - 1);
    return row();
  });
  if (raws.length === 1) {
    cursor.names = cleanNames(raws[0]!);
    cursor.indexNames = raws[0]!.map((r, j) => (r === "" ? null : cursor.names[j]!));
  } else if (raws.length) {
    // pandas' header=[0, 1]: the first index column's cell in each row names that column level;
    // the row after them holds the index names when every other cell is blank
    const ic = [opts.indexCol ?? []].flat();
    if (raws.some((r) => r.length !== raws[0]!.length))
      throw new FrameError(
        `readCsv: header rows ${JSON.stringify(header)} have ${raws.map((r) => r.length)} fields, not one per column each. Fix the file, or pass fewer rows.`,
      );
    if (opts.usecols)
      throw new FrameError(
        `readCsv: usecols under a header list is refused, as pandas. Read all columns, then pass flat names ("a_x") to select.`,
      );
    if (ic.some((k) => typeof k !== "number"))
      throw new FrameError(
        `readCsv: indexCol ${JSON.stringify(opts.indexCol)} has names: under a header list pass positions, e.g. [0, 1] (pandas: index_col must only contain row numbers).`,
      );
    const first = ic[0] as number | undefined;
    cursor.levelNames = raws.map((r) => (first !== undefined && r[first] ? r[first]! : null));
    const at = { pos, line };
    const names = ic.length ? row() : [];
    const named = names.filter((x) => x === "").length >= names.length - ic.length;
    if (!named) ({ pos, line } = at);
    cursor.indexNames = named ? names.map((x) => x || null) : [];
    // blank labels get pandas' placeholders; a repeated column gets ".k" on its last label, as pandas
    const seen = new Map<string, number>();
    cursor.tuples = raws[0]!.map((_, j) => {
      const t = raws.map((r, l) => r[j] || `Unnamed: ${j}_level_${l}`);
      let key = t.join("\0"),
        k = seen.get(key) ?? 0;
      while (k > 0) {
        seen.set(key, k + 1);
        t[t.length - 1] += `.${k}`;
        key = t.join("\0");
        k = seen.get(key) ?? 0;
      }
      seen.set(key, 1);
      return t;
    });
    cursor.names = cursor.tuples.map((t) => t.join("_"));
  }
  if (opts.names) {
    if (header !== null && opts.names.length !== cursor.names.length)
      throw new FrameError(
        `readCsv: ${opts.names.length} names given but the header has ${cursor.names.length} columns (${cursor.names.join(", ")}). Pass one name per column.`,
      );
    cursor.names = opts.names.slice();
    cursor.indexNames = undefined;
  }
  return { ...cursor, pos, line };
}

function dialect(opts: ReadCsvOptions): Dialect {
  const sep = opts.sep ?? ",";
  if (sep.length !== 1)
    throw new FrameError(
      `readCsv: sep must be one character, got ${JSON.stringify(sep)}. Regular-expression separators are not supported.`,
    );
  const q = opts.quoteChar ?? '"';
  return { sep: sep.charCodeAt(0), quote: q ? q.charCodeAt(0) : -2, comment: opts.comment ? opts.comment.charCodeAt(0) : -2 };
}

/**
 * Rows the text from `from` likely holds (at most `limit`), from the line length of its first
 * 64 KB, so columns are allocated once instead of doubled twenty times; 16 when there is little
 * to go on (a wide file of a few rows makes one small builder per column).
 */
function expectedRows(text: string | Uint8Array, from: number, limit: number, total: number): number {
  const sampleEnd = Math.min(text.length, from + (1 << 16));
  const nl = typeof text === "string" ? "\n" : 10;
  let lines = 0;
  for (let i = text.indexOf(nl as never, from); i >= 0 && i < sampleEnd; i = text.indexOf(nl as never, i + 1)) lines++;
  if (lines < 8) return 16;
  const estimate = Math.ceil(((total - from) / (sampleEnd - from)) * lines * 1.05) + 16;
  return Math.max(16, Math.min(limit, estimate));
}

/**
 * opts with the columns of `dtype` and `parseDates` as flat names: a column given by its labels
 * (pandas' tuple under a header list) becomes the name its labels join to. A Map's string keys
 * and plain names pass as they are (unknown ones are refused later with the other names).
 */
function flatKeys(
  opts: ReadCsvOptions,
  cursor: CsvCursor,
): ReadCsvOptions & {
  dtype?: FrameDType | Record<string, FrameDType>;
  parseDates?: readonly string[];
} {
  const flat = (k: string | readonly string[], what: string): string => {
    if (typeof k === "string") return k;
    const { tuples } = cursor;
    const j = tuples ? tuples.findIndex((t) => t.length === k.length && t.every((x, l) => x === k[l])) : -1;
    if (j < 0)
      throw new FrameError(
        tuples
          ? `readCsv: ${what} names the column ${JSON.stringify(k)}, which is not one of the header's columns (${tuples
              .slice(0, 8)
              .map((t) => JSON.stringify(t))
              .join(", ")}${tuples.length > 8 ? ", ..." : ""}). Pass one label per header row, as pandas' tuples.`
          : `readCsv: ${what} names a column by the labels ${JSON.stringify(k)}, but the header is one row (labels name columns only under a header list such as header: [0, 1]). Pass the column's name.`,
      );
    return cursor.names[j]!;
  };
  const { dtype, parseDates } = opts;
  if (!(dtype instanceof Map) && !parseDates?.some((k) => typeof k !== "string"))
    return opts as ReadCsvOptions & { dtype?: FrameDType | Record<string, FrameDType>; parseDates?: readonly string[] };
  return {
    ...opts,
    dtype:
      dtype instanceof Map
        ? Object.fromEntries([...(dtype as ReadonlyMap<string | readonly string[], FrameDType>)].map(([k, v]) => [flat(k, "dtype"), v]))
        : (dtype as FrameDType | Record<string, FrameDType> | undefined),
    parseDates: parseDates?.map((k) => flat(k, "parseDates")),
  };
}

/**
 * Read records from `cursor` (at most `limit`) into a frame. Shared by readCsv and the chunked
 * readers, which call it repeatedly with the same names. `bytes`: the bytes of the text when it is
 * all ASCII (asciiBytes), so the records are scanned as bytes; null: scanned as text. `input`: the
 * text, or null to decode it from `bytes` only if a record or a column needs it as text (a quoted
 * field, a column turning to text after rows were read), which most files never do.
 */
export function readRecords(
  input: string | null,
  cursor: CsvCursor,
  options: ReadCsvOptions,
  limit = Infinity,
  bytes: Uint8Array | null = null,
  cutter: BlockCutter | null = null,
): RecordsRead {
  const opts = flatKeys(options, cursor);
  const d = dialect(opts);
  let text = input ?? "";
  const len = input ?? bytes!;
  const total = cutter?.size ?? len.length;
  /** The input as text (decoded from its bytes the first time it is asked for). */
  const T = (): string => {
    if (cutter?.whole) bytes = cutter.whole();
    if (input === null && text.length !== bytes!.length) text = decodeAscii(bytes!);
    return text;
  };
  const na = new Set([...((opts.keepDefaultNa ?? true) ? DEFAULT_NA : []), ...(opts.naValues ?? [])]);
  const names = cursor.names.slice();
  const headerless = names.length === 0;
  const dtypeOf = (k: string): FrameDType | undefined => {
    const dt = typeof opts.dtype === "string" ? opts.dtype : opts.dtype?.[k];
    if (dt !== undefined && !FRAME_DTYPES.includes(dt))
      throw new FrameError(
        `readCsv: unknown dtype ${JSON.stringify(dt)} for column ${JSON.stringify(k)}. Use one of ${FRAME_DTYPES.join(", ")}.`,
      );
    return opts.parseDates?.includes(k) ? "datetime" : dt;
  };
  if (!headerless) {
    const known = new Set(names);
    for (const k of [
      ...(opts.parseDates ?? []),
      ...(opts.usecols ?? []),
      ...(typeof opts.dtype === "object" ? Object.keys(opts.dtype) : []),
      ...[opts.indexCol ?? []].flat().filter((k) => typeof k === "string"),
    ]) {
      if (!known.has(k))
        throw new FrameError(
          `readCsv: no column named ${JSON.stringify(k)} in the header (${names.slice(0, 12).join(", ")}${names.length > 12 ? `, ... (${names.length} in all)` : ""}). Check the name, or the sep and header options.`,
        );
    }
  }
  // Offsets of every MARK_EVERY-th field of each row read, so that a column turning to text
  // re-reads its earlier fields by skipping at most MARK_EVERY - 1 fields per row: the work stays
  // linear in the cells however many columns turn (4 bytes per 16 cells).
  const capacity = expectedRows(len, cursor.pos, Math.min(limit, opts.nrows ?? Infinity), total);
  let marks = new Uint32Array(capacity * ((names.length >> MARK_SHIFT) + 1)),
    markLen = 0;
  let rowMark = new Uint32Array(capacity),
    rowFields = new Uint32Array(capacity);
  // the field (row, col) as locate() finds it: text[fieldS, fieldE), or fieldText when quoted
  let fieldS = 0,
    fieldE = 0,
    fieldText: string | null = null;
  const locate = (row: number, col: number): void => {
    const text = T();
    let pos = marks[rowMark[row]! + (col >> MARK_SHIFT)]!;
    const skip = col & (MARK_EVERY - 1);
    readCsvWork.rereadFields += skip + 1;
    for (let k = 0; k < skip; k++)
      pos =
        (text.charCodeAt(pos) === d.quote ? readQuoted(text, pos, text.length, d, 0, 0) : unquotedEnd(text, pos, text.length, d.sep)) + 1;
    if (text.charCodeAt(pos) === d.quote) {
      readQuoted(text, pos, text.length, d, 0, 0);
      fieldText = quotedText;
      fieldS = 0;
      fieldE = quotedText.length;
    } else {
      fieldText = null;
      fieldS = pos;
      fieldE = unquotedEnd(text, pos, text.length, d.sep);
    }
  };
  const growRows = (): void => {
    rowMark = grown(rowMark, rowMark.length * 2);
    rowFields = grown(rowFields, rowFields.length * 2);
  };
  /** Keep the offset of field j (a multiple of MARK_EVERY) of the current row. */
  const mark = (j: number, at: number): void => {
    if (j === 0) {
      if (rows === rowMark.length) growRows();
      rowMark[rows] = markLen;
    }
    if (markLen === marks.length) marks = grown(marks, markLen * 2);
    marks[markLen++] = at;
  };
  let promotedInRow: Builder[] = [];
  const ctx: ParseContext = {
    capacity,
    na,
    naMaxLen: Math.max(...[...na].map((s) => s.length)),
    emptyIsNA: na.has(""),
    numericNa: [...na].some((x) => x.trim() !== "" && !Number.isNaN(Number(x))),
    naFirst: (() => {
      const f = new Uint8Array(65536);
      for (const x of na) if (x.length) f[x.charCodeAt(0)] = 1;
      return f;
    })(),
    errors: opts.errors ?? "raise",
    onCoerce: opts.onCoerce,
    relookup: (row, col, table) => {
      locate(row, col);
      return fieldText !== null ? table.lookup(fieldText, 0, fieldE) : table.lookup(text, fieldS, fieldE);
    },
    promoted: (b) => {
      promotedInRow.push(b);
    },
    cutter: null,
  };
  let builders: Builder[] = names.map((k, j) => new Builder(k, j, dtypeOf(k), ctx));
  // columns left out by usecols are walked over but never parsed or stored (a file with a
  // header: a headerless file's columns are only known as they come)
  const keep = opts.usecols && !headerless ? Uint8Array.from(names, (k) => (opts.usecols!.includes(k) ? 1 : 0)) : null;
  let rows = 0;
  const onBad = opts.onBadLines ?? "error";
  let pendingBad = false;
  // nrows: 0 (or a chunk of 0) reads no record (the scan's stop test comes after a record); a
  // file without a header still takes its columns from the first record
  const none = Math.min(limit, opts.nrows ?? Infinity) <= 0;
  if (none && headerless)
    scan(
      T(),
      cursor.pos,
      total,
      d,
      cursor.line,
      (j) => {
        names.push(String(j));
        builders.push(new Builder(String(j), j, dtypeOf(String(j)), ctx));
      },
      () => false,
    );
  const one = new Int32Array(2);
  const onField = (j: number, s: number, e: number, dec: string | null, line: number, at: number): void => {
    if (j >= builders.length) {
      if (headerless && rows === 0) {
        names.push(String(j));
        builders.push(new Builder(String(j), j, dtypeOf(String(j)), ctx));
      } else {
        pendingBad = true;
        return;
      }
    }
    if (pendingBad) return;
    if ((j & (MARK_EVERY - 1)) === 0) mark(j, at);
    if (keep === null || keep[j] === 1) {
      if (dec === null && bytes) {
        one[0] = s;
        one[1] = e;
        builders[j]!.pushBlock(bytes, one, 1, 0, 1, line);
      } else builders[j]!.push(text, s, e, dec, line);
    }
  };
  const onEnd = (fields: number, line: number): boolean => {
    readCsvWork.records++;
    if (pendingBad || fields > builders.length) {
      pendingBad = false;
      if (onBad === "error")
        throw new FrameError(
          `readCsv: line ${line} has ${fields} fields but the header has ${builders.length} (${names.slice(0, 8).join(", ")}${names.length > 8 ? ", ..." : ""}). Fix the row (an unquoted separator?), or pass onBadLines: "skip".`,
        );
      if (typeof onBad === "function") onBad({ line, fields, expected: builders.length });
      // roll back the fields (and field offsets) this row already wrote; a column whose type this
      // row changed is read again from the kept rows, so a skipped row leaves no trace
      for (const b of builders) if (b.n > rows) b.truncate(rows);
      markLen = rowMark[rows]!;
      const changed = [...new Set(promotedInRow)];
      promotedInRow = [];
      for (const b of changed) {
        const fresh = new Builder(b.name, b.col, b.forced, ctx);
        for (let i = 0; i < rows; i++) {
          if (b.col >= rowFields[i]!) {
            fresh.push("", 0, 0, "", 0);
            continue;
          }
          locate(i, b.col);
          fresh.push(text, fieldS, fieldE, fieldText, 0);
        }
        builders[b.col] = fresh;
      }
      promotedInRow = [];
      return rows < limit;
    }
    // a short row: the absent trailing fields read as empty fields, as pandas (missing under the
    // default NA markers, "" with keepDefaultNa: false); onShortRow sees each such row
    if (fields < builders.length) {
      opts.onShortRow?.({ line, fields, expected: builders.length });
      for (let j = fields; j < builders.length; j++) if (keep === null || keep[j] === 1) builders[j]!.push("", 0, 0, "", line);
    }
    rowFields[rows] = fields;
    promotedInRow.length = 0;
    rows++;
    return rows < limit && rows < (opts.nrows ?? Infinity);
  };
  // scanBytes hands scan one record at a time; `more`: onEnd's answer for it
  let more = true;
  const oneRecord = (fields: number, line: number): boolean => {
    more = onEnd(fields, line);
    return false;
  };
  /**
   * scan() over the bytes of ASCII text (the same offsets): blocks of simple records are read
   * column by column; any other record goes through scan, whose onField hands an unquoted field
   * of a known column to its builder's pushBlock, as a block of one.
   */
  const scanBytes = (b: Uint8Array, from: number, startLine: number): { pos: number; line: number } => {
    const to = total;
    let i = from,
      line = startLine;
    // Simple records (unquoted fields, as many as the header, one line each) are cut into a block
    // of field offsets first (cutBlock), then each column reads its fields of the block in one
    // loop (pushBlock): one type test per column and block instead of one per field. Any other
    // record ends the block and goes through scan, field by field.
    const nb = builders.length;
    const stopAt = Math.min(limit, opts.nrows ?? Infinity);
    const blockRows = Math.max(1, Math.min(4096, Math.floor((1 << 15) / Math.max(1, nb))));
    const seLen = 2 * blockRows * Math.max(1, nb);
    const fast = cutter?.bytes === b && seLen <= cutter.se.length ? cutter : null;
    const se = fast ? fast.se : new Int32Array(seLen);
    ctx.cutter = fast;
    const simple = nb > 0 && !headerless;
    while (i < to) {
      if (simple && !pendingBad && rows < stopAt) {
        const maxRows = Math.min(blockRows, stopAt - rows);
        const count = fast ? fast.cut(i, to, d, nb, maxRows) : cutBlock(b, i, to, d, nb, se, maxRows);
        if (count > 0) {
          // (a window's offsets are of its bytes; it may turn into the whole input while the block is read)
          const bb = fast ? fast.bytes : b,
            bse = fast ? fast.se : se,
            base = fast ? fast.base : 0,
            end = fast ? fast.end() : cutEnd;
          // the rows' field offsets (every MARK_EVERY-th field), as mark() keeps them
          const perRow = (nb + MARK_EVERY - 1) >> MARK_SHIFT;
          while (rows + count > rowMark.length) growRows();
          while (markLen + count * perRow > marks.length) marks = grown(marks, marks.length * 2);
          // (counted in locals: the closure's variables are written through its context)
          let ml = markLen,
            rw = rows;
          for (let r = 0; r < count; r++) {
            rowMark[rw] = ml;
            for (let j = 0, o = 2 * r * nb; j < nb; j += MARK_EVERY, o += 2 * MARK_EVERY) marks[ml++] = base + bse[o]!;
            rowFields[rw++] = nb;
          }
          markLen = ml;
          rows = rw;
          readCsvWork.records += count;
          for (let j = 0; j < nb; j++) if (keep === null || keep[j] === 1) builders[j]!.pushBlock(bb, bse, nb, j, count, line);
          promotedInRow.length = 0;
          line += count;
          i = end;
          if (rows >= stopAt) return { pos: i, line };
          continue;
        }
      }
      // any other record: scan reads it (and the blank or comment lines before it)
      ({ pos: i, line } = scan(T(), i, to, d, line, onField, oneRecord));
      if (!more) return { pos: i, line };
    }
    return { pos: i, line };
  };
  const r = none
    ? { pos: cursor.pos, line: cursor.line }
    : bytes
      ? scanBytes(bytes, cursor.pos, cursor.line)
      : scan(T(), cursor.pos, total, d, cursor.line, onField, onEnd);
  const cols = builders.map((b) => b.finish());
  const { kept, index: ic } = keptColumns(opts, names);
  const data = kept.filter((j) => !ic.includes(j));
  const { indexNames, tuples, levelNames } = cursor;
  const df = DataFrame.fromColumns(
    data.map((j) => names[j]!),
    data.map((j) => cols[j]!),
    ic.length
      ? multiIndex(
          ic.map((j) => cols[j]!),
          ic.map((j) => (indexNames ? indexNames[j]! : names[j]!)),
        )
      : undefined,
    tuples
      ? columnLevels(
          data.map((j) => tuples[j]!),
          levelNames!,
        )
      : null,
  );
  builders = [];
  const done = r.pos >= total;
  return { df, cursor: { ...cursor, pos: r.pos, line: r.line, names: cursor.names.length ? cursor.names : names }, done };
}

/**
 * Parse CSV text (or UTF-8 bytes) into a DataFrame, as pandas.read_csv: types inferred per column
 * (int64, float64, bool, else string), pandas' NA markers, quoted fields with embedded
 * separators, quotes and newlines.
 * @example
 * readCsv("a,b\n1,x\n2,y") // shape [2, 2]
 */
export function readCsv(input: string | Uint8Array, opts: ReadCsvOptions = {}): DataFrame {
  return readCsvWith(input, opts, null);
}

/** readCsv with another cutter of its simple records (the Node reader's). */
export function readCsvWith(input: string | Uint8Array, opts: ReadCsvOptions, cutter: BlockCutter | null): DataFrame {
  const { text, bytes, cursor } = openCsv(input, opts, cutter);
  return readRecords(text, cursor, opts, Infinity, bytes, cutter).df;
}

/**
 * readCsv of an ASCII input through a cutter that holds a window of it (the Node file reader's:
 * the records are cut and read as the window moves along, so the input is never in memory
 * whole unless a record or column needs its text). null where the window cannot start the read:
 * a header that does not end inside it (or fails there), a header of several rows, or options
 * that call back (the reader starts over from the whole input when the input is not ASCII after
 * all, and would call them twice). Not in the browser bundle (tree-shaken).
 */
export function readCsvWindowed(cutter: BlockCutter, opts: ReadCsvOptions): DataFrame | null {
  const b = cutter.bytes;
  if (typeof opts.onBadLines === "function" || opts.onShortRow || opts.onCoerce || (Array.isArray(opts.header) && opts.header.length > 1))
    return null;
  let cursor: CsvCursor;
  try {
    cursor = headerOfAscii(b, opts);
  } catch {
    return null;
  }
  // (the offsets of a block of a wider file do not fit the cutter's: the whole input would be cut in JS)
  if ((b.length < cutter.size! && cursor.pos > b.lastIndexOf(10) + 1) || cursor.names.length > 1 << 15) return null;
  return readRecords(null, cursor, opts, Infinity, b, cutter).df;
}

/**
 * The input as readRecords takes it, with its header read: ASCII bytes stay undecoded (text null;
 * only the header's lines become text), other bytes are decoded, and ASCII text is also encoded
 * so its records are scanned as bytes.
 */
function openCsv(
  input: string | Uint8Array,
  opts: ReadCsvOptions,
  cutter: BlockCutter | null = null,
): { text: string | null; bytes: Uint8Array | null; cursor: CsvCursor } {
  if (typeof input !== "string" && (cutter !== null && cutter.bytes === input ? cutter.ascii() : isAscii(input)))
    return { text: null, bytes: input, cursor: headerOfAscii(input, opts) };
  const text = typeof input === "string" ? input : decodeUtf8(input);
  const cursor = readHeader(text, opts);
  return { text, bytes: typeof input === "string" ? asciiBytes(text) : null, cursor };
}

/** Whether every byte is below 0x80 (four at a time where the bytes are aligned; Int32: no heap numbers). */
function isAscii(b: Uint8Array): boolean {
  const n = b.length;
  let i = 0;
  while (i < n && (b.byteOffset + i) % 4 !== 0) if (b[i++]! > 127) return false;
  const words = (n - i) >> 2;
  // no view when there are no whole words: i may then sit at an unaligned offset, where even an
  // empty Int32Array is refused
  const w = words > 0 ? new Int32Array(b.buffer, b.byteOffset + i, words) : new Int32Array(0);
  let acc = 0;
  for (let k = 0; k < words; k++) acc |= w[k]!;
  for (i += 4 * words; i < n; i++) acc |= b[i]!;
  return (acc & 0x80808080) === 0;
}

/**
 * readHeader for ASCII bytes, from the text of a prefix of them: one that the header's lines end
 * inside (a header line cut short reads to the prefix's end, or fails inside quotes; then a
 * longer prefix is tried). A header of several rows is read from the whole text, since the row
 * after it decides the index names.
 */
function headerOfAscii(b: Uint8Array, opts: ReadCsvOptions): CsvCursor {
  if (Array.isArray(opts.header) && opts.header.length > 1) return readHeader(decodeAscii(b), opts);
  for (let n = 1 << 16; n < b.length; n *= 4) {
    let cursor: CsvCursor | null = null;
    try {
      cursor = readHeader(decodeAscii(b.subarray(0, n)), opts);
    } catch {}
    if (cursor && cursor.pos < n) return cursor;
  }
  return readHeader(decodeAscii(b), opts);
}

/**
 * The bytes of `text` when it is all ASCII (each byte one character, so byte and character
 * offsets agree and the reader can scan the bytes), else null (the reader scans the text).
 * The text is encoded once: scanning bytes is about twice as fast as charCodeAt.
 */
function asciiBytes(text: string): Uint8Array | null {
  // UTF-8 spends two or more bytes on every character past ASCII (and three on a lone surrogate),
  // so a text that fills exactly text.length bytes is ASCII (encodeInto: ~4x encode's speed)
  const b = new Uint8Array(text.length);
  const r = new TextEncoder().encodeInto(text, b);
  return r.read === text.length && r.written === text.length ? b : null;
}

/**
 * Options for the chunks after the first: each column keeps the dtype the first chunk gave it
 * (or the one asked), so every chunk has the same dtypes. pandas' chunksize types each chunk on
 * its own, so an int column can turn float64 in the one chunk with a missing value; here a
 * missing value in a later chunk stays missing in an int64 column instead.
 */
function laterChunkOptions(opts: ReadCsvOptions, first: DataFrame, cursor: CsvCursor): ReadCsvOptions {
  if (typeof opts.dtype === "string") return opts; // one dtype for every column: already the same in each chunk
  opts = flatKeys(opts, cursor);
  const names = cursor.names;
  const dtype: Record<string, FrameDType> = {};
  first.names.forEach((k, j) => {
    dtype[k] = first.data[j]!.dtype;
  });
  keptColumns(opts, names).index.forEach((j, l) => {
    dtype[names[j]!] = indexLevels(first.index)[l]!.dtype;
  });
  return { ...opts, dtype: { ...dtype, ...(opts.dtype as Record<string, FrameDType> | undefined) } };
}

/**
 * readRecords for a chunk: the first (later: null) reads with opts; a later one with `later`
 * (laterChunkOptions), and its refusals say where the dtype came from.
 */
function readChunk(
  text: string | null,
  cursor: CsvCursor,
  opts: ReadCsvOptions,
  later: ReadCsvOptions | null,
  limit: number,
  bytes: Uint8Array | null = null,
): RecordsRead {
  if (!later) return readRecords(text, cursor, { ...opts, nrows: undefined }, limit, bytes);
  try {
    return readRecords(text, cursor, later, limit, bytes);
  } catch (e) {
    if (e instanceof FrameError && / is not a valid /.test(e.message))
      throw new FrameError(
        `${e.message} In a chunked read every chunk keeps the dtypes of the first chunk: pass dtype for this column (e.g. "float64" or "string") to fix it from the start.`,
      );
    throw e;
  }
}

/**
 * Read in frames of at most `chunkSize` rows (pandas' chunksize). The header is read once; the
 * first chunk's dtypes hold for every chunk (a value that does not fit is an error naming the
 * column and line; pass `dtype` for that column).
 */
export function* readCsvChunks(input: string | Uint8Array, opts: ReadCsvOptions & { chunkSize: number }): Generator<DataFrame> {
  const { text, bytes, cursor: first } = openCsv(input, opts);
  let cursor = first;
  const end = (text ?? bytes!).length;
  let left = opts.nrows ?? Infinity;
  let chunkOpts: ReadCsvOptions | null = null;
  while (cursor.pos < end && left > 0) {
    const limit = Math.min(opts.chunkSize, left);
    const r = readChunk(text, cursor, opts, chunkOpts, limit, bytes);
    if (r.df.length === 0) break;
    chunkOpts ??= { ...laterChunkOptions(opts, r.df, r.cursor), nrows: undefined };
    left -= r.df.length;
    yield r.df;
    cursor = r.cursor;
  }
}

/**
 * Read from a stream of text or byte pieces (a file larger than memory) in frames of at most
 * chunkSize rows. Only the current piece and one chunk are held at a time. As readCsvChunks, the
 * header is read once and every chunk has the first chunk's dtypes; records split across pieces
 * (inside quotes too) are reassembled.
 */
export async function* readCsvStream(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  opts: ReadCsvOptions & { chunkSize: number },
): AsyncGenerator<DataFrame> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const quote = (opts.quoteChar ?? '"').charCodeAt(0);
  // Text not parsed yet, kept as pieces and joined only when a chunk is parsed: appending to one
  // string and reading it would flatten the whole rope on every piece (quadratic for small pieces).
  // Each piece is scanned once for newlines outside quotes, so a parse starts only when the text
  // holds a whole chunk of records and never parses the same records twice.
  // ASCII bytes are held as bytes and parsed as readCsv parses them, decoding only where a record
  // needs text; the first piece that is a string or holds a byte past ASCII turns what is held
  // into text (ASCII, so byte and character offsets agree) and the rest of the stream is decoded
  let parts: string[] = [],
    byteParts: Uint8Array[] = [],
    partsLen = 0;
  let asBytes = quote < 128;
  let inQuote = false,
    records = 0,
    cutAt = -1;
  const quoteText = opts.quoteChar ?? '"';
  const joinBytes = (): Uint8Array => {
    if (byteParts.length === 1) return byteParts[0]!;
    const b = new Uint8Array(partsLen);
    let at = 0;
    for (const p of byteParts) {
      b.set(p, at);
      at += p.length;
    }
    return b;
  };
  const resetHeld = (): void => {
    parts = [];
    byteParts = [];
    partsLen = 0;
    inQuote = false;
    records = 0;
    cutAt = -1;
  };
  /** Leave byte mode: what is held (whole records from the start of a record, all ASCII) is counted again as text. */
  const toText = (): void => {
    if (!asBytes) return;
    asBytes = false;
    const held = joinBytes();
    resetHeld();
    if (held.length) note(decodeAscii(held));
  };
  /** Count the records a piece ends (newlines outside quotes) and hold it: text, or ASCII bytes while asBytes. */
  const note = (piece: string | Uint8Array): void => {
    const isText = typeof piece === "string";
    // most pieces hold no quote: their newlines are found by the native indexOf
    if (!inQuote && (quoteText === "" || (isText ? piece.indexOf(quoteText) : piece.indexOf(quote)) < 0)) {
      const nl = (isText ? "\n" : 10) as never;
      for (let i = piece.indexOf(nl); i >= 0; i = piece.indexOf(nl, i + 1)) {
        records++;
        cutAt = partsLen + i + 1;
      }
    } else
      for (let i = 0; i < piece.length; i++) {
        const c = isText ? piece.charCodeAt(i) : piece[i]!;
        if (c === quote) inQuote = !inQuote;
        else if (c === 10 && !inQuote) {
          records++;
          cutAt = partsLen + i + 1;
        }
      }
    if (isText) parts.push(piece);
    else byteParts.push(piece);
    partsLen += piece.length;
  };
  let cursor: CsvCursor | null = null;
  let left = opts.nrows ?? Infinity;
  let chunkOpts: ReadCsvOptions | null = null;
  // (a header of several rows may be followed by a row of index names)
  const headerLines =
    (opts.skipRows ?? 0) + (opts.header === null ? 0 : Math.max(...[opts.header ?? 0].flat()) + (Array.isArray(opts.header) ? 2 : 1));
  // newlines can outnumber records (blank or comment lines): a parse that could not fill a chunk
  // waits for twice the records before trying again, so such text is not re-read on every piece
  let wait = 0;
  const flush = function* (final: boolean): Generator<DataFrame> {
    const need = Math.max(wait, Math.min(opts.chunkSize, left) + (cursor ? 0 : headerLines));
    if (!final && (records < need || cutAt <= 0)) return;
    const buf = asBytes ? joinBytes() : parts.length === 1 ? parts[0]! : parts.join("");
    const cut = final || cutAt === buf.length ? buf.length : cutAt;
    const text = asBytes ? null : (buf as string).slice(0, cut);
    const bytes = asBytes ? (buf as Uint8Array).subarray(0, cut) : null;
    cursor ??= { ...(text === null ? headerOfAscii(bytes!, opts) : readHeader(text, opts)) };
    let yielded = false;
    while (left > 0 && cursor.pos < cut) {
      const limit = Math.min(opts.chunkSize, left);
      const r = readChunk(text, cursor, opts, chunkOpts, limit, bytes);
      if (r.df.length === 0) {
        cursor = r.cursor;
        break;
      }
      // a chunk that ends before the text does is full; a short one waits for more text unless final
      if (r.df.length < limit && !final && r.cursor.pos >= cut) break;
      left -= r.df.length;
      cursor = r.cursor;
      chunkOpts ??= { ...laterChunkOptions(opts, r.df, r.cursor), nrows: undefined };
      yielded = true;
      yield r.df;
    }
    // keep what was not read (less than a chunk, whole records) and count its records again
    // (sliced bytes are a copy, so the parsed text is not kept alive by the rest)
    const rest = buf.slice(cursor.pos);
    cursor = { ...cursor, pos: 0 };
    resetHeld();
    if (rest.length) note(rest);
    wait = yielded ? 0 : 2 * records;
  };
  let bytesRead = 0;
  const decode = (piece?: Uint8Array): string => {
    try {
      return decoder.decode(piece, { stream: piece !== undefined });
    } catch {
      throw new FrameError(
        `readCsvStream: the input is not valid UTF-8 (within bytes ${Math.max(0, bytesRead - 3)}..${bytesRead + (piece?.length ?? 0)} of the stream). Convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8), or decode it yourself and pass strings.`,
      );
    } finally {
      bytesRead += piece?.length ?? 0;
    }
  };
  for await (const piece of source as AsyncIterable<string | Uint8Array>) {
    // a copy: the source may refill its buffer (and a Node Buffer's slice is a view)
    const own = asBytes && typeof piece !== "string" ? new Uint8Array(piece) : null;
    if (own && isAscii(own)) {
      bytesRead += own.length;
      note(own);
    } else {
      toText();
      note(typeof piece === "string" ? piece : decode(piece));
    }
    yield* flush(false);
    if (left <= 0) return;
  }
  if (!asBytes) note(decode());
  yield* flush(true);
}
