// A text column of mostly distinct values read from ASCII bytes keeps its dictionary as UTF-8
// bytes (utf8Dict) until a verb reads `dict`. Its values and every verb on it must match the
// text path (readRecords without bytes, which builds the dictionary of JS strings at once).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCsv } from "../index.js";
import { type Column, cell, colLength, isStringLike, take, utf8Dict, utf8StrCol } from "../column.js";
import type { DataFrame } from "../table.js";
import { csvTextPath, lcg } from "../testing.test.js";

/** v: mostly distinct (past the 4,096 values after which new values wait for the end), with repeats, empty fields, NA markers and (early) quoted values. */
function makeText(seed: number, rows: number, lateQuote: boolean): string {
  const r = lcg(seed);
  const lines = ["v,k,x"];
  for (let i = 0; i < rows; i++) {
    const u = r();
    const v =
      u < 0.03
        ? ""
        : u < 0.05
          ? "NA"
          : u < 0.15
            ? `t${Math.floor(r() * i)}` // a repeat of an earlier value, or a new one
            : u < 0.17 && (i < 1000 || lateQuote)
              ? `"q""${i},x"`
              : `t${i}-${Math.floor(r() * 1e6)}`;
    lines.push(`${v},c${Math.floor(r() * 9)},${Math.floor(r() * 1000)}`);
  }
  return `${lines.join("\n")}\n`;
}

const isLazy = (c: Column): boolean => typeof Object.getOwnPropertyDescriptor(c, "dict")?.get === "function";

function sameValues(a: Column, b: Column, label: string): void {
  assert.equal(a.dtype, b.dtype, `${label}: dtype`);
  assert.equal(colLength(a), colLength(b), `${label}: length`);
  for (let i = 0; i < colLength(a); i++) assert.equal(cell(a, i), cell(b, i), `${label}, row ${i}`);
}

describe("a text column kept as bytes", () => {
  it("reads the same values and dictionary order as the text path, and stays bytes through take", () => {
    const text = makeText(1, 12_000, false);
    const fast = readCsv(text),
      slow = csvTextPath(text);
    const v = fast.data[0]!;
    assert.ok(isLazy(v), "v is read as bytes");
    assert.ok(!isLazy(slow.data[0]!));
    const kept = take(v, Int32Array.from([5, 3, -1, 11_999]));
    assert.ok(isLazy(kept), "take keeps the bytes");
    sameValues(fast.data[0]!, slow.data[0]!, "v");
    assert.ok(isStringLike(v) && isStringLike(slow.data[0]!));
    assert.deepEqual(v.dict, slow.data[0]!.dict, "dictionary, in order of first appearance");
    assert.equal(new Set(v.dict).size, v.dict.length, "no value twice");
    assert.ok(v.dict.includes('q"5,x') || v.dict.some((d) => d.startsWith('q"')), "quoted values are in");
    assert.equal(cell(kept, 2), null);
    assert.equal(cell(kept, 3), cell(slow.data[0]!, 11_999));
  });

  it("gives every verb the same answer as the text path", () => {
    const text = makeText(2, 9_000, false);
    const fast = readCsv(text),
      slow = csvTextPath(text);
    assert.ok(isLazy(fast.data[0]!));
    const both = (f: (df: DataFrame) => unknown, label: string): void => {
      const a = f(readCsv(text)),
        b = f(slow);
      assert.deepEqual(a, b, label);
    };
    const some = slow.data[0]!;
    const probe = cell(some, 4_321) ?? "t1";
    both(
      (df) =>
        df
          .filter(
            df
              .col("x")
              .toArray()
              .map((x) => (x as number) > 500),
          )
          .toCsv(),
      "filter",
    );
    both((df) => df.sortValues(["v", "x"]).toCsv(), "sort");
    both((df) => df.groupby("v").size().toCsv(), "groupby size");
    both((df) => df.groupby("k").agg({ v: "nunique" }).toCsv(), "groupby nunique");
    both((df) => df.col("v").valueCounts().toString(), "valueCounts");
    both((df) => df.col("v").eq(probe).toArray(), "equality");
    both((df) => df.col("v").unique(), "unique");
    both((df) => df.toCsv(), "toCsv");
    both((df) => df.toColumns(), "toColumns");
    both((df) => df.astype({ v: "category" }).col("v").valueCounts().toString(), "category");
    // a verb on a filtered copy first, then on the column it came from: one decoding serves both
    const df = readCsv(text);
    const head = df.iloc([0, 1, 2]);
    assert.ok(isLazy(head.data[0]!));
    assert.deepEqual(head.col("v").toArray(), slow.iloc([0, 1, 2]).col("v").toArray());
    assert.deepEqual(df.col("v").toArray(), slow.col("v").toArray());
  });

  it("falls back to strings when a value reaches the table after the values started to wait", () => {
    const text = makeText(3, 12_000, true);
    sameValues(readCsv(text).data[0]!, csvTextPath(text).data[0]!, "late quotes");
  });

  it("reads a non-ASCII text through the text path, with the same values", () => {
    for (const odd of ["é", "日本", "\ud800"]) {
      const text = `${makeText(4, 9_000, false)}w${odd}x,c1,5\n`;
      const fast = readCsv(text),
        slow = csvTextPath(text);
      assert.ok(!isLazy(fast.data[0]!), `${JSON.stringify(odd)}: not read as bytes`);
      sameValues(fast.data[0]!, slow.data[0]!, JSON.stringify(odd));
      assert.ok((fast.col("v").toArray() as string[]).some((v) => v?.includes(odd)));
    }
  });

  it("decodes non-ASCII and empty values (utf8Dict)", () => {
    const vals = ["héllo", "", "日本語", 'a"b', "😀x", "plain"];
    const enc = new TextEncoder();
    const parts = vals.map((s) => enc.encode(s));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    const at = new Int32Array(vals.length + 1);
    parts.forEach((p, k) => {
      bytes.set(p, at[k]!);
      at[k + 1] = at[k]! + p.length;
    });
    const d = utf8Dict(bytes, at);
    const col = utf8StrCol(Int32Array.from([2, -1, 0, 1, 4, 3, 5]), d);
    const taken = take(col, Int32Array.from([0, 4, 1]));
    assert.deepEqual(
      Array.from({ length: 7 }, (_, i) => cell(col, i)),
      ["日本語", null, "héllo", "", "😀x", 'a"b', "plain"],
    );
    assert.deepEqual([cell(taken, 0), cell(taken, 1), cell(taken, 2)], ["日本語", "😀x", null]);
    assert.ok(isStringLike(taken));
    assert.equal(col.dict, taken.dict, "one array of strings for both");
    assert.deepEqual(d(), vals);
  });
});
