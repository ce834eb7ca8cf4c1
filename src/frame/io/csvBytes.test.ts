// readCsv's byte path (ASCII input: whole blocks of simple records read column by column, text
// columns of mostly distinct values grouped at the end) against its text path (readRecords
// without bytes, the reader every non-ASCII input takes), on seeded random texts built to reach
// every switch: NA markers, empty fields, type changes late in a column, quoted fields, blank and
// comment lines, short and bad rows, CRLF, and text columns past the distinct-value threshold.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCsv, type ReadCsvOptions } from "../index.js";
import { type Column, cell, colLength, isStringLike, usedDict } from "../column.js";
import type { DataFrame } from "../table.js";
import { csvTextPath, lcg } from "../testing.test.js";

/** A random CSV of `rows` rows; `rare` is the chance of an unusual field or line. */
function makeText(seed: number, rows: number, rare: number): string {
  const r = lcg(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const lines = ["id,ts,cat,num,flag,late,mixed"];
  for (let i = 0; i < rows; i++) {
    const odd = () => r() < rare;
    if (odd()) lines.push(pick(["", "   ", "#a comment", "1,2,3,4,5,6,7,8", "9,9"]));
    const ts = odd() ? pick(["", "NA", '"2023-01-01 00:00:00"', "n/a", "null"]) : `2023-${1 + (i % 12)}-${Math.floor(r() * 1e6)}`;
    const cat = odd() ? pick(["", "NA", '"c,1"', '"c1"', "NaN"]) : `c${Math.floor(r() * 20)}`;
    const num = odd() ? pick(["", "NA", "1e3", "-0", "+5", " 7 ", "12345678901234567", "inf", "x"]) : (r() * 1000).toFixed(2);
    const flag = odd() ? pick(["", "TRUE", "false", "maybe"]) : pick(["True", "False"]);
    const late = i > rows * 0.9 && odd() ? "text" : String(Math.floor(r() * 100));
    const mixed = odd() ? pick(["", "NA", "1.5", "abc"]) : String(i);
    lines.push([i, ts, cat, num, flag, late, mixed].join(","));
  }
  return lines.join(r() < 0.5 ? "\n" : "\r\n") + (r() < 0.5 ? "\n" : "");
}

function sameColumn(a: Column, b: Column, label: string): void {
  assert.equal(a.dtype, b.dtype, `${label}: dtype`);
  const n = colLength(a);
  for (let i = 0; i < n; i++) {
    const x = cell(a, i),
      y = cell(b, i);
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) assert.fail(`${label}, row ${i}: ${String(x)} vs ${String(y)}`);
  }
  if (isStringLike(a) && isStringLike(b)) assert.deepEqual(usedDict(a), usedDict(b), `${label}: dictionary order`);
}

/** The frame read from the text, from its bytes (decoded only where needed) and by the text path, checked equal. */
function same(text: string, opts: ReadCsvOptions, label: string): DataFrame {
  const fast = readCsv(text, opts),
    slow = csvTextPath(text, opts),
    bytes = readCsv(new TextEncoder().encode(text), opts);
  for (const [df, how] of [
    [fast, "string"],
    [bytes, "bytes"],
  ] as const) {
    assert.deepEqual(df.names, slow.names, `${label} (${how}): names`);
    assert.equal(df.length, slow.length, `${label} (${how}): rows`);
    df.names.forEach((k, j) => sameColumn(df.data[j]!, slow.data[j]!, `${label} (${how}) ${k}`));
  }
  return bytes;
}

describe("readCsv's byte path reads as its text path", () => {
  it("plain texts: every column type, past the distinct-value threshold", () => {
    const df = same(makeText(1, 20_000, 0), {}, "plain");
    assert.equal(df.length, 20_000);
    const ts = df.data[1]!;
    assert.ok(isStringLike(ts) && ts.dict.length > 15_000, "ts is a text column of mostly distinct values");
  });
  for (const [seed, rare] of [
    [2, 0.001],
    [3, 0.01],
    [4, 0.05],
    [5, 0.2],
  ] as const) {
    it(`texts with unusual fields (seed ${seed}, ${rare * 100}% of fields)`, () => {
      const text = makeText(seed, 12_000, rare);
      const skipped: number[] = [];
      same(text, { onBadLines: (b) => skipped.push(b.line), comment: "#" }, `seed ${seed}`);
      assert.ok(rare < 0.01 || skipped.length > 0, "bad rows were met");
      same(text, { onBadLines: "skip", keepDefaultNa: false }, `seed ${seed} keepDefaultNa false`);
      same(text, { onBadLines: "skip", naValues: ["7", "c3"], nrows: 9_000 }, `seed ${seed} numeric NA, nrows`);
      same(text, { onBadLines: "skip", usecols: ["ts", "num", "late"], dtype: { late: "string" } }, `seed ${seed} usecols`);
      same(text, { onBadLines: "skip", parseDates: ["id"], errors: "coerce" }, `seed ${seed} dates coerced`);
    });
  }
  it("headers longer than the first bytes decoded, cut inside quotes, after skipped lines, or absent", () => {
    const wide = Array.from({ length: 9_000 }, (_, j) => `column_${j}`);
    const row = wide.map((_, j) => String(j % 3 === 0 ? j : `t${j % 11}`));
    same(`${wide.join(",")}\n${row.join(",")}\n${row.join(",")}\n`, {}, "a header past 64 KB");
    // a quoted header cell with a newline that the first 65,536 bytes cut in the middle
    const quoted = `${"h,".repeat(32_760)}"x\n${"y".repeat(100)}",z\n`;
    const body = Array.from({ length: 200 }, (_, i) => `${"1,".repeat(32_760)}${i},q${i % 3}`).join("\n");
    const df = same(quoted + body, {}, "a quoted header cell across the prefix");
    assert.equal(df.names[32_760], `x\n${"y".repeat(100)}`);
    const lines = Array.from({ length: 30_000 }, (_, i) => `${i},v${i % 9}`).join("\n");
    same(`${"skip me\n".repeat(9_000)}a,b\n${lines}`, { skipRows: 9_000 }, "skipRows past the prefix");
    same(lines, { header: null }, "no header");
    same(lines, { header: null, names: ["p", "q"] }, "names");
    same(`a,b\n${lines}\n"1",late quoted\n`, {}, "a quoted field at the end");
  });
  it("bytes with one non-ASCII character anywhere, at any alignment, read as their text", () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `${i},v${i % 13},${(i / 7).toFixed(3)}`);
    const base = `a,b,c\n${rows.join("\n")}\n`;
    const enc = new TextEncoder();
    for (const at of [0, 1, 2, 3, 6, 4_099, 40_001, base.length - 3]) {
      const text = `${base.slice(0, at)}é${base.slice(at)}`;
      const want = csvTextPath(text, {});
      for (const pad of [0, 1, 2, 3]) {
        // the same bytes at byte offset `pad` of a larger buffer (isAscii's unaligned head)
        const bytes = enc.encode(text);
        const buf = new Uint8Array(bytes.length + pad);
        buf.set(bytes, pad);
        const got = readCsv(buf.subarray(pad), {});
        assert.deepEqual(got.names, want.names, `é at ${at}, pad ${pad}: names`);
        got.names.forEach((k, j) => sameColumn(got.data[j]!, want.data[j]!, `é at ${at}, pad ${pad}: ${k}`));
      }
    }
  });
  it("short inputs at every byte offset read as their text (no whole 4-byte word to test)", () => {
    const enc = new TextEncoder();
    for (const text of ["a", "a\n", "a\n1", "ab\n1\n", "a,b\n1,2\n"]) {
      const want = csvTextPath(text, {});
      for (const pad of [1, 2, 3]) {
        const bytes = enc.encode(text);
        const buf = new Uint8Array(bytes.length + pad + 1);
        buf.set(bytes, pad);
        const got = readCsv(buf.subarray(pad, pad + bytes.length), {});
        assert.deepEqual(got.names, want.names, `${JSON.stringify(text)}, pad ${pad}: names`);
        assert.equal(got.length, want.length, `${JSON.stringify(text)}, pad ${pad}: rows`);
        got.names.forEach((k, j) => sameColumn(got.data[j]!, want.data[j]!, `${JSON.stringify(text)}, pad ${pad}: ${k}`));
      }
    }
  });
  it("a refused header is refused from bytes as from text", () => {
    const text = `a,b\n1,2\n`;
    assert.throws(() => readCsv(new TextEncoder().encode(text), { names: ["x"] }), /1 names given but the header has 2 columns/);
    assert.throws(() => readCsv(new TextEncoder().encode(`"a,b\n1,2\n`)), /never closed/);
  });
  it("a bad row is still refused on the right line", () => {
    const text = `${makeText(6, 5_000, 0)}\n1,2,3,4,5,6,7,8\n`;
    assert.throws(() => readCsv(text), /line 5002 has 8 fields but the header has 7/);
  });
  it("short text values of 1 to 9 bytes, the last one at the input's very end, code as on the text path", () => {
    const r = lcg(5);
    const vals = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh", "iiiiiiiii", "ab", "abcde", "abcdefgh", "~~~~~"];
    const rows = Array.from({ length: 3_000 }, (_, i) => `${i},${vals[Math.floor(r() * vals.length)]}`);
    for (const last of ["a", "ab", "abcde", "abcdefg", "abcdefgh", "zz"]) {
      const df = same(`n,t\n${rows.join("\n")}\n5,${last}`, {}, `short values, last ${last}`);
      assert.equal(cell(df.data[1]!, 3_000), last);
    }
  });

  it("an int column that meets text reads all of it again", () => {
    const rows = Array.from({ length: 9_000 }, (_, i) => `${i},${i === 8_500 ? "x" : i % 7}`);
    const df = same(`a,b\n${rows.join("\n")}\n`, {}, "late text");
    assert.equal(df.data[1]!.dtype, "string");
    assert.equal(cell(df.data[1]!, 8_500), "x");
    assert.equal(cell(df.data[1]!, 8_499), String(8_499 % 7));
  });
  it("a text column of mostly distinct values with a repeat after the switch keeps one code per value", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `v${i < 9_000 ? i : i - 4_000},"q${i % 5_000}"`);
    const df = same(`a,b\n${rows.join("\n")}\n${'"v1",v7000\n'}`, {}, "repeats");
    const a = df.data[0]!;
    assert.ok(isStringLike(a));
    assert.equal(new Set(a.dict).size, a.dict.length, "no value twice in the dictionary");
    assert.equal(a.codes[9_500], a.codes[5_500]);
    assert.equal(cell(a, 10_000), "v1");
  });
});
