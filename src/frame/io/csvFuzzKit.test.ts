// Test support for the CSV fuzzer (no tests of its own): a seeded generator of CSV
// texts, a plain RFC-4180 splitter written apart from readCsv, a model of pandas' typing rules
// over the split cells, and the judge that sorts each input into a class. Used by
// csv.fuzz.test.ts (a subset in npm test) and scripts/fuzzCsv.ts (the full run, `npm run
// fuzz:csv`). Named *.test.ts so the build leaves it out.

import { readCsv, readCsvStream, toCsv, type DataFrame, type ReadCsvOptions } from "../index.js";
import { cell } from "../column.js";
import { TensorloomError } from "../../tensor/errors.js";
import { rng } from "../../../test/support/rng.js";

// ---------------------------------------------------------------- generator

export interface FuzzCase {
  /** The CSV text, or its UTF-8 bytes (possibly made invalid). */
  input: string | Uint8Array;
  sep: string;
  /** Reading options besides sep (NA markers, header: null, nrows, usecols, onBadLines: "skip"). */
  opts: ReadCsvOptions;
  /** "valid": RFC-4180 with consistent rows, judged cell by cell; "bad": a reader error is expected; "noise": only crashes and round trips are judged. */
  kind: "valid" | "bad" | "noise";
  shape: string;
}

const NA_FORMS = ["", "NA", "NaN", "nan", "null", "NULL", "N/A", "n/a", "#N/A", "<NA>", "-NaN", "1.#QNAN"];
const TEXT_CHARS = ["a", "b", "Z", " ", "é", "中", "😀", "x", "-", ".", "'", "q", "None", "\ufeff"];
const SPECIAL = [",", ";", "\t", "|", '"', "\n", "\r", "\r\n"];
const SEPS = [",", ",", ",", ";", "\t", "|"];
const NAMES = ["a", "b", "c", "a.1", "x y", "", "val", "a", "Unnamed: 0", "名前", "n,m", 'q"t'];

type ColKind = "int" | "float" | "bool" | "text" | "date" | "intFloat" | "numText" | "boolText" | "na" | "bigInt";
const KINDS: ColKind[] = ["int", "float", "bool", "text", "date", "intFloat", "numText", "boolText", "na", "bigInt"];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function valueText(r: () => number, kind: ColKind, row: number, rows: number): string {
  const late = row >= rows / 2;
  switch (kind) {
    case "int":
      return String(Math.floor((r() - 0.5) * (r() < 0.2 ? 1e12 : 2000)));
    case "bigInt":
      return r() < 0.5 ? String(2 ** 53 + Math.floor(r() * 1000) * 2) : String(Math.floor(r() * 100));
    case "float": {
      const v = (r() - 0.5) * 10 ** Math.floor(r() * 12 - 6);
      const f = r();
      return f < 0.3
        ? String(v)
        : f < 0.5
          ? v.toExponential(Math.floor(r() * 8))
          : f < 0.7
            ? v.toFixed(Math.floor(r() * 4))
            : f < 0.75
              ? pick(r, ["inf", "-inf", "Infinity", "+inf", "-Infinity", ".5", "5.", "-0.0", "1E+05"])
              : v.toPrecision(1 + Math.floor(r() * 16));
    }
    case "intFloat":
      return late && r() < 0.5 ? (r() * 100).toFixed(2) : String(Math.floor(r() * 100));
    case "bool":
      return pick(r, ["True", "False", "TRUE", "FALSE", "true", "false"]);
    case "boolText":
      return late && r() < 0.3 ? "maybe" : pick(r, ["True", "false"]);
    case "numText":
      return late && r() < 0.3 ? pick(r, ["x", "1x", "-", ".", "1,5", "e5"]) : String(Math.floor(r() * 50));
    case "date":
      return `20${10 + Math.floor(r() * 20)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}${r() < 0.3 ? " 12:30:00" : ""}`;
    case "na":
      return "";
    case "text": {
      const n = Math.floor(r() * 6);
      let s = "";
      for (let k = 0; k < n; k++) s += r() < 0.15 ? pick(r, SPECIAL) : pick(r, TEXT_CHARS);
      return s;
    }
  }
}

/** A field as written: quoted when it must be (separator, quote, line break, or leading quote), sometimes when it need not. */
function writeField(r: () => number, s: string, sep: string): string {
  const must = s.includes(sep) || s.includes('"') || s.includes("\n") || s.includes("\r");
  return must || r() < 0.08 ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Case number `i` of the stream for `seed`: the same case every time. */
export function makeCase(seed: number, i: number): FuzzCase {
  const r = rng((seed * 1_000_003 + i * 7919) >>> 0);
  const roll = r();
  if (roll < 0.06) return noiseCase(r);
  const sep = pick(r, SEPS);
  const wide = r() < 0.02,
    tall = r() < 0.03;
  const cols = wide ? 50 + Math.floor(r() * 400) : 1 + Math.floor(r() * 6);
  const rows = tall ? 200 + Math.floor(r() * 1500) : Math.floor(r() * 12);
  const kinds = Array.from({ length: cols }, () => pick(r, KINDS));
  const naRate = r() < 0.5 ? 0 : r() * 0.4;
  const eol = pick(r, ["\n", "\n", "\r\n", "\r", "mixed"]);
  const trailingSep = r() < 0.08;
  const names = Array.from({ length: cols }, (_, j) => (wide ? `c${j}` : pick(r, NAMES)));
  const lines: string[] = [];
  // a record that would be a blank line is written as "" (one empty field), as pandas writes it
  const line = (fields: string[]) => {
    const text = fields.map((f) => writeField(r, f, sep)).join(sep) + (trailingSep ? sep : "");
    return /^[ \t]*$/.test(text) && !text.includes(sep) ? '""' : text;
  };
  lines.push(line(names));
  let bad = false;
  const extraRow = r() < 0.03 ? Math.floor(r() * rows) : -1;
  for (let i = 0; i < rows; i++) {
    let fields = kinds.map((k) => (r() < naRate || k === "na" ? pick(r, NA_FORMS) : valueText(r, k, i, rows)));
    const short = r() < 0.04 && fields.length > 1;
    if (short) fields = fields.slice(0, 1 + Math.floor(r() * (fields.length - 1)));
    let text = line(fields);
    if (i === extraRow && !short) {
      text += sep + "extra";
      bad = true;
    }
    lines.push(text);
    if (r() < 0.05) lines.push(r() < 0.7 ? "" : "  ");
  }
  const breaks = () => (eol === "mixed" ? pick(r, ["\n", "\r\n", "\r"]) : eol);
  let text = lines.map((l, k) => l + (k < lines.length - 1 ? breaks() : "")).join("");
  if (r() < 0.7) text += breaks();
  if (r() < 0.05) text = "\ufeff" + text;
  let unclosed = false;
  if (r() < 0.01) {
    text += (/[\r\n]$/.test(text) ? "" : "\n") + '"unclosed';
    unclosed = true;
  }
  const asBytes = r() < 0.1;
  const shape = `${wide ? "wide" : tall ? "tall" : "small"}`;
  // a quarter of the cases read with options, each drawn on its own
  const opts: ReadCsvOptions = {};
  if (r() < 0.25) {
    if (r() < 0.3) opts.keepDefaultNa = false;
    if (r() < 0.3) opts.naValues = ["-999", "x", "?", "maybe"].filter(() => r() < 0.5);
    if (r() < 0.15) opts.header = null;
    else if (r() < 0.3) {
      const final = modelNames(trailingSep ? [...names, ""] : names);
      opts.usecols = [...new Set(final.filter(() => r() < 0.5))].reverse();
      if (!opts.usecols.length) opts.usecols = [final[0]!];
    }
    if (r() < 0.3) opts.onBadLines = "skip";
    // (with nrows an unclosed quote at the end may never be reached: not drawn together)
    // biome-ignore lint/suspicious/noDuplicateElseIf: each r() is a fresh draw, not the condition above again
    else if (r() < 0.3 && !unclosed) opts.nrows = Math.floor(r() * (rows + 1));
  }
  return {
    input: asBytes ? new TextEncoder().encode(text) : text,
    sep,
    opts,
    kind: unclosed || (bad && opts.onBadLines !== "skip") ? "bad" : "valid",
    shape,
  };
}

/** Random characters from CSV's alphabet (quotes, separators, breaks, NA words), sometimes as broken UTF-8. */
function noiseCase(r: () => number): FuzzCase {
  const alphabet = [",", '"', "\n", "\r", "a", "1", ".", "-", "NA", " ", "\t", "e", "True", "\ufeff", "é", '""'];
  const n = Math.floor(r() * 60);
  let text = "";
  for (let k = 0; k < n; k++) text += pick(r, alphabet);
  if (r() < 0.3) {
    const b = new TextEncoder().encode(text);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    out[Math.floor(r() * out.length)] = pick(r, [0xff, 0xc3, 0x80, 0xe2, 0xf0]);
    return { input: out, sep: ",", opts: {}, kind: "noise", shape: "noise" };
  }
  return { input: text, sep: ",", opts: {}, kind: "noise", shape: "noise" };
}

// ---------------------------------------------------------------- reference splitter

export interface Split {
  rows: { cells: string[] }[];
}

/**
 * RFC 4180, character by character: a field is quoted (`""` inside is a quote, and the closing
 * quote must be followed by the separator, a line break or the end) or unquoted (up to the
 * separator or a line break). Records end at LF, CRLF or CR. pandas' reading rules applied on
 * top: a leading BOM is dropped, and lines that are empty or only spaces and tabs are skipped.
 * Returns a string saying why the text is not RFC 4180.
 */
export function splitRfc4180(text: string, sep: string): Split | string {
  let t = text;
  if (t.startsWith("\ufeff")) t = t.slice(1);
  const rows: { cells: string[] }[] = [];
  let i = 0;
  const n = t.length;
  while (i < n) {
    // a blank line (empty, or spaces and tabs that are not the separator) is skipped
    let k = i;
    while (k < n && (t[k] === " " || t[k] === "\t") && t[k] !== sep) k++;
    if (k >= n || t[k] === "\n" || t[k] === "\r") {
      if (k >= n) break;
      i = k + (t[k] === "\r" && t[k + 1] === "\n" ? 2 : 1);
      continue;
    }
    const cells: string[] = [];
    for (;;) {
      let value = "";
      if (t[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) return "a quoted field is never closed";
          if (t[i] === '"') {
            if (t[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          value += t[i];
          i++;
        }
        if (i < n && t[i] !== sep && t[i] !== "\n" && t[i] !== "\r") return "text after a closing quote";
      } else {
        while (i < n && t[i] !== sep && t[i] !== "\n" && t[i] !== "\r") {
          if (t[i] === '"') return "a quote inside an unquoted field";
          value += t[i];
          i++;
        }
      }
      cells.push(value);
      if (i < n && t[i] === sep) {
        i++;
        continue;
      }
      if (t[i] === "\r") {
        i++;
        if (t[i] === "\n") i++;
      } else if (t[i] === "\n") i++;
      break;
    }
    rows.push({ cells });
  }
  return { rows };
}

// ---------------------------------------------------------------- the typing model

/** pandas 1.5's STR_NA_VALUES. */
export const MODEL_NA = new Set([
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
]);
const INT_RE = /^ *[+-]?[0-9]+ *$/;
const FLOAT_RE = /^ *[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)? *$/;
const INF_RE = /^[+-]?(inf|infinity)$/i;
const BOOLS: Record<string, boolean> = { True: true, TRUE: true, true: true, False: false, FALSE: false, false: false };

export interface ModelFrame {
  names: string[];
  dtypes: string[];
  values: unknown[][];
}

/** pandas 1.5's header names: "Unnamed: j" for blanks, repeats numbered past names already in the header, given names before blanks. */
export function modelNames(raw: string[]): string[] {
  const out = raw.map((r, j) => (r === "" ? `Unnamed: ${j}` : r));
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  const named = raw.flatMap((r, j) => (r === "" ? [] : [j])),
    blank = raw.flatMap((r, j) => (r === "" ? [j] : []));
  for (const j of [...named, ...blank]) {
    const orig = out[j]!;
    let col = orig,
      cur = counts[orig] ?? 0;
    while (cur > 0) {
      counts[orig] = cur + 1;
      col = `${orig}.${cur}`;
      cur = out.includes(col) ? cur + 1 : (counts[col] ?? 0);
    }
    out[j] = col;
    counts[col] = cur + 1;
  }
  return out;
}

/** One column's dtype and values from its cell texts (null = absent), by pandas' rules. */
function modelColumn(cells: (string | null)[], naSet: Set<string>): { dtype: string; values: unknown[] } {
  if (cells.length === 0) return { dtype: "string", values: [] };
  const na = cells.map((c) => c === null || naSet.has(c));
  const present = cells.filter((_, i) => !na[i]) as string[];
  if (present.length === 0) return { dtype: "float64", values: cells.map(() => NaN) };
  const isInt = (s: string) => INT_RE.test(s) && Number.isSafeInteger(Number(s));
  const isNum = (s: string) => FLOAT_RE.test(s) || INF_RE.test(s);
  const num = (s: string) => (INF_RE.test(s) ? (s.startsWith("-") ? -Infinity : Infinity) : Number(s.trim()));
  if (present.every(isInt)) {
    const anyNa = na.some((x) => x);
    return { dtype: anyNa ? "float64" : "int64", values: cells.map((c, i) => (na[i] ? NaN : Number(c!.trim()))) };
  }
  if (present.every(isNum)) return { dtype: "float64", values: cells.map((c, i) => (na[i] ? NaN : num(c!))) };
  if (present.every((s) => s in BOOLS)) return { dtype: "bool", values: cells.map((c, i) => (na[i] ? null : BOOLS[c!])) };
  return { dtype: "string", values: cells.map((c, i) => (na[i] ? null : c)) };
}

/** What readCsv should return for a split text read with `opts`, or a string when it should refuse it. */
export function model(split: Split, opts: ReadCsvOptions = {}): ModelFrame | string {
  if (split.rows.length === 0) return { names: [], dtypes: [], values: [] };
  const headerless = opts.header === null;
  const head = headerless ? split.rows[0]!.cells.map((_, j) => String(j)) : modelNames(split.rows[0]!.cells);
  let body = headerless ? split.rows : split.rows.slice(1);
  const w = head.length;
  // rows are read until nrows are kept: a long row after that is never seen
  const kept: { cells: string[] }[] = [];
  for (const r of body) {
    if (kept.length >= (opts.nrows ?? Infinity)) break;
    if (r.cells.length <= w) kept.push(r);
    else if (opts.onBadLines !== "skip") return "a row has more fields than the header";
  }
  body = kept;
  const naSet = new Set([...(opts.keepDefaultNa === false ? [] : MODEL_NA), ...(opts.naValues ?? [])]);
  const keep = head.map((k) => !opts.usecols || opts.usecols.includes(k));
  const names = head.filter((_, j) => keep[j]);
  // an absent trailing field reads as an empty one, as pandas
  const cols = head.flatMap((_, j) =>
    keep[j]
      ? [
          modelColumn(
            body.map((r) => (j < r.cells.length ? r.cells[j]! : "")),
            naSet,
          ),
        ]
      : [],
  );
  return { names, dtypes: cols.map((c) => c.dtype), values: cols.map((c) => c.values) };
}

// ---------------------------------------------------------------- the judge

export type FuzzClass =
  | "ok"
  | "refused invalid"
  | "not a library error"
  | "silent difference"
  | "valid input refused"
  | "round trip changed data"
  | "hang";
export const CLASSES: FuzzClass[] = [
  "ok",
  "refused invalid",
  "not a library error",
  "silent difference",
  "valid input refused",
  "round trip changed data",
  "hang",
];

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || (a !== a && b !== b) || (a === 0 && b === 0);
  return a === b;
}

/** The first difference between a frame and a model frame, or null. */
export function frameDiff(df: DataFrame, m: ModelFrame): string | null {
  const names = df.columns;
  if (names.length !== m.names.length || names.some((k, j) => k !== m.names[j]))
    return `columns ${JSON.stringify(names.slice(0, 10))} != ${JSON.stringify(m.names.slice(0, 10))}`;
  const rows = m.values[0]?.length ?? 0;
  if (names.length && df.length !== rows) return `rows ${df.length} != ${rows}`;
  const data = df.data;
  for (let j = 0; j < names.length; j++) {
    const c = data[j]!;
    if (c.dtype !== m.dtypes[j]) return `column ${JSON.stringify(names[j])}: dtype ${c.dtype} != ${m.dtypes[j]}`;
    const want = m.values[j]!;
    for (let i = 0; i < rows; i++) {
      const got = cell(c, i);
      if (!sameValue(got, want[i]))
        return `column ${JSON.stringify(names[j])} row ${i}: ${JSON.stringify(got)} != ${JSON.stringify(want[i])}`;
    }
  }
  return null;
}

/** Two frames hold the same names, dtypes and cells. */
export function framesDiff(a: DataFrame, b: DataFrame): string | null {
  const m: ModelFrame = {
    names: a.columns,
    dtypes: a.data.map((c) => c.dtype),
    values: a.data.map((c) => Array.from({ length: a.length }, (_, i) => cell(c, i))),
  };
  return frameDiff(b, m);
}

export interface Verdict {
  cls: FuzzClass;
  detail?: string;
}

/** Drain readCsvStream synchronously (its source here is an array, so every step resolves at once). */
async function streamFrames(pieces: Uint8Array[]): Promise<DataFrame[]> {
  const out: DataFrame[] = [];
  for await (const df of readCsvStream(pieces, { chunkSize: 1 << 30 })) out.push(df);
  return out;
}

/**
 * readCsvStream over the bytes cut into pieces at random places (multi-byte characters and a BOM
 * split across pieces) must give what readCsv gives, or refuse with a library error when it does.
 */
export async function judgeStream(c: FuzzCase, seed: number): Promise<Verdict> {
  if (c.sep !== "," || Object.keys(c.opts).length) return { cls: "ok" };
  const bytes = typeof c.input === "string" ? new TextEncoder().encode(c.input) : c.input;
  const r = rng(seed);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(r() * 7);
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  let whole: DataFrame | null = null;
  try {
    whole = readCsv(bytes);
  } catch {
    /* judged by judge() */
  }
  let frames: DataFrame[];
  try {
    frames = await streamFrames(pieces);
  } catch (e) {
    if (!(e instanceof TensorloomError))
      return { cls: "not a library error", detail: `readCsvStream: ${String((e as Error)?.stack ?? e)}` };
    return whole
      ? { cls: "valid input refused", detail: `readCsvStream refused what readCsv reads: ${(e as Error).message}` }
      : { cls: "ok" };
  }
  if (!whole) return frames.length ? { cls: "silent difference", detail: "readCsvStream read what readCsv refuses" } : { cls: "ok" };
  if (whole.length === 0)
    return frames.length <= 1 ? { cls: "ok" } : { cls: "silent difference", detail: `readCsvStream gave ${frames.length} frames` };
  if (frames.length !== 1)
    return { cls: "silent difference", detail: `readCsvStream gave ${frames.length} frames for ${whole.length} rows` };
  const d = framesDiff(whole, frames[0]!);
  return d ? { cls: "silent difference", detail: `readCsvStream: ${d}` } : { cls: "ok" };
}

/** Read one case and judge it. */
export function judge(c: FuzzCase): Verdict {
  const text =
    typeof c.input === "string"
      ? c.input
      : (() => {
          try {
            return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(c.input);
          } catch {
            return null;
          }
        })();
  let df: DataFrame;
  try {
    df = readCsv(c.input, { ...c.opts, sep: c.sep });
  } catch (e) {
    if (!(e instanceof TensorloomError)) return { cls: "not a library error", detail: String((e as Error)?.stack ?? e) };
    if (c.kind === "valid" && text !== null) return { cls: "valid input refused", detail: (e as Error).message };
    return { cls: "refused invalid" };
  }
  if (text === null) return { cls: "silent difference", detail: "invalid UTF-8 was read" };
  if (c.kind !== "noise") {
    const split = splitRfc4180(text, c.sep);
    const m = typeof split === "string" ? split : model(split, c.opts);
    if (typeof m === "string")
      return c.kind === "bad"
        ? { cls: "silent difference", detail: `read a text that should be refused (${m})` }
        : { cls: "silent difference", detail: `the generator made a text the model refuses (${m})` };
    const d = frameDiff(df, m);
    if (d) return { cls: "silent difference", detail: d };
  }
  // readCsv -> toCsv -> readCsv keeps names, dtypes and cells. Without NA markers a missing cell
  // and "" are both written as nothing, so keepDefaultNa: false frames are not round-tripped.
  if (c.opts.keepDefaultNa === false) return { cls: "ok" };
  let back: DataFrame;
  try {
    back = readCsv(toCsv(df, { index: false, sep: c.sep }), { sep: c.sep, naValues: c.opts.naValues });
  } catch (e) {
    return { cls: "round trip changed data", detail: `the written text is refused: ${(e as Error).message}` };
  }
  const d = framesDiff(df, back);
  if (d) return { cls: "round trip changed data", detail: d };
  return { cls: "ok" };
}

export interface FuzzSummary {
  seed: number;
  from: number;
  count: number;
  counts: Record<FuzzClass, number>;
  shapes: Record<string, number>;
  failures: { i: number; cls: FuzzClass; detail: string; input: string }[];
}

/** Run cases [from, from + count) in this process; `progress(i)` is told before each case. */
export async function runCases(seed: number, from: number, count: number, progress?: (i: number) => void): Promise<FuzzSummary> {
  const counts = Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<FuzzClass, number>;
  const shapes: Record<string, number> = {};
  const failures: FuzzSummary["failures"] = [];
  for (let i = from; i < from + count; i++) {
    progress?.(i);
    const c = makeCase(seed, i);
    shapes[c.shape] = (shapes[c.shape] ?? 0) + 1;
    let v = judge(c);
    // every fifth case is also read as a stream of byte pieces
    if (v.cls === "ok" || v.cls === "refused invalid") {
      const sv = i % 5 === 0 ? await judgeStream(c, seed ^ i) : { cls: "ok" as const };
      if (sv.cls !== "ok") v = sv;
    }
    counts[v.cls]++;
    if (v.cls !== "ok" && v.cls !== "refused invalid" && failures.length < 20) {
      failures.push({
        i,
        cls: v.cls,
        detail: v.detail ?? "",
        input: typeof c.input === "string" ? c.input.slice(0, 400) : `bytes ${Array.from(c.input.slice(0, 100)).join(",")}`,
      });
    }
  }
  return { seed, from, count, counts, shapes, failures };
}

// ---------------------------------------------------------------- runs in a child process

/**
 * Run cases [from, from + count) in child processes (scripts/fuzzCsv.ts --child) under a
 * watchdog: a case that makes no progress for `hangMs` is counted as a hang, recorded, and the
 * run goes on from the next case in a fresh child. (A hang cannot be caught in-process.)
 */
export async function runWithWatchdog(
  seed: number,
  from: number,
  count: number,
  hangMs = 20_000,
  childArgs: string[] = [],
): Promise<FuzzSummary> {
  const { spawn } = await import("node:child_process");
  const script = new URL("../../../scripts/fuzzCsv.ts", import.meta.url).pathname;
  const total: FuzzSummary = {
    seed,
    from,
    count,
    counts: Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<FuzzClass, number>,
    shapes: {},
    failures: [],
  };
  let next = from;
  const end = from + count;
  while (next < end) {
    const result = await new Promise<{ summary: FuzzSummary | null; last: number }>((resolve) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", script, "--child", "--seed", String(seed), "--from", String(next), "--count", String(end - next), ...childArgs],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let last = next - 1,
        buf = "",
        summary: FuzzSummary | null = null;
      let timer = setTimeout(() => child.kill("SIGKILL"), Math.max(60_000, hangMs)); // start-up (tsx) is slow on a busy machine
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const lineText = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (lineText.startsWith("SUMMARY ")) summary = JSON.parse(lineText.slice(8)) as FuzzSummary;
          else if (lineText) {
            last = Number(lineText);
            clearTimeout(timer);
            timer = setTimeout(() => child.kill("SIGKILL"), hangMs);
          }
        }
      });
      child.on("close", () => {
        clearTimeout(timer);
        resolve({ summary, last });
      });
    });
    if (result.summary) {
      for (const k of CLASSES) total.counts[k] += result.summary.counts[k];
      for (const [k, v] of Object.entries(result.summary.shapes)) total.shapes[k] = (total.shapes[k] ?? 0) + v;
      total.failures.push(...result.summary.failures);
      break;
    }
    if (result.last < next) throw new Error(`csv fuzz: the child process for cases ${next}.. stopped before its first case`);
    // the child stopped answering (or died) while on case `last`: a hang; the cases before it are re-run
    const hung = result.last;
    const before = hung > next ? await runWithWatchdog(seed, next, hung - next, hangMs, childArgs) : null;
    if (before) {
      for (const k of CLASSES) total.counts[k] += before.counts[k];
      for (const [k, v] of Object.entries(before.shapes)) total.shapes[k] = (total.shapes[k] ?? 0) + v;
      total.failures.push(...before.failures);
    }
    const c = makeCase(seed, hung);
    total.counts.hang++;
    total.shapes[c.shape] = (total.shapes[c.shape] ?? 0) + 1;
    total.failures.push({
      i: hung,
      cls: "hang",
      detail: `no answer within ${hangMs} ms`,
      input: typeof c.input === "string" ? c.input.slice(0, 400) : "bytes",
    });
    next = hung + 1;
  }
  return total;
}
