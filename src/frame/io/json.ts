// JSON in and out: "records" ([{col: value}, ...]), "columns" ({col: {label: value}}), "split"
// ({columns, index, data}); and JSON Lines (one record per line). Missing values are null, dates
// milliseconds since the epoch (pandas' date_format="epoch"). Floats keep full precision
// (pandas rounds to 10 significant digits by default).

import { type Scalar, cell, colLength } from "../column.js";
import { FrameError } from "../errors.js";
import { indexLabel, labelIndex } from "../labels.js";
import { columnFromValues } from "../column.js";
import type { DataFrame } from "../table.js";
import { frameClass } from "../frames.js";

/** The JSON layouts of toJson/readJson: "records", "columns", "split" or "index", as pandas' orient (no "values" or "table"). */
export type JsonOrient = "records" | "columns" | "split" | "index";

const jsonValue = (v: Scalar): unknown => (v instanceof Date ? v.getTime() : typeof v === "number" && !Number.isFinite(v) ? null : v);

/** The frame as JSON text in the given orient (default "records"), or JSON Lines with lines true, as pd.DataFrame.to_json (datetimes as epoch ms; NaN as null). */
export function toJson(df: DataFrame, orient: JsonOrient = "records", lines = false): string {
  const n = df.length;
  const label = (i: number) => {
    const v = indexLabel(df.index, i);
    return v instanceof Date ? String(v.getTime()) : String(v);
  };
  switch (orient) {
    case "records": {
      const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(df.names.map((k, j) => [k, jsonValue(cell(df.data[j]!, i))])));
      return lines ? rows.map((r) => JSON.stringify(r)).join("\n") + "\n" : JSON.stringify(rows);
    }
    case "columns":
      return JSON.stringify(
        Object.fromEntries(
          df.names.map((k, j) => [k, Object.fromEntries(Array.from({ length: n }, (_, i) => [label(i), jsonValue(cell(df.data[j]!, i))]))]),
        ),
      );
    case "index":
      return JSON.stringify(
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [label(i), Object.fromEntries(df.names.map((k, j) => [k, jsonValue(cell(df.data[j]!, i))]))]),
        ),
      );
    case "split":
      return JSON.stringify({
        columns: df.names,
        index: Array.from({ length: n }, (_, i) => jsonValue(indexLabel(df.index, i))),
        data: Array.from({ length: n }, (_, i) => df.data.map((c) => jsonValue(cell(c, i)))),
      });
    default:
      throw new FrameError(`toJson: unknown orient ${JSON.stringify(orient)}. Use records, columns, index or split.`);
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

/** A frame from JSON text in one of the orients, or JSON Lines, as pd.read_json (takes the text; files through "tensorloom/frame/node"). */
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
    const cols = Object.fromEntries(columns.map((k, j) => [k, data.map((r) => r[j])]));
    return new (frameClass())(cols, { index: index ?? undefined, dtypes });
  }
  const outer = Object.keys(obj);
  const inner = [...new Set(outer.flatMap((k) => Object.keys((obj[k] ?? {}) as object)))];
  if (orient === "columns") {
    const cols = Object.fromEntries(outer.map((k) => [k, inner.map((l) => (obj[k] as Record<string, unknown>)[l] ?? null)]));
    return new (frameClass())(cols, { index: labelsOf(inner), dtypes });
  }
  if (orient === "index") {
    const cols = Object.fromEntries(inner.map((k) => [k, outer.map((l) => (obj[l] as Record<string, unknown>)[k] ?? null)]));
    return new (frameClass())(cols, { index: labelsOf(outer), dtypes });
  }
  void colLength;
  void labelIndex;
  void columnFromValues;
  throw new FrameError(`readJson: unknown orient ${JSON.stringify(orient)}. Use records, columns, index or split.`);
}
