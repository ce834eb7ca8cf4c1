// Apache Arrow in and out through the apache-arrow package: DataFrame <-> arrow Table, and the
// Arrow IPC stream/file bytes that pandas (pyarrow), Polars, DuckDB and Spark read. Text columns
// become dictionary-encoded Utf8 (their layout here), ints Int64, dates Timestamp[ms].
// Loaded only through "tensorloom/frame/arrow", so the core frame entry does not pull it in.

import {
  Bool,
  type Data,
  DateMillisecond,
  Dictionary,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchReader,
  Schema,
  RecordBatchStreamWriter,
  Table,
  TimestampMillisecond,
  Type,
  Utf8,
  type Vector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { type Column, boolCol, colLength, dateCol, encodeStrings, floatCol, intCol, strCol, toCategory } from "../column.js";
import { FrameError } from "../errors.js";
import { DataFrame } from "../table.js";

/** One column as an Arrow vector; text as Dictionary<Utf8> (its layout here), or plain Utf8 where a stream needs one schema for every batch. */
function toVector(c: Column, textAs: "dictionary" | "utf8" = "dictionary"): Vector {
  const n = colLength(c);
  switch (c.dtype) {
    case "float64":
      return vectorFromArray(
        Array.from(c.values, (x) => (x !== x ? null : x)),
        new Float64(),
      );
    case "int64":
      return vectorFromArray(
        Array.from(c.values, (x, i) => (c.valid && !c.valid[i] ? null : BigInt(x))),
        new Int64(),
      );
    case "bool":
      return vectorFromArray(
        Array.from(c.values, (x, i) => (c.valid && !c.valid[i] ? null : x === 1)),
        new Bool(),
      );
    case "datetime":
      return vectorFromArray(
        Array.from(c.values, (x) => (x !== x ? null : x)),
        new TimestampMillisecond(),
      );
    case "string":
    case "category": {
      const vals = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const k = c.codes[i]!;
        vals[i] = k < 0 ? null : c.dict[k]!;
      }
      return textAs === "utf8" ? vectorFromArray(vals, new Utf8()) : vectorFromArray(vals, new Dictionary(new Utf8(), new Int32()));
    }
  }
}

/** The frame as an Arrow Table (the index is not stored; resetIndex() first to keep it). */
export function toArrow(df: DataFrame): Table {
  return new Table(Object.fromEntries(df.names.map((k, j) => [k, toVector(df.data[j]!)])));
}

/** Whether row i of an Arrow data chunk holds a value (its validity bit; no bitmap: all valid). */
function validAt(d: Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (!d.nullCount || !bm || bm.length === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

/**
 * Float64/Float32, Int, Bool, Timestamp and Dictionary<Utf8> columns read from the chunks' buffers: no value is boxed
 * (the per-value get() costs about a microsecond, most of reading 1M rows), and a dictionary's
 * text is decoded once per distinct value. Other types, and sliced chunks, return null for the
 * general path.
 */
function fastColumn(v: Vector, name: string): Column | null {
  const chunks = v.data;
  if (chunks.some((d) => d.offset !== 0)) return null;
  const n = v.length;
  if (v.type.typeId === Type.Float && chunks.every((d) => d.values instanceof Float64Array || d.values instanceof Float32Array)) {
    const out = new Float64Array(n);
    let at = 0;
    for (const d of chunks) {
      const vals = d.values as Float64Array | Float32Array;
      for (let i = 0; i < d.length; i++) out[at++] = validAt(d, i) ? vals[i]! : NaN;
    }
    return floatCol(out);
  }
  if (v.type.typeId === Type.Int) {
    const out = new Float64Array(n),
      valid = new Uint8Array(n);
    let at = 0;
    for (const d of chunks) {
      const vals = d.values as ArrayLike<number | bigint>;
      for (let i = 0; i < d.length; i++, at++) {
        if (!validAt(d, i)) continue;
        const x = Number(vals[i]!);
        if (!Number.isSafeInteger(x))
          throw new FrameError(
            `fromArrow: column ${JSON.stringify(name)} row ${at} holds ${String(vals[i])}, beyond the 2^53 integers a float64 holds exactly. Cast it to float64 in Arrow first.`,
          );
        out[at] = x;
        valid[at] = 1;
      }
    }
    return intCol(out, valid);
  }
  if (v.type.typeId === Type.Bool) {
    const out = new Uint8Array(n),
      valid = new Uint8Array(n);
    let at = 0;
    for (const d of chunks) {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++, at++)
        if (validAt(d, i)) {
          out[at] = (bits[i >> 3]! >> (i & 7)) & 1;
          valid[at] = 1;
        }
    }
    return boolCol(out, valid);
  }
  if (v.type.typeId === Type.Timestamp && chunks.every((d) => d.values instanceof BigInt64Array)) {
    // ms per unit: SECOND, MILLISECOND, MICROSECOND, NANOSECOND (finer units are cut to the frame's ms)
    const perMs = [1000, 1, 1e-3, 1e-6][(v.type as { unit: number }).unit]!;
    const out = new Float64Array(n);
    let at = 0;
    for (const d of chunks) {
      const vals = d.values as BigInt64Array;
      for (let i = 0; i < d.length; i++) out[at++] = validAt(d, i) ? Math.floor(Number(vals[i]!) * perMs) : NaN;
    }
    return dateCol(out);
  }
  if (v.type.typeId === Type.Dictionary && (v.type as Dictionary).dictionary.typeId === Type.Utf8) {
    // chunks may carry different dictionaries (a stream's replacements): one frame dictionary for all
    const codes = new Int32Array(n),
      dict: string[] = [],
      seen = new Map<string, number>();
    let at = 0;
    for (const d of chunks) {
      const words = d.dictionary ? (d.dictionary.toArray() as (string | null)[]) : [];
      const remap = Int32Array.from(words, (w) => {
        if (w === null) return -1;
        let k = seen.get(w);
        if (k === undefined) {
          k = dict.length;
          seen.set(w, k);
          dict.push(w);
        }
        return k;
      });
      const idx = d.values as ArrayLike<number>;
      for (let i = 0; i < d.length; i++) codes[at++] = validAt(d, i) ? (remap[Number(idx[i])] ?? -1) : -1;
    }
    return toCategory(strCol(codes, dict));
  }
  return null;
}

/** A frame from an Arrow Table; Dictionary columns become category, as pandas does. */
export function fromArrow(table: Table): DataFrame {
  const names: string[] = [];
  const cols: Column[] = [];
  for (const field of table.schema.fields) {
    const v = table.getChild(field.name)!;
    const n = v.length;
    const get = (i: number): unknown => (v.isValid(i) ? v.get(i) : null);
    let col: Column;
    const fast = fastColumn(v, field.name);
    if (fast) {
      names.push(field.name);
      cols.push(fast);
      continue;
    }
    switch (field.type.typeId) {
      case Type.Float:
      case Type.Decimal:
        col = floatCol(
          Float64Array.from({ length: n }, (_, i) => {
            const x = get(i);
            return x === null ? NaN : Number(x);
          }),
        );
        break;
      case Type.Int: {
        const out = new Float64Array(n),
          valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const x = get(i);
          if (x === null) continue;
          const num = Number(x as number | bigint);
          if (!Number.isSafeInteger(num))
            throw new FrameError(
              `fromArrow: column ${JSON.stringify(field.name)} row ${i} holds ${String(x)}, beyond the 2^53 integers a float64 holds exactly. Cast it to float64 in Arrow first.`,
            );
          out[i] = num;
          valid[i] = 1;
        }
        col = intCol(out, valid);
        break;
      }
      case Type.Bool: {
        const out = new Uint8Array(n),
          valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const x = get(i);
          if (x !== null) {
            out[i] = x ? 1 : 0;
            valid[i] = 1;
          }
        }
        col = boolCol(out, valid);
        break;
      }
      case Type.Utf8:
      case Type.LargeUtf8:
        col = encodeStrings(Array.from({ length: n }, (_, i) => get(i) as string | null));
        break;
      case Type.Dictionary:
        col = toCategory(
          encodeStrings(
            Array.from({ length: n }, (_, i) => {
              const x = get(i);
              return x === null ? null : String(x);
            }),
          ),
        );
        break;
      case Type.Timestamp:
      case Type.Date:
        col = dateCol(
          Float64Array.from({ length: n }, (_, i) => {
            const x = get(i);
            return x === null ? NaN : x instanceof Date ? x.getTime() : Number(x);
          }),
        );
        break;
      default:
        throw new FrameError(
          `fromArrow: column ${JSON.stringify(field.name)} has Arrow type ${String(field.type)}, which has no frame dtype. Cast it to a number, string, bool or timestamp column first.`,
        );
    }
    names.push(field.name);
    cols.push(col);
  }
  return DataFrame.fromColumns(names, cols);
}

/** Arrow IPC bytes (stream format by default; "file" for the Feather v2 / .arrow file layout). */
export function toArrowIPC(df: DataFrame, format: "stream" | "file" = "stream"): Uint8Array {
  return tableToIPC(toArrow(df), format);
}

/** A frame from Arrow IPC bytes (stream or file/Feather v2 format), as pd.read_feather on bytes; needs the apache-arrow package. */
export function readArrowIPC(bytes: Uint8Array): DataFrame {
  return fromArrow(tableFromIPC(bytes));
}

/**
 * Frames from an Arrow IPC stream, one per record batch, read as the bytes arrive (pieces of a
 * file, a socket, a fetch body): pyarrow's `ipc.open_stream(source)` iterated batch by batch, or
 * Polars' `read_ipc_stream` in batches. Only one batch is held at a time. Dictionary (text)
 * columns come back as category, as readArrowIPC.
 * @param source the stream's bytes: pieces (sync or async: a Node readable stream, a fetch body) or one buffer
 */
export async function* readArrowIPCStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array,
): AsyncGenerator<DataFrame> {
  const refuse = (e: unknown) =>
    new FrameError(
      `readArrowIPCStream: the input is not an Arrow IPC stream (${(e as Error).message}). Pass the bytes of an IPC stream or file (Feather v2); for Parquet use readParquet.`,
    );
  let reader: RecordBatchReader;
  try {
    reader = await RecordBatchReader.from(source as unknown as AsyncIterable<Uint8Array>);
  } catch (e) {
    throw refuse(e);
  }
  const batches = reader[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<RecordBatch>;
    try {
      next = await batches.next();
    } catch (e) {
      throw refuse(e);
    }
    if (next.done) return;
    yield fromArrow(new Table(next.value));
  }
}

/**
 * Frames as one Arrow IPC stream, a record batch per frame, given out in pieces as each frame is
 * written (pyarrow's `ipc.new_stream(sink, schema)` with `write_batch` per batch): a chunked read
 * can be handed to DuckDB, Polars or Spark without holding the whole table. Every frame must have
 * the first one's columns and dtypes. Text and category columns go out as plain Utf8 (one schema for
 * every batch), so they read back as string.
 */
export async function* toArrowIPCStream(frames: AsyncIterable<DataFrame> | Iterable<DataFrame>): AsyncGenerator<Uint8Array> {
  const writer = new RecordBatchStreamWriter();
  const pending: Uint8Array[] = [];
  // the writer queues its bytes; this reader moves them to `pending` on the microtask queue, so
  // after a macrotask turn every byte written so far is there to hand out
  const pump = (async () => {
    for await (const piece of writer) pending.push(piece);
  })();
  const settle = () => new Promise<void>((ok) => setTimeout(ok, 0));
  let first: string | null = null,
    k = 0,
    schema: Schema | null = null;
  try {
    for await (const df of frames as AsyncIterable<DataFrame>) {
      const layout = df.names.map((n, j) => `${n}: ${df.data[j]!.dtype}`).join(", ");
      first ??= layout;
      if (layout !== first)
        throw new FrameError(
          `toArrowIPCStream: frame ${k} has columns (${layout}), but the stream was started with (${first}). Give every frame the same columns and dtypes (astype), e.g. by passing dtype to readCsvChunks.`,
        );
      // text as plain Utf8: a dictionary column would give each batch its own dictionary type, and the writer takes a new schema as the end of the stream
      const table = new Table(Object.fromEntries(df.names.map((name, j) => [name, toVector(df.data[j]!, "utf8")])));
      // every batch under the first frame's schema, all fields nullable (a Table marks a field
      // nullable only where that frame has a missing value, and a changed schema ends the stream)
      schema ??= new Schema(table.schema.fields.map((f) => f.clone({ nullable: true })));
      for (const batch of table.batches) writer.write(new RecordBatch(schema, batch.data));
      k++;
      await settle();
      yield* pending.splice(0);
    }
  } finally {
    writer.finish();
    writer.close();
    await pump;
  }
  yield* pending.splice(0);
}

export { DateMillisecond };
