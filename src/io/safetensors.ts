// The safetensors format, bytes in and out, with no Tensor in sight: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the raw little-endian data. Writing follows the reference implementation's layout
// (tensors ordered by dtype, largest first, then by name; header padded with spaces to a
// multiple of 8) so that the same dict gives the same bytes. Reading validates everything
// before touching the data, so a malformed file fails fast with its reason.

export type SafetensorsDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

export interface RawTensor {
  dtype: SafetensorsDType;
  shape: number[];
  /** Little-endian bytes, numel * itemsize long. */
  bytes: Uint8Array;
}

export class SafetensorsError extends Error {
  override name = "SafetensorsError";
}

export const ITEM_SIZE: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** The reference implementation's dtype enum order; files list larger-ranked dtypes first. */
const RANK: Record<SafetensorsDType, number> = { BOOL: 0, U8: 1, I8: 2, I16: 5, F16: 7, BF16: 8, I32: 9, F32: 11, F64: 12, I64: 13 };
/** The reference implementation's limit on the header (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialise named tensors (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  if (!isLittleEndian) throw new SafetensorsError("safetensors: this platform is big-endian; writing little-endian data is not implemented.");
  const names = Object.keys(tensors).sort((a, b) => {
    const r = RANK[tensors[b]!.dtype] - RANK[tensors[a]!.dtype];
    return r !== 0 ? r : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    if (name === "__metadata__") throw new SafetensorsError(`safetensors: "__metadata__" is reserved and cannot name a tensor.`);
    const expected = t.shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[t.dtype];
    if (t.bytes.length !== expected) throw new SafetensorsError(`safetensors: tensor "${name}" has ${t.bytes.length} bytes but ${t.dtype} [${t.shape.join(", ")}] needs ${expected}.`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    out.set(tensors[name]!.bytes, at);
    at += tensors[name]!.bytes.length;
  }
  return out;
}

/** Parse safetensors bytes; every structural problem is a SafetensorsError saying what and where. */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(`safetensors: expected bytes (a Uint8Array), got ${typeof bytes}.`);
  if (bytes.length < 8) throw new SafetensorsError(`safetensors: the file is ${bytes.length} bytes long, too short for the 8-byte header length. It is truncated or not a safetensors file.`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`safetensors: the header claims ${n64} bytes, more than the ${MAX_HEADER_BYTES}-byte limit. The file is corrupt or not a safetensors file.`);
  const n = Number(n64);
  if (8 + n > bytes.length) throw new SafetensorsError(`safetensors: the header claims ${n} bytes but only ${bytes.length - 8} follow the length field. The file is truncated.`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`safetensors: the header is not valid UTF-8 JSON (${(e as Error).message}).`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new SafetensorsError(`safetensors: the header must be a JSON object.`);
  const data = bytes.subarray(8 + n);
  const tensors: Record<string, RawTensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof info !== "object" || info === null || Object.values(info).some((v) => typeof v !== "string")) throw new SafetensorsError(`safetensors: __metadata__ must map strings to strings.`);
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: off } = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== "string" || !(dtype in ITEM_SIZE)) throw new SafetensorsError(`safetensors: tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(ITEM_SIZE).join(", ")}.`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new SafetensorsError(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw new SafetensorsError(`safetensors: tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}.`);
    }
    const [b, e] = off as [number, number];
    const need = (shape as number[]).reduce((x, y) => x * y, 1) * ITEM_SIZE[dtype as SafetensorsDType];
    if (e - b !== need) throw new SafetensorsError(`safetensors: tensor "${name}" spans ${e - b} bytes but ${dtype} [${shape.join(", ")}] needs ${need}.`);
    if (e > data.length) throw new SafetensorsError(`safetensors: tensor "${name}" ends at byte ${e} but the data section has ${data.length} bytes. The file is truncated.`);
    spans.push([b, e, name]);
    tensors[name] = { dtype: dtype as SafetensorsDType, shape: shape as number[], bytes: data.subarray(b, e) };
  }
  // tensors must tile the data section without gaps or overlaps, as the reference reader requires
  spans.sort((x, y) => x[0] - y[0]);
  let end = 0;
  for (const [b, e, name] of spans) {
    if (b !== end) throw new SafetensorsError(`safetensors: tensor "${name}" starts at byte ${b} but the previous one ends at ${end}; offsets must tile the data without gaps or overlaps.`);
    end = e;
  }
  if (end !== data.length) throw new SafetensorsError(`safetensors: the tensors cover ${end} bytes but the data section has ${data.length}.`);
  return { tensors, metadata };
}

/** IEEE half precision bits to a number. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
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
