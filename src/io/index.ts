// State dicts to and from safetensors: tensors <-> raw bytes (safetensors.ts does the format),
// and file paths in Node, written atomically (temporary file, then rename) so that a crash never
// leaves a half-written model where a good one was. Browser-safe: node:fs is imported only when
// a path is given.

import { type DType, type TypedArray, allocStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { type RawTensor, type SafetensorsDType, SafetensorsError, bf16ToNumber, decodeSafetensors, encodeSafetensors, halfToNumber } from "./safetensors.js";

export { SafetensorsError, encodeSafetensors, decodeSafetensors, type RawTensor, type SafetensorsDType } from "./safetensors.js";

export type StateDict = Record<string, Tensor>;

const TO_FILE: Record<DType, SafetensorsDType> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

export interface EncodeOptions {
  /** Write int32 tensors as I64 (PyTorch's default integer type, e.g. num_batches_tracked). */
  int64?: boolean;
}

function toRaw(t: Tensor, opts: EncodeOptions): RawTensor {
  const s = t.storage;
  if (opts.int64 && t.dtype === "int32") {
    const wide = new BigInt64Array(s.length);
    for (let i = 0; i < s.length; i++) wide[i] = BigInt(s[i]!);
    return { dtype: "I64", shape: t.shape.slice(), bytes: new Uint8Array(wide.buffer) };
  }
  const bytes = new Uint8Array(s.buffer, s.byteOffset, s.byteLength).slice();
  return { dtype: TO_FILE[t.dtype], shape: t.shape.slice(), bytes };
}

/** Raw little-endian bytes to a tensor; F16/BF16 widen to float32, I64/I16/I8/U8 narrow to int32 (checked). */
function fromRaw(name: string, r: RawTensor): Tensor {
  const n = r.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  let out: TypedArray;
  const fill = (dtype: DType, read: (i: number) => number): TypedArray => {
    const a = allocStorage(dtype, n);
    for (let i = 0; i < n; i++) a[i] = read(i);
    return a;
  };
  switch (r.dtype) {
    case "F32": out = fill("float32", (i) => view.getFloat32(4 * i, true)); break;
    case "F64": out = fill("float64", (i) => view.getFloat64(8 * i, true)); break;
    case "F16": out = fill("float32", (i) => halfToNumber(view.getUint16(2 * i, true))); break;
    case "BF16": out = fill("float32", (i) => bf16ToNumber(view.getUint16(2 * i, true))); break;
    case "I32": out = fill("int32", (i) => view.getInt32(4 * i, true)); break;
    case "I16": out = fill("int32", (i) => view.getInt16(2 * i, true)); break;
    case "I8": out = fill("int32", (i) => view.getInt8(i)); break;
    case "U8": out = fill("int32", (i) => view.getUint8(i)); break;
    case "BOOL": out = fill("bool", (i) => (view.getUint8(i) ? 1 : 0)); break;
    case "I64": out = fill("int32", (i) => {
      const v = view.getBigInt64(8 * i, true);
      if (v > 2147483647n || v < -2147483648n) throw new SafetensorsError(`safetensors: tensor "${name}" (I64) holds ${v} at position ${i}, outside tensorloom's int32 range.`);
      return Number(v);
    }); break;
    default: return r.dtype satisfies never;
  }
  return new Tensor(out, r.shape);
}

/** A state dict as safetensors bytes. */
export function encodeStateDict(sd: StateDict, metadata?: Record<string, string>, opts: EncodeOptions = {}): Uint8Array {
  const raw: Record<string, RawTensor> = {};
  for (const [k, t] of Object.entries(sd)) {
    if (!(t instanceof Tensor)) throw new SafetensorsError(`saveSafetensors: entry "${k}" is not a tensor.`);
    raw[k] = toRaw(t, opts);
  }
  return encodeSafetensors(raw, metadata);
}

/** Safetensors bytes as a state dict of tensors. */
export function decodeStateDict(bytes: Uint8Array): StateDict {
  const { tensors } = decodeSafetensors(bytes);
  return Object.fromEntries(Object.entries(tensors).map(([k, r]) => [k, fromRaw(k, r)]));
}

/** The part of node:fs/promises used here (typed locally: this module must build without Node's types). */
interface FsPromises {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array, opts: { flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
}

const nodeFs = async (): Promise<FsPromises> => {
  const specifier = "node:fs/promises"; // a variable, so browser bundlers leave it alone
  try {
    return (await import(specifier)) as FsPromises;
  } catch {
    throw new SafetensorsError("safetensors: file paths need Node.js (node:fs); in a browser pass bytes (a Uint8Array) instead.");
  }
};

/**
 * Save a state dict as safetensors. With a path (Node), the file is written to a temporary
 * name beside it and renamed into place; the bytes are returned either way.
 * @example tl.io.encodeStateDict({ w: tl.ones([2]) }).length // => 72
 */
export async function saveSafetensors(sd: StateDict, path?: string, metadata?: Record<string, string>, opts: EncodeOptions = {}): Promise<Uint8Array> {
  const bytes = encodeStateDict(sd, metadata, opts);
  if (path !== undefined) {
    const fs = await nodeFs();
    const tmp = `${path}.tmp-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      await fs.writeFile(tmp, bytes, { flag: "wx" });
      await fs.rename(tmp, path);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }
  return bytes;
}

/** Load a safetensors file (a path in Node) or bytes into a state dict. */
export async function loadSafetensors(pathOrBytes: string | Uint8Array): Promise<StateDict> {
  if (typeof pathOrBytes === "string") {
    const fs = await nodeFs();
    const buf = await fs.readFile(pathOrBytes);
    return decodeStateDict(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  }
  return decodeStateDict(pathOrBytes);
}
