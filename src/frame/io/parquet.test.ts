// Parquet in and out: round trips keep every value, missing value, dtype and the index; column
// and row-group selection; files written by DuckDB read as DuckDB reads them; a file tensorloom
// writes reads in DuckDB as the frame holds it (fixtures: bench/frame/parquetInterop.ts); bad
// input gets errors that name the op and the fix.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { compressors } from "hyparquet-compressors";
import { DataFrame, concat, readCsvChunks } from "../index.js";
import { readParquet, readParquetInfo, readParquetRowGroups, toParquet, writeParquet } from "../parquet.js";
import { dataset } from "../testing.test.js";
import { INTEROP_OPTIONS, interopFrame } from "./parquetKit.test.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/fixtures/parquet/${name}`, import.meta.url)));

/** Columns as plain values (Dates as ms), dtypes and index labels: what a round trip must keep. */
function snapshot(df: DataFrame) {
  const cols = df.toColumns() as Record<string, unknown[]>;
  const plain = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.map((x) => (x instanceof Date ? x.getTime() : x))]));
  return { names: df.names, dtypes: df.data.map((c) => c.dtype), values: plain, index: df.indexValues(), indexName: df.index.name };
}

async function rejects(p: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, "FrameError", `expected a FrameError, got ${e.name}: ${e.message}`);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe("Parquet round trips", () => {
  for (const name of [
    "airquality",
    "mtcars",
    "iris",
    "warpbreaks",
    "titanic-counts",
    "airline-passengers",
    "co2-mauna-loa",
    "eu-stock-markets",
    "tooth-growth",
  ]) {
    it(`${name}: every value, missing value and dtype comes back`, async () => {
      const df = dataset(name, name === "airline-passengers" ? { parseDates: ["month"] } : {});
      const back = await readParquet(toParquet(df, { rowGroupSize: 40 }));
      assert.deepEqual(snapshot(back), snapshot(df));
    });
  }

  it("every dtype with missing values, a category, and a named label index", async () => {
    const df = interopFrame();
    const back = await readParquet(toParquet(df));
    assert.deepEqual(snapshot(back), snapshot(df));
    assert.deepEqual(
      back.data.map((c) => c.dtype),
      ["float64", "float64", "float64", "int64", "int64", "int64", "int64", "bool", "string", "category", "datetime"],
    );
    assert.equal(back.index.name, "key");
  });

  it("declared categories that no row uses are kept", async () => {
    const df = new DataFrame({ g: ["b", null, "b"] }, { dtypes: { g: "category" } });
    const cat = df.assign({ g: df.col("g").astype("category") });
    const col = cat.data[0]! as { dict: readonly string[] };
    const back = await readParquet(toParquet(cat));
    assert.deepEqual((back.data[0] as { dict: readonly string[] }).dict, col.dict);
    assert.deepEqual(back.col("g").toArray(), ["b", null, "b"]);
  });

  it("a RangeIndex starting past 0 is stored as metadata and restored; index: false drops it", async () => {
    const df = dataset("mtcars").iloc({ start: 5, stop: 9 });
    const back = await readParquet(toParquet(df));
    assert.deepEqual(back.indexValues(), [5, 6, 7, 8]);
    const noIndex = await readParquet(toParquet(df.setIndex("model"), { index: false }));
    assert.deepEqual(noIndex.indexValues(), [0, 1, 2, 3]);
    assert.ok(!noIndex.names.includes("model"));
  });

  it("an empty frame and a frame without rows keep their columns", async () => {
    const none = new DataFrame({ a: new Float64Array(0), s: [] as string[] });
    const back = await readParquet(toParquet(none));
    assert.deepEqual(back.names, ["a", "s"]);
    assert.equal(back.length, 0);
  });

  it("ints up to 2^53 - 1 survive, larger ones are refused by row; NaN is stored as null (as pandas)", async () => {
    const df = new DataFrame({ i: [2 ** 53 - 1, -(2 ** 53 - 1), 0], f: [NaN, Infinity, -0] }, { dtypes: { i: "int64" } });
    const bytes = toParquet(df);
    const back = await readParquet(bytes);
    assert.deepEqual(back.col("i").toArray(), [2 ** 53 - 1, -(2 ** 53 - 1), 0]);
    const big = toParquet(new DataFrame({ i: [0, 2 ** 53] }, { dtypes: { i: "int64" } }));
    await rejects(
      readParquet(big),
      /readParquet: column "i" row 1 holds 9007199254740992, beyond the 2\^53 integers/,
      /Cast the column to double/,
    );
    assert.deepEqual(back.col("f").toArray(), [NaN, Infinity, -0]);
    assert.equal((await readParquetInfo(bytes)).rowGroups[0]!.columns.f!.nullCount, 1);
  });
});

describe("Parquet selection", () => {
  const df = dataset("airquality");
  const bytes = toParquet(df, { rowGroupSize: 40 });

  it("columns: only those, in the order asked", async () => {
    const back = await readParquet(bytes, { columns: ["Temp", "Ozone"] });
    assert.deepEqual(back.names, ["Temp", "Ozone"]);
    assert.deepEqual(back.col("Ozone").toArray(), df.col("Ozone").toArray());
  });

  it("readParquetInfo: rows, dtypes and per-group statistics", async () => {
    const info = await readParquetInfo(bytes);
    assert.equal(info.numRows, 153);
    assert.deepEqual(
      info.rowGroups.map((g) => g.numRows),
      [40, 40, 40, 33],
    );
    assert.deepEqual(
      info.columns.map((c) => c.dtype),
      ["float64", "float64", "float64", "int64", "int64", "int64"],
    );
    const month = info.rowGroups.map((g) => [g.columns.Month!.min, g.columns.Month!.max]);
    assert.deepEqual(month, [
      [5, 6],
      [6, 7],
      [7, 8],
      [8, 9],
    ]);
    assert.equal(info.rowGroups[0]!.columns.Ozone!.nullCount, df.col("Ozone").head(40).isna().sum());
  });

  it("rowGroups by position and rowGroupFilter on statistics read only those groups", async () => {
    const two = await readParquet(bytes, { rowGroups: [3, 1] });
    assert.deepEqual(two.col("Day").toArray(), [...df.col("Day").toArray().slice(40, 80), ...df.col("Day").toArray().slice(120)]);
    const sept = await readParquet(bytes, { rowGroupFilter: (g) => (g.columns.Month!.max as number) >= 9 });
    assert.equal(sept.length, 33);
    assert.ok(
      sept
        .col("Month")
        .toArray()
        .every((m) => m === 8 || m === 9),
    );
    const none = await readParquet(bytes, { rowGroupFilter: () => false });
    assert.deepEqual([none.length, none.names.length], [0, 6]);
  });

  it("readParquetRowGroups yields one frame per group with the same dtypes, numbered as the file's rows", async () => {
    // Ozone's first group has values, but a group of all-missing ints must still read as the file's type
    const parts: DataFrame[] = [];
    for await (const part of readParquetRowGroups(bytes)) parts.push(part);
    assert.deepEqual(
      parts.map((p) => p.length),
      [40, 40, 40, 33],
    );
    for (const p of parts)
      assert.deepEqual(
        p.data.map((c) => c.dtype),
        df.data.map((c) => c.dtype),
      );
    assert.deepEqual(parts[2]!.indexValues().slice(0, 2), [80, 81]);
    assert.deepEqual(snapshot(concat(parts)).values, snapshot(df).values);
    const allMissing = new DataFrame({ i: [1, 2, null, null] }, { dtypes: { i: "int64" } });
    const groups: string[] = [];
    for await (const p of readParquetRowGroups(toParquet(allMissing, { rowGroupSize: 2 }))) groups.push(p.data[0]!.dtype);
    assert.deepEqual(groups, ["int64", "int64"]);
  });
});

describe("Parquet files on disk", () => {
  it("a path is read by ranges; writeParquet streams frames (a chunked read) into one file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-parquet-"));
    try {
      const path = join(dir, "air.parquet");
      const text = readFileSync(new URL("../../../test/fixtures/data/airquality.csv", import.meta.url), "utf8");
      const rows = await writeParquet(readCsvChunks(text, { chunkSize: 50, dtype: { Ozone: "float64", "Solar.R": "float64" } }), path, {
        rowGroupSize: 30,
      });
      assert.equal(rows, 153);
      const info = await readParquetInfo(path);
      assert.deepEqual(
        info.rowGroups.map((g) => g.numRows),
        [30, 20, 30, 20, 30, 20, 3],
      );
      const back = await readParquet(path, { columns: ["Ozone", "Temp"] });
      assert.deepEqual(back.col("Ozone").toArray(), dataset("airquality").col("Ozone").toArray());
      await writeParquet(dataset("iris"), path);
      assert.deepEqual(snapshot(await readParquet(path)), snapshot(dataset("iris")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an AsyncBuffer (as over HTTP ranges) is read only where the columns and row groups asked lie", async () => {
    // a file several times the footer read (hyparquet's first fetch takes the last 512 KB)
    const n = 200_000;
    const df = new DataFrame({
      a: Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
      b: Float64Array.from({ length: n }, (_, i) => Math.cos(i) * i),
      s: Array.from({ length: n }, (_, i) => `text ${i}`),
    });
    const bytes = toParquet(df, { rowGroupSize: 50_000 });
    let fetched = 0;
    const ranged = {
      byteLength: bytes.length,
      slice: async (start: number, end = bytes.length) => {
        fetched += end - start;
        return bytes.slice(start, end).buffer;
      },
    };
    const one = await readParquet(ranged, { columns: ["a"], rowGroups: [2] });
    assert.deepEqual(one.col("a").toArray(), df.col("a").toArray().slice(100_000, 150_000));
    assert.ok(fetched < bytes.length / 3, `${fetched} of ${bytes.length} bytes fetched`);
  });

  it("frames whose dtypes differ are refused, naming both schemas", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-parquet-"));
    try {
      const a = new DataFrame({ x: [1, 2] }),
        b = new DataFrame({ x: [1.5, 2] });
      await rejects(
        writeParquet([a, b], join(dir, "x.parquet")),
        /writeParquet: frame 1 has columns \(x: float64\), but the file was started with \(x: int64\)/,
        /astype/,
      );
      assert.equal(existsSync(join(dir, "x.parquet")), false, "the partial file is removed");
      await rejects(writeParquet(a, join(dir, "missing", "x.parquet")), /writeParquet: cannot open ".*missing\/x.parquet" for writing/);
      await rejects(writeParquet([], join(dir, "y.parquet")), /no frames were given/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface DuckTypes {
  schema: { column_name: string; column_type: string }[];
  columns: Record<string, unknown[]>;
  rowGroups: { g: number; n: number; col: string; min: string; max: string; nulls: number }[];
}

describe("Parquet interop with DuckDB (files made by bench/frame/parquetInterop.ts)", () => {
  const expected = JSON.parse(gunzipSync(fixture("duckdb_types.json.gz")).toString("utf8")) as DuckTypes;

  for (const [file, opts] of [
    ["duckdb_types.parquet", {}],
    ["duckdb_types_zstd.parquet", { compressors }],
  ] as const) {
    it(`${file}: every value as DuckDB reads it`, async () => {
      const df = await readParquet(fixture(file), opts);
      assert.deepEqual(
        df.names,
        expected.schema.map((s) => s.column_name),
      );
      assert.deepEqual(
        df.data.map((c) => c.dtype),
        ["int64", "int64", "float64", "string", "bool", "datetime", "datetime", "datetime", "float64"],
      );
      for (const k of df.names) {
        const got = df
          .col(k)
          .toArray()
          .map((v) => (v instanceof Date ? v.getTime() : typeof v === "number" && Number.isNaN(v) ? null : v));
        assert.deepEqual(got, expected.columns[k], k);
      }
    });
  }

  it("row-group statistics agree with DuckDB's parquet_metadata", async () => {
    const info = await readParquetInfo(fixture("duckdb_types.parquet"));
    assert.deepEqual(
      info.rowGroups.map((g) => g.numRows),
      [2048, 2048, 904],
    );
    for (const s of expected.rowGroups) {
      const mine = info.rowGroups[s.g]!.columns[s.col]!;
      assert.equal(mine.nullCount, s.nulls, `${s.col} group ${s.g} nulls`);
      if (s.col === "big" || s.col === "small") assert.deepEqual([mine.min, mine.max], [Number(s.min), Number(s.max)]);
      if (s.col === "city") assert.deepEqual([mine.min, mine.max], [s.min, s.max]);
    }
    const later = await readParquet(fixture("duckdb_types.parquet"), {
      columns: ["big"],
      rowGroupFilter: (g) => (g.columns.big!.min as number) > 0,
    });
    assert.equal(later.length, 2048 + 904);
  });

  it("zstd without the compressors option is refused with the fix", async () => {
    await rejects(readParquet(fixture("duckdb_types_zstd.parquet")), /readParquet: row group 0 could not be read/, /hyparquet-compressors/);
  });

  it("a nested LIST column is refused by name; the other columns still read", async () => {
    await rejects(
      readParquet(fixture("duckdb_nested.parquet")),
      /column "pair" is a nested \(list, map or struct\) column/,
      /columns option/,
    );
    const ids = await readParquet(fixture("duckdb_nested.parquet"), { columns: ["id"] });
    assert.deepEqual(ids.col("id").toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal((await readParquetInfo(fixture("duckdb_nested.parquet"))).columns[1]!.dtype, null);
  });

  it("the file tensorloom writes today is the one DuckDB read, and DuckDB saw every value", async () => {
    const df = interopFrame();
    const bytes = toParquet(df, INTEROP_OPTIONS);
    assert.ok(
      Buffer.from(bytes).equals(Buffer.from(fixture("tensorloom_written.parquet"))),
      "toParquet's output changed: rerun bench/frame/parquetInterop.ts so DuckDB checks the new file",
    );
    const duck = JSON.parse(
      readFileSync(new URL("../../../test/fixtures/parquet/tensorloom_written.duckdb.json", import.meta.url), "utf8"),
    ) as { types: Record<string, string>; rowGroups: number; columns: Record<string, unknown[]> };
    assert.equal(duck.rowGroups, 4);
    assert.deepEqual(duck.types, {
      Ozone: "DOUBLE",
      "Solar.R": "DOUBLE",
      Wind: "DOUBLE",
      Temp: "BIGINT",
      Month: "BIGINT",
      Day: "BIGINT",
      nullableInt: "BIGINT",
      flag: "BOOLEAN",
      label: "VARCHAR",
      size: "VARCHAR",
      when: "TIMESTAMP",
      key: "VARCHAR",
    });
    const withKey = df.resetIndex();
    for (const k of withKey.names) {
      const mine = withKey
        .col(k)
        .toArray()
        .map((v) => (v instanceof Date ? v.getTime() : typeof v === "number" && Number.isNaN(v) ? null : v));
      assert.deepEqual(duck.columns[k], mine, k);
    }
  });
});

describe("Parquet errors", () => {
  const good = toParquet(dataset("airquality"));
  it("a truncated file names the op, what was received and the fix", async () => {
    await rejects(readParquet(good.subarray(0, good.length - 100)), /readParquet: the input is not a readable Parquet file/, /truncated/);
    await rejects(readParquet(good.subarray(0, 5)), /readParquet: the input has 5 bytes, fewer than a Parquet file's header and footer/);
  });
  it("a file cut inside its data (footer kept) fails on the row group, not with a hang", async () => {
    const broken = good.slice();
    broken.fill(0xff, 8, Math.min(600, broken.length - 200));
    await rejects(readParquet(broken), /readParquet: (row group 0 could not be read|the input is not a readable Parquet file)/);
  });
  it("CSV bytes are not Parquet", async () => {
    await rejects(readParquet(new TextEncoder().encode("a,b\n1,2\n3,4\n5,6\n")), /not a readable Parquet file/, /not CSV or Arrow IPC/);
  });
  it("a missing column suggests the names; a row group out of range gives the range", async () => {
    await rejects(readParquet(good, { columns: ["ozone"] }), /readParquet: no column named "ozone" in the file \(Ozone, Solar.R/);
    await rejects(readParquet(good, { rowGroups: [1] }), /rowGroups holds 1, but the file has 1 row group \(0 to 0\)/);
  });
  it("a missing path names the path", async () => {
    await rejects(readParquet("/nonexistent/x.parquet"), /readParquet: cannot open "\/nonexistent\/x.parquet"/);
  });
  it("a bad rowGroupSize is refused", () => {
    assert.throws(() => toParquet(dataset("iris"), { rowGroupSize: 0 }), /toParquet: rowGroupSize must be a positive integer, got 0/);
  });
});
