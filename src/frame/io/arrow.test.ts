// Arrow in and out: every dtype round-trips through an Arrow Table and IPC bytes, checked
// against pandas' reading of the same data sets.

import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import {
  Bool,
  Int64,
  Int8,
  RecordBatch,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  tableFromArrays,
  vectorFromArray,
} from "apache-arrow";
import { DataFrame } from "../index.js";
import { toArrow, fromArrow, toArrowIPC, readArrowIPC, readArrowIPCStream, toArrowIPCStream } from "../arrow.js";
import { readCsvChunks } from "../index.js";
import { dataset, frameEqual, pandasCase, throwsFrame, type EncFrame } from "../testing.test.js";

describe("Arrow", () => {
  for (const name of ["airquality", "mtcars", "warpbreaks"]) {
    it(`${name} round-trips through IPC bytes (values as pandas read them)`, () => {
      const back = readArrowIPC(toArrowIPC(dataset(name)));
      const e = pandasCase<EncFrame>("io", `read_${name}`);
      // text comes back as category (Arrow dictionaries), as pandas reads them from Arrow
      frameEqual(back, e, { dtypes: false });
      assert.deepEqual(back.columns, e.columns);
    });
  }
  it("dates, bools and nullable ints keep their dtypes", () => {
    const df = new DataFrame(
      { d: [new Date(Date.UTC(2024, 0, 5)), null], b: [true, null], i: [1, null], s: ["x", null] },
      { dtypes: { i: "int64" } },
    );
    const back = fromArrow(toArrow(df));
    assert.deepEqual(Object.fromEntries(back.dtypes.indexValues().map((k, i) => [k, back.dtypes.iat(i)])), {
      d: "datetime",
      b: "bool",
      i: "int64",
      s: "category",
    });
    assert.deepEqual(back.toColumns(), df.toColumns());
    assert.deepEqual(readArrowIPC(toArrowIPC(df, "file")).toColumns(), df.toColumns());
  });
  it("a table made by apache-arrow itself", () => {
    const t = tableFromArrays({ x: Float64Array.of(1.5, 2.5), n: Int32Array.of(3, 4), s: ["a", "b"] });
    const df = fromArrow(t);
    assert.deepEqual(Object.fromEntries(df.dtypes.indexValues().map((k, i) => [k, df.dtypes.iat(i)])), {
      x: "float64",
      n: "int64",
      s: "category",
    }); // tableFromArrays dictionary-encodes strings
    assert.deepEqual(df.toColumns(), { x: [1.5, 2.5], n: [3, 4], s: ["a", "b"] });
  });
  it("several record batches with different dictionaries and missing values read as one column each", () => {
    const a = toArrow(new DataFrame({ s: ["x", null, "y"], f: [1.5, NaN, 2] }));
    const b = toArrow(new DataFrame({ s: ["z", "x", null], f: [NaN, 3, 4.25] }));
    const both = new Table([...a.batches, ...b.batches.map((x) => new RecordBatch(a.schema, x.data))]);
    assert.equal(both.batches.length, 2);
    const df = fromArrow(both);
    assert.deepEqual(df.col("s").toArray(), ["x", null, "y", "z", "x", null]);
    assert.equal(df.col("s").dtype, "category");
    assert.deepEqual(df.col("f").toArray(), [1.5, NaN, 2, NaN, 3, 4.25]);
  });
  it("timestamps in s, ms, us and ns read as ms; int8..int64 with nulls as int64; bools with nulls", () => {
    const ms = [Date.UTC(2024, 1, 29, 12, 30, 15), null, Date.UTC(1969, 11, 31, 23, 59, 59)];
    const t = new Table({
      s: vectorFromArray(ms, new TimestampSecond()),
      m: vectorFromArray(ms, new TimestampMillisecond()),
      u: vectorFromArray(ms, new TimestampMicrosecond()),
      n: vectorFromArray(ms, new TimestampNanosecond()),
      i8: vectorFromArray([1, null, -3], new Int8()),
      i64: vectorFromArray([1n, null, -(2n ** 40n)], new Int64()),
      b: vectorFromArray([true, null, false], new Bool()),
    });
    const df = fromArrow(t);
    for (const k of ["s", "m", "u", "n"])
      assert.deepEqual(
        df
          .col(k)
          .toArray()
          .map((d) => (d instanceof Date ? d.getTime() : d)),
        ms,
        k,
      );
    assert.deepEqual(df.col("i8").toArray(), [1, null, -3]);
    assert.deepEqual(df.col("i64").toArray(), [1, null, -(2 ** 40)]);
    assert.deepEqual(df.col("b").toArray(), [true, null, false]);
    assert.deepEqual(
      df.data.map((c) => c.dtype),
      ["datetime", "datetime", "datetime", "datetime", "int64", "int64", "bool"],
    );
  });
  it("ints beyond 2^53 are refused with the column and row", () => {
    const t = tableFromArrays({ big: BigInt64Array.of(1n, 2n ** 60n) });
    throwsFrame(() => fromArrow(t), /column "big" row 1 holds 1152921504606846976/);
  });
  it("streams: chunks out as record batches, read back batch by batch from small pieces", async () => {
    const text = readFileSync(new URL("../../../test/fixtures/data/airquality.csv", import.meta.url), "utf8");
    const pieces: Uint8Array[] = [];
    for await (const p of toArrowIPCStream(readCsvChunks(text, { chunkSize: 40, dtype: { Ozone: "float64", "Solar.R": "float64" } })))
      pieces.push(p);
    assert.ok(pieces.length > 4, `${pieces.length} pieces`);
    const bytes = Buffer.concat(pieces);
    // cut into 7-byte pieces, as a socket would deliver them
    const small = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, k) => bytes.subarray(k * 7, (k + 1) * 7));
    const frames: DataFrame[] = [];
    for await (const df of readArrowIPCStream(
      (async function* () {
        yield* small;
      })(),
    ))
      frames.push(df);
    assert.deepEqual(
      frames.map((f) => f.length),
      [40, 40, 40, 33],
    );
    const whole = readArrowIPC(bytes);
    assert.deepEqual(whole.toColumns(), dataset("airquality").toColumns());
    assert.deepEqual(
      frames.flatMap((f) => f.col("Ozone").toArray()),
      dataset("airquality").col("Ozone").toArray(),
    );
  });
  it("streams: text columns with a different dictionary per batch keep their values", async () => {
    const a = new DataFrame({ s: ["x", "y", null] }),
      b = new DataFrame({ s: ["z", "x", "w"] });
    const pieces: Uint8Array[] = [];
    for await (const p of toArrowIPCStream([a, b])) pieces.push(p);
    const got: unknown[] = [];
    for await (const df of readArrowIPCStream(pieces)) got.push(...df.col("s").toArray());
    assert.deepEqual(got, ["x", "y", null, "z", "x", "w"]);
  });
  it("streams: frames whose dtypes differ, and bytes that are not Arrow, are refused", async () => {
    const drain = async (it: AsyncIterable<unknown>) => {
      for await (const _ of it) {
        /* drain */
      }
    };
    await assert.rejects(
      drain(toArrowIPCStream([new DataFrame({ x: [1] }), new DataFrame({ x: [1.5] })])),
      /toArrowIPCStream: frame 1 has columns \(x: float64\), but the stream was started with \(x: int64\)/,
    );
    await assert.rejects(
      drain(readArrowIPCStream([new TextEncoder().encode("a,b\n1,2\n")])),
      /readArrowIPCStream: the input is not an Arrow IPC stream/,
    );
  });
});
