// groupby-aggregation over a file larger than memory: each chunk (readCsvStream,
// readCsvFileChunks, readParquetRowGroups) is reduced to one row per group of partial sums,
// counts, minima and maxima, folded into the running partials, and dropped; memory is one chunk
// plus one row per group. The final result is pandas' df.groupby(keys).agg(spec) on the whole file.
// Only aggregates that combine exactly from partials are offered (no median, std or nunique).

import type { AggName } from "../aggregates.js";
import { type Column, floatCol } from "../column.js";
import { FrameError } from "../errors.js";
import { DataFrame } from "../table.js";
import { concat } from "../verbs/concat.js";

/** The aggregates groupbyChunks combines across chunks: each is exact from per-chunk partials (mean = total sum / total count). */
export type ChunkAggName = "sum" | "count" | "mean" | "min" | "max";
const CHUNK_AGGS: readonly ChunkAggName[] = ["sum", "count", "mean", "min", "max"];

/** Per-chunk partials each aggregate needs, and how partials combine (a sum of counts is the count). */
type Part = "sum" | "count" | "min" | "max";
const PARTS: Record<ChunkAggName, Part[]> = { sum: ["sum"], count: ["count"], mean: ["sum", "count"], min: ["min"], max: ["max"] };
const COMBINE: Record<Part, AggName> = { sum: "sum", count: "sum", min: "min", max: "max" };

/**
 * Group the rows of many chunks by `keys` and aggregate, holding one chunk and one row per group
 * at a time: the result equals `concat(chunks).groupby(keys).agg(spec)` (pandas'
 * `df.groupby(keys).agg(spec)` on the whole file, as Polars' `scan_csv(...).group_by(...).agg(...)`
 * streams it), keys as leading columns in sorted order, a list of aggregates named `col_agg`.
 * Missing keys are left out and missing values skipped, as pandas' defaults.
 * For example `await groupbyChunks(readCsvFileChunks("big.csv", { chunkSize: 100_000 }), "city", { qty: ["sum", "mean"] })`.
 * @param chunks frames with the same columns (a chunked CSV read, Parquet row groups, or any iterable)
 * @param keys the key column(s)
 * @param spec per value column, one aggregate or a list of sum, count, mean, min, max
 */
export async function groupbyChunks(
  chunks: AsyncIterable<DataFrame> | Iterable<DataFrame>,
  keys: string | string[],
  spec: Record<string, ChunkAggName | ChunkAggName[]>,
): Promise<DataFrame> {
  const keyList = typeof keys === "string" ? [keys] : keys;
  const partSpec: Record<string, Part[]> = {};
  for (const [col, aggs] of Object.entries(spec)) {
    for (const a of typeof aggs === "string" ? [aggs] : aggs) {
      if (!CHUNK_AGGS.includes(a))
        throw new FrameError(
          `groupbyChunks: aggregate ${JSON.stringify(a)} for column ${JSON.stringify(col)} cannot be combined across chunks. Use one of ${CHUNK_AGGS.join(", ")}; for a median or quantile, read the group's rows into memory (filter each chunk) and aggregate there.`,
        );
      for (const p of PARTS[a]) (partSpec[col] ??= []).includes(p) || partSpec[col]!.push(p);
    }
  }
  // partial columns are always named col_part, so the fold below can address them
  const combineSpec: Record<string, AggName> = {};
  for (const [col, parts] of Object.entries(partSpec)) for (const p of parts) combineSpec[`${col}_${p}`] = COMBINE[p];
  let acc: DataFrame | null = null;
  let k = 0;
  for await (const chunk of chunks as AsyncIterable<DataFrame>) {
    for (const name of [...keyList, ...Object.keys(spec)]) {
      if (!chunk.names.includes(name))
        throw new FrameError(
          `groupbyChunks: chunk ${k} has no column ${JSON.stringify(name)} (it has ${chunk.names.slice(0, 12).join(", ")}). Every chunk needs the key and value columns; check the names, or usecols/columns of the reader.`,
        );
    }
    const partial = chunk.groupby(keyList).agg(partSpec);
    acc = acc === null ? partial : concat([acc, partial], { ignoreIndex: true }).groupby(keyList).agg(combineSpec);
    k++;
  }
  if (acc === null)
    throw new FrameError(
      `groupbyChunks: no chunks were given, so there are no columns to group. Pass a reader that yields at least one frame.`,
    );
  const names = [...keyList];
  const cols: Column[] = keyList.map((c) => acc!.data[acc!.names.indexOf(c)]!);
  const part = (col: string, p: string) => acc!.data[acc!.names.indexOf(`${col}_${p}`)]!;
  for (const [col, aggs] of Object.entries(spec)) {
    for (const a of typeof aggs === "string" ? [aggs] : aggs) {
      names.push(typeof aggs === "string" ? col : `${col}_${a}`);
      if (a !== "mean") {
        cols.push(part(col, a));
        continue;
      }
      const sum = acc.col(`${col}_sum`).toArray() as (number | null)[],
        count = acc.col(`${col}_count`).toArray() as number[];
      cols.push(floatCol(Float64Array.from(sum, (s, i) => (count[i]! > 0 && s !== null ? s / count[i]! : NaN))));
    }
  }
  return DataFrame.fromColumns(names, cols);
}
