// State dicts to and from safetensors: tensors <-> raw bytes (safetensors.ts does the format),
// and file paths in Node, written atomically (temporary file, then rename) so that a crash never
// leaves a half-written model where a good one was. Browser-safe: node:fs is imported only when
// a path is given.

import { type DType, type TypedArray, allocStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import {
  type RawTensor,
  type SafetensorsDType,
  SafetensorsError,
  bf16ToNumber,
  decodeSafetensors,
  encodeSafetensors,
  halfToNumber,
} from "./safetensors.js";
import type { Module } from "../nn/module.js";
import { type ArchitectureSpec, type SpecModel, buildModel, describeModel, modelMetadata, readModelMetadata } from "./model.js";

export {
  SafetensorsError,
  encodeSafetensors,
  decodeSafetensors,
  SAFETENSORS_DTYPES,
  MAX_HEADER_BYTES,
  type RawTensor,
  type SafetensorsDType,
  type DecodeOptions,
} from "./safetensors.js";

/** Parameter and buffer tensors by dotted name, as PyTorch's state_dict (a plain object here, not an OrderedDict). */
export type StateDict = Record<string, Tensor>;

const TO_FILE: Record<DType, SafetensorsDType> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
/** The file dtypes a state dict can hold (fromRaw converts them). */
const LOADABLE_DTYPES: readonly SafetensorsDType[] = [
  "F64",
  "F32",
  "F16",
  "BF16",
  "I64",
  "U64",
  "I32",
  "U32",
  "I16",
  "U16",
  "I8",
  "U8",
  "BOOL",
];

/** Options when writing a state dict: `int64` writes int32 tensors as I64, PyTorch's integer type (e.g. num_batches_tracked). */
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

/**
 * Raw little-endian bytes to a tensor; F16/BF16 widen to float32, integer types other than I32
 * narrow to int32 (checked: a value outside int32 is an error, never a wrapped number).
 */
function fromRaw(name: string, r: RawTensor, op: string): Tensor {
  const n = r.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  let out: TypedArray;
  const fill = (dtype: DType, read: (i: number) => number): TypedArray => {
    const a = allocStorage(dtype, n);
    for (let i = 0; i < n; i++) a[i] = read(i);
    return a;
  };
  const checked = (v: bigint | number, i: number): number => {
    if (v > 2147483647 || v < -2147483648)
      throw new SafetensorsError(
        `${op}: tensor ${JSON.stringify(name)} (${r.dtype}) holds ${v} at position ${i}, outside tensorloom's int32 range. Store it as F64 or I32.`,
      );
    return Number(v);
  };
  switch (r.dtype) {
    case "F32":
      out = fill("float32", (i) => view.getFloat32(4 * i, true));
      break;
    case "F64":
      out = fill("float64", (i) => view.getFloat64(8 * i, true));
      break;
    case "F16":
      out = fill("float32", (i) => halfToNumber(view.getUint16(2 * i, true)));
      break;
    case "BF16":
      out = fill("float32", (i) => bf16ToNumber(view.getUint16(2 * i, true)));
      break;
    case "I32":
      out = fill("int32", (i) => view.getInt32(4 * i, true));
      break;
    case "I16":
      out = fill("int32", (i) => view.getInt16(2 * i, true));
      break;
    case "U16":
      out = fill("int32", (i) => view.getUint16(2 * i, true));
      break;
    case "I8":
      out = fill("int32", (i) => view.getInt8(i));
      break;
    case "U8":
      out = fill("int32", (i) => view.getUint8(i));
      break;
    case "BOOL":
      out = fill("bool", (i) => (view.getUint8(i) ? 1 : 0));
      break;
    case "U32":
      out = fill("int32", (i) => checked(view.getUint32(4 * i, true), i));
      break;
    case "I64":
      out = fill("int32", (i) => checked(view.getBigInt64(8 * i, true), i));
      break;
    case "U64":
      out = fill("int32", (i) => checked(view.getBigUint64(8 * i, true), i));
      break;
    default:
      throw new SafetensorsError(
        `${op}: tensor ${JSON.stringify(name)} is ${r.dtype}, a valid safetensors dtype that tensorloom has no type for (it reads ${LOADABLE_DTYPES.join(", ")}). ` +
          `Convert it before saving, or read the raw bytes with tl.io.decodeSafetensors.`,
      );
  }
  return new Tensor(out, r.shape);
}

/** A state dict as safetensors bytes. */
export function encodeStateDict(
  sd: StateDict,
  metadata?: Record<string, string> | null,
  opts: EncodeOptions = {},
  op = "encodeStateDict",
): Uint8Array {
  if (typeof sd !== "object" || sd === null || sd instanceof Tensor)
    throw new SafetensorsError(
      `${op}: expected a state dict (an object of named tensors), got ${sd instanceof Tensor ? "a tensor" : sd === null ? "null" : typeof sd}. Pass { name: tensor, ... }, e.g. model.stateDict().`,
    );
  // null prototype: a tensor named "__proto__" stays a key instead of becoming the prototype
  const raw: Record<string, RawTensor> = Object.create(null);
  for (const k of Object.keys(sd)) {
    const t = sd[k];
    if (!(t instanceof Tensor))
      throw new SafetensorsError(
        `${op}: entry "${k}" is not a tensor (got ${t === null ? "null" : typeof t}). A state dict maps names to tensors.`,
      );
    raw[k] = toRaw(t, opts);
  }
  return encodeSafetensors(raw, metadata, op);
}

/** Safetensors bytes as a state dict of tensors (an object without prototype, so any name is a plain key). */
export function decodeStateDict(bytes: Uint8Array, op = "decodeStateDict"): StateDict {
  const { tensors } = decodeSafetensors(bytes, { op });
  const out: StateDict = Object.create(null);
  for (const k of Object.keys(tensors)) out[k] = fromRaw(k, tensors[k]!, op);
  return out;
}

/** The part of node:fs/promises used here (typed locally: this module must build without Node's types). */
interface FsPromises {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array, opts: { flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

const nodeFs = async (op: string): Promise<FsPromises> => {
  const specifier = "node:fs/promises"; // a variable, so browser bundlers leave it alone
  try {
    return (await import(specifier)) as FsPromises;
  } catch {
    throw new SafetensorsError(`${op}: file paths need Node.js (node:fs); in a browser pass bytes (a Uint8Array) instead.`);
  }
};

const HINTS: Record<string, string> = {
  ENOENT: "the file or its folder does not exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "the path is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exhausted",
};

/** An fs failure as a library error naming the user's path (fs names the temporary file). */
function fsError(op: string, verb: string, path: string, e: unknown, fix: string): SafetensorsError {
  const code = (e as { code?: unknown })?.code;
  const why = typeof code === "string" ? `${code}: ${HINTS[code] ?? (e as Error).message}` : String((e as Error)?.message ?? e);
  return new SafetensorsError(`${op}: cannot ${verb} ${JSON.stringify(path)} (${why}). ${fix}`, { cause: e });
}

const splitPath = (path: string): [string, string] => {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut < 0 ? [".", path] : [path.slice(0, cut + 1) || "/", path.slice(cut + 1)];
};

/**
 * Temporary files of earlier saves to this path whose process has died (killed or interrupted
 * mid-write, so no cleanup of theirs ran): `<name>.tmp-<pid>-<random>` with no live <pid>.
 * Best effort: a failure here never fails the save.
 */
async function removeStaleTemps(fs: FsPromises, path: string): Promise<void> {
  const proc = (globalThis as { process?: { pid: number; kill(pid: number, signal: number): void } }).process;
  if (!proc) return;
  const [dir, base] = splitPath(path);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const prefix = `${base}.tmp-`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^([0-9]+)-[0-9a-z]+$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === proc.pid) continue;
    try {
      proc.kill(pid, 0);
      continue; // alive (or not ours to signal): its save may still be running
    } catch (e) {
      if ((e as { code?: string }).code !== "ESRCH") continue;
    }
    await fs.rm(dir === "." ? name : dir + name, { force: true }).catch(() => undefined);
  }
}

/**
 * Save a state dict as safetensors. With a path (Node), the file is written to a temporary
 * name beside it and renamed into place; on failure the temporary file is removed and the
 * error names the path. Temporary files that interrupted saves (a killed process) left beside
 * the path are removed by the next save to it. The bytes are returned either way.
 * @example tl.io.encodeStateDict({ w: tl.ones([2]) }).length // => 72
 */
export async function saveSafetensors(
  sd: StateDict,
  path?: string,
  metadata?: Record<string, string> | null,
  opts: EncodeOptions = {},
): Promise<Uint8Array> {
  const op = "saveSafetensors";
  if (path !== undefined && (typeof path !== "string" || path === ""))
    throw new SafetensorsError(
      `${op}: the path must be a non-empty string, got ${typeof path === "string" ? "an empty string" : typeof path}. Pass a file path, or leave it out to get the bytes.`,
    );
  const bytes = encodeStateDict(sd, metadata, opts, op);
  if (path === undefined) return bytes;
  const fs = await nodeFs(op);
  const pid = (globalThis as { process?: { pid: number } }).process?.pid ?? 0;
  const tmp = `${path}.tmp-${pid}-${Math.random().toString(36).slice(2, 10) || "0"}`;
  try {
    await fs.writeFile(tmp, bytes, { flag: "wx" });
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(op, "write", path, e, "Check that its folder exists and is writable, and that the path is not a folder.");
  }
  await removeStaleTemps(fs, path);
  return bytes;
}

/** Load a safetensors file (a path in Node) or bytes into a state dict. */
export async function loadSafetensors(pathOrBytes: string | Uint8Array): Promise<StateDict> {
  if (typeof pathOrBytes === "string") {
    const op = `loadSafetensors(${JSON.stringify(pathOrBytes)})`;
    const fs = await nodeFs(op);
    let buf: Uint8Array;
    try {
      buf = await fs.readFile(pathOrBytes);
    } catch (e) {
      throw fsError("loadSafetensors", "read", pathOrBytes, e, "Check the path.");
    }
    return decodeStateDict(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), op);
  }
  if (!(pathOrBytes instanceof Uint8Array))
    throw new SafetensorsError(
      `loadSafetensors: expected a file path or bytes (a Uint8Array), got ${pathOrBytes === null ? "null" : typeof pathOrBytes}.`,
    );
  return decodeStateDict(pathOrBytes, "loadSafetensors");
}

export {
  type LayerSpec,
  type ArchitectureSpec,
  METADATA_KEYS,
  KNOWN_LAYERS,
  LastStep,
  SpecModel,
  buildModel,
  describeModel,
  modelMetadata,
  readModelMetadata,
} from "./model.js";

/** Options of saveModel: the architecture (default: describeModel(model)), the preprocessing to record, and more metadata strings. */
export interface SaveModelOptions extends EncodeOptions {
  architecture?: ArchitectureSpec;
  preprocessing?: unknown;
  metadata?: Record<string, string>;
}

/** What loadModel returns: the model (in eval mode), its recorded preprocessing (null if none) and the file's metadata. */
export interface LoadedModel<P = unknown> {
  model: SpecModel;
  preprocessing: P;
  metadata: Record<string, string>;
}

/**
 * Save a self-describing checkpoint: the state dict under its own keys (PyTorch loads it with
 * load_state_dict(strict=True)) and, in "__metadata__", the architecture and the preprocessing as
 * JSON, so loadModel rebuilds the model without the user's code. Returns the bytes.
 * @example (await tl.io.saveModel(new tl.nn.Sequential(new tl.nn.Linear(2, 1)))).length > 0 // => true
 */
export async function saveModel(model: Module, path?: string, opts: SaveModelOptions = {}): Promise<Uint8Array> {
  const architecture = opts.architecture ?? describeModel(model);
  const { architecture: _a, preprocessing, metadata, ...enc } = opts;
  return saveSafetensors(model.stateDict(), path, modelMetadata(architecture, preprocessing, metadata), enc);
}

/**
 * Load a checkpoint written by saveModel (a path in Node, or bytes): the model rebuilt from the
 * recorded architecture with its weights loaded strictly, in eval mode, and the recorded
 * preprocessing. A file without an architecture (weights only) is refused, naming what is missing.
 */
export async function loadModel<P = unknown>(pathOrBytes: string | Uint8Array): Promise<LoadedModel<P>> {
  let bytes: Uint8Array,
    what = "the bytes";
  if (typeof pathOrBytes === "string") {
    const fs = await nodeFs("loadModel");
    what = JSON.stringify(pathOrBytes);
    try {
      const buf = await fs.readFile(pathOrBytes);
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw fsError("loadModel", "read", pathOrBytes, e, "Check the path.");
    }
  } else if (pathOrBytes instanceof Uint8Array) bytes = pathOrBytes;
  else
    throw new SafetensorsError(
      `loadModel: expected a file path or bytes (a Uint8Array), got ${pathOrBytes === null ? "null" : typeof pathOrBytes}.`,
    );
  const op = `loadModel(${what})`;
  const { tensors, metadata } = decodeSafetensors(bytes, { op });
  const { architecture, preprocessing } = readModelMetadata(metadata, what);
  const model = buildModel(architecture);
  const sd: StateDict = Object.create(null);
  for (const k of Object.keys(tensors)) sd[k] = fromRaw(k, tensors[k]!, op);
  model.loadStateDict(sd, { strict: true });
  model.eval();
  return { model, preprocessing: preprocessing as P, metadata };
}
