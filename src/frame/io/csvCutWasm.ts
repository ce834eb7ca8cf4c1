/// <reference types="node" />
/**
 * The Node reader's cutter of simple CSV records (csv.ts's BlockCutter): cutBlock in wasm,
 * 16 bytes per step (csvCut.as), over a file read straight into the module's memory. Node only
 * (node.ts imports it): tensorloom/frame itself carries no wasm.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type BlockCutter, type Dialect, cutBlock, lastCutEnd } from "./csv.js";
import { POW10 } from "./csvFields.js";

/** csvCut.as compiled (-O3, simd, stub runtime, imported memory); csvCutWasm.test.ts checks it is. */
export const CSV_CUT_WASM =
  "AGFzbQEAAAABIARgB39/f39/f38AYAABf2AIf39/f39/f38Bf2ABfwF/Ag8BA2VudgZtZW1vcnkCAAADBQQAAQIDBgYBfwFBAAsHKwUGY3V0RW5kAAEDY3V0AAIFYXNjaWkAAwdudW1iZXJzAAAGbWVtb3J5AgAKwwgEqgIDB38BfAF+A0AgAyAMSgRAIAUgDEEDdGogACABIAIgDGxqQQJ0aiIHKAIAIgggBygCBCINRyANIAhrQRBIcQR8QgAhD0F/IQkgCCIHLQAAQS1GIgsEQCAIQQFqIQcLA0AgByANSARAAkAgBy0AACIKQTlNIApBME9xBEAgCkEwa6wgD0IKfnwhDwUgCkEuRiAJQQBIcUUNASAHIQkLIAdBAWohBwwCCwsLIAcgDUYEfyALIAlBAE5qIA0gCGtIBUEACwR8IA+5IQ4gCUEASAR8IA6aIA4gCxsFIAQEfCAOIAYgDSAJa0EBa0EDdGorAwCjIg6aIA4gCxsFRAAAAAAAAPh/CwsFRAAAAAAAAPh/CwVEAAAAAAAA+H8LOQMAIAxBAWohDAwBCwsLBAAjAAuBBQIFfwJ7IAAkACADQQBMIAAgAU5yBH9BAQUgAC0AACIIQSBGIAUgCEZyIAhBCUZyIAhBCkZyIAhBDUZyIAYgCEZyCwRAQQAPCyAAQXBxIgn9AAQAIg4gBP0PIg39IyAO/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAO/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SP9UP1kQf//AyAAIAlrdHEhCCAHIAA2AgADfwNAIAhFBEAgASAJQRBqIglKBEAgCf0ABAAiDiAN/SMgDv0MCgoKCgoKCgoKCgoKCgoKCv0j/VAgDv0MDQ0NDQ0NDQ0NDQ0NDQ0NDf0j/VD9ZCEIDAILCwsgCEUgCSAIaGoiDCABTnIEQCAHIAE2AgQgCkEBaiACRgR/IAEkACALQQFqBSALCw8LIAggCEEBa3EhCCAHIAw2AgQgB0EIaiEHIApBAWohCiAMQQFqIQAgDC0AACIMIARGBEAgAiAKRgR/QQEFIAAgAUgEfyAALQAAIAVGBUEACwsEQCALDwsgByAANgIADAELIAIgCkcEQCALDwsgDEENRiAAIAFIcQR/IAAtAABBCkYFQQALBEAgCCAIQQFrcSAIIABBAWoiACAJa0EQTBshCAsgACQAIAtBAWoiCyADRiAAIAFOcgR/QQEFIAAtAAAiCkEgRiAFIApGciAKQQlGciAKQQpGciAKQQ1GciAGIApGcgsEfyALBUEAIQogByAANgIAIAAgCWtBEE4EQCAAQXBxIgn9AAQAIg4gDf0jIA79DAoKCgoKCgoKCgoKCgoKCgr9I/1QIA79DA0NDQ0NDQ0NDQ0NDQ0NDQ39I/1Q/WRB//8DIAAgCWt0cSEICwwBCwsLjAECA38BewNAIAFBQGsiAiAATARAIAQgAf0ABAAgAf0ABBD9UCAB/QAEICAB/QAEMP1Q/VD9UCEEIAIhAQwBCwsDQCABQRBqIgIgAEwEQCAEIAH9AAQA/VAhBCACIQEMAQsLA0AgACABSgRAIAMgAS0AAHIhAyABQQFqIQEMAQsLIAT9ZCADQYABcXJFCw==";

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
  numbers(se: number, o: number, step: number, count: number, isFloat: number, out: number, pow10: number): void;
}

/**
 * A fresh wasm memory holding `size` bytes at offset 0 (written by fill, which returns how many it
 * wrote), 16 spare bytes after them (the cut reads whole 16-byte steps), then the offsets block;
 * with a cutter over those bytes. null where the runtime has no wasm SIMD or the input is too large
 * for 32-bit offsets.
 */
function cutterOver(size: number, fill: (into: Uint8Array) => number): { bytes: Uint8Array; cutter: BlockCutter } | null {
  const mod = cutModule();
  const seAt = (size + 16 + 15) & ~15;
  // after the input: the offsets, a column's numbers, 10^0 .. 10^15
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
  const bytes = new Uint8Array(memory.buffer, 0, fill(new Uint8Array(memory.buffer, 0, size)));
  const x = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as CutExports;
  let inJs = false;
  const cutter: BlockCutter = {
    bytes,
    se: new Int32Array(memory.buffer, seAt, SE_INTS),
    // (the module compares bytes with the separator as one byte: another goes to cutBlock)
    cut: (i: number, to: number, d: Dialect, nb: number, maxRows: number) =>
      (inJs = d.sep > 127) ? cutBlock(bytes, i, to, d, nb, cutter.se, maxRows) : x.cut(i, to, nb, maxRows, d.sep, d.quote, d.comment, seAt),
    end: () => (inJs ? lastCutEnd() : x.cutEnd()),
    ascii: () => x.ascii(bytes.length) === 1,
    numbers: (o: number, step: number, count: number, isFloat: boolean) => {
      x.numbers(seAt, o, step, count, isFloat ? 1 : 0, numAt, powAt);
      return nums;
    },
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

/** The file read straight into wasm memory, with a cutter over it (no copy of the 56 MB of a large file). */
export function readFileForCut(path: string): { bytes: Uint8Array; cutter: BlockCutter } | null {
  const fd = openSync(path, "r");
  try {
    return cutterOver(fstatSync(fd).size, (into) => {
      let got = 0;
      for (let n = 1; got < into.length && n > 0; got += n) n = readSync(fd, into, got, into.length - got, got);
      return got;
    });
  } finally {
    closeSync(fd);
  }
}
