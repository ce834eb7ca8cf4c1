/// <reference types="node" />
/**
 * The Node reader's cutter of simple CSV records (csv.ts's BlockCutter): cutBlock in wasm,
 * 16 bytes per step (csvCut.as), over a file read straight into the module's memory, with the
 * number literals and the text columns' short values (1-8 bytes, found in a wasm table per column)
 * read there too. Node only (node.ts imports it): tensorloom/frame itself carries no wasm.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type BlockCutter, type CutterText, type Dialect, cutBlock, lastCutEnd } from "./csv.js";
import { POW10, type StringTable } from "./csvFields.js";

/** csvCut.as compiled (-O3, simd, stub runtime, imported memory); csvCutWasm.test.ts checks it is. */
export const CSV_CUT_WASM =
  "AGFzbQEAAAABLQZgAAF/YAh/f39/f39/fwF/YAd/f39/f39/AGABfwF/YAJ/fwBgBH9/f38BfwIPAQNlbnYGbWVtb3J5AgAAAwkIAAIBAAEDBAUGEAN/AUEAC38BQQALfwFBAAsHWQkGY3V0RW5kAAMDY3V0AAQFYXNjaWkABQdudW1iZXJzAAEFYXJlbmEABgpzaG9ydFRhYmxlAAAIYWRkU2hvcnQABwtsb29rdXBTaG9ydAACBm1lbW9yeQIACr4PCIwBAQJ/IwIjASIAa0EQa0EQSAR/QQAFIABBH2pBcHEkASAA/QwAAAAAAAAAAAAAAAAAAAAA/QsAACAACyEAIwIjASIBa0EQa0GACEgEf0EABSABQY8IakFwcSQBIAFBAEGACPwLACABCyIBRSAARXIEQEEADwsgACABNgIAIABBPzYCBCAAQQA2AgggAAuqAgMHfwF8AX4DQCADIAxKBEAgBSAMQQN0aiAAIAEgAiAMbGpBAnRqIgcoAgAiCCAHKAIEIg1HIA0gCGtBEEhxBHxCACEPQX8hCSAIIgctAABBLUYiCwRAIAhBAWohBwsDQCAHIA1IBEACQCAHLQAAIgpBOU0gCkEwT3EEQCAKQTBrrCAPQgp+fCEPBSAKQS5GIAlBAEhxRQ0BIAchCQsgB0EBaiEHDAILCwsgByANRgR/IAsgCUEATmogDSAIa0gFQQALBHwgD7khDiAJQQBIBHwgDpogDiALGwUgBAR8IA4gBiANIAlrQQFrQQN0aisDAKMiDpogDiALGwVEAAAAAAAA+H8LCwVEAAAAAAAA+H8LBUQAAAAAAAD4fws5AwAgDEEBaiEMDAELCwuWAgIGfwJ+IAAoAgAhCyAAKAIEIQkDQCAEIAhKBEACQCABIAIgAyAIbGpBAnRqIgAoAgAhCiAAKAIEIAprIg1BAEwgDUEISnIEf0EBBSAGIA1OBH8gBSAKLQAAai0AAAVBAAsLDQAgDUEIRgR+IAopAwAFIAopAwBCASANQQN0rIZCAX2DCyIOIA2shUKV+Kn6l7fem55/fiIPQh2IIA+FQrnLk+fR7ZGsv39+QiCIpyAJcSEAA38gCyAAQQR0aiIKKAIIIgwEfyAMIA1GBH8gCikDACAOUQVBAAsEfyAKKAIMBSAAQQFqIAlxIQAMAgsFQX8LCyIAQQBIDQAgByAIQQJ0aiAANgIAIAhBAWohCAwCCwsLIAgLBAAjAAuBBQIFfwJ7IAAkACADQQBMIAAgAU5yBH9BAQUgAC0AACIIQSBGIAUgCEZyIAhBCUZyIAhBCkZyIAhBDUZyIAYgCEZyCwRAQQAPCyAAQXBxIgn9AAQAIg4gBP0PIg39IyAO/QwKCgoKCgoKCgoKCgoKCgoK/SP9UCAO/QwNDQ0NDQ0NDQ0NDQ0NDQ0N/SP9UP1kQf//AyAAIAlrdHEhCCAHIAA2AgADfwNAIAhFBEAgASAJQRBqIglKBEAgCf0ABAAiDiAN/SMgDv0MCgoKCgoKCgoKCgoKCgoKCv0j/VAgDv0MDQ0NDQ0NDQ0NDQ0NDQ0NDf0j/VD9ZCEIDAILCwsgCEUgCSAIaGoiDCABTnIEQCAHIAE2AgQgCkEBaiACRgR/IAEkACALQQFqBSALCw8LIAggCEEBa3EhCCAHIAw2AgQgB0EIaiEHIApBAWohCiAMQQFqIQAgDC0AACIMIARGBEAgAiAKRgR/QQEFIAAgAUgEfyAALQAAIAVGBUEACwsEQCALDwsgByAANgIADAELIAIgCkcEQCALDwsgDEENRiAAIAFIcQR/IAAtAABBCkYFQQALBEAgCCAIQQFrcSAIIABBAWoiACAJa0EQTBshCAsgACQAIAtBAWoiCyADRiAAIAFOcgR/QQEFIAAtAAAiCkEgRiAFIApGciAKQQlGciAKQQpGciAKQQ1GciAGIApGcgsEfyALBUEAIQogByAANgIAIAAgCWtBEE4EQCAAQXBxIgn9AAQAIg4gDf0jIA79DAoKCgoKCgoKCgoKCgoKCgr9I/1QIA79DA0NDQ0NDQ0NDQ0NDQ0NDQ39I/1Q/WRB//8DIAAgCWt0cSEICwwBCwsLjAECA38BewNAIAFBQGsiAiAATARAIAQgAf0ABAAgAf0ABBD9UCAB/QAEICAB/QAEMP1Q/VD9UCEEIAIhAQwBCwsDQCABQRBqIgIgAEwEQCAEIAH9AAQA/VAhBCACIQEMAQsLA0AgACABSgRAIAMgAS0AAHIhAyABQQFqIQEMAQsLIAT9ZCADQYABcXJFCxAAIABBD2pBcHEkASABJAILwgMCCX8CfiAAKAIAIQQgAiABayEHIAAoAgQiAkEBaiIFIAAoAghBAWoiCkEBdEgEQCMBIQYgBUEFdCIFQQBIBH9BAQUgBSMCIAZrQRBrSgsEf0EABSAFIAZqQQ9qQXBxJAEgBkEAIAX8CwAgBgsiBkUEQEEADwsgAkEBdEEBaiEFA0AgAiAJTgRAIAQgCUEEdGoiCCgCCCIMBEAgCCgCDCELIAgpAwAiDSAMrIVClfip+pe33puef34iDkIdiCAOhUK5y5Pn0e2RrL9/fkIgiKcgBXEhCANAIAYgCEEEdGooAggEQCAIQQFqIAVxIQgMAQsLIAYgCEEEdGoiCCANNwMAIAggDDYCCCAIIAs2AgwLIAlBAWohCQwBCwsgACAGNgIAIAAgBSICNgIEIAYhBAsgB0EIRgR+IAEpAwAFIAEpAwBCASAHQQN0rIZCAX2DCyINIAeshUKV+Kn6l7fem55/fiIOQh2IIA6FQrnLk+fR7ZGsv39+QiCIpyACcSEBA0AgBCABQQR0aigCCARAIAFBAWogAnEhAQwBCwsgBCABQQR0aiIBIA03AwAgASAHNgIIIAEgAzYCDCAAIAo2AghBAQs=";

/** Room for the field offsets of one block: csv.ts cuts at most 2^15 fields a block (2 ints each). */
const SE_INTS = 1 << 16;
/** Room for the numbers of one column of a block (at most 4,096 rows), and for its codes. */
const NUMS = 1 << 12;
/** The arena for text columns' tables of short values (a table of 2^20 values takes 16 MB). */
const ARENA = 64 << 20;

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
  arena(from: number, to: number): void;
  shortTable(): number;
  addShort(t: number, s: number, e: number, code: number): number;
  lookupShort(t: number, se: number, o: number, step: number, count: number, na: number, naMaxLen: number, out: number): number;
}

/**
 * A fresh wasm memory holding `size` bytes at offset 0 (written by fill, which returns how many it
 * wrote), 16 spare bytes after them (the cut reads whole 16-byte steps), then the offsets block,
 * a column's numbers, the NA table, the lookups' codes and an arena of `arena` bytes for text
 * columns (address space only until used: pages no one writes cost no memory); with a cutter over
 * those bytes. null where the runtime has no wasm SIMD or the input is too large for 32-bit offsets.
 */
function cutterOver(size: number, fill: (into: Uint8Array) => number, arena?: number): { bytes: Uint8Array; cutter: BlockCutter } | null {
  const mod = cutModule();
  const seAt = (size + 16 + 15) & ~15;
  // after the input: the offsets, a column's numbers, 10^0 .. 10^15, NA first bytes, codes, arena
  const numAt = seAt + 4 * SE_INTS,
    powAt = numAt + 8 * NUMS,
    naAt = powAt + 8 * 16,
    codesAt = naAt + 256,
    arenaAt = codesAt + 4 * NUMS,
    top = arenaAt + 64;
  if (!mod || top >= 2 ** 31) return null;
  // (the arena's offsets are i32: it takes at most what is left below 2^31)
  let room = Math.min(arena ?? ARENA, 2 ** 31 - 65536 - top);
  let memory: WebAssembly.Memory | null = null;
  for (; memory === null; room = 0) {
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil((top + room) / 65536) });
    } catch {
      // no address space for it: without the arena, and failing that the reader reads the file as a Buffer
      if (room === 0) return null;
    }
  }
  const arenaEnd = memory.buffer.byteLength - 64;
  new Float64Array(memory.buffer, powAt, 16).set(POW10.subarray(0, 16));
  const nums = new Float64Array(memory.buffer, numAt, NUMS);
  const bytes = new Uint8Array(memory.buffer, 0, fill(new Uint8Array(memory.buffer, 0, size)));
  const x = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as CutExports;
  const text = textColumns(x, memory, seAt, naAt, codesAt, () => x.arena(arenaAt, arenaEnd));
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
    text,
  };
  return { bytes, cutter };
}

/** Work counters for tests: fields whose codes the wasm tables gave, and tables dropped (no room, or long values). */
export const textWork = { wasmFields: 0, dropped: 0 };

/** Fields longer than 8 bytes a column's wasm table lets by (to the JS table) before it is dropped: 1 in 16 (then lookups are JS). */
const LONG_SHARE = 16;

/**
 * csv.ts's text-column work (CutterText) in the module: each text column's short values looked up
 * in a wasm table of its own, made in the arena (emptied by `reset` at the start of each read).
 */
function textColumns(
  x: CutExports,
  memory: WebAssembly.Memory,
  seAt: number,
  naAt: number,
  codesAt: number,
  reset: () => void,
): CutterText {
  const out = new Int32Array(memory.buffer, codesAt, NUMS),
    u8 = new Uint8Array(memory.buffer);
  const isCut = (se: Int32Array) => se.buffer === memory.buffer && se.byteOffset === seAt;
  let runs = new Map<StringTable, Pick<StringTable, "lookupRun">>();
  reset();
  return {
    begin: (naFirst: Uint8Array) => {
      reset();
      u8.set(naFirst.subarray(0, 256), naAt);
      runs = new Map();
    },
    table(table: StringTable) {
      let run = runs.get(table);
      if (!run) runs.set(table, (run = shortLookups(x, table, isCut, out, seAt, naAt, codesAt)));
      return run;
    },
  };
}

/** A text column's lookups (StringTable.lookupRun, the same codes) with its short values (1-8 bytes) found in a wasm table. */
function shortLookups(
  x: CutExports,
  table: StringTable,
  isCut: (se: Int32Array) => boolean,
  out: Int32Array,
  seAt: number,
  naAt: number,
  codesAt: number,
): Pick<StringTable, "lookupRun"> {
  // the wasm table (0: none or dropped) and the fields longer than 8 bytes it let by
  let t = -1,
    long = 0;
  return {
    lookupRun(b, se, o, step, count, codes, n, naFirst, naMaxLen) {
      // (a single field of the scan path: the JS table alone)
      if (!isCut(se)) return table.lookupRun(b, se, o, step, count, codes, n, naFirst, naMaxLen);
      if (t < 0 && (t = x.shortTable()) === 0) textWork.dropped++;
      let took = 0;
      // runs of values the wasm table knows; any other field goes to the JS table alone (it gives
      // every code) and, when short, joins the wasm table
      while (took < count && t !== 0) {
        const k = x.lookupShort(t, seAt, o + took * step, step, count - took, naAt, naMaxLen, codesAt);
        if (k > 0) codes.set(out.subarray(0, k), n + took);
        textWork.wasmFields += k;
        took += k;
        if (took === count) return took;
        const q = o + took * step;
        if (table.lookupRun(b, se, q, step, 1, codes, n + took, naFirst, naMaxLen) === 0) return took;
        const len = se[q + 1]! - se[q]!;
        took++;
        if (len <= 8 ? x.addShort(t, se[q]!, se[q + 1]!, codes[n + took - 1]!) === 0 : ++long * LONG_SHARE > n + took + 64) {
          t = 0;
          textWork.dropped++;
        }
      }
      return took + table.lookupRun(b, se, o + took * step, step, count - took, codes, n + took, naFirst, naMaxLen);
    },
  };
}

/**
 * A copy of the bytes in wasm memory, with a cutter over it (tests compare it with cutBlock; a
 * small `arena` makes the text columns run out of room and go on in JS).
 */
export function cutterFor(b: Uint8Array, arena?: number): { bytes: Uint8Array; cutter: BlockCutter } | null {
  return cutterOver(
    b.length,
    (into) => {
      into.set(b);
      return b.length;
    },
    arena,
  );
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
