// The safetensors fuzzer's parts, shared by src/io/safetensors.fuzz.test.ts (a subset in npm test)
// and scripts/fuzzSafetensors.ts (the full run): a generator of valid files and their mutations,
// an oracle that states the format's rules on its own (its own UTF-8 decoder, JSON tokenizer and
// checks, written from the format's text, not from src/io), and a check of the library against
// the oracle that sorts each input into a class.
//
// The rules the oracle states (the published format; the reference reader where the format is
// silent; see src/io/safetensors.ts for the library's statement):
//  R1  at least 8 bytes; the little-endian u64 N at 0 is <= 100,000,000 and 8 + N <= file length
//  R2  the N header bytes are UTF-8 (no overlongs, surrogates or code points above U+10FFFF)
//  R3  the header's first byte is "{"; the header is one JSON value (RFC 8259 grammar) with only
//      JSON whitespace after it, nested at most 127 deep, numbers finite as doubles, no string
//      that decodes to an unpaired surrogate, no object with a duplicate key
//  R4  "__metadata__" is null or an object whose values are all strings
//  R5  every other key is a tensor: an object with "dtype" (one of the format's 22 names),
//      "shape" (JSON integers in [0, 2^64)) and "data_offsets" (exactly two such integers);
//      other fields are ignored
//  R6  numel (folded left from 1) and numel * bits stay below 2^64; bits is a multiple of 8
//  R7  sorted by (begin, end) the tensors tile [0, data length): each begins where the previous
//      ended, end >= begin, end - begin = bits / 8, the last ends at the data's end
//  and where tensorloom's types cannot follow (counted apart, as "ok-type-refused"):
//  T1  dims above 2^53 - 1 (valid only with numel 0) are refused: shapes are JS numbers
//  T2  F4, F6_*, F8_*, C64 have no tensorloom type and are refused; integers narrow to int32 and a
//      value outside int32 is refused; F16/BF16 widen to float32
//  and for the writer (encodeSafetensors on random dicts, generateDict): a dict is writable unless
//  W1 a tensor is named "__metadata__", W2 a name is not Unicode (an unpaired surrogate), W3 a dim
//  is not an integer in [0, 2^53), W4/W5 R6 fails, W6 the byte length is not the shape's, W7 the
//  metadata is not string to string; what it writes must pass R1-R7 and hold the dict.

import { Worker } from "node:worker_threads";
import { TensorloomError } from "../../src/tensor/errors.js";
import * as io from "../../src/io/index.js";
import { type Rng, rng } from "./rng.js";

// ---------------------------------------------------------------- random numbers

/** Input i of a run uses seed ^ hash(i), so any input replays alone. */
export function rngFor(seed: number, index: number): Rng {
  return rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}
const int = (r: Rng, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

// ---------------------------------------------------------------- the oracle

const BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
};
export const ALL_DTYPES = Object.keys(BITS);
const TWO64 = 1n << 64n;

export type Verdict =
  | { ok: false; rule: string }
  | { ok: true; tensors: { name: string; dtype: string; shape: bigint[]; bytes: Uint8Array }[]; metadata: [string, string][] };

/** Code points of strict UTF-8, or undefined (R2). */
function utf8(b: Uint8Array): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let need: number, cp: number, min: number;
    if (c < 0x80) {
      out.push(c);
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else return undefined;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    out.push(cp);
    i += need + 1;
  }
  return out;
}

type JV =
  | { t: "obj"; pairs: [string, JV][] }
  | { t: "arr"; items: JV[] }
  | { t: "str"; s: string }
  | { t: "num"; lex: string }
  | { t: "lit"; v: string };

/** A refusal, thrown as a plain object: an Error would capture a stack trace per input. */
class Reject {
  constructor(readonly rule: string) {}
}
const no = (rule: string): never => {
  throw new Reject(rule);
};

const TOKEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON's grammar refuses raw U+0000-U+001F inside a string
  /([ \t\n\r]+)|([{}[\],:])|("(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(true|false|null)/y;

function tokenize(text: string): { k: string; v: string }[] {
  const toks: { k: string; v: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m || m.index !== at) return no("R3 not a JSON token");
    if (m[1]) continue;
    if (m[2]) toks.push({ k: m[2], v: m[2] });
    else if (m[3]) toks.push({ k: "str", v: m[3] });
    else if (m[4]) toks.push({ k: "num", v: m[4] });
    else toks.push({ k: "lit", v: m[5]! });
  }
  return toks;
}

function unquote(lit: string): string {
  const s = lit
    .slice(1, -1)
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) =>
      e.length === 5
        ? String.fromCharCode(parseInt(e.slice(1), 16))
        : (({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e] ?? e),
    );
  // an escaped high surrogate must be followed by an escaped low one: what remains unpaired is refused
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) no("R3 unpaired surrogate");
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) no("R3 unpaired surrogate");
  }
  return s;
}

function parseJson(text: string): JV {
  const toks = tokenize(text);
  let p = 0;
  const value = (depth: number): JV => {
    const tk = toks[p++];
    if (!tk) return no("R3 unexpected end");
    if (tk.k === "{" || tk.k === "[") {
      if (depth + 1 > 127) no("R3 nested too deep");
      const close = tk.k === "{" ? "}" : "]";
      const pairs: [string, JV][] = [];
      const items: JV[] = [];
      if (toks[p]?.k === close) p++;
      else {
        for (;;) {
          if (tk.k === "{") {
            const key = toks[p++];
            if (key?.k !== "str") no("R3 object key is not a string");
            const k = unquote(key!.v);
            if (pairs.some(([q]) => q === k)) no("R3 duplicate key");
            if (toks[p++]?.k !== ":") no("R3 missing colon");
            pairs.push([k, value(depth + 1)]);
          } else items.push(value(depth + 1));
          const sep = toks[p++]?.k;
          if (sep === close) break;
          if (sep !== ",") no("R3 missing comma");
        }
      }
      return tk.k === "{" ? { t: "obj", pairs } : { t: "arr", items };
    }
    if (tk.k === "str") return { t: "str", s: unquote(tk.v) };
    if (tk.k === "num") {
      if (!Number.isFinite(parseFloat(tk.v))) no("R3 number out of range");
      return { t: "num", lex: tk.v };
    }
    if (tk.k === "lit") return { t: "lit", v: tk.v };
    return no("R3 unexpected token");
  };
  const v = value(0);
  if (p !== toks.length) no("R3 text after the value");
  return v;
}

const uint = (v: JV | undefined): bigint => {
  if (v?.t !== "num" || !/^[0-9]+$/.test(v.lex)) return no("R5 not a JSON integer >= 0");
  const n = BigInt(v.lex);
  if (n >= TWO64) no("R5 integer >= 2^64");
  return n;
};

/** The format's verdict on a file (R1-R7). */
export function judge(file: Uint8Array): Verdict {
  try {
    if (file.length < 8) no("R1 shorter than 8 bytes");
    let n = 0n;
    for (let i = 7; i >= 0; i--) n = (n << 8n) | BigInt(file[i]!);
    if (n > 100_000_000n) no("R1 header length over the limit");
    if (8n + n > BigInt(file.length)) no("R1 header past the end");
    const hb = file.subarray(8, 8 + Number(n));
    const cps = utf8(hb);
    if (!cps) no("R2 not UTF-8");
    if (hb[0] !== 0x7b) no("R3 does not start with {");
    let text = "";
    for (const cp of cps!) text += String.fromCodePoint(cp);
    const top = parseJson(text);
    if (top.t !== "obj") no("R3 not an object");
    const data = file.subarray(8 + Number(n));
    const metadata: [string, string][] = [];
    const entries: { name: string; dtype: string; shape: bigint[]; b: bigint; e: bigint }[] = [];
    for (const [name, v] of (top as { pairs: [string, JV][] }).pairs) {
      if (name === "__metadata__") {
        if (v.t === "lit" && v.v === "null") continue;
        if (v.t !== "obj") no("R4 metadata not an object");
        for (const [k, x] of (v as { pairs: [string, JV][] }).pairs) {
          if (x.t !== "str") no("R4 metadata value not a string");
          metadata.push([k, (x as { s: string }).s]);
        }
        continue;
      }
      if (v.t !== "obj") no("R5 tensor entry not an object");
      const f = new Map((v as { pairs: [string, JV][] }).pairs);
      const dt = f.get("dtype");
      if (dt?.t !== "str" || !Object.hasOwn(BITS, dt.s)) no("R5 unknown or missing dtype");
      const sh = f.get("shape");
      if (sh?.t !== "arr") no("R5 shape not an array");
      const shape = (sh as { items: JV[] }).items.map(uint);
      const off = f.get("data_offsets");
      if (off?.t !== "arr" || off.items.length !== 2) no("R5 data_offsets not a pair");
      const [b, e] = (off as { items: JV[] }).items.map(uint) as [bigint, bigint];
      entries.push({ name, dtype: (dt as { s: string }).s, shape, b, e });
    }
    const order = entries.slice().sort((x, y) => (x.b !== y.b ? (x.b < y.b ? -1 : 1) : x.e === y.e ? 0 : x.e < y.e ? -1 : 1));
    let cursor = 0n;
    for (const t of order) {
      if (t.b !== cursor || t.e < t.b) no("R7 gap, overlap or reversed offsets");
      let numel = 1n;
      for (const d of t.shape) {
        numel *= d;
        if (numel >= TWO64) no("R6 element count overflows");
      }
      const bits = numel * BigInt(BITS[t.dtype]!);
      if (bits >= TWO64) no("R6 bit count overflows");
      if (bits % 8n) no("R6 not whole bytes");
      if (t.e - t.b !== bits / 8n) no("R7 size does not match shape and dtype");
      cursor = t.e;
    }
    if (cursor !== BigInt(data.length)) no("R7 data not covered exactly");
    return {
      ok: true,
      metadata,
      tensors: entries.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: data.subarray(Number(t.b), Number(t.e)) })),
    };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, rule: e.rule };
    throw e;
  }
}

/** What a state dict holds for one accepted tensor (T2), or why tensorloom refuses it. */
export function expectedValues(t: {
  dtype: string;
  shape: bigint[];
  bytes: Uint8Array;
}): { dtype: string; values: number[] } | { refuse: string } {
  const v = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const n = t.bytes.length / (BITS[t.dtype]! / 8);
  const each = (f: (i: number) => number) => Array.from({ length: Math.floor(n) }, (_, i) => f(i));
  const narrow = (x: bigint | number) => (x >= -2147483648 && x <= 2147483647 ? Number(x) : NaN);
  const half = (h: number) => {
    const sign = h >> 15 ? -1 : 1,
      exp = (h >> 10) & 31,
      man = h & 1023;
    return exp === 31 ? (man ? NaN : sign * Infinity) : exp === 0 ? (sign * man) / 16777216 : sign * 2 ** (exp - 25) * (1024 + man);
  };
  const f32 = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
  let out: { dtype: string; values: number[] };
  switch (t.dtype) {
    case "F64":
      out = { dtype: "float64", values: each((i) => v.getFloat64(8 * i, true)) };
      break;
    case "F32":
      out = { dtype: "float32", values: each((i) => v.getFloat32(4 * i, true)) };
      break;
    case "F16":
      out = { dtype: "float32", values: each((i) => half(v.getUint16(2 * i, true))) };
      break;
    case "BF16":
      out = { dtype: "float32", values: each((i) => f32(v.getUint16(2 * i, true) * 65536)) };
      break;
    case "BOOL":
      out = { dtype: "bool", values: each((i) => (v.getUint8(i) === 0 ? 0 : 1)) };
      break;
    case "U8":
    case "I8":
    case "U16":
    case "I16":
    case "I32":
    case "U32":
    case "I64":
    case "U64": {
      const read = {
        U8: (i: number) => v.getUint8(i),
        I8: (i: number) => v.getInt8(i),
        U16: (i: number) => v.getUint16(2 * i, true),
        I16: (i: number) => v.getInt16(2 * i, true),
        I32: (i: number) => v.getInt32(4 * i, true),
        U32: (i: number) => v.getUint32(4 * i, true),
        I64: (i: number) => v.getBigInt64(8 * i, true),
        U64: (i: number) => v.getBigUint64(8 * i, true),
      }[t.dtype];
      out = { dtype: "int32", values: each((i) => narrow(read(i))) };
      if (out.values.some(Number.isNaN)) return { refuse: "T2 integer outside int32" };
      break;
    }
    default:
      return { refuse: "T2 no tensorloom type" };
  }
  return out;
}

// ---------------------------------------------------------------- the generator

const NAMES = [
  "w",
  "bias",
  "layer.0.weight",
  "bn.running_mean",
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "prototype",
  "__defineGetter__",
  "__metadata__x",
  "",
  " ",
  "0",
  "9",
  "10",
  "1e3",
  "-1",
  "é",
  "日本語",
  "😀",
  'a"b',
  "a\\b",
  "line\nbreak",
  "\u0000",
  "tab\t",
  "/slash",
  "\u007f",
  "\u2028",
  "\ufeff",
];
const META_KEYS = ["format", "__proto__", "constructor", "", "note", "😀", 'a"b', "toString"];

/** A header's parts as JSON text, edited by the mutations before they are joined. */
interface Model {
  /** [key as JSON text, value as JSON text] in file order. */
  entries: [string, string][];
  data: Uint8Array;
  ws: () => string;
}

const q = (s: string) => JSON.stringify(s);

/** A JSON string literal for s, sometimes with escapes a writer would not use. */
function quoteOddly(r: Rng, s: string): string {
  if (r() < 0.7) return q(s);
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c < 0x20 || r() < 0.3) {
      out +=
        c > 0xffff
          ? [0, 1].map((k) => "\\u" + ch.charCodeAt(k).toString(16).padStart(4, "0")).join("")
          : "\\u" +
            c
              .toString(16)
              .padStart(4, r() < 0.5 ? "0" : "0")
              .replace(/[a-f]/g, (x) => (r() < 0.5 ? x.toUpperCase() : x));
    } else if (ch === "/" && r() < 0.5) out += "\\/";
    else out += ch;
  }
  return out + '"';
}

function shapeFor(r: Rng, dtype: string): number[] {
  const rank = int(r, 4);
  const shape = Array.from({ length: rank }, () => (r() < 0.12 ? 0 : 1 + int(r, 4)));
  const bits = BITS[dtype]!;
  // sub-byte dtypes must fill whole bytes: pad the element count to a multiple that does
  const unit = bits === 4 ? 2 : bits === 6 ? 4 : 1;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel % unit !== 0) shape.push(unit);
  return shape;
}

/** A zero-size tensor may have dims beyond 2^53 (valid while the running product stays below 2^64). */
function shapeText(r: Rng, shape: number[]): string[] {
  const text = shape.map(String);
  if (shape.includes(0) && r() < 0.3) text.splice(int(r, text.length + 1), 0, pick(r, HUGE));
  return text;
}

function randomBytes(r: Rng, n: number, dtype: string): Uint8Array {
  const b = new Uint8Array(n);
  const mode = int(r, 3);
  if (mode === 0) for (let i = 0; i < n; i++) b[i] = int(r, 256);
  else if (mode === 1 && dtype === "F32")
    for (let i = 0; i + 4 <= n; i += 4) new DataView(b.buffer).setFloat32(i, pick(r, [NaN, -0, Infinity, 1e-45, 3.4e38, 1]), true);
  else for (let i = 0; i < n; i++) b[i] = pick(r, [0, 1, 0x7f, 0x80, 0xff]);
  if (dtype === "BOOL" && r() < 0.7) for (let i = 0; i < n; i++) b[i]! &= 1;
  return b;
}

function validModel(r: Rng): Model {
  const count = r() < 0.1 ? 0 : 1 + int(r, 5);
  const names = new Set<string>();
  while (names.size < count) names.add(r() < 0.8 ? pick(r, NAMES) : `t${int(r, 1000)}`);
  const dtypeBias = r() < 0.5 ? ["F32", "F64", "I64", "I32", "BOOL", "F16", "BF16", "U8"] : ALL_DTYPES;
  const tensors = [...names].map((name) => {
    const dtype = pick(r, dtypeBias);
    const shape = shapeFor(r, dtype);
    const n = (shape.reduce((a, b) => a * b, 1) * BITS[dtype]!) / 8;
    return { name, dtype, shape, bytes: randomBytes(r, n, dtype) };
  });
  // offsets in one random order, header entries in another (readers sort by offsets)
  const byOffset = tensors.slice().sort(() => r() - 0.5);
  let at = 0;
  const offsets = new Map<string, [number, number]>();
  for (const t of byOffset) {
    offsets.set(t.name, [at, at + t.bytes.length]);
    at += t.bytes.length;
  }
  const data = new Uint8Array(at);
  for (const t of byOffset) data.set(t.bytes, offsets.get(t.name)![0]);
  const spaced = r() < 0.2;
  const ws = () => (spaced ? pick(r, ["", " ", "\n", "\t", "\r\n  "]) : "");
  const entries: [string, string][] = tensors
    .sort(() => r() - 0.5)
    .map((t) => {
      const fields: [string, string][] = [
        [quoteOddly(r, "dtype"), q(t.dtype)],
        [quoteOddly(r, "shape"), `[${shapeText(r, t.shape).join(`,${ws()}`)}]`],
        [quoteOddly(r, "data_offsets"), `[${offsets.get(t.name)!.join(",")}]`],
      ];
      fields.sort(() => r() - 0.5);
      return [quoteOddly(r, t.name), `{${fields.map(([k, v]) => `${k}:${ws()}${v}`).join(",")}}`] as [string, string];
    });
  const m = int(r, 5);
  if (m > 0) {
    const meta =
      m === 1
        ? "null"
        : m === 2
          ? "{}"
          : `{${[...new Set(Array.from({ length: 1 + int(r, 3) }, () => pick(r, META_KEYS)))].map((k) => `${quoteOddly(r, k)}:${q(pick(r, ["pt", "", "1", "😀", "x\ny"]))}`).join(",")}}`;
    entries.splice(int(r, entries.length + 1), 0, [q("__metadata__"), meta]);
  }
  return { entries, data, ws };
}

function assemble(m: Model, r: Rng, pad = true): Uint8Array {
  const text = `{${m.ws()}${m.entries.map(([k, v]) => `${k}:${m.ws()}${v}`).join(`,${m.ws()}`)}${m.ws()}}`;
  let h = new TextEncoder().encode(text);
  if (pad) {
    const padded = new Uint8Array(Math.ceil(h.length / 8) * 8 + (r() < 0.1 ? 8 : 0)).fill(0x20);
    padded.set(h);
    h = padded;
  }
  const out = new Uint8Array(8 + h.length + m.data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(m.data, 8 + h.length);
  return out;
}

const HUGE = ["18446744073709551615", "18446744073709551616", "9007199254740993", "1152921504606846976", "4294967296"];
const BAD_INTS = ["-1", "1.0", "1e0", "-0", '"2"', "null", "true", "01", "1e400", "0.5"];

/** Header edits: each returns a short label. */
const headerEdits: ((m: Model, r: Rng) => string)[] = [
  (m, r) => {
    // an offset moved, swapped or replaced
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const kind = int(r, 4);
    m.entries[i]![1] = m.entries[i]![1].replace(/"data_offsets":\s*\[(\d+),(\d+)\]/, (_, b: string, e: string) => {
      const B = Number(b),
        E = Number(e);
      const pair =
        kind === 0 ? [B + pick(r, [-1, 1, 8]), E] : kind === 1 ? [B, E + pick(r, [-1, 1])] : kind === 2 ? [E, B] : [B, pick(r, HUGE)];
      return `"data_offsets":[${pair.join(",")}]`;
    });
    return "offset";
  },
  (m, r) => {
    // offsets of two tensors swapped
    const i = tensorIndex(m, r),
      j = tensorIndex(m, r);
    if (i < 0 || j < 0) return "none";
    const re = /"data_offsets":\s*\[[^\]]*\]/;
    const a = re.exec(m.entries[i]![1])?.[0],
      b = re.exec(m.entries[j]![1])?.[0];
    if (!a || !b) return "none";
    m.entries[i]![1] = m.entries[i]![1].replace(re, b);
    m.entries[j]![1] = m.entries[j]![1].replace(re, a);
    return "swap-offsets";
  },
  (m, r) => {
    // another dtype, valid or not
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const d = r() < 0.7 ? q(pick(r, ALL_DTYPES)) : pick(r, ['"F8"', '"f32"', '""', "5", "null", '"F32 "', '"U128"', '"F\\u0033\\u0032"']);
    m.entries[i]![1] = m.entries[i]![1].replace(/"dtype":\s*"[^"]*"/, `"dtype":${d}`);
    return "dtype";
  },
  (m, r) => {
    // a shape changed
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const s = pick(r, [
      () => `[${pick(r, BAD_INTS)}]`,
      () => `[${pick(r, HUGE)},0]`,
      () => `[0,${pick(r, HUGE)}]`,
      () => `[${pick(r, HUGE)},${pick(r, HUGE)},0]`,
      () => "[]",
      () => "[0]",
      () => `[${int(r, 9)},${int(r, 3)}]`,
      () => '"2"',
      () => "{}",
      () => "null",
      () => "[[1]]",
    ])();
    m.entries[i]![1] = m.entries[i]![1].replace(/"shape":\s*\[[^\]]*\]/, `"shape":${s}`);
    return "shape";
  },
  (m, r) => {
    // offsets of another length or type
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const s = pick(r, ["[0]", "[0,0,0]", "[]", '["0","0"]', "[0.0,0]", "null", "{}", "[-0,0]", `[0,${pick(r, BAD_INTS)}]`]);
    m.entries[i]![1] = m.entries[i]![1].replace(/"data_offsets":\s*\[[^\]]*\]/, `"data_offsets":${s}`);
    return "offset-form";
  },
  (m, r) => {
    // a duplicate tensor name (same entry or another value)
    if (m.entries.length === 0) return "none";
    const e = pick(r, m.entries);
    const other = pick(r, m.entries);
    m.entries.splice(int(r, m.entries.length + 1), 0, [e[0], r() < 0.5 ? e[1] : other[1]]);
    return "duplicate-name";
  },
  (m, r) => {
    // a field duplicated, removed, or an unknown one added
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const f = pick(r, ["dtype", "shape", "data_offsets"]);
    const kind = int(r, 3);
    const re = new RegExp(`"${f}":\\s*(\\[[^\\]]*\\]|"[^"]*")`);
    if (kind === 0) m.entries[i]![1] = m.entries[i]![1].replace(re, (x) => `${x},${x}`);
    else if (kind === 1) m.entries[i]![1] = m.entries[i]![1].replace(re, '"x":0').replace(/"x":0/, `"${f}x":0`);
    else
      m.entries[i]![1] = m.entries[i]![1].replace(
        /^\{/,
        `{"extra":${pick(r, ['{"a":[1,2,{"b":null}]}', '"s"', "1e400", "1e308", "[]", '{"k":1,"k":2}', '"\\ud800"', "true"])},`,
      );
    return ["dup-field", "drop-field", "extra-field"][kind]!;
  },
  (m, r) => {
    // a tensor entry that is not an object
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    m.entries[i]![1] = pick(r, ['["F32",[1],[0,4]]', "null", '"F32"', "0", "[]", "{}"]);
    return "entry-form";
  },
  (m, r) => {
    // metadata variants
    const v = pick(r, [
      "null",
      "{}",
      '{"a":"b"}',
      '{"a":1}',
      '{"a":null}',
      '{"a":{"b":"c"}}',
      '{"a":["b"]}',
      '"text"',
      "[]",
      "0",
      "true",
      '{"__proto__":"x","constructor":"y"}',
      '{"a":"b","a":"c"}',
    ]);
    const at = m.entries.findIndex(([k]) => k === q("__metadata__"));
    if (at >= 0 && r() < 0.7) m.entries[at]![1] = v;
    else m.entries.splice(int(r, m.entries.length + 1), 0, [q("__metadata__"), v]);
    return "metadata";
  },
  (m, r) => {
    // a name the writer would escape differently, or cannot write
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    m.entries[i]![0] = pick(r, [
      '"\\ud800"',
      '"\\udc00x"',
      '"\\ud83d\\ude00"',
      '"a\u0001"',
      '"\\x41"',
      '"\\u00e9"',
      '"e\\u0301"',
      "'w'",
      "w",
      '"__metadata__"',
    ]);
    return "name";
  },
  (m, r) => {
    // nesting near serde_json's limit, inside an ignored field
    const i = tensorIndex(m, r);
    if (i < 0) return "none";
    const depth = pick(r, [124, 125, 126, 127, 200]);
    m.entries[i]![1] = m.entries[i]![1].replace(/^\{/, `{"deep":${"[".repeat(depth)}${"]".repeat(depth)},`);
    return "deep";
  },
];

function tensorIndex(m: Model, r: Rng): number {
  const idx = m.entries.map((e, i) => (e[0] === q("__metadata__") ? -1 : i)).filter((i) => i >= 0);
  return idx.length ? pick(r, idx) : -1;
}

/** Byte-level edits of an assembled file. */
const byteEdits: ((b: Uint8Array, r: Rng) => [Uint8Array, string])[] = [
  (b, r) => {
    const c = b.slice();
    if (c.length) c[int(r, c.length)]! ^= 1 << int(r, 8);
    return [c, "bit-flip"];
  },
  (b, r) => {
    const c = b.slice();
    const n = headerLen(c);
    if (n > 0 && 8 + n <= c.length) c[8 + int(r, n)] = int(r, 256);
    return [c, "header-byte"];
  },
  (b, r) => {
    const c = b.slice();
    if (c.length < 8) return [c, "length-field"];
    new DataView(c.buffer).setBigUint64(
      0,
      pick(r, [0n, 1n, 100_000_000n, 100_000_001n, 2n ** 64n - 1n, 2n ** 63n, BigInt(headerLen(c) + pick(r, [-8, -1, 1, 8]))]) &
        (2n ** 64n - 1n),
      true,
    );
    return [c, "length-field"];
  },
  (b, r) => [b.slice(0, int(r, b.length + 1)), "truncate"],
  (b, r) => {
    const extra = Uint8Array.from({ length: 1 + int(r, 9) }, () => int(r, 256));
    const c = new Uint8Array(b.length + extra.length);
    c.set(b);
    c.set(extra, b.length);
    return [c, "trailing-bytes"];
  },
  (b, r) => {
    // invalid UTF-8 or a BOM inside the header
    const seq = pick(r, [
      [0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xef, 0xbb, 0xbf],
      [0xc3, 0xa9],
    ]);
    return [spliceHeader(b, int(r, Math.max(1, headerLen(b))), seq, r() < 0.5), "utf8"];
  },
  (b, r) => {
    // a header that is not an object, or whitespace/garbage around it
    const n = headerLen(b);
    if (n < 0) return [b.slice(), "header-form"];
    const text = new TextDecoder().decode(b.subarray(8, 8 + n));
    const t = pick(r, [
      () => "[]",
      () => '"x"',
      () => "1",
      () => "null",
      () => "{}",
      () => `  ${text}`,
      () => `\ufeff${text}`,
      () => `${text.trimEnd()}x`,
      () => `${text.trimEnd()}\n\t\r `,
      () => `${text.trimEnd()},`,
      () => `${text.trimEnd()}}`,
      () => `[${text}]`,
      () => "{",
      () => "",
    ])();
    const h = new TextEncoder().encode(t);
    const c = new Uint8Array(8 + h.length + b.length - 8 - n);
    new DataView(c.buffer).setBigUint64(0, BigInt(h.length), true);
    c.set(h, 8);
    c.set(b.subarray(8 + n), 8 + h.length);
    return [c, "header-form"];
  },
];

function headerLen(b: Uint8Array): number {
  if (b.length < 8) return -1;
  const n = new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
  return n + 8n > BigInt(b.length) ? -1 : Number(n);
}

function spliceHeader(b: Uint8Array, at: number, seq: number[], replace: boolean): Uint8Array {
  const n = headerLen(b);
  if (n < 0 || at > n) return b.slice();
  const cut = replace ? Math.min(seq.length, n - at) : 0;
  const c = new Uint8Array(b.length + seq.length - Math.max(0, cut));
  c.set(b.subarray(0, 8 + at));
  c.set(seq, 8 + at);
  c.set(b.subarray(8 + at + Math.max(0, cut)), 8 + at + seq.length);
  new DataView(c.buffer).setBigUint64(0, BigInt(n + seq.length - Math.max(0, cut)), true);
  return c;
}

/** Input `index` of the run with `seed`: a valid file, then 0-3 mutations. */
export function generate(seed: number, index: number): { bytes: Uint8Array; label: string } {
  const r = rngFor(seed, index);
  const m = validModel(r);
  const labels: string[] = [];
  const edits = r() < 0.25 ? 0 : 1 + int(r, 3);
  const kinds = Array.from({ length: edits }, () => (r() < 0.6 ? "h" : "b"));
  for (const k of kinds) if (k === "h") labels.push(pick(r, headerEdits)(m, r));
  let bytes = assemble(m, r);
  for (const k of kinds)
    if (k === "b") {
      const [c, l] = pick(r, byteEdits)(bytes, r);
      bytes = c;
      labels.push(l);
    }
  return { bytes, label: labels.length ? labels.join("+") : "valid" };
}

// ---------------------------------------------------------------- the writer side

/** A dict for encodeSafetensors: random names, dtypes, shapes (some only a bigint reader can count), metadata. */
export function generateDict(
  seed: number,
  index: number,
): { tensors: Record<string, io.RawTensor>; metadata: Record<string, string> | null | undefined } {
  const r = rngFor(seed ^ 0x5eed, index);
  const tensors: Record<string, io.RawTensor> = Object.create(null);
  const pool = [...NAMES, "__metadata__", "\ud800", "a\udc00", "😀".slice(0, 1)];
  for (let k = int(r, 6); k > 0; k--) {
    const dtype = pick(r, ALL_DTYPES) as io.SafetensorsDType;
    let shape = shapeFor(r, dtype);
    if (r() < 0.1) shape = pick(r, [[2 ** 32, 2 ** 32, 0], [0, 2 ** 32, 2 ** 32], [2 ** 53 - 1, 0], [-1], [1.5], [2 ** 53, 0], [3]]);
    const n = Math.max(0, (shape.reduce((a, b) => a * b, 1) * BITS[dtype]!) / 8);
    const len = Number.isSafeInteger(n) ? n + (r() < 0.1 ? pick(r, [-1, 1]) : 0) : 0;
    tensors[r() < 0.9 ? pick(r, pool) : `t${int(r, 100)}`] = { dtype, shape, bytes: randomBytes(r, Math.max(0, len), dtype) };
  }
  const m = int(r, 4);
  const metadata =
    m === 0
      ? undefined
      : m === 1
        ? null
        : Object.fromEntries(
            Array.from({ length: int(r, 3) }, () => [
              pick(r, [...META_KEYS, "\udfff"]),
              r() < 0.9 ? pick(r, ["pt", "", "😀"]) : (pick(r, [1, null, "\ud800"]) as string),
            ]),
          );
  return { tensors, metadata };
}

/** Whether the format can hold a dict, stated apart from the writer: why not, or undefined. */
function unwritable(d: ReturnType<typeof generateDict>): string | undefined {
  const wellFormed = (x: string) => !/\p{Surrogate}/u.test(x);
  for (const [name, t] of Object.entries(d.tensors)) {
    if (name === "__metadata__") return "W1 reserved name";
    if (!wellFormed(name)) return "W2 name not Unicode";
    if (!t.shape.every((x) => Number.isSafeInteger(x) && x >= 0)) return "W3 dims not integers up to 2^53 - 1";
    let numel = 1n;
    for (const x of t.shape) if ((numel *= BigInt(x)) >= TWO64) return "W4 element count overflows (R6)";
    const bits = numel * BigInt(BITS[t.dtype]!);
    if (bits % 8n !== 0n) return "W5 not whole bytes (R6)";
    if (bits / 8n !== BigInt(t.bytes.length)) return "W6 byte length";
  }
  for (const [k, v] of Object.entries(d.metadata ?? {}))
    if (typeof v !== "string" || !wellFormed(k) || !wellFormed(v)) return "W7 metadata not strings";
  return undefined;
}

/** encodeSafetensors on one dict: what it writes must be a file the oracle accepts, holding the dict. */
export function checkWriter(d: ReturnType<typeof generateDict>, lib: typeof io = io): Outcome {
  const why = unwritable(d);
  let bytes: Uint8Array;
  try {
    bytes = lib.encodeSafetensors(d.tensors, d.metadata);
  } catch (e) {
    const bad = libraryError(e, "encodeSafetensors");
    if (bad) return fail("non-library-error", bad);
    return why ? { cls: "ok-refused", rule: why } : fail("valid-refused", (e as Error).message);
  }
  if (why) return fail("invalid-accepted", `wrote a dict the format cannot hold: ${why}`);
  const v = judge(bytes);
  if (!v.ok) return fail("round-trip-change", `the written file is refused: ${v.rule}`);
  const names = Object.keys(d.tensors).sort();
  if (JSON.stringify(v.tensors.map((t) => t.name).sort()) !== JSON.stringify(names)) return fail("round-trip-change", "written names");
  for (const t of v.tensors) {
    const want = d.tensors[t.name]!;
    if (t.dtype !== want.dtype || t.shape.join() !== want.shape.join() || !bytesEqual(t.bytes, want.bytes))
      return fail("round-trip-change", `written tensor ${JSON.stringify(t.name)}`);
  }
  if (JSON.stringify(v.metadata.slice().sort()) !== JSON.stringify(Object.entries(d.metadata ?? {}).sort()))
    return fail("round-trip-change", "written metadata");
  return { cls: "ok-accepted" };
}

// ---------------------------------------------------------------- the check

export const CLASSES = [
  "ok-accepted",
  "ok-refused",
  "ok-type-refused",
  "non-library-error",
  "silent-difference",
  "invalid-accepted",
  "valid-refused",
  "round-trip-change",
] as const;
export type Outcome = { cls: (typeof CLASSES)[number]; detail?: string; rule?: string };

const fail = (cls: Outcome["cls"], detail: string): Outcome => ({ cls, detail });
export const FAILURE_CLASSES: readonly string[] = [
  "non-library-error",
  "silent-difference",
  "invalid-accepted",
  "valid-refused",
  "round-trip-change",
];
const libraryError = (e: unknown, op: string): string | undefined =>
  e instanceof TensorloomError && e.message.startsWith(`${op}: `) ? undefined : `${(e as Error)?.name}: ${(e as Error)?.message ?? e}`;

const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Run the library on one input and sort the result into a class. */
export function check(bytes: Uint8Array, lib: typeof io = io): Outcome {
  const verdict = judge(bytes);
  const hugeDim = verdict.ok && verdict.tensors.some((t) => t.shape.some((d) => d > BigInt(Number.MAX_SAFE_INTEGER)));
  let raw: ReturnType<typeof lib.decodeSafetensors>;
  try {
    raw = lib.decodeSafetensors(bytes);
  } catch (e) {
    const bad = libraryError(e, "decodeSafetensors");
    if (bad) return fail("non-library-error", bad);
    if (!verdict.ok) return { cls: "ok-refused", rule: verdict.rule };
    return hugeDim ? { cls: "ok-type-refused", rule: "T1 dim above 2^53 - 1" } : fail("valid-refused", `${(e as Error).message}`);
  }
  if (!verdict.ok) return fail("invalid-accepted", `oracle: ${verdict.rule}`);
  if (hugeDim) return fail("invalid-accepted", "T1: a dim above 2^53 - 1");
  // raw tensors and metadata as the oracle reads them
  const names = Object.keys(raw.tensors).sort();
  if (JSON.stringify(names) !== JSON.stringify(verdict.tensors.map((t) => t.name).sort()))
    return fail("silent-difference", `names ${JSON.stringify(names)}`);
  if (Object.getPrototypeOf(raw.tensors) !== null || Object.getPrototypeOf(raw.metadata) !== null)
    return fail("silent-difference", "records with a prototype");
  for (const t of verdict.tensors) {
    const got = raw.tensors[t.name]!;
    if (got.dtype !== t.dtype || got.shape.join() !== t.shape.join() || !bytesEqual(got.bytes, t.bytes))
      return fail("silent-difference", `tensor ${JSON.stringify(t.name)}`);
  }
  const meta = Object.entries(raw.metadata).sort();
  if (JSON.stringify(meta) !== JSON.stringify(verdict.metadata.slice().sort()))
    return fail("silent-difference", `metadata ${JSON.stringify(meta)}`);
  // raw round trip: decode(encode(decode(x))) is decode(x), and the layout is a fixed point
  let again: Uint8Array;
  try {
    again = lib.encodeSafetensors(raw.tensors, raw.metadata);
    const back = lib.decodeSafetensors(again);
    if (JSON.stringify(Object.keys(back.tensors).sort()) !== JSON.stringify(names)) return fail("round-trip-change", "raw names");
    for (const k of names) {
      const a = raw.tensors[k]!,
        b = back.tensors[k]!;
      if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join() || !bytesEqual(a.bytes, b.bytes))
        return fail("round-trip-change", `raw tensor ${JSON.stringify(k)}`);
    }
    if (JSON.stringify(Object.entries(back.metadata).sort()) !== JSON.stringify(meta)) return fail("round-trip-change", "raw metadata");
    if (!bytesEqual(lib.encodeSafetensors(back.tensors, back.metadata), again))
      return fail("round-trip-change", "the layout is not a fixed point");
    const written = judge(again);
    if (!written.ok) return fail("round-trip-change", `the re-encoded file is refused: ${written.rule}`);
  } catch (e) {
    return fail(
      libraryError(e, "encodeSafetensors") ? "non-library-error" : "round-trip-change",
      `raw round trip: ${(e as Error).message}`,
    );
  }
  // the state dict: tensorloom's types, or a refusal the oracle expects
  const expected = verdict.tensors.map((t) => [t.name, expectedValues(t)] as const);
  const refusal = expected.find(([, x]) => "refuse" in x);
  let sd: io.StateDict;
  try {
    sd = lib.decodeStateDict(bytes);
  } catch (e) {
    const bad = libraryError(e, "decodeStateDict");
    if (bad) return fail("non-library-error", bad);
    return refusal
      ? { cls: "ok-type-refused", rule: (refusal[1] as { refuse: string }).refuse }
      : fail("valid-refused", `state dict: ${(e as Error).message}`);
  }
  if (refusal)
    return fail("invalid-accepted", `state dict: ${refusal[0]} should be refused (${(refusal[1] as { refuse: string }).refuse})`);
  for (const [name, x] of expected) {
    const t = sd[name];
    const want = x as { dtype: string; values: number[] };
    if (
      !t ||
      t.dtype !== want.dtype ||
      t.storage.length !== want.values.length ||
      !want.values.every((v, i) => sameBits(v, t.storage[i]!))
    ) {
      return fail("silent-difference", `state dict tensor ${JSON.stringify(name)}`);
    }
  }
  // state dict round trip: save then load gives the same tensors, bit for bit
  try {
    const back = lib.decodeStateDict(lib.encodeStateDict(sd));
    for (const [name] of expected) {
      const a = sd[name]!,
        b = back[name];
      if (!b || a.dtype !== b.dtype || a.shape.join() !== b.shape.join() || !bytesEqual(asBytes(a.storage), asBytes(b.storage)))
        return fail("round-trip-change", `state dict ${JSON.stringify(name)}`);
    }
    if (Object.keys(back).length !== expected.length) return fail("round-trip-change", "state dict names");
  } catch (e) {
    return fail(
      libraryError(e, "encodeStateDict") && libraryError(e, "decodeStateDict") ? "non-library-error" : "round-trip-change",
      `state dict round trip: ${(e as Error).message}`,
    );
  }
  return { cls: "ok-accepted" };
}

const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface RunResult {
  /** Files (generate) by class, and dicts written by encodeSafetensors (generateDict) by class. */
  counts: Record<string, number>;
  writer: Record<string, number>;
  /** How often each mutation ran, and each rule refused an input. */
  labels: Record<string, number>;
  rules: Record<string, number>;
  failures: { index: number; label: string; cls: string; detail: string }[];
}

/** Run inputs [from, to) of a seed; counts per class, the first failures with their index. */
export function run(seed: number, from: number, to: number, onInput?: (i: number) => void, lib: typeof io = io): RunResult {
  const counts: Record<string, number> = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  const writer: Record<string, number> = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  const labels: Record<string, number> = {};
  const rules: Record<string, number> = {};
  const failures: { index: number; label: string; cls: string; detail: string }[] = [];
  // most inputs make the library throw: without stack traces the run is about twice as fast
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let i = from; i < to; i++) {
      onInput?.(i);
      const { bytes, label } = generate(seed, i);
      for (const l of label.split("+")) labels[l] = (labels[l] ?? 0) + 1;
      const o = check(bytes, lib);
      counts[o.cls]!++;
      if (o.rule) rules[o.rule] = (rules[o.rule] ?? 0) + 1;
      if (FAILURE_CLASSES.includes(o.cls) && failures.length < 20) failures.push({ index: i, label, cls: o.cls, detail: o.detail ?? "" });
      const w = checkWriter(generateDict(seed, i), lib);
      writer[w.cls]!++;
      if (w.rule) rules[w.rule] = (rules[w.rule] ?? 0) + 1;
      if (FAILURE_CLASSES.includes(w.cls) && failures.length < 20)
        failures.push({ index: i, label: "writer", cls: w.cls, detail: w.detail ?? "" });
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  return { counts, writer, labels, rules, failures };
}

export interface WatchedResult extends RunResult {
  /** Inputs during which the decoder stopped making progress for hangMs. */
  hangs: { index: number; label: string }[];
}

/**
 * run() in a worker thread watched from this one: a decoder that never returns on an input is
 * reported as a hang (its index and mutations), the worker replaced and the run continued after
 * it. hangMs is far above any input's time (~1 ms), so a loaded machine does not count as a hang.
 */
export async function runWatched(seed: number, from: number, count: number, hangMs: number): Promise<WatchedResult> {
  const total: WatchedResult = {
    counts: Object.fromEntries(CLASSES.map((c) => [c, 0])),
    writer: Object.fromEntries(CLASSES.map((c) => [c, 0])),
    labels: {},
    rules: {},
    failures: [],
    hangs: [],
  };
  const add = (into: Record<string, number>, more: Record<string, number>) => {
    for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  };
  const entry = new URL("./safetensorsFuzzWorker.ts", import.meta.url).href;
  // Node 20 loads a worker's entry before its --import hooks run: register tsx first
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  /** Runs [start, end); resolves with the index after a hang, or end when done. */
  const chunk = (start: number, end: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const progress = new SharedArrayBuffer(4);
      const at = new Int32Array(progress);
      at[0] = start - 1;
      const worker = new Worker(boot, { eval: true, workerData: { seed, from: start, to: end, progress } });
      let last = at[0]!,
        since = Date.now();
      const watch = setInterval(() => {
        const now = Atomics.load(at, 0);
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (now >= start && Date.now() - since > hangMs) {
          clearInterval(watch);
          total.hangs.push({ index: now, label: generate(seed, now).label });
          void worker.terminate().then(() => resolve(now + 1));
        }
      }, 250);
      worker.once("message", (r: RunResult) => {
        clearInterval(watch);
        add(total.counts, r.counts);
        add(total.writer, r.writer);
        add(total.labels, r.labels);
        add(total.rules, r.rules);
        total.failures.push(...r.failures);
        void worker.terminate();
        resolve(end);
      });
      worker.once("error", (e) => {
        clearInterval(watch);
        reject(e);
      });
    });
  let next = from;
  while (next < from + count) next = await chunk(next, from + count);
  return total;
}
