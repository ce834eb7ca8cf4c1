// groupbyChunks: pandas' groupby on the whole file (scripts/fixtures/frame_parquet_chunks.py ->
// test/fixtures/parquet_chunked_groupby.json), computed from the file split into many chunks by
// each chunked reader (readCsvChunks, readCsvStream in small byte pieces, Parquet row groups);
// and the chunks both CSV readers give from ASCII bytes equal those of the text path.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCsvFileChunks } from "./node.js";
import { type DataFrame, type ReadCsvOptions, concat, readCsv, readCsvChunks, readCsvStream } from "../index.js";
import { type Column, cell, colLength } from "../column.js";
import { indexLevels } from "../labels.js";
import { groupbyChunks, type ChunkAggName } from "./chunks.js";
import { readParquetRowGroups, toParquet } from "../parquet.js";
import { datasetText, frameEqual, lcg, type EncFrame } from "../testing.test.js";

interface Case {
  file: string;
  keys: string | string[];
  spec: Record<string, ChunkAggName | ChunkAggName[]>;
  frame: EncFrame;
}
const fixture = JSON.parse(readFileSync(new URL("../../../test/fixtures/parquet_chunked_groupby.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
};

describe("groupbyChunks equals pandas' groupby on the whole file", () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    const text = datasetText(c.file.replace(/\.csv$/, ""));
    // chunks keep the first chunk's dtypes; a chunk of one row cannot show that mpg holds decimals
    // or Ozone missing values, so the schema is given (as from a sample read) as a user would
    const whole = readCsv(text);
    const dtype = Object.fromEntries(whole.names.map((k, j) => [k, whole.data[j]!.dtype]));
    for (const size of [1, 7, 50]) {
      it(`${name}, readCsvChunks of ${size} rows`, async () => {
        frameEqual(await groupbyChunks(readCsvChunks(text, { chunkSize: size, dtype }), c.keys, c.spec), c.frame, {
          label: name,
          index: false,
        });
      });
    }
    it(`${name}, readCsvStream in 5-byte pieces, chunks of 9 rows`, async () => {
      const pieces = text.match(/[\s\S]{1,5}/g)!;
      frameEqual(await groupbyChunks(readCsvStream(pieces, { chunkSize: 9, dtype }), c.keys, c.spec), c.frame, {
        label: name,
        index: false,
      });
    });
    it(`${name}, Parquet row groups of 11 rows`, async () => {
      const bytes = toParquet(readCsv(text), { rowGroupSize: 11 });
      frameEqual(await groupbyChunks(readParquetRowGroups(bytes), c.keys, c.spec), c.frame, { label: name, index: false });
    });
    it(`${name}: the same frame as groupby on everything at once`, async () => {
      const all = whole.groupby(c.keys).agg(c.spec);
      const chunked = await groupbyChunks(readCsvChunks(text, { chunkSize: 13, dtype }), c.keys, c.spec);
      assert.deepEqual(chunked.names, all.names);
      assert.deepEqual(
        chunked.data.map((col) => col.dtype),
        all.data.map((col) => col.dtype),
      );
      for (const k of all.names) {
        const a = chunked.col(k).toArray(),
          b = all.col(k).toArray();
        a.forEach((v, i) =>
          typeof v === "number" && typeof b[i] === "number"
            ? assert.ok(Math.abs(v - (b[i] as number)) <= 1e-12 * Math.abs(v) || (Number.isNaN(v) && Number.isNaN(b[i])), `${k}[${i}]`)
            : assert.equal(v, b[i]),
        );
      }
    });
  }

  it("a file read in 1 MB pieces: quoted newlines across piece and chunk ends, the header once, one dtype per column", async () => {
    // ~3 MB of records whose quoted text holds newlines and separators, so pieces end inside quotes
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `${i},"line ${i}\nsecond, part ""q""",${i % 7 === 3 ? "" : (i % 50) * 1.5},${i % 3 === 0 ? "True" : "False"},g${i % 13}`,
    );
    const text = "id,note,x,flag,g\n" + rows.join("\n") + "\n";
    const dir = mkdtempSync(join(tmpdir(), "tl-chunks-"));
    try {
      const path = join(dir, "quoted.csv");
      writeFileSync(path, text);
      const whole = readCsv(text);
      const chunks: DataFrame[] = [];
      for await (const c of readCsvFileChunks(path, { chunkSize: 7_000 })) chunks.push(c);
      assert.deepEqual(
        chunks.map((c) => c.length),
        [7000, 7000, 7000, 7000, 7000, 5000],
      );
      for (const c of chunks) {
        assert.deepEqual(c.names, whole.names);
        assert.deepEqual(
          c.data.map((col) => col.dtype),
          whole.data.map((col) => col.dtype),
        );
      }
      assert.deepEqual(concat(chunks, { ignoreIndex: true }).toColumns(), whole.toColumns());
      const g = await groupbyChunks(readCsvFileChunks(path, { chunkSize: 3_000 }), "g", {
        x: ["sum", "count", "mean", "min", "max"],
        id: "count",
      });
      assert.deepEqual(
        g.toColumns(),
        whole
          .groupby("g")
          .agg({ x: ["sum", "count", "mean", "min", "max"], id: "count" })
          .toColumns(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a group missing from some chunks, and values all missing in a group", async () => {
    const parts = [readCsv("k,v\na,1\nb,\n"), readCsv("k,v\nc,5\nb,\n"), readCsv("k,v\na,3\n,9\n")];
    const got = await groupbyChunks(parts, "k", { v: ["sum", "count", "mean", "min", "max"] });
    const whole = concat(parts, { ignoreIndex: true })
      .groupby("k")
      .agg({ v: ["sum", "count", "mean", "min", "max"] });
    assert.deepEqual(got.toColumns(), whole.toColumns());
    assert.deepEqual(got.toColumns(), {
      k: ["a", "b", "c"],
      v_sum: [4, 0, 5],
      v_count: [2, 0, 1],
      v_mean: [2, NaN, 5],
      v_min: [1, NaN, 5],
      v_max: [3, NaN, 5],
    });
  });

  it("errors: an aggregate that does not combine, a missing column, no chunks", async () => {
    const parts = () => readCsvChunks("k,v\na,1\nb,2\n", { chunkSize: 1 });
    await assert.rejects(
      groupbyChunks(parts(), "k", { v: "median" as ChunkAggName }),
      /groupbyChunks: aggregate "median" for column "v" cannot be combined across chunks. Use one of sum, count, mean, min, max/,
    );
    await assert.rejects(groupbyChunks(parts(), "k", { w: "sum" }), /groupbyChunks: chunk 0 has no column "w" \(it has k, v\)/);
    await assert.rejects(groupbyChunks([], "k", { v: "sum" }), /groupbyChunks: no chunks were given/);
  });
});

// ASCII bytes take readCsv's byte path in both chunked readers (decoding only what a record needs);
// the chunks must be those of the text path, value for value, dtype for dtype.
describe("chunked readers over ASCII bytes give the text path's chunks", () => {
  /** Quoted fields (separators, quotes and newlines inside), NA markers, and a text column of mostly distinct values. */
  function makeText(seed: number, rows: number): string {
    const r = lcg(seed);
    const lines = ["id,v,k,x,f"];
    for (let i = 0; i < rows; i++) {
      const u = r();
      const v =
        u < 0.04
          ? ""
          : u < 0.06
            ? "NA"
            : u < 0.09
              ? `"q""${i},\nx"`
              : u < 0.2
                ? `t${Math.floor(r() * i)}`
                : `t${i}-${Math.floor(r() * 1e6)}`;
      const f = r() < 0.05 ? "" : (r() * 100 - 50).toFixed(Math.floor(r() * 4));
      lines.push(`${i},${v},c${Math.floor(r() * 9)},${Math.floor(r() * 1000)},${f}`);
    }
    return `${lines.join("\n")}\n`;
  }
  const cells = (c: Column) => Array.from({ length: colLength(c) }, (_, i) => cell(c, i));
  const isLazy = (c: Column): boolean => typeof Object.getOwnPropertyDescriptor(c, "dict")?.get === "function";
  function sameChunks(got: DataFrame[], want: DataFrame[], label: string): void {
    assert.deepEqual(
      got.map((d) => d.length),
      want.map((d) => d.length),
      `${label}: chunk lengths`,
    );
    got.forEach((g, c) => {
      const w = want[c]!;
      assert.deepEqual(g.names, w.names, `${label}, chunk ${c}: names`);
      assert.deepEqual(indexLevels(g.index).map(cells), indexLevels(w.index).map(cells), `${label}, chunk ${c}: index`);
      g.data.forEach((col, j) => {
        assert.equal(col.dtype, w.data[j]!.dtype, `${label}, chunk ${c}, ${g.names[j]}: dtype`);
        assert.deepEqual(g.col(g.names[j]!).toArray(), w.col(g.names[j]!).toArray(), `${label}, chunk ${c}, ${g.names[j]}`);
      });
    });
  }
  const drain = async (it: AsyncIterable<DataFrame>): Promise<DataFrame[]> => {
    const out: DataFrame[] = [];
    for await (const df of it) out.push(df);
    return out;
  };
  const text = makeText(7, 9000);
  const bytes = new TextEncoder().encode(text);
  /** Byte pieces of random sizes, some cut inside quotes. */
  const bytePieces = (b: Uint8Array, seed: number, max: number): Uint8Array[] => {
    const r = lcg(seed);
    const out: Uint8Array[] = [];
    for (let at = 0; at < b.length; ) {
      const n = 1 + Math.floor(r() * max);
      out.push(b.subarray(at, at + n));
      at += n;
    }
    return out;
  };
  const optionSets: [string, ReadCsvOptions & { chunkSize: number }][] = [
    ["defaults", { chunkSize: 5000 }],
    ["small chunks", { chunkSize: 333 }],
    ["indexCol, usecols", { chunkSize: 700, indexCol: 0, usecols: ["id", "v", "f"] }],
    ["nrows", { chunkSize: 1000, nrows: 2500 }],
    ["no header, skipped rows", { chunkSize: 800, header: null, skipRows: 3 }],
    ["dtype given", { chunkSize: 1200, dtype: { x: "float64", k: "category" } }],
  ];
  for (const [label, opts] of optionSets) {
    it(`${label}: readCsvChunks of the bytes equals readCsvChunks of the text`, () => {
      sameChunks([...readCsvChunks(bytes, opts)], [...readCsvChunks(text, opts)], label);
    });
    it(`${label}: readCsvStream of byte pieces equals readCsvStream of the text`, async () => {
      const want = await drain(readCsvStream([text], opts));
      sameChunks(await drain(readCsvStream(bytePieces(bytes, 3, 4096), opts)), want, `${label}, pieces up to 4 KB`);
      sameChunks(await drain(readCsvStream(bytePieces(bytes, 4, 97), opts)), want, `${label}, pieces up to 97 bytes`);
    });
  }
  it("the byte path is taken: a column of distinct text stays bytes (the text path decodes it)", async () => {
    // (a quoted value late in the column makes the byte path decode it too, so none here)
    const plain = `id,v\n${Array.from({ length: 9000 }, (_, i) => `${i},t${i}-x\n`).join("")}`;
    const [fromBytes] = await drain(readCsvStream(bytePieces(new TextEncoder().encode(plain), 5, 4096), { chunkSize: 9000 }));
    const [fromText] = await drain(readCsvStream([plain], { chunkSize: 9000 }));
    assert.ok(isLazy(fromBytes!.data[1]!), "byte pieces: v kept as bytes");
    assert.ok(!isLazy(fromText!.data[1]!), "text pieces: v decoded");
    const [chunk] = [...readCsvChunks(new TextEncoder().encode(plain), { chunkSize: 9000 })];
    assert.ok(isLazy(chunk!.data[1]!), "readCsvChunks: v kept as bytes");
  });
  it("a byte past ASCII (or a string piece) midway turns what is held into text; the chunks are the same", async () => {
    const accented = `${text}9000,é "x",c1,5,1.5\n9001,plain,c2,6,\n`;
    const b = new TextEncoder().encode(accented);
    const want = await drain(readCsvStream([accented], { chunkSize: 700 }));
    sameChunks(await drain(readCsvStream(bytePieces(b, 6, 3000), { chunkSize: 700 })), want, "non-ASCII bytes late");
    const pieces: (string | Uint8Array)[] = bytePieces(bytes, 8, 3000);
    pieces.splice(5, 0, "");
    sameChunks(
      await drain(readCsvStream(pieces, { chunkSize: 700 })),
      await drain(readCsvStream([text], { chunkSize: 700 })),
      "a string piece",
    );
  });
});
