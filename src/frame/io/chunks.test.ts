// groupbyChunks: pandas' groupby on the whole file (scripts/fixtures/frame_parquet_chunks.py ->
// test/fixtures/parquet_chunked_groupby.json), computed from the file split into many chunks by
// each chunked reader (readCsvChunks, readCsvStream in small byte pieces, Parquet row groups).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCsvFileChunks } from "./node.js";
import { type DataFrame, concat, readCsv, readCsvChunks, readCsvStream } from "../index.js";
import { groupbyChunks, type ChunkAggName } from "./chunks.js";
import { readParquetRowGroups, toParquet } from "../parquet.js";
import { datasetText, frameEqual, type EncFrame } from "../testing.test.js";

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
