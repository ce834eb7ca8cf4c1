/// <reference types="node" />
/**
 * The Node reader's cutter of simple CSV records (csv.ts's BlockCutter): cutBlock in wasm,
 * 16 bytes per step (csvCut.as), over a file read straight into the module's memory. Node only
 * (node.ts imports it): tensorloom/frame itself carries no wasm.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { BlockCutter, Dialect } from "./csv.js";

/** csvCut.as compiled (-O3, simd, stub runtime, imported memory); csvCutWasm.test.ts checks it is. */
export const CSV_CUT_WASM =
  "AGFzbQEAAAABFgNgAAF/YAh/f39/f39/fwF/YAF/AX8CDwEDZW52Bm1lbW9yeQIAAAMEAwABAgYGAX8BQQALByEEBmN1dEVuZAAAA2N1dAABBWFzY2lpAAIGbWVtb3J5AgAKlwYDBAAjAAuBBQIFfwJ7IAAkACADQQBMIAAgAU5yBH9BAQUgAC0AACIIQSBGIAUgCEZyIAhBCUZyIAhBCkZyIAhBDUZyIAYgCEZyCwRAQQAPCyAAQXBxIgn9AAQAIg4gBP0PIg39IyAO/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAO/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SP9UP1kQf//AyAAIAlrdHEhCCAHIAA2AgADfwNAIAhFBEAgASAJQRBqIglKBEAgCf0ABAAiDiAN/SMgDv0MCgoKCgoKCgoKCgoKCgoKCv0j/VAgDv0MDQ0NDQ0NDQ0NDQ0NDQ0NDf0j/VD9ZCEIDAILCwsgCEUgCSAIaGoiDCABTnIEQCAHIAE2AgQgCkEBaiACRgR/IAEkACALQQFqBSALCw8LIAggCEEBa3EhCCAHIAw2AgQgB0EIaiEHIApBAWohCiAMQQFqIQAgDC0AACIMIARGBEAgAiAKRgR/QQEFIAAgAUgEfyAALQAAIAVGBUEACwsEQCALDwsgByAANgIADAELIAIgCkcEQCALDwsgDEENRiAAIAFIcQR/IAAtAABBCkYFQQALBEAgCCAIQQFrcSAIIABBAWoiACAJa0EQTBshCAsgACQAIAtBAWoiCyADRiAAIAFOcgR/QQEFIAAtAAAiCkEgRiAFIApGciAKQQlGciAKQQpGciAKQQ1GciAGIApGcgsEfyALBUEAIQogByAANgIAIAAgCWtBEE4EQCAAQXBxIgn9AAQAIg4gDf0jIA79DAoKCgoKCgoKCgoKCgoKCgr9I/1QIA79DA0NDQ0NDQ0NDQ0NDQ0NDQ39I/1Q/WRB//8DIAAgCWt0cSEICwwBCwsLjAECA38BewNAIAFBQGsiAiAATARAIAQgAf0ABAAgAf0ABBD9UCAB/QAEICAB/QAEMP1Q/VD9UCEEIAIhAQwBCwsDQCABQRBqIgIgAEwEQCAEIAH9AAQA/VAhBCACIQEMAQsLA0AgACABSgRAIAMgAS0AAHIhAyABQQFqIQEMAQsLIAT9ZCADQYABcXJFCw==";

/** Room for the field offsets of one block: csv.ts cuts at most 2^15 fields a block (2 ints each). */
const SE_INTS = 1 << 16;

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
  if (!mod || seAt + 4 * SE_INTS >= 2 ** 31) return null;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((seAt + 4 * SE_INTS) / 65536) });
  const bytes = new Uint8Array(memory.buffer, 0, fill(new Uint8Array(memory.buffer, 0, size)));
  const x = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as CutExports;
  const cutter: BlockCutter = {
    bytes,
    se: new Int32Array(memory.buffer, seAt, SE_INTS),
    cut: (i: number, to: number, d: Dialect, nb: number, maxRows: number) => x.cut(i, to, nb, maxRows, d.sep, d.quote, d.comment, seAt),
    end: () => x.cutEnd(),
    ascii: () => x.ascii(bytes.length) === 1,
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
