// Apache Arrow in and out through the apache-arrow package: DataFrame <-> arrow Table, and the
// Arrow IPC stream/file bytes that pandas (pyarrow), Polars, DuckDB and Spark read. Text columns
// become dictionary-encoded Utf8 (their layout here), ints Int64, dates Timestamp[ms].
// Loaded only through "tensorloom/frame/arrow", so the core frame entry does not pull it in.

import { Bool, DateMillisecond, Dictionary, Float64, Int32, Int64, Table, TimestampMillisecond, Type, Utf8, type Vector, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { type Column, boolCol, colLength, dateCol, encodeStrings, floatCol, intCol, toCategory } from "../column.js";
import { FrameError } from "../errors.js";
import { DataFrame } from "../table.js";

function toVector(c: Column): Vector {
  const n = colLength(c);
  switch (c.dtype) {
    case "float64": return vectorFromArray(Array.from(c.values, (x) => (x !== x ? null : x)), new Float64());
    case "int64": return vectorFromArray(Array.from(c.values, (x, i) => (c.valid && !c.valid[i] ? null : BigInt(x))), new Int64());
    case "bool": return vectorFromArray(Array.from(c.values, (x, i) => (c.valid && !c.valid[i] ? null : x === 1)), new Bool());
    case "datetime": return vectorFromArray(Array.from(c.values, (x) => (x !== x ? null : x)), new TimestampMillisecond());
    case "string": case "category": {
      const vals = new Array<string | null>(n);
      for (let i = 0; i < n; i++) { const k = c.codes[i]!; vals[i] = k < 0 ? null : c.dict[k]!; }
      return vectorFromArray(vals, new Dictionary(new Utf8(), new Int32()));
    }
  }
}

/** The frame as an Arrow Table (the index is not stored; resetIndex() first to keep it). */
export function toArrow(df: DataFrame): Table {
  return new Table(Object.fromEntries(df.names.map((k, j) => [k, toVector(df.data[j]!)])));
}

/** A frame from an Arrow Table; Dictionary columns become category, as pandas does. */
export function fromArrow(table: Table): DataFrame {
  const names: string[] = [];
  const cols: Column[] = [];
  for (const field of table.schema.fields) {
    const v = table.getChild(field.name)!;
    const n = v.length;
    const vals = v.toArray() as ArrayLike<unknown>;
    const get = (i: number): unknown => (v.isValid(i) ? v.get(i) : null);
    let col: Column;
    switch (field.type.typeId) {
      case Type.Float: case Type.Decimal: col = floatCol(Float64Array.from({ length: n }, (_, i) => { const x = get(i); return x === null ? NaN : Number(x); })); break;
      case Type.Int: {
        const out = new Float64Array(n), valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const x = get(i);
          if (x === null) continue;
          const num = Number(x as number | bigint);
          if (!Number.isSafeInteger(num)) throw new FrameError(`fromArrow: column ${JSON.stringify(field.name)} row ${i} holds ${String(x)}, beyond the 2^53 integers a float64 holds exactly. Cast it to float64 in Arrow first.`);
          out[i] = num; valid[i] = 1;
        }
        col = intCol(out, valid);
        break;
      }
      case Type.Bool: {
        const out = new Uint8Array(n), valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) { const x = get(i); if (x !== null) { out[i] = x ? 1 : 0; valid[i] = 1; } }
        col = boolCol(out, valid);
        break;
      }
      case Type.Utf8: case Type.LargeUtf8: col = encodeStrings(Array.from({ length: n }, (_, i) => get(i) as string | null)); break;
      case Type.Dictionary: col = toCategory(encodeStrings(Array.from({ length: n }, (_, i) => { const x = get(i); return x === null ? null : String(x); }))); break;
      case Type.Timestamp: case Type.Date: col = dateCol(Float64Array.from({ length: n }, (_, i) => { const x = get(i); return x === null ? NaN : x instanceof Date ? x.getTime() : Number(x); })); break;
      default: throw new FrameError(`fromArrow: column ${JSON.stringify(field.name)} has Arrow type ${String(field.type)}, which has no frame dtype. Cast it to a number, string, bool or timestamp column first.`);
    }
    void vals;
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

export { DateMillisecond };
