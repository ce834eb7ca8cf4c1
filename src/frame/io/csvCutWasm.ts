/// <reference types="node" />
/**
 * The Node reader's cutter of simple CSV records (csv.ts's BlockCutter): cutBlock in wasm,
 * 16 bytes per step (csvCut.as), over a file read a window at a time (or whole) into the module's
 * memory. Node only
 * (node.ts imports it): tensorloom/frame itself carries no wasm.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import {
  type BlockCutter,
  Builder,
  type Dialect,
  type ParseContext,
  type ReadCsvOptions,
  cutBlock,
  lastCutEnd,
  readCsvWindowed,
} from "./csv.js";
import { POW10, StringTable } from "./csvFields.js";
import type { DataFrame } from "../table.js";

/** csvCut.as compiled (-O3, simd, stub runtime, imported memory); csvCutWasm.test.ts checks it is. */
export const CSV_CUT_WASM =
  "AGFzbQEAAAABIQRgB39/f39/f38Bf2AAAX9gCH9/f39/f39/AX9gAX8BfwIPAQNlbnYGbWVtb3J5AgAAAwUEAAECAwYGAX8BQQALBysFBmN1dEVuZAABA2N1dAACBWFzY2lpAAMHbnVtYmVycwAABm1lbW9yeQIACtIIBLkCAwd/AXwBfgNAIAMgDUoEQCAAIAEgAiANbGpBAnRqIgcoAgAiCCAHKAIEIgxHIAwgCGtBEEhxBHxCACEPQX8hCSAIIgctAABBLUYiCwRAIAhBAWohBwsDQCAHIAxIBEACQCAHLQAAIgpBOU0gCkEwT3EEQCAKQTBrrCAPQgp+fCEPBSAKQS5GIAlBAEhxRQ0BIAchCQsgB0EBaiEHDAILCwsgByAMRgR/IAsgCUEATmogDCAIa0gFQQALBHwgD7khDiAJQQBIBHwgDpogDiALGwUgBAR8IA4gBiAMIAlrQQFrQQN0aisDAKMiDpogDiALGwVEAAAAAAAA+H8LCwVEAAAAAAAA+H8LBUQAAAAAAAD4fwsiDiAOYgRAIA0PCyAFIA1BA3RqIA45AwAgDUEBaiENDAELCyADCwQAIwALgQUCBX8CeyAAJAAgA0EATCAAIAFOcgR/QQEFIAAtAAAiCEEgRiAFIAhGciAIQQlGciAIQQpGciAIQQ1GciAGIAhGcgsEQEEADwsgAEFwcSIJ/QAEACIOIAT9DyIN/SMgDv0MCgoKCgoKCgoKCgoKCgoKCv0j/VAgDv0MDQ0NDQ0NDQ0NDQ0NDQ0NDf0j/VD9ZEH//wMgACAJa3RxIQggByAANgIAA38DQCAIRQRAIAEgCUEQaiIJSgRAIAn9AAQAIg4gDf0jIA79DAoKCgoKCgoKCgoKCgoKCgr9I/1QIA79DA0NDQ0NDQ0NDQ0NDQ0NDQ39I/1Q/WQhCAwCCwsLIAhFIAkgCGhqIgwgAU5yBEAgByABNgIEIApBAWogAkYEfyABJAAgC0EBagUgCwsPCyAIIAhBAWtxIQggByAMNgIEIAdBCGohByAKQQFqIQogDEEBaiEAIAwtAAAiDCAERgRAIAIgCkYEf0EBBSAAIAFIBH8gAC0AACAFRgVBAAsLBEAgCw8LIAcgADYCAAwBCyACIApHBEAgCw8LIAxBDUYgACABSHEEfyAALQAAQQpGBUEACwRAIAggCEEBa3EgCCAAQQFqIgAgCWtBEEwbIQgLIAAkACALQQFqIgsgA0YgACABTnIEf0EBBSAALQAAIgpBIEYgBSAKRnIgCkEJRnIgCkEKRnIgCkENRnIgBiAKRnILBH8gCwVBACEKIAcgADYCACAAIAlrQRBOBEAgAEFwcSIJ/QAEACIOIA39IyAO/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAO/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SP9UP1kQf//AyAAIAlrdHEhCAsMAQsLC4wBAgN/AXsDQCABQUBrIgIgAEwEQCAEIAH9AAQAIAH9AAQQ/VAgAf0ABCAgAf0ABDD9UP1Q/VAhBCACIQEMAQsLA0AgAUEQaiICIABMBEAgBCAB/QAEAP1QIQQgAiEBDAELCwNAIAAgAUoEQCADIAEtAAByIQMgAUEBaiEBDAELCyAE/WQgA0GAAXFyRQs=";

/** Room for the field offsets of one block: csv.ts cuts at most 2^15 fields a block (2 ints each). */
const SE_INTS = 1 << 16;
/** Room for the numbers of one column of a block (at most 4,096 rows). */
const NUMS = 1 << 12;

let compiled: WebAssembly.Module | null | undefined;

function cutModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bin = Buffer.from(CSV_CUT_WASM, "base64");
    compiled = WebAssembly.validate(bin) ? new WebAssembly.Module(bin) : null;
  }
  return compiled;
}

interface CutExports {
  cut(i: number, to: number, nb: number, maxRows: number, sep: number, quote: number, comment: number, se: number): number;
  cutEnd(): number;
  ascii(to: number): number;
  numbers(se: number, o: number, step: number, count: number, isFloat: number, out: number, pow10: number): number;
}

/**
 * A module instance over a fresh memory with room for `size` input bytes at offset 0, 16 spare
 * bytes after them (the cut reads whole 16-byte steps), then the offsets block, a column's
 * numbers and 10^0 .. 10^15. null where the runtime has no wasm SIMD or the input is too large for
 * 32-bit offsets.
 */
interface Region {
  x: CutExports;
  mem: Uint8Array;
  se: Int32Array;
  seAt: number;
  /** Cut [i, to) of the memory (offsets of it), and where that cut ended. */
  cut(i: number, to: number, d: Dialect, nb: number, maxRows: number): number;
  end(): number;
  numbers(o: number, step: number, count: number, isFloat: boolean, into: Float64Array, at: number): number;
}

function region(size: number): Region | null {
  const mod = cutModule();
  const seAt = (size + 16 + 15) & ~15;
  const numAt = seAt + 4 * SE_INTS,
    powAt = numAt + 8 * NUMS,
    top = powAt + 8 * 16;
  if (!mod || top >= 2 ** 31) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(top / 65536) });
  } catch {
    return null; // no address space for it: the reader reads the file as a Buffer instead
  }
  new Float64Array(memory.buffer, powAt, 16).set(POW10.subarray(0, 16));
  const nums = new Float64Array(memory.buffer, numAt, NUMS);
  const mem = new Uint8Array(memory.buffer, 0, size);
  const x = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as CutExports;
  let inJs = false;
  const r: Region = {
    x,
    mem,
    se: new Int32Array(memory.buffer, seAt, SE_INTS),
    seAt,
    // (the module compares bytes with the separator as one byte: another goes to cutBlock)
    cut: (i, to, d, nb, maxRows) =>
      (inJs = d.sep > 127) ? cutBlock(mem, i, to, d, nb, r.se, maxRows) : x.cut(i, to, nb, maxRows, d.sep, d.quote, d.comment, seAt),
    end: () => (inJs ? lastCutEnd() : x.cutEnd()),
    numbers: (o, step, count, isFloat, into, at) => {
      const k = x.numbers(seAt, o, step, count, isFloat ? 1 : 0, numAt, powAt);
      into.set(k === nums.length ? nums : nums.subarray(0, k), at);
      return k;
    },
  };
  return r;
}

/** A region holding `size` bytes (written by fill, which returns how many it wrote), with a cutter over them. */
function cutterOver(size: number, fill: (into: Uint8Array) => number): { bytes: Uint8Array; cutter: BlockCutter } | null {
  const r = region(size);
  if (!r) return null;
  const bytes = r.mem.subarray(0, fill(r.mem));
  const cutter: BlockCutter = {
    bytes,
    se: r.se,
    base: 0,
    cut: r.cut,
    end: r.end,
    ascii: () => r.x.ascii(bytes.length) === 1,
    numbers: r.numbers,
  };
  return { bytes, cutter };
}

/** A copy of the bytes in wasm memory, with a cutter over it (tests compare it with cutBlock). */
export function cutterFor(b: Uint8Array): { bytes: Uint8Array; cutter: BlockCutter } | null {
  return cutterOver(b.length, (into) => {
    into.set(b);
    return b.length;
  });
}

/** Read bytes [at, at + into.length) of the file into `into` (fewer at its end); returns how many. */
function readAt(fd: number, into: Uint8Array, at: number): number {
  let got = 0;
  for (let n = 1; got < into.length && n > 0; got += n) n = readSync(fd, into, got, into.length - got, at + got);
  return got;
}

/** The file read straight into wasm memory, with a cutter over it (no copy of the 56 MB of a large file). */
export function readFileForCut(path: string): { bytes: Uint8Array; cutter: BlockCutter } | null {
  const fd = openSync(path, "r");
  try {
    return cutterOver(fstatSync(fd).size, (into) => readAt(fd, into, 0));
  } finally {
    closeSync(fd);
  }
}

/** Thrown by a window that meets a byte past ASCII (or cannot hold the file whole): the file is read the other way. */
const OTHER_WAY = new Error("readCsvFile: read the file whole");

/** Reads through a window, and files a window read whole after all (tests check which way a file goes). */
export const windowWork = { windowed: 0, wholeReads: 0 };

/** Bytes of the file a window holds: a few blocks of records. */
const WINDOW = 1 << 20;

/** The window's region, kept between reads: its pages are not fresh memory each read (readCsvFile is synchronous and calls no user code while it reads). */
let shared: Region | null = null;

/**
 * One object of each class the read makes objects of, kept: V8 lets a class's hidden class go
 * once a full collection finds no object of it (a gc() between reads does: the reader's objects
 * are all garbage then), and with it the optimized code that checks for it, so every read ran
 * its loops unoptimized again and recompiled them (~100 ms of compiler threads' CPU a read of
 * the 1M-row file, measured with gc() between reads as the benchmarks do).
 */
let keptObjects: object[] | null = null;

/** The objects kept (tests check there is one of each class). */
export const readerObjectsKept = (): readonly object[] | null => keptObjects;

/**
 * A BlockCutter over a window of the file (csv.ts's readCsvWindowed): cut() moves the window
 * along to the record asked for and cuts the whole lines it holds; whole() reads the whole file
 * into a region of its own and the cutter cuts that from then on. Throws OTHER_WAY on a byte past
 * ASCII.
 */
class WindowCutter implements BlockCutter {
  bytes: Uint8Array;
  se: Int32Array;
  base = 0;
  /** The end (in bytes) of the window's last whole line, or of the file when it holds its end. */
  private lines = 0;
  /** The whole file's region, once read. */
  private all: Region | null = null;
  constructor(
    private readonly fd: number,
    private r: Region,
    readonly size: number,
  ) {
    this.bytes = r.mem.subarray(0, 0);
    this.se = r.se;
    this.fill(0);
  }

  /** Start the window at file offset `at` (within it or just past it): the bytes it holds from there move down, the rest is read. */
  private fill(at: number): void {
    const mem = this.r.mem,
      from = at - this.base,
      kept = Math.max(0, this.bytes.length - from);
    if (kept > 0) mem.copyWithin(0, from, this.bytes.length);
    const len = kept + readAt(this.fd, mem.subarray(kept, Math.min(mem.length, this.size - at)), at + kept);
    this.base = at;
    this.bytes = mem.subarray(0, len);
    if (this.r.x.ascii(len) !== 1) throw OTHER_WAY;
    this.lines = at + len >= this.size ? len : this.bytes.lastIndexOf(10) + 1;
  }

  cut(i: number, to: number, d: Dialect, nb: number, maxRows: number): number {
    if (this.all) return this.r.cut(i, to, d, nb, maxRows);
    if (i - this.base >= this.lines) this.fill(i);
    // (no whole line from i: one longer than the window, read by the text path)
    return i - this.base < this.lines ? this.r.cut(i - this.base, this.lines, d, nb, maxRows) : 0;
  }

  end(): number {
    return this.base + this.r.end();
  }

  ascii(): boolean {
    return this.r.x.ascii(this.bytes.length) === 1;
  }

  numbers(o: number, step: number, count: number, isFloat: boolean, into: Float64Array, at: number): number {
    return this.r.numbers(o, step, count, isFloat, into, at);
  }

  whole(): Uint8Array {
    if (!this.all) {
      const r = region(this.size);
      if (!r) throw OTHER_WAY;
      const len = readAt(this.fd, r.mem, 0);
      if (len !== this.size || r.x.ascii(len) !== 1) throw OTHER_WAY;
      windowWork.wholeReads++;
      this.all = this.r = r;
      this.bytes = r.mem;
      this.se = r.se;
      this.base = 0;
    }
    return this.bytes;
  }
}

/**
 * readCsvFile's first way: the file read through a window of WINDOW bytes reused between reads
 * (a file read whole into fresh memory costs a page fault per 4 KB, ~30% of the read's system
 * time), while it is ASCII and its records are simple; null where it cannot (no wasm SIMD,
 * options that call back, a file that is not ASCII): the caller reads the file whole. `windowBytes`:
 * tests move small windows over small files.
 */
export function readFileWindowed(path: string, opts: ReadCsvOptions, windowBytes = WINDOW): DataFrame | null {
  if (!cutModule()) return null;
  const fd = openSync(path, "r");
  try {
    const r = windowBytes === WINDOW ? (shared ??= region(WINDOW)) : region(windowBytes);
    if (!r) return null;
    // (an empty window: no read of the file)
    keptObjects ??= [new StringTable(), new Builder("", 0, undefined, { capacity: 16 } as ParseContext), new WindowCutter(fd, r, 0)];
    const w = new WindowCutter(fd, r, fstatSync(fd).size);
    try {
      const df = readCsvWindowed(w, opts);
      if (df) windowWork.windowed++;
      return df;
    } catch (e) {
      // an error of the read stands when the file is ASCII (the other way would say the same);
      // else the other way reads it and says what it finds (such as invalid UTF-8 before it)
      if (e !== OTHER_WAY) w.whole();
      throw e;
    }
  } catch (e) {
    if (e === OTHER_WAY) return null;
    throw e;
  } finally {
    closeSync(fd);
  }
}
