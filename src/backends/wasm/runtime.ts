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

export interface WasmExports {
  sgemm(m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number, accumulate: number, scratch: number): void;
  gemmScratchBytes(): number;
  lstmCell(gates: number, c: number, c1: number, h1: number, B: number, H: number): void;
  lstmCellBackward(gates: number, c: number, c1: number, dh1: number, dc1: number, dgates: number, dc: number, B: number, H: number): void;
  gruCell(xg: number, hg: number, h: number, h1: number, B: number, H: number): void;
  convForward(x: number, w: number, out: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, groups: number, runs: number, chunks: number, nChunks: number, cols: number, scratch: number, bias: number, packedW: number): void;
  convBackwardInput(dy: number, w: number, img: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, groups: number, runs: number, chunks: number, nChunks: number, cols: number, scratch: number, packedWT: number): void;
  convBackwardWeight(x: number, dy: number, dw: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, groups: number, runs: number, chunks: number, nChunks: number, cols: number, scratch: number, accumulate: number): void;
  convBackward(x: number, w: number, dy: number, dx: number, dw: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, groups: number, runs: number, chunks: number, nChunks: number, cols: number, scratch: number, accumulate: number, packedWT: number): void;
  maxPool(x: number, out: number, indices: number, planes: number, P: number, O: number, start: number, offs: number): void;
  scatterAddRows(out: number, index: number, src: number, outer: number, size: number, m: number): void;
  avgPool(x: number, out: number, div: number, planes: number, P: number, O: number, start: number, offs: number): void;
  avgPoolBackward(dy: number, dx: number, div: number, planes: number, P: number, O: number, start: number, offs: number): void;
  lstmSequence(xg: number, h0: number, c0: number, w: number, out: number, gates: number, T: number, B: number, H: number, reverse: number, scratch: number, packed: number, b0: number, nb: number): void;
  lstmSequenceBackward(w: number, gates: number, out: number, h0: number, c0: number, gOut: number, dxg: number, dh0: number, dc0: number, hPrev: number, dh: number, dc: number, dcPrev: number, T: number, B: number, H: number, reverse: number, scratch: number, packed: number, b0: number, nb: number): void;
  gruSequence(xg: number, h0: number, w: number, b: number, hasBias: number, out: number, hg: number, T: number, B: number, H: number, reverse: number, scratch: number, packed: number, b0: number, nb: number): void;
  gruSequenceBackward(xg: number, w: number, hg: number, out: number, h0: number, gOut: number, dxg: number, dhg: number, dh0: number, hPrev: number, dh: number, dhDirect: number, T: number, B: number, H: number, reverse: number, scratch: number, packed: number, b0: number, nb: number): void;
  sequencePackBytes(G: number, H: number): number;
  logSoftmax(x: number, out: number, rows: number, size: number): void;
  relu(x: number, out: number, n: number): void;
  arithRows(op: number, a: number, b: number, out: number, rows: number, cols: number): void;
  sumMiddle(x: number, outer: number, size: number, inner: number, out: number, acc: number): void;
  sumContiguous(x: number, outer: number, size: number, out: number): void;
  arith(op: number, a: number, b: number, out: number, n: number, bScalar: number): void;
  reluGrad(g: number, y: number, out: number, n: number): void;
  convPackedWeightFloats(O: number, CKg: number, groups: number): number;
  convDirect(x: number, n0: number, n1: number, C: number, P: number, Pp: number, padRuns: number, nPadRuns: number, xpad: number, packedA: number, M: number, Kd: number, offs: number, rowBase: number, rows: number, W: number, out: number, bias: number, tmp: number): void;
  convDirectWeight(x: number, dy: number, n0: number, n1: number, C: number, P: number, Pp: number, padRuns: number, nPadRuns: number, xpad: number, dyT: number, O: number, Kd: number, offs: number, rowBase: number, rows: number, W: number, dw: number, tmp: number): void;
  packRowsFull(a: number, m: number, k: number, dst: number): void;
  packedRowsFloats(m: number, k: number): number;
  sumRows(src: number, rows: number, cols: number, dst: number): void;
  depthwiseForward(x: number, w: number, out: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, runs: number, nRuns: number, bias: number): void;
  depthwiseBackwardInput(dy: number, w: number, dx: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, runs: number, nRuns: number): void;
  depthwiseBackwardWeight(x: number, dy: number, dw: number, n0: number, n1: number, C: number, P: number, O: number, K: number, L: number, runs: number, nRuns: number, accumulate: number): void;
  gruCellBackward(xg: number, hg: number, h: number, dh1: number, dxg: number, dhg: number, dh: number, B: number, H: number): void;
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

const PAGE = 65536;
const MAX_PAGES = 65536;
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

interface NodeProcess { env?: Record<string, string | undefined>; versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown }
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
  if (!cp || !fs || !url) throw new Error("TENSORLOOM_WASM_CHECKED=1 needs Node (it compiles the kernels with the assemblyscript devDependency)");
  const script = url.fileURLToPath(new URL("../../../scripts/buildWasm.mjs", import.meta.url));
  const path = cp.execFileSync((nodeProcess as { execPath: string } & NodeProcess).execPath, [script, `--checked=${variant}`], { encoding: "utf8" }).trim();
  const file = fs.readFileSync(path);
  return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) as Uint8Array<ArrayBuffer>;
}

/** The variant this runtime can run, or null when it has no WebAssembly SIMD. */
export function chooseVariant(): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean; shared: boolean; checked: boolean } | null {
  if (typeof WebAssembly !== "object") return null;
  const shared = canShareMemory(), checked = checkedWanted();
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

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WasmExports {
  const env = { memory, abort: () => { throw new Error("wasm kernel aborted"); } };
  return new WebAssembly.Instance(module, { env }).exports as unknown as WasmExports;
}

export function createRuntime(module: WebAssembly.Module, relaxed: boolean, shared: boolean, checked = false): WasmRuntime {
  const memory = shared
    ? new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES });
  const exports = instantiate(module, memory);
  return { module, memory, exports: checked ? reportStrays(exports, memory) : exports, relaxed, shared, checked };
}

/**
 * The checked build's exports, each turning its trap into an error that names the kernel, the
 * stray access and the operands registered for the call (read back from the range table).
 */
function reportStrays(exports: WasmExports, memory: WebAssembly.Memory): WasmExports {
  const table = exports.checkedTable!();
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(exports)) {
    if (typeof fn !== "function") { wrapped[name] = fn; continue; }
    wrapped[name] = (...args: number[]) => {
      new Uint32Array(memory.buffer, table, 4)[2] = 0;
      try {
        return (fn as (...a: number[]) => unknown)(...args);
      } catch (e) {
        const t = new Uint32Array(memory.buffer, table, 4 + 3 * new Int32Array(memory.buffer, table, 1)[0]!);
        if (!(e instanceof WebAssembly.RuntimeError) || t[2] === 0) throw e;
        const ranges = Array.from({ length: t[0]! }, (_, i) => `[${t[4 + 3 * i]}, ${t[5 + 3 * i]})${t[6 + 3 * i] ? "" : " read-only"}`);
        throw new Error(`wasm kernel ${name}(${args.join(", ")}) touched memory outside its operands: a ${t[3] ? "store" : "load"} of ${t[2]} bytes at ${t[1]}; operands: ${ranges.join(", ")}`);
      }
    };
  }
  return wrapped as unknown as WasmExports;
}

/** Bytes left unregistered after each operand in the checked build: a kernel that runs past an end traps there. */
const GUARD_BYTES = 1024;

/** Bump allocator over the module's memory, reset before every kernel call. */
export class Arena {
  readonly scratchBytes: number;
  private readonly base: number;
  private top: number;
  private highWater: number;
  /** The checked build's range table (0: unchecked) and its entries that outlive reset (the scratch blocks). */
  private readonly table: number;
  private readonly fixedRanges: number;
  private ranges = 0;

  constructor(private readonly rt: WasmRuntime) {
    this.scratchBytes = align(rt.exports.gemmScratchBytes());
    this.base = PAGE + MAX_THREADS * this.scratchBytes;
    this.top = this.base;
    this.highWater = this.base;
    this.ensure(this.base);
    this.table = rt.checked ? rt.exports.checkedTable!() : 0;
    if (this.table) for (let t = 0; t < MAX_THREADS; t++) this.register(this.scratch(t), rt.exports.gemmScratchBytes(), true);
    this.fixedRanges = this.ranges;
  }

  /** Address of thread t's GEMM scratch block. */
  scratch(t: number): number {
    return PAGE + t * this.scratchBytes;
  }

  reset(): void {
    this.top = this.base;
    if (this.table) this.setRanges(this.fixedRanges);
  }

  /** `bytes` bytes, 16-aligned for SIMD loads; `readOnly`: kernels may only read it (checked build). */
  alloc(bytes: number, readOnly = false): number {
    const p = this.top;
    this.top = align(p + bytes + (this.table ? GUARD_BYTES : 0));
    if (this.top > this.highWater) {
      this.highWater = this.top;
      this.ensure(this.top);
    }
    if (this.table) this.register(p, bytes, !readOnly);
    return p;
  }

  /** Add [p, p + bytes) to the checked build's operand table (kept sorted by address: ck() searches it). */
  private register(p: number, bytes: number, writable: boolean): void {
    const at = (this.table >> 2) + 4 + 3 * this.ranges;
    if (at + 3 > PAGE >> 2) throw new Error("wasm checked build: more operands in one call than its range table holds");
    const words = new Uint32Array(this.rt.memory.buffer);
    if (this.ranges > 0 && p < words[at - 2]!) throw new Error("wasm checked build: operands must be registered in address order");
    words.set([p, p + bytes, writable ? 1 : 0], at);
    this.setRanges(this.ranges + 1);
  }

  private setRanges(n: number): void {
    this.ranges = n;
    new Int32Array(this.rt.memory.buffer, this.table, 1)[0] = n;
  }

  /**
   * The shape of most kernel calls: reset, copy `inputs` in, allocate `outputs`, run `body` with
   * the addresses (inputs first, then outputs), copy the outputs back.
   */
  call(inputs: readonly (Float32Array | Int32Array)[], outputs: readonly (Float32Array | Int32Array)[], body: (ptrs: number[]) => void): void {
    this.reset();
    const ptrs = inputs.map((x) => this.copyIn(x, true));
    const outPtrs = outputs.map((o) => this.alloc(o.length * 4));
    body([...ptrs, ...outPtrs]);
    outputs.forEach((o, i) => o.set(o instanceof Float32Array ? this.f32(outPtrs[i]!, o.length) : this.i32(outPtrs[i]!, o.length)));
  }

  /** Copy a Float32Array or Int32Array into fresh arena space (`readOnly`: an input kernels must not write). */
  copyIn(src: Float32Array | Int32Array, readOnly = false): number {
    const p = this.alloc(src.length * 4, readOnly);
    (src instanceof Float32Array ? this.f32(p, src.length) : this.i32(p, src.length)).set(src);
    return p;
  }

  /** A view of `len` floats at `ptr` (re-created per use: growing the memory detaches old views). */
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

  private ensure(bytes: number): void {
    const have = this.rt.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new RangeError(`wasm backend: a kernel needs ${(bytes / 2 ** 30).toFixed(2)} GiB of operands, more than WebAssembly's 4 GiB address space; use tl.setBackend("reference") for this op or split the batch.`);
    }
    // grow at least 1.5x so a run of slightly larger calls does not grow page by page
    this.rt.memory.grow(Math.min(MAX_PAGES - have / PAGE, Math.max(pages, Math.ceil(have / PAGE / 2))));
  }
}

function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
