// The safetensors format, bytes in and out, with no Tensor in sight: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the raw little-endian data. Writing follows the reference implementation's layout
// (tensors ordered by dtype, largest first, then by name; header padded with spaces to a
// multiple of 8) so that the same dict gives the same bytes. Reading validates everything
// before touching the data, so a malformed file fails fast with its reason.
//
// What a reader accepts (the published format, and the reference reader where the format is
// silent): the header is at most 100,000,000 bytes of UTF-8 that starts with "{" and is one JSON
// object, with no duplicate key in any object; "__metadata__" is null or maps strings to
// strings; every other key names a tensor: an object with a known "dtype", a "shape" of
// non-negative integers and "data_offsets" [begin, end) of two non-negative integers (other
// fields are ignored, as the reference ignores them); sorted by (begin, end), the tensors tile
// the data section from 0 to its end without gap or overlap, and each spans exactly
// numel * dtype bits / 8 bytes. Integers are JSON integers below 2^64 and the size arithmetic
// may not overflow 64 bits, as the reference computes it. JSON is parsed here rather than by
// JSON.parse because JSON.parse keeps the last of duplicate keys, turns 1.0 and 1e0 into
// integers and rounds integers above 2^53.

import { TensorloomError } from "../tensor/errors.js";

/** Every dtype of the format, in the reference implementation's enum order (the write order, reversed). */
export const SAFETENSORS_DTYPES = [
  "BOOL",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "F8_E4M3FNUZ",
  "F8_E5M2FNUZ",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "C64",
  "F64",
  "I64",
  "U64",
] as const;

/** The element types of the safetensors format ("F32", "I64", "BF16"...), as the format's spec spells them. */
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** One tensor of a safetensors file as stored: file dtype, shape and little-endian bytes (no conversion to a Tensor). */
export interface RawTensor {
  dtype: SafetensorsDType;
  shape: number[];
  /** Little-endian bytes, numel * bits / 8 long. */
  bytes: Uint8Array;
}

/** A malformed or unsupported safetensors file or state dict; the message says what and where (the Python package raises SafetensorError). */
export class SafetensorsError extends TensorloomError {
  /** "SafetensorsError", as Error.name. */
  override name = "SafetensorsError";
}

/** Bits per element (sub-byte dtypes pack; a tensor of them must fill whole bytes). */
export const BIT_SIZE: Readonly<Record<SafetensorsDType, number>> = Object.freeze({
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
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
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
});
const RANK = new Map<string, number>(SAFETENSORS_DTYPES.map((d, i) => [d, i]));
const isDType = (d: unknown): d is SafetensorsDType => typeof d === "string" && RANK.has(d);

/** The reference implementation's limit on the header (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const U64_MAX = (1n << 64n) - 1n;
/** serde_json's nesting limit (the reference parses with it): 127 open brackets at most. */
const MAX_DEPTH = 127;

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Compare by code points, which is the UTF-8 byte order the reference sorts names in. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!,
      y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const describe = (v: unknown): string => {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return `a Uint8Array of ${v.length} bytes`;
  return typeof v === "string" ? `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}` : typeof v;
};

/** Serialise named tensors (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, RawTensor>,
  metadata?: Record<string, string> | null,
  op = "encodeSafetensors",
): Uint8Array {
  if (!isLittleEndian) throw new SafetensorsError(`${op}: this platform is big-endian; writing little-endian data is not implemented.`);
  if (typeof tensors !== "object" || tensors === null)
    throw new SafetensorsError(`${op}: expected an object of named tensors, got ${describe(tensors)}.`);
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === "__metadata__")
      throw new SafetensorsError(`${op}: "__metadata__" is reserved for the file's metadata and cannot name a tensor. Rename the tensor.`);
    if (LONE_SURROGATE.test(name))
      throw new SafetensorsError(
        `${op}: tensor name ${JSON.stringify(name)} has an unpaired UTF-16 surrogate, which UTF-8 cannot store. Rename the tensor.`,
      );
    if (typeof t !== "object" || t === null || !isDType(t.dtype) || !Array.isArray(t.shape) || !(t.bytes instanceof Uint8Array)) {
      throw new SafetensorsError(`${op}: entry "${name}" is not a raw tensor { dtype, shape, bytes } (got ${describe(t)}).`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(`${op}: tensor "${name}" has shape ${JSON.stringify(t.shape)}; dims must be non-negative integers.`);
    // the readers' arithmetic: a running element count (a zero dim late does not save an overflow early)
    const numel = runningNumel(t.shape);
    if (numel === undefined)
      throw new SafetensorsError(
        `${op}: tensor "${name}" has shape [${t.shape.join(", ")}], whose running element count overflows 64 bits, so readers refuse it. Put the zero dim first or drop the tensor.`,
      );
    const bits = mul(numel, BIT_SIZE[t.dtype]);
    if (typeof bits === "number" && bits % 8 !== 0)
      throw new SafetensorsError(
        `${op}: tensor "${name}" is ${t.dtype} [${t.shape.join(", ")}]: ${bits} bits, not a whole number of bytes. Pad the element count.`,
      );
    if (bits !== t.bytes.length * 8)
      throw new SafetensorsError(
        `${op}: tensor "${name}" has ${t.bytes.length} bytes but ${t.dtype} [${t.shape.join(", ")}] needs ${typeof bits === "number" ? bits / 8 : bits / 8n}.`,
      );
  }
  names.sort((a, b) => RANK.get(tensors[b]!.dtype)! - RANK.get(tensors[a]!.dtype)! || compareCodePoints(a, b));
  // Written by hand, not through an object and JSON.stringify: a tensor named "__proto__" would
  // set the object's prototype instead of adding a key.
  const parts: string[] = [];
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== "object" || Array.isArray(metadata))
      throw new SafetensorsError(`${op}: metadata must be an object of strings, got ${describe(metadata)}.`);
    const keys = Object.keys(metadata);
    for (const k of keys) {
      const v = metadata[k];
      if (typeof v !== "string")
        throw new SafetensorsError(
          `${op}: metadata "${k}" is ${describe(v)}; the format stores only strings. Convert it with String() or JSON.stringify().`,
        );
      if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v))
        throw new SafetensorsError(`${op}: metadata "${k}" has an unpaired UTF-16 surrogate, which UTF-8 cannot store.`);
    }
    if (keys.length > 0) parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + t.bytes.length}]}`,
    );
    offset += t.bytes.length;
  }
  const text = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(text.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES)
    throw new SafetensorsError(
      `${op}: the header would be ${headerLength} bytes, over the format's ${MAX_HEADER_BYTES}-byte limit (readers refuse it). Use shorter names or less metadata, or split the tensors over several files.`,
    );
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(text, 8);
  out.fill(0x20, 8 + text.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    out.set(tensors[name]!.bytes, at);
    at += tensors[name]!.bytes.length;
  }
  return out;
}

// ---- the header's JSON ----

/**
 * A JSON number other than a plain unsigned integer below 10^15 (those parse to a JS number),
 * kept as written: the format's integers must be told from 1.0, 1e0 and -0.
 */
class JsonNumber {
  constructor(readonly text: string) {}
}
/**
 * An object's keys and values in file order (a key may be "__proto__"). Arrays rather than a Map:
 * a header has one small object per tensor, and a Map each made large headers GC-bound.
 */
class JsonObject {
  readonly keys: string[] = [];
  readonly values: Json[] = [];
  get(key: string): Json | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }
}
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const FIELDS = ["dtype", "shape", "data_offsets"];
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

type Json = null | boolean | string | number | JsonNumber | Json[] | JsonObject;

class HeaderParser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly s: string,
    private readonly op: string,
  ) {}

  private fail(what: string): never {
    throw new SafetensorsError(`${this.op}: the header is not valid JSON: ${what} at character ${this.i}.`);
  }
  private ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++this.i);
  }
  parseDocument(): JsonObject {
    if (this.s.charCodeAt(0) !== 0x7b) {
      throw new SafetensorsError(
        `${this.op}: the header must be a JSON object starting with "{" at its first byte; it starts with ${JSON.stringify(this.s.slice(0, 20))}. The file is corrupt or not a safetensors file.`,
      );
    }
    const top = this.value() as JsonObject;
    this.ws();
    if (this.i !== this.s.length) this.fail("text after the header object");
    return top;
  }
  private value(): Json {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_DEPTH) this.fail(`more than ${MAX_DEPTH} nested levels`);
      const v = c === 0x7b ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail(this.i >= this.s.length ? "unexpected end" : `unexpected ${JSON.stringify(this.s[this.i])}`);
  }
  private object(): JsonObject {
    const m = new JsonObject();
    let seen: Set<string> | undefined; // for objects of more than 8 keys (the top level)
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail("expected a key string");
      const at = this.i;
      const k = this.string();
      if (seen ? seen.has(k) : m.keys.includes(k)) {
        this.i = at;
        this.fail(`duplicate key ${JSON.stringify(k)} (the format disallows duplicates; readers would disagree on which one counts)`);
      }
      if (seen) seen.add(k);
      else if (m.keys.length === 8) seen = new Set([...m.keys, k]);
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail('expected ":"');
      this.i++;
      m.keys.push(k);
      m.values.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return m;
      if (c !== 0x2c) {
        this.i--;
        this.fail('expected "," or "}"');
      }
    }
  }
  private array(): Json[] {
    const a: Json[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return a;
      if (c !== 0x2c) {
        this.i--;
        this.fail('expected "," or "]"');
      }
    }
  }
  private hex4(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!HEX4.test(h)) this.fail("a \\u escape needs 4 hex digits");
    this.i += 4;
    return parseInt(h, 16);
  }
  private string(): string {
    const s = this.s;
    let out = "";
    let start = ++this.i;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        // the field names every tensor repeats come back as one shared string, not a copy each
        const field = out === "" ? FIELDS.find((f) => f.length === this.i - start && s.startsWith(f, start)) : undefined;
        const raw = field ?? s.slice(start, this.i);
        this.i++;
        return out + raw;
      }
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c < 0x20) this.fail("a control character inside a string (escape it)");
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(start, this.i);
      const e = s[this.i + 1] ?? "";
      this.i += 2;
      const simple = SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) out += simple;
      else if (e === "u") {
        const u = this.hex4();
        if (u >= 0xdc00 && u <= 0xdfff) this.fail("an unpaired low surrogate escape");
        if (u >= 0xd800 && u <= 0xdbff) {
          if (!s.startsWith("\\u", this.i)) this.fail("an unpaired high surrogate escape");
          this.i += 2;
          const lo = this.hex4();
          if (lo < 0xdc00 || lo > 0xdfff) this.fail("an unpaired high surrogate escape");
          out += String.fromCharCode(u, lo);
        } else out += String.fromCharCode(u);
      } else {
        this.i -= 2;
        this.fail(`an invalid escape ${JSON.stringify("\\" + e)}`);
      }
      start = this.i;
    }
  }
  private number(): number | JsonNumber {
    const s = this.s,
      start = this.i;
    let i = start;
    const negative = s.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const digits = i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === digits) this.fail("a minus sign without digits");
    if (s.charCodeAt(digits) === 0x30 && i - digits > 1) this.fail("a number with a leading zero");
    const intEnd = i;
    if (s.charCodeAt(i) === 0x2e) {
      const f = ++i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === f) this.fail("a decimal point without digits after it");
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      if (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d) i++;
      const f = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === f) this.fail("an exponent without digits");
    }
    const text = s.slice(start, i);
    this.i = i;
    if (!negative && i === intEnd && i - digits < 16) return Number(text); // exact below 10^15
    // serde_json refuses numbers that overflow a double
    if (!Number.isFinite(Number(text))) this.fail(`the number ${text.slice(0, 30)} is out of range`);
    return new JsonNumber(text);
  }
}

/**
 * An integer in [0, 2^64): a number up to 2^53 - 1, a bigint above (one representation per
 * value, so === compares values; < and > compare across the two types). Sizes in real files are
 * numbers, which keeps a header of many tensors from allocating a bigint per value.
 */
type U64 = number | bigint;
const canon = (n: bigint): U64 => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
const mul = (a: U64, b: U64): U64 => {
  if (typeof a === "number" && typeof b === "number") {
    const p = a * b; // exact when the true product is at most 2^53 - 1, and then no larger
    if (p <= Number.MAX_SAFE_INTEGER) return p;
  }
  return canon(BigInt(a) * BigInt(b));
};
/** The element count of a shape as the reference computes it, a running product; undefined once it passes 2^64 - 1 (a zero dim late does not save an overflow early). */
function runningNumel(shape: readonly U64[]): U64 | undefined {
  let numel: U64 = 1;
  for (const d of shape) {
    numel = mul(numel, d);
    if (typeof numel === "bigint" && numel > U64_MAX) return undefined;
  }
  return numel;
}
const sub = (a: U64, b: U64): U64 => (typeof a === "number" && typeof b === "number" ? a - b : canon(BigInt(a) - BigInt(b)));

const where = (name: string): string => `tensor ${JSON.stringify(name)}`;

/** An array of integers in [0, 2^64) (the parser's own array when all are plain numbers), or undefined. */
function u64s(v: Json | undefined): U64[] | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v.every((x) => typeof x === "number")) return v as number[];
  const out = v.map(u64);
  return out.some((x) => x === undefined) ? undefined : (out as U64[]);
}

/** A JSON integer in [0, 2^64), or undefined. */
function u64(v: Json | undefined): U64 | undefined {
  if (typeof v === "number") return v; // the parser's plain unsigned integers
  if (!(v instanceof JsonNumber) || !/^[0-9]+$/.test(v.text)) return undefined;
  const n = BigInt(v.text);
  return n <= U64_MAX ? canon(n) : undefined;
}

const jsonText = (v: Json | undefined): string => {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === "number") return String(v);
  if (v instanceof JsonObject) return "{…}";
  if (Array.isArray(v)) return `[${v.map(jsonText).join(", ")}]`;
  return v === undefined ? "nothing" : JSON.stringify(v);
};

/** Options of decodeSafetensors: `op`, the user-facing call its errors name. */
export interface DecodeOptions {
  /** The user-facing call that error messages name. */
  op?: string;
}

/** Parse safetensors bytes; every structural problem is a SafetensorsError saying what and where. */
export function decodeSafetensors(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  const op = opts.op ?? "decodeSafetensors";
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(`${op}: expected bytes (a Uint8Array), got ${describe(bytes)}.`);
  if (bytes.length < 8)
    throw new SafetensorsError(
      `${op}: the file is ${bytes.length} bytes long, too short for the 8-byte header length. It is truncated or not a safetensors file.`,
    );
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsError(
      `${op}: the header claims ${n64} bytes, more than the ${MAX_HEADER_BYTES}-byte limit. The file is corrupt or not a safetensors file.`,
    );
  const n = Number(n64);
  if (8 + n > bytes.length)
    throw new SafetensorsError(
      `${op}: the header claims ${n} bytes but only ${bytes.length - 8} follow the length field. The file is truncated.`,
    );
  let text: string;
  try {
    // ignoreBOM keeps a leading byte-order mark, so that it is refused like any other non-"{" start
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(`${op}: the header is not valid UTF-8. The file is corrupt or not a safetensors file.`);
  }
  const header = new HeaderParser(text, op).parseDocument();
  const data = bytes.subarray(8 + n);
  const dataLength = data.length;
  // null-prototype records: a tensor may be named "__proto__", "constructor" or "hasOwnProperty"
  const tensors: Record<string, RawTensor> = Object.create(null);
  const metadata: Record<string, string> = Object.create(null);
  const spans: { name: string; begin: U64; end: U64; dtype: SafetensorsDType; shape: U64[] }[] = [];
  for (let t = 0; t < header.keys.length; t++) {
    const name = header.keys[t]!,
      info = header.values[t]!;
    if (name === "__metadata__") {
      if (info === null) continue; // allowed, as the reference reads it: no metadata
      if (!(info instanceof JsonObject))
        throw new SafetensorsError(`${op}: "__metadata__" is ${jsonText(info)}; it must be null or an object mapping strings to strings.`);
      for (let j = 0; j < info.keys.length; j++) {
        const k = info.keys[j]!,
          v = info.values[j]!;
        if (typeof v !== "string")
          throw new SafetensorsError(
            `${op}: "__metadata__" entry ${JSON.stringify(k)} is ${jsonText(v)}; the format allows only string values.`,
          );
        metadata[k] = v;
      }
      continue;
    }
    if (!(info instanceof JsonObject))
      throw new SafetensorsError(`${op}: ${where(name)} is ${jsonText(info)}; it must be an object { "dtype", "shape", "data_offsets" }.`);
    const dtype = info.get("dtype");
    if (!isDType(dtype))
      throw new SafetensorsError(
        `${op}: ${where(name)} has ${dtype === undefined ? "no dtype" : `unknown dtype ${jsonText(dtype)}`}; the format's dtypes are ${SAFETENSORS_DTYPES.join(", ")}.`,
      );
    const shapeJson = info.get("shape");
    const shape = u64s(shapeJson);
    if (shape === undefined) {
      throw new SafetensorsError(
        `${op}: ${where(name)} has ${shapeJson === undefined ? "no shape" : `shape ${jsonText(shapeJson)}`}; a shape is an array of integers in [0, 2^64).`,
      );
    }
    const offJson = info.get("data_offsets");
    const off = Array.isArray(offJson) && offJson.length === 2 ? u64s(offJson) : undefined;
    if (off === undefined) {
      throw new SafetensorsError(
        `${op}: ${where(name)} has ${offJson === undefined ? "no data_offsets" : `data_offsets ${jsonText(offJson)}`}; they must be [begin, end], two integers in [0, 2^64).`,
      );
    }
    spans.push({ name, begin: off[0]!, end: off[1]!, dtype, shape });
  }
  // the reference orders by (begin, end): a zero-size tensor sits before a tensor that starts at its offset
  spans.sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  let at: U64 = 0;
  for (const { name, begin, end, dtype, shape } of spans) {
    if (begin !== at)
      throw new SafetensorsError(
        `${op}: ${where(name)} starts at byte ${begin} but the data before it ends at ${at}; tensors must tile the data section without gaps or overlaps.`,
      );
    if (end < begin) throw new SafetensorsError(`${op}: ${where(name)} has data_offsets [${begin}, ${end}] that end before they begin.`);
    const numel = runningNumel(shape);
    if (numel === undefined)
      throw new SafetensorsError(`${op}: ${where(name)} has shape [${shape.join(", ")}], whose element count overflows 64 bits.`);
    const bits = mul(numel, BIT_SIZE[dtype]);
    if (typeof bits === "bigint" && bits > U64_MAX)
      throw new SafetensorsError(`${op}: ${where(name)} has shape [${shape.join(", ")}], whose size in bits overflows 64 bits.`);
    if (typeof bits === "number" ? bits % 8 !== 0 : bits % 8n !== 0n)
      throw new SafetensorsError(`${op}: ${where(name)} is ${dtype} [${shape.join(", ")}]: ${bits} bits, not a whole number of bytes.`);
    const bytes = typeof bits === "number" ? bits / 8 : canon(bits / 8n);
    if (sub(end, begin) !== bytes)
      throw new SafetensorsError(`${op}: ${where(name)} spans ${sub(end, begin)} bytes but ${dtype} [${shape.join(", ")}] needs ${bytes}.`);
    if (end > dataLength)
      throw new SafetensorsError(
        `${op}: ${where(name)} ends at byte ${end} but the data section has ${dataLength} bytes. The file is truncated.`,
      );
    at = end;
  }
  if (at !== dataLength)
    throw new SafetensorsError(
      `${op}: the tensors cover ${at} bytes but the data section has ${dataLength}; the format allows no bytes outside a tensor. The file has trailing bytes or lost a tensor.`,
    );
  for (const { name, begin, end, dtype, shape } of spans) {
    if (shape.some((d) => typeof d === "bigint"))
      throw new SafetensorsError(
        `${op}: tensor ${JSON.stringify(name)} has shape [${shape.join(", ")}] (valid, it holds no elements), but tensorloom's dims are at most 2^53 - 1.`,
      );
    tensors[name] = { dtype, shape: shape as number[], bytes: data.subarray(begin as number, end as number) };
  }
  return { tensors, metadata };
}

/** IEEE half precision bits to a number. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits (the top half of a float32) to a number. */
export function bf16ToNumber(h: number): number {
  const b = new Float32Array(1);
  new Uint32Array(b.buffer)[0] = h << 16;
  return b[0]!;
}
