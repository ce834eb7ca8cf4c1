// pandas' to_numeric / to_datetime: text to numbers or times, with errors "raise" (name the row)
// or "coerce" (bad text becomes missing; the count is on the result's `coerced` property).

import { type Column, cell, colLength, floatCol, intCol, isStringLike, parseDate, dateCol, quote } from "./column.js";
import { FrameError } from "./errors.js";
import { Series } from "./series.js";

function convert(
  op: string,
  s: Series,
  parse: (text: string) => number | null,
  errors: "raise" | "coerce",
  make: (v: Float64Array, allInt: boolean) => Column,
): Series & { coerced: number } {
  const n = colLength(s.col);
  const out = new Float64Array(n);
  let coerced = 0,
    allInt = true;
  for (let i = 0; i < n; i++) {
    const v = cell(s.col, i);
    // null: no value, or text pandas reads as missing
    const x = v === null ? null : typeof v === "string" ? parse(v) : v instanceof Date ? v.getTime() : Number(v);
    if (x === null) {
      out[i] = NaN;
      allInt = false;
      continue;
    }
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

// pandas' number syntax: decimal digits with an optional point and exponent, or inf/infinity in
// any case; not JavaScript's hex ("0x1"), binary or octal forms
const NUMBER_RE = /^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf(inity)?)$/i;

/**
 * Numbers from text, as pd.to_numeric: int64 when every value is integer text ("7", " -3"),
 * else float64 ("1e3", "2.5", "inf"); "" is missing. Other text raises, or with
 * `errors: "coerce"` becomes missing.
 */
export function toNumeric(s: Series, opts: { errors?: "raise" | "coerce" } = {}): Series & { coerced: number } {
  if (!isStringLike(s.col)) return Object.assign(s, { coerced: 0 });
  let ints = true;
  const parse = (text: string) => {
    if (text === "") return null; // only the empty text: "  " is an error, as pandas
    const t = text.trim();
    if (!/^[+-]?\d+$/.test(t)) ints = false;
    return NUMBER_RE.test(t) ? Number(t.replace(/inf(inity)?$/i, "Infinity")) : NaN;
  };
  return convert("toNumeric", s, parse, opts.errors ?? "raise", (v, allInt) => (allInt && ints ? intCol(v) : floatCol(v)));
}

/**
 * Datetimes from ISO-like text ("2024-03-05", "2024-03-05 14:30"), "20240305", "2024/3/5",
 * "3/5/2024", Dates or epoch milliseconds; "", "NaT" and "nan" are missing, as pandas.
 */
export function toDatetime(s: Series, opts: { errors?: "raise" | "coerce" } = {}): Series & { coerced: number } {
  const parse = (t: string) =>
    ["", "NaT", "nan", "NaN"].includes(t) ? null : parseDate(t.trim().replace(/^(\d{4})(\/?)(\d\d?)\2(\d\d?)$/, "$1-$3-$4"));
  return convert("toDatetime", s, parse, opts.errors ?? "raise", (v) => dateCol(v));
}
