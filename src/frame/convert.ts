// pandas' to_numeric / to_datetime: text to numbers or times, with errors "raise" (name the row)
// or "coerce" (bad text becomes missing; the count is on the result's `coerced` property).

import { type Column, cell, colLength, floatCol, intCol, isStringLike, parseDate, dateCol, quote } from "./column.js";
import { FrameError } from "./errors.js";
import { Series } from "./series.js";

function convert(
  op: string,
  s: Series,
  parse: (text: string) => number,
  errors: "raise" | "coerce",
  make: (v: Float64Array, allInt: boolean) => Column,
): Series & { coerced: number } {
  const n = colLength(s.col);
  const out = new Float64Array(n);
  let coerced = 0,
    allInt = true;
  for (let i = 0; i < n; i++) {
    const v = cell(s.col, i);
    if (v === null) {
      out[i] = NaN;
      allInt = false;
      continue;
    }
    const x = typeof v === "string" ? parse(v) : v instanceof Date ? v.getTime() : Number(v);
    if (Number.isNaN(x) && !(typeof v === "number")) {
      if (errors === "raise")
        throw new FrameError(
          `${op}: ${quote(s.name)} row ${i}: ${JSON.stringify(v)} cannot be converted. Clean the value, or pass { errors: "coerce" } to make it missing.`,
        );
      coerced++;
      allInt = false;
    }
    if (!Number.isInteger(x)) allInt = false;
    out[i] = x;
  }
  const r = Series.fromColumn(make(out, allInt), s.name, s.index) as Series & { coerced: number };
  Object.defineProperty(r, "coerced", { value: coerced, enumerable: false });
  return r;
}

/** Numbers from text (int64 when every value is an integer, else float64). */
export function toNumeric(s: Series, opts: { errors?: "raise" | "coerce" } = {}): Series & { coerced: number } {
  if (!isStringLike(s.col)) return Object.assign(s, { coerced: 0 });
  return convert(
    "toNumeric",
    s,
    (t) => (t.trim() === "" ? NaN : Number(t)),
    opts.errors ?? "raise",
    (v, allInt) => (allInt ? intCol(v) : floatCol(v)),
  );
}

/** Datetimes from ISO-like text ("2024-03-05", "2024-03-05 14:30"), Dates or epoch milliseconds. */
export function toDatetime(s: Series, opts: { errors?: "raise" | "coerce" } = {}): Series & { coerced: number } {
  return convert("toDatetime", s, parseDate, opts.errors ?? "raise", (v) => dateCol(v));
}
