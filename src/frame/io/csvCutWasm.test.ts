// The Node reader's wasm cutter (csvCutWasm.ts) against csv.ts's cutBlock: the same records, the
// same field offsets and the same stopping point on seeded texts built around its 16-byte steps
// (fields across step edges, CR, CRLF split over a step, quotes, blank and comment lines, other
// field counts, inputs ending inside a field), its ASCII test and number literals; readCsvFile with and without it gives the same
// frames, with text columns of the same codes and dictionaries; and the embedded binary is what
// csvCut.as compiles to.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Dialect, type ReadCsvOptions, cutBlock, lastCutEnd, readCsv, readCsvWith } from "./csv.js";
import { CSV_CUT_WASM, cutterFor, readFileWindowed, readerObjectsKept, windowWork } from "./csvCutWasm.js";
import { readCsvFile } from "./node.js";
import { framesDiff, makeCase } from "./csvFuzzKit.test.js";
import { cell } from "../column.js";
import { indexLabel, indexLength } from "../labels.js";
import { lcg } from "../testing.test.js";

const PIECES = ["a", "1", "22", "xyz", "0.5", "abcdefghijklmnopq", ",", ",", ",", ";", "\t", "\n", "\n", "\r\n", "\r", '"', " ", "#", ""];

function randomText(r: () => number, len: number): string {
  let t = "";
  while (t.length < len) t += PIECES[Math.floor(r() * PIECES.length)]!;
  return t;
}

/** Mostly regular rows of nb fields (so blocks get long), with a rare irregular piece. */
function rowsText(r: () => number, nb: number, rows: number, sep: string): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const f = Array.from({ length: nb }, () => "x".repeat(Math.floor(r() * 20)));
    let line = f.join(sep);
    if (r() < 0.03) line = randomText(r, 1 + Math.floor(r() * 30));
    lines.push(line);
  }
  return lines.join(r() < 0.5 ? "\n" : "\r\n") + (r() < 0.5 ? "\n" : "");
}

describe("the wasm cutter", { skip: cutterFor(new Uint8Array(1)) === null ? "no wasm SIMD here" : false }, () => {
  it("cuts the same records into the same offsets as cutBlock", () => {
    const r = lcg(20261207);
    let cuts = 0,
      records = 0;
    for (let c = 0; c < 600; c++) {
      const sep = [",", ";", "\t"][c % 3]!;
      const nb = 1 + Math.floor(r() * 6);
      const text = c % 2 ? randomText(r, Math.floor(r() * 200)) : rowsText(r, nb, 1 + Math.floor(r() * 40), sep);
      const b = new TextEncoder().encode(text);
      const w = cutterFor(b)!;
      const d: Dialect = { sep: sep.charCodeAt(0), quote: r() < 0.8 ? 34 : -2, comment: r() < 0.5 ? 35 : -2 };
      const se = new Int32Array(w.cutter.se.length);
      // from every start in the text, with small and large row limits
      for (let i = 0; i <= b.length; i++) {
        const maxRows = r() < 0.3 ? Math.floor(r() * 3) : 4096;
        const n = cutBlock(b, i, b.length, d, nb, se, maxRows);
        const end = lastCutEnd();
        const m = w.cutter.cut(i, b.length, d, nb, maxRows);
        const label = `text ${JSON.stringify(text)}, nb ${nb}, from ${i}, maxRows ${maxRows}`;
        assert.equal(m, n, `${label}: records`);
        assert.equal(w.cutter.end(), end, `${label}: end`);
        assert.deepEqual(w.cutter.se.subarray(0, 2 * n * nb), se.subarray(0, 2 * n * nb), `${label}: offsets`);
        cuts++;
        records += n;
      }
    }
    assert.ok(cuts > 10000 && records > 20000, `${cuts} cuts, ${records} records`);
  });

  it("ascii() is true exactly when every byte is below 0x80", () => {
    const r = lcg(3);
    for (let c = 0; c < 400; c++) {
      const b = Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 128));
      if (c % 2 && b.length) b[Math.floor(r() * b.length)] = 128 + Math.floor(r() * 128);
      assert.equal(
        cutterFor(b)!.cutter.ascii(),
        b.every((x) => x < 128),
        `case ${c}, ${b.length} bytes`,
      );
    }
  });

  it("numbers() reads the [-]digits[.digits] literals under 16 characters, up to the first other field", () => {
    const r = lcg(11);
    const chars = "0123456789012345678.-e+ x";
    const fields = ["", "-", ".", "-.", "5.", "-.5", "-0", "0.1", "123456789012345", "1234567890123456", "1.5.2", "1e3", " 7", "x"];
    for (let k = 0; k < 3000; k++)
      fields.push(Array.from({ length: Math.floor(r() * 18) }, () => chars[Math.floor(r() * chars.length)]).join(""));
    const b = new TextEncoder().encode(fields.join(","));
    const w = cutterFor(b)!;
    // the fields' offsets, two columns a row (o = 0 and 2: both columns read)
    let at = 0;
    fields.forEach((f, i) => {
      w.cutter.se[2 * i] = at;
      w.cutter.se[2 * i + 1] = at + f.length;
      at += f.length + 1;
    });
    for (const isFloat of [true, false])
      for (const col of [0, 1]) {
        const count = Math.min(Math.floor((fields.length - col) / 2), 4096);
        const literal = (f: string) => /^-?[0-9]*\.?[0-9]*$/.test(f) && /[0-9]/.test(f) && f.length < 16 && (isFloat || !f.includes("."));
        // from every field on (the runs end at each field that is not a literal)
        let runs = 0;
        for (let from = 0; from < count; from++) {
          const into = new Float64Array(count + 3).fill(-7);
          const k = w.cutter.numbers(2 * (col + 2 * from), 4, count - from, isFloat, into, 3);
          let want = 0;
          while (from + want < count && literal(fields[2 * (from + want) + col]!)) want++;
          assert.equal(k, want, `from ${from}, isFloat ${isFloat}`);
          for (let q = 0; q < k; q++) {
            const f = fields[2 * (from + q) + col]!;
            assert.ok(Object.is(into[3 + q], Number(f)), `${JSON.stringify(f)} (isFloat ${isFloat}): ${into[3 + q]}`);
          }
          assert.ok(into.subarray(0, 3).every((v) => v === -7) && into.subarray(3 + k).every((v) => v === -7), "writes only its run");
          if (k > 2) runs++;
        }
        assert.ok(runs > 5, `${runs} runs of 3 or more`);
      }
  });

  it("readCsvFile (wasm cutter) and readCsv (JS cutter) read the same frames", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-cut-"));
    try {
      const r = lcg(7);
      const texts = [
        "a,b,c\n1,x,True\n2,y,False\n",
        "a,b\r\n1,2\r\n3,4",
        "a;b\n1;2\n3;4\n",
        // int columns meeting a decimal, an empty field, a long literal, text, late in the blocks
        `a,b,c\n${Array.from({ length: 9000 }, (_, i) => `${i},${i % 5000 === 4999 ? "2.5" : i % 7 ? String(-i) : ""},${i === 8500 ? "12345678901234567" : i === 8600 ? "x" : (i / 8).toFixed(3)}`).join("\n")}\n`,
        // a block of simple records, then quoted, blank, comment and short lines, numbers turning to text
        `id,ts,cat,num\n${Array.from({ length: 3000 }, (_, i) => `${i},2023-01-0${1 + (i % 9)} 00:00:${i % 60},c${i % 7},${(r() * 100).toFixed(2)}`).join("\n")}\n"q",1,2,3\n\n#c\n5,6\n7,x,y,zz\n`,
      ];
      // not ASCII: read as text (no byte path), by both
      texts.push(
        `a,b\n1,\u00e9t\u00e9\n2,x\n`,
        `a,b\n${Array.from({ length: 5000 }, (_, i) => `${i},${i === 4000 ? "\u00fc" : `c${i % 9}`}`).join("\n")}\n`,
      );
      for (const [k, text] of texts.entries()) {
        const path = join(dir, `${k}.csv`);
        writeFileSync(path, text);
        // (U+012C: a separator whose low byte is ",", which the module must not take for ",")
        for (const opts of [{}, { comment: "#" }, { sep: k === 2 ? ";" : "," }, { sep: "\u012c" }]) {
          const diff = framesDiff(readCsv(text, opts), readCsvFile(path, opts));
          assert.equal(diff, null, `text ${k}, ${JSON.stringify(opts)}: ${diff}`);
        }
      }
      // invalid UTF-8: the same refusal
      const bad = join(dir, "bad.csv");
      writeFileSync(bad, Uint8Array.from([...new TextEncoder().encode("a,b\n1,x\n2,"), 0xff, 0x0a]));
      assert.throws(
        () => readCsvFile(bad),
        (e: Error) => {
          assert.throws(() => readCsv(readFileSync(bad)), { message: e.message });
          return /not valid UTF-8: byte 10 \(line 3\)/.test(e.message);
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A text column's codes and dictionary (in order), a number column's values: what must not differ between the readers. */
function columnsOf(df: ReturnType<typeof readCsv>): unknown[] {
  return df.data.map((c) => {
    const t = c as unknown as { codes?: Int32Array; dict?: string[] };
    return [c.dtype, t.codes ? [Array.from(t.codes), t.dict!.slice()] : Array.from({ length: df.length }, (_, i) => cell(c, i))];
  });
}

/**
 * Seeded texts with several text columns: values of 1-30 bytes, few and many distinct values
 * (mostly-distinct ones wait for finish's grouping), NA markers and empty fields between them,
 * quoted fields, CRLF, and a number column turning to text after some blocks.
 */
function textColumnsCsv(r: () => number, rows: number): string {
  const word = (k: number, len: number) => `v${k}`.padEnd(len, String.fromCharCode(97 + (k % 26)));
  const kinds = Array.from({ length: 2 + Math.floor(r() * 4) }, () => ({
    distinct: [3, 50, 3000, 20000][Math.floor(r() * 4)]!,
    len: [1, 3, 7, 8, 9, 12, 30][Math.floor(r() * 7)]!,
    odd: r() * 0.02,
  }));
  const lines = [["n", ...kinds.map((_, j) => `t${j}`), "late"].join(",")];
  const turn = Math.floor(r() * rows * 1.5);
  for (let i = 0; i < rows; i++) {
    const cells = [String(i)];
    for (const k of kinds) {
      const x = r();
      const v = Math.floor(r() ** 2 * k.distinct);
      // (the length varies around the column's: some values cross 8 bytes)
      let cell = word(v, Math.max(1, k.len + (v % 3) - 1));
      if (x < k.odd) cell = ["", "NA", "N/A", "nan", "-", '"q,x"', '"a""b"', "x".repeat(40)][Math.floor(r() * 8)]!;
      cells.push(cell);
    }
    cells.push(i < turn ? String(i % 97) : `late${i % 5}`);
    lines.push(cells.join(","));
  }
  return lines.join(r() < 0.3 ? "\r\n" : "\n") + "\n";
}

describe("text columns through the wasm cutter", { skip: cutterFor(new Uint8Array(1)) === null ? "no wasm SIMD here" : false }, () => {
  it("get the same codes and dictionaries as from the JS reader", () => {
    const r = lcg(20261208);
    let cases = 0;
    for (let c = 0; c < 40; c++) {
      const text = textColumnsCsv(r, 200 + Math.floor(r() * 9000));
      const b = new TextEncoder().encode(text);
      const opts: ReadCsvOptions = [{}, { keepDefaultNa: false }, { naValues: ["-", "v1"] }, { usecols: ["t0", "late"] }][c % 4]!;
      const want = columnsOf(readCsv(text, opts));
      const w = cutterFor(b)!;
      assert.deepEqual(columnsOf(readCsvWith(w.bytes, opts, w.cutter)), want, `case ${c}, ${JSON.stringify(opts)}`);
      cases++;
    }
    assert.equal(cases, 40);
  });

  it("a cutter read twice gives the same frame", () => {
    const text = textColumnsCsv(lcg(5), 5000);
    const w = cutterFor(new TextEncoder().encode(text))!;
    const first = columnsOf(readCsvWith(w.bytes, {}, w.cutter));
    assert.deepEqual(columnsOf(readCsvWith(w.bytes, {}, w.cutter)), first);
    assert.deepEqual(first, columnsOf(readCsv(text)));
  });
});

it("CSV_CUT_WASM is what csvCut.as compiles to (UPDATE=1 writes it)", async () => {
  const src = readFileSync(fileURLToPath(new URL("./csvCut.as", import.meta.url)), "utf8");
  const { default: asc } = await import("assemblyscript/asc");
  let out: Uint8Array | null = null;
  const { error, stderr } = await asc.main(
    ["csvCut.ts", "-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--enable", "simd", "--outFile", "csvCut.wasm"],
    {
      readFile: (name: string) => (name === "csvCut.ts" ? src : null),
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name === "csvCut.wasm") out = contents as Uint8Array;
      },
      listFiles: () => [],
    },
  );
  assert.equal(error, null, String(stderr));
  const b64 = Buffer.from(out!).toString("base64");
  if (process.env.UPDATE === "1" && b64 !== CSV_CUT_WASM) {
    const path = fileURLToPath(new URL("./csvCutWasm.ts", import.meta.url));
    writeFileSync(path, readFileSync(path, "utf8").replace(CSV_CUT_WASM, b64));
  } else assert.equal(b64, CSV_CUT_WASM, "csvCutWasm.ts's binary is stale: run UPDATE=1 npx tsx --test src/frame/io/csvCutWasm.test.ts");
});

describe("readCsvFile through a window of the file", { skip: cutterFor(new Uint8Array(1)) === null ? "no wasm SIMD here" : false }, () => {
  /** The frame read through windows of each size (or null where it reads the file the other way), checked against readCsv of the text. */
  function sameThroughWindows(path: string, text: string | Uint8Array, opts: ReadCsvOptions, sizes: number[], label: string): boolean {
    let windowed = false;
    const want = readCsv(text, opts);
    for (const size of sizes) {
      const before = windowWork.windowed;
      const df = readFileWindowed(path, opts, size);
      if (df === null) continue;
      assert.equal(windowWork.windowed, before + 1);
      windowed = true;
      const at = `${label}, window ${size}, ${JSON.stringify(opts)}`;
      assert.equal(framesDiff(want, df), null, at);
      assert.deepEqual(columnsOf(df), columnsOf(want), `${at}: codes and dictionaries`);
      const labels = (f: typeof df) => Array.from({ length: indexLength(f.index) }, (_, i) => indexLabel(f.index, i));
      assert.deepEqual(labels(df), labels(want), `${at}: index`);
    }
    return windowed;
  }

  it("reads what readCsv reads, with records across the window's edges", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const r = lcg(20261209);
      const texts: string[] = [
        "a,b,c\n1,x,True\n2,y,False\n",
        "a,b\r\n1,2\r\n3,4",
        "a,b\n1,2\n3,4\n\n\n",
        // empty fields, NA markers, long values, a last line without a line end
        `a,b,c\n${Array.from({ length: 700 }, (_, i) => `${i % 11 ? i : ""},${i % 13 ? `v${i % 40}` : "NA"},${i % 97 ? (i / 7).toFixed(3) : "x".repeat(150)}`).join("\n")}`,
        // quotes and blank, comment and short lines after some blocks (the window turns into the whole file)
        `id,ts,cat,num\n${Array.from({ length: 3000 }, (_, i) => `${i},2023-01-0${1 + (i % 9)} 00:00:${i % 60},c${i % 7},${(r() * 100).toFixed(2)}`).join("\n")}\n"q",1,2,3\n\n#c\n5,6\n7,x,y,zz\n`,
      ];
      // text columns of few and many distinct values, quotes, CRLF, a number column turning to text late
      for (let c = 0; c < 8; c++) texts.push(textColumnsCsv(r, 300 + Math.floor(r() * 3000)));
      let windowed = 0;
      for (const [k, text] of texts.entries()) {
        const path = join(dir, `${k}.csv`);
        writeFileSync(path, text);
        for (const opts of [
          {},
          { comment: "#" },
          { keepDefaultNa: false },
          { nrows: 150 },
          { usecols: ["a", "c"] },
          { indexCol: 0 },
          { header: null },
        ])
          if ((opts as ReadCsvOptions).usecols === undefined || text.startsWith("a,b,c"))
            if (sameThroughWindows(path, text, opts, [64, 100, 257, 4096, 1 << 20], `text ${k}`)) windowed++;
        // readCsvFile gives the same frame whichever way it reads
        assert.equal(framesDiff(readCsv(text), readCsvFile(path)), null, `text ${k}`);
      }
      assert.ok(windowed >= 60, `${windowed} cases read through windows`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads simple records without reading the file whole, and reads it whole for a record or column that needs its text", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const rows = Array.from({ length: 5000 }, (_, i) => `${i},c${i % 7},${(i / 4).toFixed(2)},t${i}`);
      const cases: [string, boolean][] = [
        [`a,b,c,d\n${rows.join("\n")}\n`, false],
        [`a,b,c,d\r\n${rows.join("\r\n")}`, false],
        // a quoted field late in the file; a number column turning to text late in the file
        [`a,b,c,d\n${rows.join("\n")}\n1,"x,y",2,3\n`, true],
        [`a,b,c,d\n${rows.join("\n")}\n1,x,late,3\n`, true],
      ];
      for (const [k, [text, whole]] of cases.entries()) {
        const path = join(dir, `${k}.csv`);
        writeFileSync(path, text);
        const before = windowWork.wholeReads;
        assert.ok(sameThroughWindows(path, text, {}, [1000], `case ${k}`), `case ${k} read through a window`);
        assert.equal(windowWork.wholeReads - before, whole ? 1 : 0, `case ${k}: whole reads`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves files past ASCII, callbacks and headers of several rows to the whole read", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const body = Array.from({ length: 2000 }, (_, i) => `${i},v${i % 9}`).join("\n");
      const files: [string, string | Uint8Array][] = [
        ["late", `a,b\n${body}\n1,\u00e9t\u00e9\n`],
        ["early", `a,b\n1,\u00fc\n${body}\n`],
        ["bom", `\ufeffa,b\n${body}\n`],
      ];
      for (const [name, text] of files) {
        const path = join(dir, `${name}.csv`);
        writeFileSync(path, text);
        assert.equal(readFileWindowed(path, {}, 512), null, name);
        assert.equal(framesDiff(readCsv(text), readCsvFile(path)), null, name);
      }
      const path = join(dir, "ascii.csv");
      writeFileSync(path, `a,b\n${body}\n`);
      for (const opts of [
        { onShortRow: () => {} },
        { onCoerce: () => {} },
        { onBadLines: () => {} },
        { header: [0, 1] },
      ] as ReadCsvOptions[])
        assert.equal(readFileWindowed(path, opts, 512), null, JSON.stringify(Object.keys(opts)));
      // a header longer than the window
      const wide = join(dir, "wide.csv");
      const names = Array.from({ length: 300 }, (_, j) => `column${j}`);
      const wideText = `${names.join(",")}\n${Array.from({ length: 20 }, (_, i) => names.map((_, j) => i * j).join(",")).join("\n")}\n`;
      writeFileSync(wide, wideText);
      assert.equal(readFileWindowed(wide, {}, 512), null);
      assert.ok(sameThroughWindows(wide, wideText, {}, [1 << 16], "wide"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the CSV fuzzer's cases as readCsv does (the same frame or the same error)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      let windowed = 0,
        errors = 0;
      for (let i = 0; i < 500; i++) {
        const c = makeCase(20261210, i);
        const opts = { ...c.opts, sep: c.sep };
        const path = join(dir, `${i}.csv`);
        writeFileSync(path, c.input);
        let want: ReturnType<typeof readCsv> | string;
        try {
          want = readCsv(c.input, opts);
        } catch (e) {
          want = (e as Error).message;
        }
        for (const size of [48, 333]) {
          let got: ReturnType<typeof readCsv> | string | null;
          try {
            got = readFileWindowed(path, opts, size);
          } catch (e) {
            got = (e as Error).message;
          }
          if (got === null) continue;
          windowed++;
          const at = `case ${i} (${c.kind}, ${c.shape}), window ${size}: ${JSON.stringify(c.input).slice(0, 300)}`;
          if (typeof want === "string" || typeof got === "string") {
            assert.equal(got, want, at);
            errors++;
          } else {
            assert.equal(framesDiff(want, got), null, at);
            assert.deepEqual(columnsOf(got), columnsOf(want), at);
          }
        }
      }
      assert.ok(windowed > 300 && errors > 10, `${windowed} reads through windows, ${errors} errors`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps a bool column in a byte a cell, and a text column's first room one block", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const rows = 20000;
      const text = `n,flag,name,late\n${Array.from({ length: rows }, (_, i) => `${i},${i % 3 ? "True" : "False"},v${i},${i < 15000 ? "" : i % 2 ? "true" : "false"}`).join("\n")}\n`;
      const path = join(dir, "b.csv");
      writeFileSync(path, text);
      for (const df of [readFileWindowed(path, {})!, readCsv(text)]) {
        const flag = df.data[1] as unknown as { dtype: string; values: Uint8Array },
          late = df.data[3] as unknown as { dtype: string; values: Uint8Array };
        assert.equal(flag.dtype, "bool");
        assert.ok(flag.values instanceof Uint8Array && flag.values.buffer.byteLength < 2 * rows, `${flag.values.buffer.byteLength} bytes`);
        // (a column of missing cells turning bool: its cells before stay missing)
        assert.equal(late.dtype, "bool");
        assert.ok(late.values.buffer.byteLength < 2 * rows, `${late.values.buffer.byteLength} bytes`);
        assert.equal(framesDiff(readCsv(text), df), null);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps one object of each reader class between reads (their hidden classes, and the optimized code checking for them, outlive a gc)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const path = join(dir, "k.csv");
      writeFileSync(path, "a,b\n1,x\n");
      readCsvFile(path);
      const kept = readerObjectsKept();
      assert.deepEqual(
        kept?.map((o) => o.constructor.name),
        ["StringTable", "Builder", "WindowCutter"],
      );
      readCsvFile(path);
      assert.equal(readerObjectsKept(), kept, "the same objects, not more each read");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails as readCsv does: an error of an ASCII file, and invalid UTF-8 after an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-win-"));
    try {
      const body = Array.from({ length: 3000 }, (_, i) => `${i},v${i % 9}`).join("\n");
      const bad = new TextEncoder().encode(`a,b\n${body}\n1,2,3\n${body}\n`);
      const cases: [string, Uint8Array][] = [
        ["extra field", bad],
        ["extra field, then invalid UTF-8", Uint8Array.from([...bad, 0x31, 0x2c, 0xff, 0x0a])],
        ["unclosed quote", new TextEncoder().encode(`a,b\n${body}\n1,"x\n`)],
      ];
      for (const [name, bytes] of cases) {
        const path = join(dir, "bad.csv");
        writeFileSync(path, bytes);
        let want = "";
        try {
          readCsv(bytes);
        } catch (e) {
          want = (e as Error).message;
        }
        assert.ok(want, name);
        // (a file past ASCII is left to the whole read, which finds the invalid byte first)
        for (const size of [300, 1 << 20])
          if (name.includes("UTF-8")) assert.equal(readFileWindowed(path, {}, size), null, name);
          else assert.throws(() => readFileWindowed(path, {}, size), { message: want }, name);
        assert.throws(() => readCsvFile(path), { message: want }, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
