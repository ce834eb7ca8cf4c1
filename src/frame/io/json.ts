// JSON in and out: "records" ([{col: value}, ...]), "columns" ({col: {label: value}}), "split"
// ({columns, index, data}), "index" ({label: {col: value}}), "table" (pandas' JSON Table Schema:
// typed fields, the index levels as primaryKey, ISO dates: pandas' only MultiIndex round trip);
// and JSON Lines (one record per line). Missing values are null, dates milliseconds since the
// epoch (pandas' date_format="epoch") outside "table". Floats keep full precision
// (pandas rounds to 10 significant digits by default). A MultiIndex (rows or column levels) is
// written as pandas 1.5 writes it: object keys are the tuples' Python repr ("(4, 'a')"), "split"
// gives each entry as a list of its labels.

import {
  type Column,
  type FrameDType,
  type Scalar,
  cell,
  columnFromValues,
  formatDate,
  formatNumberPlain,
  isStringLike,
  toCategory,
} from "../column.js";
import { FrameError } from "../errors.js";
import { type Index, indexLabel, indexLength, indexLevels, indexNames, multiIndex, rangeIndex } from "../labels.js";
import { indexKey } from "../keys.js";
import { columnLevels, flatNames } from "../multiIndex.js";
import type { DataFrame } from "../table.js";
import { frameClass, newFrame } from "../frames.js";

/** The JSON layouts of toJson/readJson: "records", "columns", "split", "index" or "table", as pandas' orient (no "values"). */
export type JsonOrient = "records" | "columns" | "split" | "index" | "table";

const jsonValue = (v: Scalar): unknown => (v instanceof Date ? v.getTime() : typeof v === "number" && !Number.isFinite(v) ? null : v);

/** A Python string literal, as repr(str): single quotes unless the text has one and no double quote. */
function pyStr(s: string): string {
  const qc = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = qc;
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === qc) out += `\\${qc}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + qc;
}

/** Cell i of a label column as Python's repr shows it inside a tuple: 4, 1.5, 'a', True, nan, Timestamp('2020-01-01 00:00:00'). */
function pyRepr(c: Column, i: number): string {
  const v = cell(c, i);
  if (v === null) return "nan";
  if (v instanceof Date) return `Timestamp('${formatDate(v.getTime(), false)}')`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return formatNumberPlain(v, c.dtype === "float64");
  return pyStr(v);
}

/** Entry i of a MultiIndex as the text of its Python tuple, as pandas 1.5 writes it for an object key: "(4, 'a')". */
function tupleRepr(levels: readonly Column[], i: number): string {
  return `(${levels.map((c) => pyRepr(c, i)).join(", ")})`;
}

/** Entry i of an index as a JSON object key: its label as text, a MultiIndex entry as its tuple's repr. */
function keyOf(ix: Index, i: number): string {
  if (ix.kind === "multi") return tupleRepr(ix.cols, i);
  const v = indexLabel(ix, i);
  return v instanceof Date ? String(v.getTime()) : String(v);
}

/** Entry i of an index as a JSON value: its label, a MultiIndex entry as a list of labels (pandas' "split"). */
function entryOf(ix: Index, i: number): unknown {
  return ix.kind === "multi" ? ix.cols.map((c) => jsonValue(cell(c, i))) : jsonValue(indexLabel(ix, i));
}

/** An object of objects as JSON text: outer key -> inner key -> value(outer position, inner position). */
function nestedJson(outer: readonly string[], inner: readonly string[], value: (o: number, i: number) => unknown): string {
  return JSON.stringify(Object.fromEntries(outer.map((k, o) => [k, Object.fromEntries(inner.map((l, i) => [l, value(o, i)]))])));
}

/**
 * The frame as JSON text in the given orient (default "records"), or JSON Lines with lines true,
 * as pd.DataFrame.to_json (datetimes as epoch ms; NaN as null). Row MultiIndexes and column
 * levels follow pandas 1.5: object keys are the tuples' repr ("(4, 'a')"), "split" writes each
 * entry as a list of labels. "table" writes pandas' JSON Table Schema (typed fields, the index
 * levels as primaryKey), which readJson reads back to the same index levels and dtypes.
 * @example
 * readJson(toJson(warpbreaks.groupby(["wool", "tension"], { asIndex: true }).select("breaks").mean(), "table"), { orient: "table" }) // shape [6, 1]
 */
export function toJson(df: DataFrame, orient: JsonOrient = "records", lines = false): string {
  const n = df.length;
  const label = (i: number) => keyOf(df.index, i);
  const ci = df.columnIndex;
  const names = ci?.kind === "multi" ? Array.from({ length: indexLength(ci) }, (_, j) => keyOf(ci, j)) : df.names;
  const labels = Array.from({ length: n }, (_, i) => label(i));
  const value = (j: number, i: number) => jsonValue(cell(df.data[j]!, i));
  if (orient === "columns" || orient === "index") {
    // object keys must differ, or a row would overwrite another (pandas refuses these orients then)
    const seen = new Map<string, number>();
    labels.forEach((k, i) => {
      const first = seen.get(k);
      if (first !== undefined)
        throw new FrameError(
          `toJson: orient "${orient}" writes the index labels as object keys, but rows ${first} and ${i} both have ${df.index.kind === "multi" ? "the entry" : "the label"} ${k} (pandas: DataFrame index must be unique for orient='${orient}'). Use orient "split" or "records", or make the index unique (groupby, resetIndex).`,
        );
      seen.set(k, i);
    });
  }
  switch (orient) {
    case "records": {
      const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k, j) => [k, value(j, i)])));
      return lines ? rows.map((r) => JSON.stringify(r)).join("\n") + "\n" : JSON.stringify(rows);
    }
    // {column: {label: value}} and {label: {column: value}}
    case "columns":
      return nestedJson(names, labels, value);
    case "index":
      return nestedJson(labels, names, (i, j) => value(j, i));
    case "split":
      return JSON.stringify({
        columns: ci?.kind === "multi" ? Array.from({ length: indexLength(ci) }, (_, j) => entryOf(ci, j)) : df.names,
        index: Array.from({ length: n }, (_, i) => entryOf(df.index, i)),
        data: Array.from({ length: n }, (_, i) => df.data.map((_, j) => value(j, i))),
      });
    case "table":
      return tableJson(df);
    default:
      throw new FrameError(`toJson: unknown orient ${JSON.stringify(orient)}. Use records, columns, index, split or table.`);
  }
}

/** Options of readJson: orient, lines (JSON Lines), parseDates, as pd.read_json's keywords in camelCase. */
export interface ReadJsonOptions {
  orient?: JsonOrient;
  /** JSON Lines: one record object per line. */
  lines?: boolean;
  /** Columns to read as datetimes (from epoch milliseconds or ISO text). */
  parseDates?: string[];
}

/** Labels that look like integers become numbers, as pandas does for "columns"/"index" JSON. */
function labelsOf(keys: string[]): Scalar[] {
  return keys.every((k) => /^-?\d+$/.test(k)) ? keys.map(Number) : keys;
}

/**
 * A frame from JSON text in one of the orients, or JSON Lines, as pd.read_json (takes the text;
 * files through "tensorloom/frame/node"). Orient "table" takes the dtypes from the schema's fields
 * and the index (a MultiIndex for several) from its primaryKey, as pandas.
 */
export function readJson(text: string, opts: ReadJsonOptions = {}): DataFrame {
  let parsed: unknown;
  try {
    parsed = opts.lines
      ? text
          .split(/\r?\n/)
          .filter((l) => l.trim() !== "")
          .map((l, i) => {
            try {
              return JSON.parse(l) as unknown;
            } catch (e) {
              throw new FrameError(`readJson: line ${i + 1} is not valid JSON (${(e as Error).message}).`);
            }
          })
      : JSON.parse(text);
  } catch (e) {
    if (e instanceof FrameError) throw e;
    throw new FrameError(`readJson: the input is not valid JSON (${(e as Error).message}).`);
  }
  const orient = opts.orient ?? (Array.isArray(parsed) ? "records" : "columns");
  const dtypes = Object.fromEntries((opts.parseDates ?? []).map((k) => [k, "datetime" as const]));
  if (orient === "records") {
    if (!Array.isArray(parsed) || !parsed.every((r) => r !== null && typeof r === "object" && !Array.isArray(r)))
      throw new FrameError(`readJson: orient "records" needs an array of objects.`);
    return frameClass().fromRecords(parsed as Record<string, unknown>[], { dtypes });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new FrameError(`readJson: orient "${orient}" needs a JSON object.`);
  const obj = parsed as Record<string, unknown>;
  if (orient === "split") {
    const { columns, index, data } = obj as { columns?: string[]; index?: Scalar[]; data?: unknown[][] };
    if (!Array.isArray(columns) || !Array.isArray(data))
      throw new FrameError(`readJson: orient "split" needs "columns" and "data" arrays.`);
    // MultiIndex entries are lists of labels (what toJson and pandas write); pandas 1.5 cannot
    // read them back (it takes the lists as levels), so this rebuilds the levels instead
    const tuples = (xs: unknown[]) => xs.length > 0 && xs.every((x) => Array.isArray(x));
    const levels = tuples(columns)
      ? columnLevels(
          columns as unknown as Scalar[][],
          (columns[0] as unknown as Scalar[]).map(() => null),
        )
      : null;
    const names = levels ? flatNames(levels) : columns;
    const cols = Object.fromEntries(names.map((k, j) => [k, data.map((r) => r[j])]));
    const ix =
      index && tuples(index)
        ? multiIndex(
            (index[0] as unknown as Scalar[]).map((_, l) =>
              columnFromValues(
                "readJson",
                null,
                index.map((t) => (t as unknown as Scalar[])[l]),
              ),
            ),
            [],
          )
        : (index ?? undefined);
    const df = new (frameClass())(cols, { index: ix, dtypes });
    return levels ? newFrame(df.names, df.data, df.index, levels) : df;
  }
  const outer = Object.keys(obj);
  const inner = [...new Set(outer.flatMap((k) => Object.keys((obj[k] ?? {}) as object)))];
  if (orient === "columns" || orient === "index") {
    // "columns" nests {column: {label: value}}, "index" {label: {column: value}}
    const [names, labels] = orient === "columns" ? [outer, inner] : [inner, outer];
    const at = (k: string, l: string) =>
      orient === "columns" ? (obj[k] as Record<string, unknown>)[l] : (obj[l] as Record<string, unknown>)[k];
    const cols = Object.fromEntries(names.map((k) => [k, labels.map((l) => at(k, l) ?? null)]));
    return new (frameClass())(cols, { index: labelsOf(labels), dtypes });
  }
  if (orient === "table") return readTable(obj, opts.parseDates ?? []);
  throw new FrameError(`readJson: unknown orient ${JSON.stringify(orient)}. Use records, columns, index, split or table.`);
}

// ---------------------------------------------------------------- orient "table"

/** The schema version pandas 1.5 writes (pandas.io.json._table_schema.TABLE_SCHEMA_VERSION). */
const TABLE_SCHEMA_VERSION = "1.4.0";

/** The JSON Table Schema types and the dtypes they hold ("any" with an enum holds a category). */
const TABLE_TYPES = { integer: "int64", number: "float64", boolean: "bool", string: "string", datetime: "datetime" } as const;
type TableType = keyof typeof TABLE_TYPES;

/** A column's field in pandas' JSON Table Schema: its type, and a category's enum. */
function tableField(name: string, c: Column): Record<string, unknown> {
  if (c.dtype === "category") return { name, type: "any", constraints: { enum: c.dict.slice() }, ordered: false };
  const type = (Object.keys(TABLE_TYPES) as TableType[]).find((t) => TABLE_TYPES[t] === c.dtype);
  // an int column with missing cells is pandas' nullable Int64, which pandas marks with extDtype
  return c.dtype === "int64" && c.valid?.includes(0) ? { name, type, extDtype: "Int64" } : { name, type };
}

/** A cell as the table orient writes it: dates as ISO text with milliseconds (pandas' date_format="iso"), NaN as null. */
function tableValue(c: Column, i: number): unknown {
  const v = cell(c, i);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, -1);
  return jsonValue(v);
}

/**
 * pandas' to_json(orient="table"): {schema: {fields, primaryKey, pandas_version}, data: records},
 * the index levels first as fields named after them ("index" for an unnamed flat index,
 * "level_k" for an unnamed MultiIndex level), as pandas 1.5. As pandas, primaryKey is left out
 * when an index entry repeats, so such an index reads back as columns.
 */
function tableJson(df: DataFrame): string {
  if (df.columnIndex?.kind === "multi")
    throw new FrameError(
      `toJson: orient "table" cannot write column levels (pandas: orient='table' is not supported for MultiIndex columns). Flatten them first (droplevel(level, { axis: 1 })), or use orient "split".`,
    );
  const ix = df.index;
  const levels = indexLevels(ix);
  const keys = indexNames(ix).map((k, l) => k ?? (ix.kind === "multi" ? `level_${l}` : "index"));
  keys.forEach((k, l) => {
    if (!df.names.includes(k)) return;
    const given = indexNames(ix)[l] !== null;
    throw new FrameError(
      given
        ? `toJson: orient "table" writes the index ${ix.kind === "multi" ? "levels " : ""}as fields, but a column is also named "${k}" (pandas: Overlapping names between the index and columns). Rename the column or the index (renameAxis) first.`
        : `toJson: orient "table" writes the unnamed ${ix.kind === "multi" ? `index level ${l}` : "index"} as the field "${k}", but a column is also named "${k}" (pandas writes a table it cannot read back, or raises). Name the index (renameAxis) or rename the column first.`,
    );
  });
  const names = [...keys, ...df.names];
  const cols = [...levels, ...df.data];
  const rows = Array.from({ length: df.length }, (_, i) => Object.fromEntries(names.map((k, j) => [k, tableValue(cols[j]!, i)])));
  const key = indexKey(ix);
  const unique = new Set(Array.from({ length: df.length }, (_, i) => key(i))).size === df.length;
  const fields = names.map((k, j) => tableField(k, cols[j]!));
  return JSON.stringify({
    schema: unique ? { fields, primaryKey: keys, pandas_version: TABLE_SCHEMA_VERSION } : { fields, pandas_version: TABLE_SCHEMA_VERSION },
    data: rows,
  });
}

/** A field's dtype: integer int64, number float64, boolean bool, string string, datetime datetime, any with an enum category. */
function fieldDtype(f: { name?: unknown; type?: unknown; constraints?: { enum?: unknown } }): FrameDType | null {
  if (f.type === "any") return Array.isArray(f.constraints?.enum) ? "category" : null;
  if (typeof f.type === "string" && Object.hasOwn(TABLE_TYPES, f.type)) return TABLE_TYPES[f.type as TableType];
  throw new FrameError(
    `readJson: orient "table" field ${JSON.stringify(f.name)} has type ${JSON.stringify(f.type)}; tensorloom reads integer, number, boolean, string, datetime and any (category with an enum). Convert that field first.`,
  );
}

/**
 * pandas' read_json(orient="table"): the fields' types give the dtypes, the primaryKey fields
 * become the index (a MultiIndex for several), an index named "index" or a level named
 * "level_k" becomes unnamed, as pandas 1.5.
 */
function readTable(obj: Record<string, unknown>, parseDates: readonly string[]): DataFrame {
  const schema = obj.schema as { fields?: unknown; primaryKey?: unknown } | undefined;
  const data = obj.data;
  if (!schema || typeof schema !== "object" || !Array.isArray(schema.fields) || !Array.isArray(data))
    throw new FrameError(
      `readJson: orient "table" needs {"schema": {"fields": [...]}, "data": [...]}, as pandas' to_json(orient="table") writes.`,
    );
  const rowAt = data.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
  if (rowAt >= 0)
    throw new FrameError(`readJson: orient "table" data row ${rowAt} is not an object. Each row is {field: value}, as pandas writes.`);
  const fields = schema.fields as { name?: unknown; type?: unknown; constraints?: { enum?: unknown } }[];
  const names = fields.map((f, j) => {
    if (typeof f?.name !== "string")
      throw new FrameError(`readJson: orient "table" field ${j} has no name. Each field needs {"name", "type"}.`);
    return f.name;
  });
  const twice = names.find((k, j) => names.indexOf(k) !== j);
  if (twice !== undefined)
    throw new FrameError(
      `readJson: orient "table" has two fields named "${twice}" (pandas: Index data must be 1-dimensional; pandas writes such a table for an unnamed index beside a column named "index"). Give every field its own name.`,
    );
  const cols = fields.map((f, j) => {
    const name = names[j]!;
    const values = (data as Record<string, unknown>[]).map((r) => r[name] ?? null);
    let dtype = fieldDtype(f);
    if (parseDates.includes(name)) dtype = "datetime";
    // ISO text without a zone is UTC here, as pandas' naive datetimes; a number is pandas' nanoseconds
    const vals = dtype === "datetime" ? values.map((v) => (typeof v === "number" ? v / 1e6 : v)) : values;
    const c = columnFromValues("readJson", name, vals, dtype ?? undefined);
    const cats = f.constraints?.enum;
    return dtype === "category" && isStringLike(c) && Array.isArray(cats) ? toCategory(c, cats.map(String)) : c;
  });
  const key = Array.isArray(schema.primaryKey) ? (schema.primaryKey as unknown[]).map(String) : [];
  const at = key.map((k) => {
    const j = names.indexOf(k);
    if (j < 0)
      throw new FrameError(
        `readJson: orient "table" primaryKey names ${JSON.stringify(k)}, which is no field (${names.join(", ")}). Name fields in primaryKey.`,
      );
    return j;
  });
  const index =
    at.length === 0
      ? rangeIndex(data.length)
      : multiIndex(
          at.map((j) => cols[j]!),
          key.map((k) => (at.length === 1 ? (k === "index" ? null : k) : k.startsWith("level_") ? null : k)),
        );
  const rest = names.map((_, j) => j).filter((j) => !at.includes(j));
  return newFrame(
    rest.map((j) => names[j]!),
    rest.map((j) => cols[j]!),
    index,
  );
}
