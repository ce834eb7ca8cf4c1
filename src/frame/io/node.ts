/// <reference types="node" />
/**
 * Node-only file helpers for tensorloom/frame: read and write CSV/JSON files by path, and stream a
 * CSV larger than memory in chunks. Import from "tensorloom/frame/node"; the browser entry
 * (frame/index.ts) never imports this module.
 *
 * @module tensorloom/frame/node
 */

import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { type ReadCsvOptions, readCsv, readCsvStream, readCsvWith } from "./csv.js";
import { readFileForCut, readFileWindowed } from "./csvCutWasm.js";
import { type ToCsvOptions, toCsv } from "./csvWrite.js";
import { type ReadJsonOptions, readJson, toJson, type JsonOrient } from "./json.js";
import type { DataFrame } from "../table.js";

/** Read a CSV file into a frame, as pd.read_csv(path) (Node only; the file is read whole, see readCsvFileChunks for larger files). */
export function readCsvFile(path: string, opts: ReadCsvOptions = {}): DataFrame {
  // where wasm SIMD runs, an ASCII file is read through a window of wasm memory and its simple
  // records are cut there (the same offsets, ~2.5x faster than the JS loop); other files are
  // read whole: their bytes go to readCsv as they are (into wasm memory, to cut them there)
  const df = readFileWindowed(path, opts);
  if (df) return df;
  const read = readFileForCut(path);
  return read ? readCsvWith(read.bytes, opts, read.cutter) : readCsv(readFileSync(path), opts);
}

/** Frames of at most chunkSize rows from a CSV file, reading it in pieces (for files larger than memory). */
export function readCsvFileChunks(path: string, opts: ReadCsvOptions & { chunkSize: number }): AsyncGenerator<DataFrame> {
  return readCsvStream(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>, opts);
}

/** Write the frame to a CSV file, as pd.DataFrame.to_csv(path) (Node only). */
export function writeCsvFile(df: DataFrame, path: string, opts: ToCsvOptions = {}): void {
  writeFileSync(path, toCsv(df, opts));
}

/** Read a JSON (or JSON Lines) file into a frame, as pd.read_json(path) (Node only). */
export function readJsonFile(path: string, opts: ReadJsonOptions = {}): DataFrame {
  return readJson(readFileSync(path, "utf8"), opts);
}

/** Write the frame to a JSON file in the given orient (default "records"), as pd.DataFrame.to_json(path) (Node only). */
export function writeJsonFile(df: DataFrame, path: string, orient: JsonOrient = "records"): void {
  writeFileSync(path, toJson(df, orient));
}
