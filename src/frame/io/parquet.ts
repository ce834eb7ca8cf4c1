// Parquet in and out through hyparquet (reader) and hyparquet-writer (writer): pure JavaScript,
// no wasm to load, so it works the same in Node and browsers. Chosen over parquet-wasm by
// measurement (docs/FRAME.md). Loaded only through "tensorloom/frame/parquet", so the core frame
// entry does not pull the libraries in. Not here: nested (list/struct) columns, writing to paths
// in a browser.

import {
  parquetMetadata,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  type SchemaElement,
} from "hyparquet";
import { ByteWriter, ParquetWriter, type ColumnSource } from "hyparquet-writer";
import { type Column, type FrameDType, type Scalar, boolCol, colLength, dateCol, floatCol, intCol, strCol, toCategory } from "../column.js";
import { FrameError } from "../errors.js";
import { type Index, indexColumn, labelIndex, rangeIndex } from "../labels.js";
import { DataFrame } from "../table.js";

/** A Parquet file: its bytes, a path (Node only; read in ranges, never whole), or hyparquet's AsyncBuffer (e.g. asyncBufferFromUrl for HTTP range requests). */
export type ParquetSource = Uint8Array | ArrayBuffer | string | AsyncBuffer;

/** One column's statistics in one row group, as the writer stored them (undefined where it stored none). Values are frame scalars: numbers, strings, booleans, Dates. */
export interface ParquetColumnStats {
  min: Scalar | undefined;
  max: Scalar | undefined;
  nullCount: number | undefined;
}

/** A row group: its position, rows and per-column statistics, as pyarrow's `ParquetFile.metadata.row_group(i)`. */
export interface ParquetRowGroup {
  index: number;
  numRows: number;
  columns: Record<string, ParquetColumnStats>;
}

/** What a Parquet file holds without reading its data, as pyarrow's `ParquetFile.metadata` / `schema_arrow`. */
export interface ParquetInfo {
  numRows: number;
  /** The columns with the frame dtype each reads as (null: a column this reader refuses, such as a nested list). */
  columns: { name: string; dtype: FrameDType | null; parquetType: string }[];
  rowGroups: ParquetRowGroup[];
  /** The application that wrote the file (the footer's created_by). */
  createdBy: string | undefined;
}

/** Options of readParquet and readParquetRowGroups: pd.read_parquet's `columns`, plus row-group selection as pyarrow's `read_row_groups` and a predicate on row-group statistics. */
export interface ReadParquetOptions {
  /** Read only these columns (in this order). */
  columns?: string[];
  /** Read only these row groups (positions from 0, in file order). */
  rowGroups?: number[];
  /** Keep a row group only when this returns true for its statistics: row groups that cannot match are never read. Rows inside a kept group are not filtered. */
  rowGroupFilter?: (group: ParquetRowGroup) => boolean;
  /** Decompressors beyond snappy (gzip, zstd, brotli, lz4): pass `compressors` from the hyparquet-compressors package. */
  compressors?: Compressors;
  /** Restore the row index pandas stored (pandas metadata `index_columns`; default true). */
  index?: boolean;
}

/** Options of toParquet / writeParquet, as pd.DataFrame.to_parquet's `index`, `row_group_size` and `compression`. */
export interface ToParquetOptions {
  /** Store the row index: true as a column, false not at all; by default (pandas' None) a label index is a column and a RangeIndex is metadata only. */
  index?: boolean;
  /** Rows per row group (default 100,000): the unit a chunked reader or a row-group filter works on. */
  rowGroupSize?: number;
  /** "snappy" (default, as pandas) or "uncompressed". */
  compression?: "snappy" | "uncompressed";
}

const OP_READ = "readParquet",
  OP_WRITE = "toParquet";

// ---------------------------------------------------------------- sources

/** A path read by ranges through node:fs; the module name is a variable so browser bundles never try to resolve it. */
const NODE_FS = "node:fs/promises";

async function openSource(op: string, src: ParquetSource): Promise<{ file: AsyncBuffer; close(): Promise<void> }> {
  if (typeof src === "string") {
    const fs = (await import(NODE_FS)) as typeof import("node:fs/promises");
    let fh: Awaited<ReturnType<typeof fs.open>>;
    try {
      fh = await fs.open(src, "r");
    } catch (e) {
      throw new FrameError(
        `${op}: cannot open ${JSON.stringify(src)}: ${(e as Error).message}. Pass an existing file's path, or its bytes.`,
      );
    }
    const size = (await fh.stat()).size;
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end = size) {
        const out = new Uint8Array(Math.max(0, end - start));
        let got = 0;
        while (got < out.length) {
          const { bytesRead } = await fh.read(out, got, out.length - got, start + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return out.buffer;
      },
    };
    return { file, close: () => fh.close() };
  }
  if (src instanceof Uint8Array) {
    const buf = src.byteOffset === 0 && src.byteLength === src.buffer.byteLength ? (src.buffer as ArrayBuffer) : src.slice().buffer;
    return { file: buf, close: async () => {} };
  }
  return { file: src, close: async () => {} };
}

/** The footer, with hyparquet's own message wrapped in one that names the op and the fix. */
async function readFooter(op: string, file: AsyncBuffer): Promise<FileMetaData> {
  if (file.byteLength < 12)
    throw new FrameError(
      `${op}: the input has ${file.byteLength} bytes, fewer than a Parquet file's header and footer (12). Pass a whole Parquet file.`,
    );
  try {
    return file instanceof ArrayBuffer ? parquetMetadata(file) : await parquetMetadataAsync(file);
  } catch (e) {
    throw new FrameError(
      `${op}: the input is not a readable Parquet file (${(e as Error).message}). Check that the file is complete (not truncated) and is Parquet, not CSV or Arrow IPC.`,
    );
  }
}

// ---------------------------------------------------------------- schema -> dtypes

/** The frame dtype a top-level Parquet column reads as, or why it is refused. */
function dtypeOf(el: SchemaElement, nested: boolean): FrameDType | string {
  if (nested) return "a nested (list, map or struct) column";
  const lt = el.logical_type?.type,
    ct = el.converted_type;
  if (ct === "DECIMAL" || lt === "DECIMAL" || lt === "FLOAT16") return "float64";
  switch (el.type) {
    case "BOOLEAN":
      return "bool";
    case "INT32":
    case "INT64":
      if (ct === "DATE" || lt === "DATE" || lt === "TIMESTAMP" || ct === "TIMESTAMP_MILLIS" || ct === "TIMESTAMP_MICROS") return "datetime";
      if (lt === "TIME" || ct === "TIME_MILLIS" || ct === "TIME_MICROS") return "a time-of-day column";
      return "int64";
    case "INT96":
      return "datetime";
    case "FLOAT":
    case "DOUBLE":
      return "float64";
    case "BYTE_ARRAY":
      if (ct === "BSON" || lt === "BSON" || lt === "GEOMETRY" || lt === "GEOGRAPHY" || lt === "VARIANT") return `a ${lt ?? ct} column`;
      return "string";
    default:
      return `a ${el.type ?? "group"} column`;
  }
}

interface Plan {
  names: string[];
  dtypes: FrameDType[];
  scales: number[];
  categories: Map<string, string[] | null>;
  indexName: { column: string; name: string | null } | null;
  range: { start: number; step: number; name: string | null } | null;
}

/** The pandas metadata pyarrow writes (key "pandas"), when present and well formed. */
function pandasMeta(
  md: FileMetaData,
): { index_columns?: unknown[]; columns?: { name: string | null; field_name?: string; pandas_type?: string }[] } | null {
  const kv = md.key_value_metadata?.find((x) => x.key === "pandas");
  if (!kv?.value) return null;
  try {
    return JSON.parse(kv.value) as ReturnType<typeof pandasMeta>;
  } catch {
    return null;
  }
}

function tensorloomMeta(md: FileMetaData): { categories?: Record<string, string[]> } {
  const kv = md.key_value_metadata?.find((x) => x.key === TL_META);
  if (!kv?.value) return {};
  try {
    return JSON.parse(kv.value) as { categories?: Record<string, string[]> };
  } catch {
    return {};
  }
}

function topColumns(md: FileMetaData): { name: string; element: SchemaElement; refused: string | null; dtype: FrameDType | null }[] {
  return parquetSchema(md).children.map((c) => {
    const d = dtypeOf(c.element, c.children.length > 0);
    const ok = (["float64", "int64", "bool", "string", "datetime"] as string[]).includes(d);
    return { name: c.element.name, element: c.element, refused: ok ? null : d, dtype: ok ? (d as FrameDType) : null };
  });
}

function plan(op: string, md: FileMetaData, opts: ReadParquetOptions): Plan {
  const cols = topColumns(md);
  const byName = new Map(cols.map((c) => [c.name, c]));
  const pandas = opts.index === false ? null : pandasMeta(md);
  // pandas stores a label index as a column named in index_columns, a RangeIndex as a dict
  let indexName: Plan["indexName"] = null,
    range: Plan["range"] = null;
  const ix = pandas?.index_columns ?? [];
  if (ix.length === 1 && typeof ix[0] === "string" && byName.has(ix[0])) {
    const field = ix[0];
    const entry = pandas?.columns?.find((c) => (c.field_name ?? c.name) === field);
    indexName = { column: field, name: entry ? entry.name : field.startsWith("__index_level_") ? null : field };
  } else if (ix.length === 1 && typeof ix[0] === "object" && ix[0] !== null && (ix[0] as { kind?: string }).kind === "range") {
    const r = ix[0] as { start?: number; step?: number; name?: string | null };
    range = { start: r.start ?? 0, step: r.step ?? 1, name: r.name ?? null };
  }
  const wanted = opts.columns ?? cols.map((c) => c.name).filter((k) => k !== indexName?.column);
  for (const k of wanted) {
    if (!byName.has(k))
      throw new FrameError(
        `${op}: no column named ${JSON.stringify(k)} in the file (${cols
          .slice(0, 12)
          .map((c) => c.name)
          .join(", ")}${cols.length > 12 ? `, ... (${cols.length} in all)` : ""}). Check the name, or leave it out of columns.`,
      );
    const c = byName.get(k)!;
    if (c.refused)
      throw new FrameError(
        `${op}: column ${JSON.stringify(k)} is ${c.refused} (Parquet type ${describeType(c.element)}), which has no frame dtype. Leave it out with the columns option, or flatten it before writing.`,
      );
  }
  const names = indexName ? [...wanted, indexName.column] : wanted;
  const declared = categoryColumns(md);
  const categories = new Map<string, string[] | null>();
  for (const k of names) if (declared.has(k)) categories.set(k, declared.get(k)!);
  const decimalScale = (el: SchemaElement) =>
    el.converted_type === "DECIMAL" || el.logical_type?.type === "DECIMAL" ? (el.scale ?? 0) : 0;
  return {
    names,
    dtypes: names.map((k) => byName.get(k)!.dtype!),
    scales: names.map((k) => decimalScale(byName.get(k)!.element)),
    categories,
    indexName,
    range,
  };
}

/** Text columns stored as categories: by tensorloom (with their declared categories) or by pandas ("categorical"; categories inferred). */
function categoryColumns(md: FileMetaData): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  for (const c of pandasMeta(md)?.columns ?? []) if (c.pandas_type === "categorical") out.set(c.field_name ?? c.name ?? "", null);
  for (const [k, cats] of Object.entries(tensorloomMeta(md).categories ?? {})) out.set(k, cats);
  return out;
}

function describeType(el: SchemaElement): string {
  return [el.type ?? "group", el.logical_type?.type ?? el.converted_type].filter(Boolean).join(" ");
}

// ---------------------------------------------------------------- statistics

function statScalar(v: unknown, dtype: FrameDType | null): Scalar | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v;
  if (typeof v === "bigint") return dtype === "datetime" ? new Date(Number(v)) : Number(v);
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return undefined; // raw bytes (binary or truncated statistics): unknown
}

function rowGroups(md: FileMetaData): ParquetRowGroup[] {
  const cols = topColumns(md);
  const dtypeByPath = new Map(cols.map((c) => [c.name, c.dtype]));
  return md.row_groups.map((rg, index) => {
    const columns: Record<string, ParquetColumnStats> = {};
    for (const ch of rg.columns) {
      const m = ch.meta_data;
      if (m?.path_in_schema.length !== 1) continue;
      const name = m.path_in_schema[0]!,
        s = m.statistics,
        dt = dtypeByPath.get(name) ?? null;
      columns[name] = {
        min: statScalar(s?.min_value ?? s?.min, dt),
        max: statScalar(s?.max_value ?? s?.max, dt),
        nullCount: s?.null_count === undefined ? undefined : Number(s.null_count),
      };
    }
    return { index, numRows: Number(rg.num_rows), columns };
  });
}

/** The schema, row count and row-group statistics of a Parquet file without reading its data, as pyarrow's `pq.ParquetFile(path).metadata`. */
export async function readParquetInfo(src: ParquetSource): Promise<ParquetInfo> {
  const { file, close } = await openSource("readParquetInfo", src);
  try {
    const md = await readFooter("readParquetInfo", file);
    const cats = categoryColumns(md);
    return {
      numRows: Number(md.num_rows),
      columns: topColumns(md).map((c) => ({
        name: c.name,
        dtype: c.dtype === "string" && cats.has(c.name) ? "category" : c.dtype,
        parquetType: describeType(c.element),
      })),
      rowGroups: rowGroups(md),
      createdBy: md.created_by,
    };
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------- reading values into columns

/** One output column, filled chunk by chunk at row offsets. */
class Sink {
  private nums: Float64Array;
  private valid: Uint8Array | null = null;
  private codes: Int32Array | null = null;
  private dict: string[] = [];
  private lookup = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly dtype: FrameDType,
    readonly n: number,
    readonly scale = 0,
  ) {
    this.nums = new Float64Array(dtype === "string" ? 0 : n);
    if (dtype === "string") this.codes = new Int32Array(n);
  }

  /** values[from, to) go to rows at, at + 1, ... of the output. */
  put(values: ArrayLike<unknown>, from: number, to: number, at: number, fileRow: number): void {
    const nums = this.nums;
    switch (this.dtype) {
      case "float64": {
        for (let i = from; i < to; i++) {
          const v = values[i];
          nums[at++] = v === null || v === undefined ? NaN : Number(v);
        }
        // hyparquet gives a decimal as unscaled * 10^-scale, off by an ulp; unscaled / 10^scale is
        // the correctly rounded double (as DuckDB's and pyarrow's casts)
        if (this.scale > 0) {
          const p = 10 ** this.scale;
          for (let i = at - (to - from); i < at; i++) {
            const v = nums[i]!;
            if (Math.abs(v * p) < 2 ** 53) nums[i] = Math.round(v * p) / p;
          }
        }
        return;
      }
      case "datetime":
        for (let i = from; i < to; i++) {
          const v = values[i];
          nums[at++] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : this.bad(v, fileRow + i - from, "a date");
        }
        return;
      case "int64":
      case "bool": {
        for (let i = from; i < to; i++, at++) {
          const v = values[i];
          if (v === null || v === undefined) {
            (this.valid ??= new Uint8Array(this.n).fill(1))[at] = 0;
            continue;
          }
          if (this.dtype === "bool") {
            nums[at] = v ? 1 : 0;
            continue;
          }
          const x = Number(v as number | bigint);
          if (!Number.isSafeInteger(x))
            throw new FrameError(
              `${OP_READ}: column ${JSON.stringify(this.name)} row ${fileRow + i - from} holds ${String(v)}, beyond the 2^53 integers a float64 holds exactly. Cast the column to double before writing the file, or leave it out with the columns option.`,
            );
          nums[at] = x;
        }
        return;
      }
      case "string": {
        const codes = this.codes!,
          lookup = this.lookup,
          dict = this.dict;
        for (let i = from; i < to; i++) {
          const v = values[i];
          if (v === null || v === undefined) {
            codes[at++] = -1;
            continue;
          }
          const s = typeof v === "string" ? v : this.bad(v, fileRow + i - from, "text");
          let k = lookup.get(s);
          if (k === undefined) {
            k = dict.length;
            lookup.set(s, k);
            dict.push(s);
          }
          codes[at++] = k;
        }
        return;
      }
      case "category":
        return;
    }
  }

  private bad(v: unknown, row: number, want: string): never {
    throw new FrameError(
      `${OP_READ}: column ${JSON.stringify(this.name)} row ${row} holds ${Object.prototype.toString.call(v)}, where ${want} was expected. Leave the column out with the columns option and report the file to tensorloom.`,
    );
  }

  finish(categories: string[] | null | undefined): Column {
    switch (this.dtype) {
      case "float64":
        return floatCol(this.nums);
      case "datetime":
        return dateCol(this.nums);
      case "int64":
        return intCol(this.nums, this.valid);
      case "bool":
        return boolCol(Uint8Array.from(this.nums), this.valid);
      default: {
        const col = strCol(this.codes!, this.dict);
        return categories !== undefined ? toCategory(col, categories ?? undefined) : col;
      }
    }
  }
}

interface Opened {
  file: AsyncBuffer;
  md: FileMetaData;
  plan: Plan;
  groups: ParquetRowGroup[];
  starts: number[];
  close(): Promise<void>;
}

async function open(op: string, src: ParquetSource, opts: ReadParquetOptions): Promise<Opened> {
  const { file, close } = await openSource(op, src);
  try {
    const md = await readFooter(op, file);
    const p = plan(op, md, opts);
    const all = rowGroups(md);
    const starts: number[] = [];
    let s = 0;
    for (const g of all) {
      starts.push(s);
      s += g.numRows;
    }
    for (const i of opts.rowGroups ?? []) {
      if (!Number.isInteger(i) || i < 0 || i >= all.length)
        throw new FrameError(
          `${op}: rowGroups holds ${i}, but the file has ${all.length} row group${all.length === 1 ? "" : "s"} (0 to ${all.length - 1}). Pass positions in that range; readParquetInfo lists them.`,
        );
    }
    let groups = opts.rowGroups ? [...new Set(opts.rowGroups)].sort((a, b) => a - b).map((i) => all[i]!) : all;
    if (opts.rowGroupFilter) groups = groups.filter(opts.rowGroupFilter);
    return { file, md, plan: p, groups, starts, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Read the row groups `groups` (in order) into one frame. */
async function readGroups(o: Opened, groups: ParquetRowGroup[], compressors: Compressors | undefined, rangeStart = 0): Promise<DataFrame> {
  const { plan: p } = o;
  const n = groups.reduce((a, g) => a + g.numRows, 0);
  const sinks = p.names.map((k, j) => new Sink(k, p.dtypes[j]!, n, p.scales[j]));
  const sinkOf = new Map(p.names.map((k, j) => [k, sinks[j]!]));
  let base = 0;
  let failure: Error | null = null;
  for (const g of groups) {
    const start = o.starts[g.index]!,
      end = start + g.numRows,
      at = base;
    if (g.numRows > 0 && p.names.length > 0) {
      try {
        await parquetRead({
          file: o.file,
          metadata: o.md,
          columns: p.names,
          rowStart: start,
          rowEnd: end,
          compressors,
          onChunk: (c) => {
            // hyparquet does not pass on an error thrown here: keep the first and throw it below
            if (failure) return;
            // a chunk may reach outside the group: keep its overlap with [start, end)
            const lo = Math.max(start, c.rowStart),
              hi = Math.min(end, c.rowEnd);
            try {
              if (hi > lo) sinkOf.get(c.columnName)?.put(c.columnData, lo - c.rowStart, hi - c.rowStart, at + lo - start, lo);
            } catch (e) {
              failure = e as Error;
            }
          },
        });
        if (failure) throw failure;
      } catch (e) {
        if (e instanceof FrameError) throw e;
        const msg = (e as Error).message;
        const fix = /compress|codec/i.test(msg)
          ? "Pass compressors from the hyparquet-compressors package (gzip, zstd, brotli, lz4), or rewrite the file with snappy."
          : "Check that the file is complete (not truncated) and was written by a Parquet writer.";
        throw new FrameError(`${OP_READ}: row group ${g.index} could not be read (${msg}). ${fix}`);
      }
    }
    base += g.numRows;
  }
  let cols = sinks.map((s) => s.finish(p.categories.get(s.name)));
  let names = p.names;
  let index: Index | undefined;
  if (p.indexName) {
    const j = names.length - 1;
    index = labelIndex(cols[j]!, p.indexName.name);
    cols = cols.slice(0, j);
    names = names.slice(0, j);
  } else if (p.range && p.range.step === 1 && groups.length === o.md.row_groups.length) {
    index = rangeIndex(n, p.range.start, p.range.name);
  }
  return DataFrame.fromColumns(names, cols, index ?? rangeIndex(n, rangeStart));
}

/**
 * Read a Parquet file into a frame, as pd.read_parquet (pyarrow engine) / pl.read_parquet /
 * pyarrow.parquet.read_table: column selection, row groups by position or by a predicate on their
 * statistics (groups that cannot match are never read, so a path reads only the bytes it needs).
 * Types: int32/int64 read as int64 (nullable), float/double and decimals as float64, booleans as bool,
 * UTF-8 text as string, dates and timestamps (ms, us, ns, int96) as datetime in ms; a column
 * tensorloom wrote as category (or pandas as categorical) comes back as category, and pandas'
 * stored index is restored. Nested columns are refused by name (leave them out with `columns`).
 * For example `await readParquet("sales.parquet", { columns: ["city", "qty"], rowGroupFilter: (g) =>
 * (g.columns.qty!.max as number) > 50 })`.
 * @param src the file's bytes, a path (Node), or an AsyncBuffer (hyparquet's asyncBufferFromUrl)
 */
export async function readParquet(src: ParquetSource, opts: ReadParquetOptions = {}): Promise<DataFrame> {
  const o = await open(OP_READ, src, opts);
  try {
    return await readGroups(o, o.groups, opts.compressors);
  } finally {
    await o.close();
  }
}

/**
 * The file's row groups one at a time, each as a frame (dtypes the same in every one, taken from
 * the file's schema), as pyarrow's `ParquetFile.iter_batches` by row group / Polars' scan in
 * batches: only one row group's columns are in memory at a time. Takes readParquet's options.
 * For example `for await (const part of readParquetRowGroups(path)) total += part.col("qty").sum()`.
 */
export async function* readParquetRowGroups(src: ParquetSource, opts: ReadParquetOptions = {}): AsyncGenerator<DataFrame> {
  const o = await open("readParquetRowGroups", src, opts);
  try {
    // each group keeps its rows' positions in the file as its index, as pandas' chunked readers number rows on
    for (const g of o.groups) yield await readGroups(o, [g], opts.compressors, o.starts[g.index]!);
  } finally {
    await o.close();
  }
}

// ---------------------------------------------------------------- writing

/** Key of the small JSON tensorloom adds to the footer (declared categories); pandas' own metadata sits under "pandas". */
const TL_META = "tensorloom";

interface Prepared {
  names: string[];
  cols: Column[];
  schema: SchemaElement[];
  kv: { key: string; value: string }[];
}

const STRING_ELEMENT = { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } } as const;

function element(name: string, c: Column): SchemaElement {
  const base = { name, repetition_type: "OPTIONAL" } as const;
  switch (c.dtype) {
    case "float64":
      return { ...base, type: "DOUBLE" };
    case "int64":
      return { ...base, type: "INT64" };
    case "bool":
      return { ...base, type: "BOOLEAN" };
    case "datetime":
      return { ...base, type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MILLIS" } };
    case "string":
    case "category":
      return { ...base, ...STRING_ELEMENT };
  }
}

/** pandas' metadata for the file, so pandas (pyarrow) restores the index and nullable dtypes. */
function pandasMetaFor(df: DataFrame, names: string[], cols: Column[], indexCol: string | null): string {
  const entry = (name: string | null, field: string, c: Column) => {
    const masked = (c.dtype === "int64" || c.dtype === "bool") && c.valid !== null;
    const [pt, nt] =
      c.dtype === "float64"
        ? ["float64", "float64"]
        : c.dtype === "int64"
          ? ["int64", masked ? "Int64" : "int64"]
          : c.dtype === "bool"
            ? ["bool", masked ? "boolean" : "bool"]
            : c.dtype === "datetime"
              ? ["datetime", "datetime64[ns]"]
              : c.dtype === "category"
                ? ["categorical", "int32"]
                : ["unicode", "object"];
    return {
      name,
      field_name: field,
      pandas_type: pt,
      numpy_type: nt,
      metadata: c.dtype === "category" ? { num_categories: (c as { dict: readonly string[] }).dict.length, ordered: false } : null,
    };
  };
  const ix = df.index;
  const columns = names.map((k, j) => (k === indexCol ? entry(ix.kind === "labels" ? ix.name : null, k, cols[j]!) : entry(k, k, cols[j]!)));
  const index_columns =
    indexCol !== null
      ? [indexCol]
      : ix.kind === "range"
        ? [{ kind: "range", name: ix.name, start: ix.start, stop: ix.start + ix.n, step: 1 }]
        : [];
  return JSON.stringify({
    index_columns,
    column_indexes: [{ name: null, field_name: null, pandas_type: "unicode", numpy_type: "object", metadata: { encoding: "UTF-8" } }],
    columns,
    creator: { library: "tensorloom", version: "0.1.0" },
    pandas_version: "1.5.3",
  });
}

function prepare(df: DataFrame, opts: ToParquetOptions): Prepared {
  const ix = df.index;
  if (ix.kind !== "range" && ix.kind !== "labels")
    throw new FrameError(
      `${OP_WRITE}: the frame has an index of several levels, which this writer does not store. Call resetIndex() first to keep the levels as columns.`,
    );
  const writeIndex = opts.index ?? ix.kind === "labels";
  let names = [...df.names],
    cols = [...df.data];
  let indexCol: string | null = null;
  if (writeIndex) {
    indexCol = ix.name ?? "__index_level_0__";
    if (names.includes(indexCol))
      throw new FrameError(
        `${OP_WRITE}: the index is named ${JSON.stringify(indexCol)}, as a column is. Rename the index or the column, or pass index: false.`,
      );
    const c = indexColumn(ix);
    names = [...names, indexCol];
    cols = [...cols, c];
  }
  const schema: SchemaElement[] = [{ name: "root", num_children: names.length }, ...names.map((k, j) => element(k, cols[j]!))];
  const categories: Record<string, string[]> = {};
  names.forEach((k, j) => {
    const c = cols[j]!;
    if (c.dtype === "category") categories[k] = [...c.dict];
  });
  const kv = [
    { key: "pandas", value: pandasMetaFor(df, names, cols, indexCol) },
    { key: TL_META, value: JSON.stringify({ categories }) },
  ];
  return { names, cols, schema, kv };
}

const encoder = new TextEncoder();

/** Each distinct text of a string or category column as UTF-8 (null for other dtypes): encoded once per frame, shared by its row groups. */
const dictBytes = (c: Column): Uint8Array[] | null =>
  c.dtype === "string" || c.dtype === "category" ? c.dict.map((s) => encoder.encode(s)) : null;

/** Rows [from, to) of a column as hyparquet-writer's values: typed arrays where nothing is missing, else arrays with null; `bytes`: the column's dictBytes. */
function values(c: Column, from: number, to: number, bytes: readonly Uint8Array[] | null): ColumnSource["data"] {
  const n = to - from;
  switch (c.dtype) {
    case "float64": {
      const v = c.values.subarray(from, to);
      let nan = false;
      for (let i = 0; i < n; i++)
        if (v[i] !== v[i]) {
          nan = true;
          break;
        }
      return nan ? Array.from(v, (x) => (x !== x ? null : x)) : v;
    }
    case "datetime":
    case "int64": {
      // without missing values a BigInt64Array: no object per value for the collector to trace
      const v = c.values.subarray(from, to);
      const missing = c.dtype === "int64" ? (i: number) => c.valid !== null && !c.valid[from + i] : (i: number) => v[i] !== v[i];
      let any = false;
      for (let i = 0; i < n && !any; i++) any = missing(i);
      if (!any) {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) out[i] = BigInt(v[i]!);
        return out;
      }
      const out = new Array<bigint | null>(n);
      for (let i = 0; i < n; i++) out[i] = missing(i) ? null : BigInt(v[i]!);
      return out;
    }
    case "bool": {
      const out = new Array<boolean | null>(n);
      for (let i = 0; i < n; i++) out[i] = c.valid && !c.valid[from + i] ? null : c.values[from + i] === 1;
      return out;
    }
    case "string":
    case "category": {
      // rows share their text's bytes
      const out = new Array<Uint8Array | null>(n);
      for (let i = 0; i < n; i++) {
        const k = c.codes[from + i]!;
        out[i] = k < 0 ? null : bytes![k]!;
      }
      return out;
    }
  }
}

type HyWriter = ConstructorParameters<typeof ParquetWriter>[0]["writer"];

/** Writes frames with one schema into one Parquet file, row group by row group. */
class FrameWriter {
  private readonly pw: ParquetWriter;
  private readonly first: Prepared;
  private frames = 0;
  constructor(
    writer: HyWriter,
    first: DataFrame,
    private readonly opts: ToParquetOptions,
  ) {
    const size = opts.rowGroupSize ?? 100_000;
    if (!Number.isInteger(size) || size < 1)
      throw new FrameError(`${OP_WRITE}: rowGroupSize must be a positive integer, got ${size}. Pass e.g. 100000.`);
    this.first = prepare(first, opts);
    this.pw = new ParquetWriter({
      writer,
      schema: this.first.schema,
      codec: opts.compression === "uncompressed" ? "UNCOMPRESSED" : "SNAPPY",
      kvMetadata: this.first.kv,
      createdBy: "tensorloom 0.1.0 (hyparquet-writer)",
    });
  }

  /** Writes df's rows as row groups; the promise (none with a ByteWriter) waits for the writer's flushes. */
  write(df: DataFrame): Promise<void> | undefined {
    const p = this.frames === 0 ? this.first : prepare(df, this.opts);
    if (this.frames > 0) {
      const want = this.first.names.map((k, j) => `${k}: ${this.first.cols[j]!.dtype}`).join(", ");
      const got = p.names.map((k, j) => `${k}: ${p.cols[j]!.dtype}`).join(", ");
      if (want !== got)
        throw new FrameError(
          `writeParquet: frame ${this.frames} has columns (${got}), but the file was started with (${want}). Give every frame the same columns and dtypes (astype), e.g. by passing dtype to readCsvChunks.`,
        );
    }
    this.frames++;
    const n = p.cols.length ? colLength(p.cols[0]!) : 0;
    const size = this.opts.rowGroupSize ?? 100_000;
    const texts = p.cols.map(dictBytes);
    let pending: Promise<void> | undefined;
    for (let from = 0; from < n; from += size) {
      const to = Math.min(n, from + size);
      // values are made per group, so only one group's converted values exist at a time
      const group = () =>
        this.pw.write({
          columnData: p.names.map((k, j) => ({ name: k, data: values(p.cols[j]!, from, to, texts[j] ?? null) })),
          rowGroupSize: to - from,
        });
      pending = (pending ? pending.then(group) : group()) as Promise<void> | undefined;
    }
    return pending;
  }

  finish(): Promise<void> | undefined {
    return this.pw.finish() as Promise<void> | undefined;
  }
}

/**
 * The frame as Parquet bytes, as pd.DataFrame.to_parquet(path=None) / pl.DataFrame.write_parquet:
 * int64 (nullable) as INT64, float64 as DOUBLE (NaN as null, as pandas), bool as BOOLEAN, text and
 * categories as UTF-8 strings (dictionary-encoded), datetime as TIMESTAMP(ms, not UTC-adjusted, as
 * pandas' naive datetimes). pandas' metadata is stored, so pandas restores the index and nullable
 * ints; readParquet restores categories too. Every row group has min/max/null-count statistics.
 * For example `writeFileSync("out.parquet", toParquet(df, { rowGroupSize: 50_000 }))`.
 */
export function toParquet(df: DataFrame, opts: ToParquetOptions = {}): Uint8Array {
  const writer = new ByteWriter();
  const fw = new FrameWriter(writer, df, opts);
  // a ByteWriter has no flush, so writing completes synchronously: no promise comes back
  const pending = [fw.write(df), fw.finish()];
  if (pending.some((p) => p !== undefined))
    throw new FrameError(`${OP_WRITE}: the writer did not finish synchronously. Report this to tensorloom.`);
  return writer.getBytes().slice();
}

/**
 * Write a frame, or frames in turn (a chunked read, an async generator), to one Parquet file at
 * `path` (Node only), as pd.DataFrame.to_parquet(path) / pyarrow's ParquetWriter: each frame goes
 * out as row groups and is released, so a file larger than memory can be written from chunks.
 * Every frame must have the first one's columns and dtypes.
 * @returns the number of rows written
 */
export async function writeParquet(
  frames: DataFrame | Iterable<DataFrame> | AsyncIterable<DataFrame>,
  path: string,
  opts: ToParquetOptions = {},
): Promise<number> {
  const fs = (await import(NODE_FS)) as typeof import("node:fs/promises");
  let fh: Awaited<ReturnType<typeof fs.open>>;
  try {
    fh = await fs.open(path, "w");
  } catch (e) {
    throw new FrameError(
      `writeParquet: cannot open ${JSON.stringify(path)} for writing: ${(e as Error).message}. Check that the folder exists and is writable.`,
    );
  }
  let fw: FrameWriter | null = null,
    rows = 0,
    ok = false;
  // hyparquet-writer appends into a ByteWriter; flush() hands its bytes to the file after each row group
  const writer = new ByteWriter() as HyWriter & { index: number };
  let written = Promise.resolve();
  writer.flush = () => {
    const chunk = new Uint8Array(writer.buffer, 0, writer.index).slice();
    writer.index = 0;
    written = written.then(async () => {
      await fh.write(chunk);
    });
    return written;
  };
  try {
    const list = frames instanceof DataFrame ? [frames] : frames;
    for await (const df of list as AsyncIterable<DataFrame>) {
      fw ??= new FrameWriter(writer, df, opts);
      await fw.write(df);
      rows += df.length;
    }
    if (!fw)
      throw new FrameError(
        `writeParquet: no frames were given, so there is no schema to write. Pass at least one frame (it may have no rows).`,
      );
    await fw.finish();
    await writer.flush!();
    await written;
    ok = true;
  } finally {
    await fh.close();
    // a file cut short by an error would read as damaged (or, worse, as a few row groups): remove it
    if (!ok) await fs.rm(path, { force: true });
  }
  return rows;
}
