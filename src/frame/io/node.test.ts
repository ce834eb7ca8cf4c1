// The Node file helpers: read and write by path, and the chunked file reader.

import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCsvFile, readCsvFileChunks, writeCsvFile, readJsonFile, writeJsonFile } from "./node.js";
import { frameEqual, pandasCase, type EncFrame } from "../testing.test.js";

const file = fileURLToPath(new URL("../../../test/fixtures/data/airquality.csv", import.meta.url));

it("readCsvFile equals pandas; writeCsvFile / JSON files round-trip", () => {
  const df = readCsvFile(file);
  frameEqual(df, pandasCase<EncFrame>("io", "read_airquality"));
  const dir = mkdtempSync(join(tmpdir(), "tl-frame-"));
  try {
    writeCsvFile(df, join(dir, "a.csv"), { index: false });
    frameEqual(readCsvFile(join(dir, "a.csv")), pandasCase<EncFrame>("io", "read_airquality"));
    writeJsonFile(df, join(dir, "a.json"));
    assert.deepEqual(readJsonFile(join(dir, "a.json")).toColumns(), df.toColumns());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("readCsvFileChunks streams the file in frames", async () => {
  const sizes: number[] = [];
  let ozone = 0;
  for await (const df of readCsvFileChunks(file, { chunkSize: 40 })) {
    sizes.push(df.length);
    ozone += df.col("Ozone").count();
  }
  assert.deepEqual(sizes, [40, 40, 40, 33]);
  assert.equal(ozone, 116);
});
