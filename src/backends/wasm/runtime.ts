// Loads the wasm kernels and owns their linear memory.
//
// The binary comes from ./binary.ts (base64, so it travels inside the JS bundle). At load we pick
// the best variant the runtime validates: relaxed-SIMD fused multiply-add if present (on Node 20
// after turning on V8's flag for it; TENSORLOOM_WASM_FMA=0 opts out), plain SIMD otherwise, with
// a shared memory where SharedArrayBuffer exists (so worker threads can share it).
// No SIMD at all means no wasm backend; index.ts then keeps the reference backend.
//
// Memory layout: [0, 64 KiB) is left to the module, then one GEMM scratch block per thread, then
// the arena. Each kernel call resets the arena, copies its operands in, runs, and copies the
// result out, so memory grows only to the largest call seen and steady-state training allocates
// nothing new on the wasm side.
//
// TENSORLOOM_WASM_CHECKED=1 (Node, tests) loads the checked build of the same variant instead
// (scripts/buildWasm.mjs --checked, compiled from the sources and cached): every kernel access
// must fall inside an operand the arena registered for the call, inputs are read-only, and a
// guard gap separates operands, so a kernel that strays traps with the address instead of
// corrupting a neighbour or reading garbage.

import * as binaries from "./binary.js";
import type { PoolKernelFns } from "./signatures.js";
import { MAX_PAGES, PAGE, WasmHeap } from "./heap.js";

/** The module's exports; the pool kernels' signatures come from signatures.ts (one place for their argument order). */
export interface WasmExports extends PoolKernelFns {
  gemmScratchBytes(): number;
  lstmCell(gates: number, c: number, c1: number, h1: number, B: number, H: number): void;
  lstmCellBackward(gates: number, c: number, c1: number, dh1: number, dc1: number, dgates: number, dc: number, B: number, H: number): void;
  gruCell(xg: number, hg: number, h: number, h1: number, B: number, H: number): void;
  maxPool(x: number, out: number, indices: number, planes: number, P: number, O: number, start: number, offs: number): void;
  maxPool2x2(x: number, out: number, indices: number, planes: number, H: number, W: number, OH: number, OW: number): void;
  scatterAddRows(out: number, index: number, src: number, outer: number, size: number, m: number): void;
  indexSelectRows(x: number, index: number, out: number, outer: number, size: number, inner: number, m: number): void;
  avgPool(x: number, out: number, div: number, planes: number, P: number, O: number, start: number, offs: number): void;
  avgPoolBackward(dy: number, dx: number, div: number, planes: number, P: number, O: number, start: number, offs: number): void;
  sequencePackBytes(G: number, H: number): number;
  logSoftmax(x: number, out: number, rows: number, size: number): void;
  relu(x: number, out: number, n: number): void;
  fill32(p: number, n: number, bits: number): void;
  sumPartials(src: number, rows: number, cols: number, dst: number): void;
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    b1: number,
    a1: number,
    b2: number,
    a2: number,
    wd: number,
    decay: number,
    bc2: number,
    eps: number,
    stepSize: number,
    flags: number,
  ): void;
  sgdStep(p: number, g: number, buf: number, n: number, wd: number, mom: number, keep: number, lr: number, flags: number): void;
  arithRows(op: number, a: number, b: number, out: number, rows: number, cols: number): void;
  sumMiddle(x: number, outer: number, size: number, inner: number, out: number, acc: number): void;
  sumContiguous(x: number, outer: number, size: number, out: number): void;
  arith(op: number, a: number, b: number, out: number, n: number, bScalar: number): void;
  reluGrad(g: number, y: number, out: number, n: number): void;
  convPackedWeightFloats(O: number, CKg: number, groups: number): number;
  packRowsFull(a: number, m: number, k: number, dst: number): void;
  packedRowsFloats(m: number, k: number): number;
  sumRows(src: number, rows: number, cols: number, dst: number): void;
  gruCellBackward(xg: number, hg: number, h: number, dh1: number, dxg: number, dhg: number, dh: number, B: number, H: number): void;
  packedBFloats(k: number, n: number): number;
  packBAll(b: number, brs: number, bcs: number, k: number, n: number, dst: number): void;
  sgemmPackedB(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    packed: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  packedAFloats(m: number, k: number): number;
  packAAll(a: number, ars: number, acs: number, m: number, k: number, dst: number): void;
  sgemmPackedA(
    m: number,
    n: number,
    k: number,
    packed: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  /** The checked build only: address of its operand range table (assembly/checked.ts). */
  checkedTable?(): number;
}

export interface WasmRuntime {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: WasmExports;
  /** Fused multiply-add (relaxed SIMD) kernels were loaded. */
  readonly relaxed: boolean;
  /** The memory is a SharedArrayBuffer: worker threads can run kernels on it. */
  readonly shared: boolean;
  /** The bounds-checked build (TENSORLOOM_WASM_CHECKED=1): the arena registers every operand. */
  readonly checked: boolean;
}

/** Scratch blocks reserved up front: one per thread the pool may start. */
export const MAX_THREADS = 8;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    return true;
  } catch {
    return false;
  }
}

interface NodeProcess {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

/** TENSORLOOM_WASM_FMA=0 keeps the plain-SIMD kernels (mul then add, the same bits on every machine). */
export function fmaAllowed(): boolean {
  return nodeProcess?.env?.TENSORLOOM_WASM_FMA !== "0";
}

/**
 * Node 20 (V8 11.3) implements relaxed SIMD but keeps it behind --experimental-wasm-relaxed-simd;
 * Node 22+ and Chrome 114+ ship it on. The flag only lets the validator accept the relaxed
 * opcodes (measured: +30% GEMM throughput from fused multiply-add), so on Node 20 we turn it on
 * before validating. Returns whether it was set.
 */
function enableNode20RelaxedSimd(): boolean {
  const major = Number(nodeProcess?.versions?.node?.split(".")[0]);
  if (!(major >= 20 && major < 22)) return false;
  const v8 = nodeProcess?.getBuiltinModule?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (!v8?.setFlagsFromString) return false;
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return true;
}

/** TENSORLOOM_WASM_CHECKED=1 loads the bounds-checked build (Node only; for tests). */
export function checkedWanted(): boolean {
  return nodeProcess?.env?.TENSORLOOM_WASM_CHECKED === "1";
}

/**
 * The checked build of a variant (binary.ts's export name), compiled from the AssemblyScript
 * sources by scripts/buildWasm.mjs in a child process (the compiler is asynchronous, loading is
 * not), which caches it.
 */
function checkedBytes(variant: keyof typeof binaries): Uint8Array<ArrayBuffer> {
  const getModule = nodeProcess?.getBuiltinModule;
  const cp = getModule?.("node:child_process") as typeof import("node:child_process") | undefined;
  const fs = getModule?.("node:fs") as typeof import("node:fs") | undefined;
  const url = getModule?.("node:url") as typeof import("node:url") | undefined;
  if (!cp || !fs || !url)
    throw new Error("TENSORLOOM_WASM_CHECKED=1 needs Node (it compiles the kernels with the assemblyscript devDependency)");
  const script = url.fileURLToPath(new URL("../../../scripts/buildWasm.mjs", import.meta.url));
  const path = cp
    .execFileSync((nodeProcess as { execPath: string } & NodeProcess).execPath, [script, `--checked=${variant}`], { encoding: "utf8" })
    .trim();
  const file = fs.readFileSync(path);
  return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) as Uint8Array<ArrayBuffer>;
}

/** The variant this runtime can run, or null when it has no WebAssembly SIMD. */
export function chooseVariant(): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean; shared: boolean; checked: boolean } | null {
  if (typeof WebAssembly !== "object") return null;
  const shared = canShareMemory(),
    checked = checkedWanted();
  const pick = (relaxed: boolean, bytes: Uint8Array<ArrayBuffer>) => {
    const name = `${relaxed ? "relaxed" : "simd"}${shared ? "Shared" : ""}` as keyof typeof binaries;
    return { bytes: checked ? checkedBytes(name) : bytes, relaxed, shared, checked };
  };
  const relaxedBytes = decodeBase64(shared ? binaries.relaxedShared : binaries.relaxed);
  if (fmaAllowed() && (WebAssembly.validate(relaxedBytes) || (enableNode20RelaxedSimd() && WebAssembly.validate(relaxedBytes)))) {
    return pick(true, relaxedBytes);
  }
  const simdBytes = decodeBase64(shared ? binaries.simdShared : binaries.simd);
  if (WebAssembly.validate(simdBytes)) return pick(false, simdBytes);
  return null;
}

/** Every export WasmExports declares; "optional": only some builds have it. */
const EXPORTS: Record<keyof WasmExports, "required" | "optional"> = {
  sgemm: "required",
  convForward: "required",
  convBackwardInput: "required",
  convBackwardWeight: "required",
  convBackward: "required",
  convForwardSamples: "required",
  convBackwardSamples: "required",
  lstmSequence: "required",
  lstmSequenceBackward: "required",
  gruSequence: "required",
  gruSequenceBackward: "required",
  depthwiseForward: "required",
  depthwiseBackwardInput: "required",
  depthwiseBackwardWeight: "required",
  convDirect: "required",
  convDirectBackward: "required",
  convDirectBackwardSamples: "required",
  gemmScratchBytes: "required",
  lstmCell: "required",
  lstmCellBackward: "required",
  gruCell: "required",
  gruCellBackward: "required",
  maxPool: "required",
  maxPool2x2: "required",
  scatterAddRows: "required",
  indexSelectRows: "required",
  avgPool: "required",
  avgPoolBackward: "required",
  sequencePackBytes: "required",
  logSoftmax: "required",
  relu: "required",
  fill32: "required",
  sumPartials: "required",
  adamStep: "required",
  sgdStep: "required",
  arithRows: "required",
  sumMiddle: "required",
  sumContiguous: "required",
  arith: "required",
  reluGrad: "required",
  convPackedWeightFloats: "required",
  packRowsFull: "required",
  packedRowsFloats: "required",
  sumRows: "required",
  packedBFloats: "required",
  packBAll: "required",
  sgemmPackedB: "required",
  packedAFloats: "required",
  packAAll: "required",
  sgemmPackedA: "required",
  checkedTable: "optional",
};

/** A wasm export as JavaScript calls it: numbers in, a number (or nothing) out. */
type Export = (...args: number[]) => unknown;

/**
 * The declared exports of an instance, each checked to be a function (a module built from other
 * sources fails here, naming what it lacks, rather than at a kernel call), each passed through
 * `wrap` (the checked build's error reporting).
 */
function bindExports(raw: WebAssembly.Exports, wrap: (name: string, fn: Export) => Export = (_, fn) => fn): WasmExports {
  const bound: Partial<Record<keyof WasmExports, Export>> = {};
  for (const [name, need] of Object.entries(EXPORTS) as [keyof WasmExports, string][]) {
    const fn = raw[name];
    if (typeof fn === "function") bound[name] = wrap(name, fn as Export);
    else if (need === "required") throw new Error(`wasm backend: the module does not export ${name}; rebuild it with npm run build:wasm`);
  }
  return bound as WasmExports;
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Exports {
  const env = {
    memory,
    abort: () => {
      throw new Error("wasm kernel aborted");
    },
  };
  return new WebAssembly.Instance(module, { env }).exports;
}

export function createRuntime(module: WebAssembly.Module, relaxed: boolean, shared: boolean, checked = false): WasmRuntime {
  const memory = shared
    ? new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES });
  const raw = instantiate(module, memory);
  return { module, memory, exports: checked ? reportStrays(raw, memory) : bindExports(raw), relaxed, shared, checked };
}

/**
 * The checked build's exports, each turning its trap into an error that names the kernel, the
 * stray access and the operands registered for the call (read back from the range table).
 */
function reportStrays(raw: WebAssembly.Exports, memory: WebAssembly.Memory): WasmExports {
  const checkedTable = raw.checkedTable;
  if (typeof checkedTable !== "function")
    throw new Error("wasm backend: TENSORLOOM_WASM_CHECKED=1 loaded a module without checkedTable(); rebuild the checked build");
  const table = checkedTable() as number;
  return bindExports(raw, (name, fn) => (...args: number[]) => {
    new Uint32Array(memory.buffer, table, 4)[2] = 0;
    try {
      return fn(...args);
    } catch (e) {
      const t = new Uint32Array(memory.buffer, table, 4 + 3 * new Int32Array(memory.buffer, table, 1)[0]!);
      if (!(e instanceof WebAssembly.RuntimeError) || t[2] === 0) throw e;
      const ranges = Array.from({ length: t[0]! }, (_, i) => `[${t[4 + 3 * i]}, ${t[5 + 3 * i]})${t[6 + 3 * i] ? "" : " read-only"}`);
      throw new Error(
        `wasm kernel ${name}(${args.join(", ")}) touched memory outside its operands: a ${t[3] ? "store" : "load"} of ${t[2]} bytes at ${t[1]}; operands: ${ranges.join(", ")}`,
      );
    }
  });
}

/** Bytes left unregistered after each operand in the checked build: a kernel that runs past an end traps there. */
const GUARD_BYTES = 1024;

/**
 * One kernel call's operands: their addresses, the temporaries the call needs (heap blocks, given
 * back at the next reset) and, in the checked build, the range table the kernels are checked
 * against. An operand already in linear memory (a resident tensor's view) is used where it is;
 * any other is copied in, and an output that is not resident is copied out by finish().
 */
export class Arena {
  readonly scratchBytes: number;
  readonly heap: WasmHeap;
  /** The checked build's range table (0: unchecked) and its entries that outlive reset (the scratch blocks). */
  private readonly table: number;
  private readonly fixed: [number, number, boolean][] = [];
  private ranges: [number, number, boolean][] = [];
  /** This call's temporaries [address, bytes], and its outputs to copy out [temporary, destination]. */
  private readonly temps: [number, number][] = [];
  private readonly pending: [number, Float32Array | Int32Array][] = [];
  /** This call's inputs already in linear memory [start, end): an output overlapping one is copied out instead. */
  private readonly inPlace: [number, number][] = [];

  constructor(private readonly rt: WasmRuntime) {
    this.scratchBytes = align(rt.exports.gemmScratchBytes());
    this.heap = new WasmHeap(rt, PAGE + MAX_THREADS * this.scratchBytes, rt.checked ? GUARD_BYTES : 0);
    this.table = rt.checked ? rt.exports.checkedTable!() : 0;
    if (this.table)
      for (let t = 0; t < MAX_THREADS; t++) this.fixed.push([this.scratch(t), this.scratch(t) + rt.exports.gemmScratchBytes(), true]);
    this.reset();
  }

  /** Address of thread t's GEMM scratch block. */
  scratch(t: number): number {
    return PAGE + t * this.scratchBytes;
  }

  /** Start a call: the previous call's temporaries go back to the heap. */
  reset(): void {
    for (const [p, bytes] of this.temps) this.heap.free(p, bytes);
    // emptied in place: every kernel call resets, so fresh lists per call are garbage per call
    this.temps.length = 0;
    this.pending.length = 0;
    this.inPlace.length = 0;
    if (this.table) this.writeRanges((this.ranges = this.fixed.slice()));
  }

  /** A temporary of `bytes` bytes, 16-aligned; `readOnly`: kernels may only read it (checked build). */
  alloc(bytes: number, readOnly = false): number {
    const p = this.heap.alloc(bytes);
    this.temps.push([p, bytes]);
    this.register(p, bytes, !readOnly);
    return p;
  }

  /** The address of input `x`: where it is when it lives in linear memory, else a read-only copy. */
  input(x: Float32Array | Int32Array): number {
    if (!this.heap.owns(x)) return this.copyIn(x, true);
    this.register(x.byteOffset, x.byteLength, false);
    this.inPlace.push([x.byteOffset, x.byteOffset + x.byteLength]);
    return x.byteOffset;
  }

  /**
   * The address the kernel writes output `o` at: o itself when it lives in linear memory (and no
   * input of this call overlaps it), else a temporary that finish() copies into o.
   */
  output(o: Float32Array | Int32Array): number {
    const s = o.byteOffset,
      e = s + o.byteLength;
    if (this.heap.owns(o) && !this.inPlace.some(([a, b]) => a < e && s < b)) {
      this.register(s, o.byteLength, true);
      return s;
    }
    const p = this.alloc(o.byteLength);
    this.pending.push([p, o]);
    return p;
  }

  /** An operand the kernel reads and writes (an accumulation target): in place when resident, else copied in and out. */
  inout(o: Float32Array | Int32Array): number {
    if (this.heap.owns(o)) return this.output(o);
    const p = this.copyIn(o);
    this.pending.push([p, o]);
    return p;
  }

  /** Copy the outputs that were not resident back to their arrays. */
  finish(): void {
    for (const [p, o] of this.pending) o.set(o instanceof Float32Array ? this.f32(p, o.length) : this.i32(p, o.length));
    this.pending.length = 0;
  }

  /**
   * The shape of most kernel calls: reset, place `inputs` and `outputs`, run `body` with the
   * addresses (inputs first, then outputs), copy back the outputs that are not resident.
   */
  call(
    inputs: readonly (Float32Array | Int32Array)[],
    outputs: readonly (Float32Array | Int32Array)[],
    body: (ptrs: number[]) => void,
  ): void {
    this.reset();
    const ptrs = inputs.map((x) => this.input(x));
    for (const o of outputs) ptrs.push(this.output(o));
    body(ptrs);
    this.finish();
  }

  /** Copy a Float32Array or Int32Array into a fresh temporary (`readOnly`: an input kernels must not write). */
  copyIn(src: Float32Array | Int32Array, readOnly = false): number {
    const p = this.alloc(src.byteLength, readOnly);
    (src instanceof Float32Array ? this.f32(p, src.length) : this.i32(p, src.length)).set(src);
    return p;
  }

  /** A view of `len` floats at `ptr` (re-created per use: growing a private memory detaches old views). */
  f32(ptr: number, len: number): Float32Array {
    return new Float32Array(this.rt.memory.buffer, ptr, len);
  }

  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.rt.memory.buffer, ptr, len);
  }

  /** Bytes of linear memory in use, for tests that training does not grow it. */
  get memoryBytes(): number {
    return this.rt.memory.buffer.byteLength;
  }

  /** Add [p, p + bytes) to the checked build's operand table, kept sorted by start (ck() searches it). */
  private register(p: number, bytes: number, writable: boolean): void {
    if (!this.table) return;
    const r = this.ranges;
    let i = r.length;
    while (i > 0 && r[i - 1]![0] > p) i--;
    r.splice(i, 0, [p, p + bytes, writable]);
    this.writeRanges(r);
  }

  private writeRanges(r: readonly [number, number, boolean][]): void {
    if (4 + 3 * r.length > PAGE >> 2) throw new Error("wasm checked build: more operands in one call than its range table holds");
    const words = new Uint32Array(this.rt.memory.buffer, this.table, 4 + 3 * r.length);
    r.forEach(([s, e, w], i) => words.set([s, e, w ? 1 : 0], 4 + 3 * i));
    new Int32Array(this.rt.memory.buffer, this.table, 1)[0] = r.length;
  }
}

function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
