// Missing data on one column: fill with a value, fill forward/backward, interpolate linearly.
// DataFrame.fillna/ffill/bfill/dropna/interpolate apply these per column (see table.ts).

import {
  type Column,
  type Scalar,
  boolCol,
  colLength,
  floatCol,
  intCol,
  isStringLike,
  naMask,
  numericView,
  parseDate,
  quote,
  strCol,
  take,
} from "../column.js";
import { FrameError } from "../errors.js";

/**
 * v with NaN replaced by f: a copy, then a pass that writes only where a value is missing. A
 * select in the loop (x !== x ? f : x) made V8 box every element it wrote, the fill being typed
 * as any value there (5-7x slower on a million values).
 */
function fillNaN(v: Float64Array, f: number): Float64Array {
  const out = v.slice(),
    n = out.length;
  for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = f;
  return out;
}

/** Missing cells of `c` replaced by `value`, which must suit the column's dtype. */
export function fillColumn(op: string, c: Column, name: string | null, value: Scalar): Column {
  if (value === null) return c;
  const bad = (): never => {
    throw new FrameError(
      `${op}: cannot fill column ${quote(name)} (${c.dtype}) with ${JSON.stringify(value)}: the value's type does not match. Pass a ${c.dtype === "string" || c.dtype === "category" ? "string" : c.dtype === "bool" ? "boolean" : c.dtype === "datetime" ? "Date" : "number"}, or fill per column with an object.`,
    );
  };
  switch (c.dtype) {
    case "float64": {
      if (typeof value !== "number") bad();
      return floatCol(fillNaN(c.values, +(value as number)));
    }
    case "datetime": {
      const t = value instanceof Date ? value.getTime() : typeof value === "string" ? parseDate(value) : NaN;
      if (Number.isNaN(t)) bad();
      return { dtype: "datetime", values: c.values.map((x) => (x !== x ? t : x)) };
    }
    case "int64": {
      if (typeof value !== "number") bad();
      if (!c.valid) return c;
      const out = c.values.slice();
      for (let i = 0; i < out.length; i++) if (!c.valid[i]) out[i] = value as number;
      return Number.isInteger(value) ? intCol(out) : floatCol(out);
    }
    case "bool": {
      if (typeof value !== "boolean") bad();
      if (!c.valid) return c;
      const out = c.values.slice();
      for (let i = 0; i < out.length; i++) if (!c.valid[i]) out[i] = value ? 1 : 0;
      return boolCol(out);
    }
    case "string":
    case "category": {
      if (typeof value !== "string") bad();
      let k = c.dict.indexOf(value as string);
      let dict = c.dict;
      if (k < 0) {
        // pandas refuses a new category only when there is a cell to fill
        if (c.dtype === "category" && !c.codes.includes(-1)) return c;
        if (c.dtype === "category")
          throw new FrameError(
            `${op}: ${JSON.stringify(value)} is not a category of column ${quote(name)} (${c.dict.join(", ")}). Add it to the categories first, or fill with one of them.`,
          );
        dict = [...c.dict, value as string];
        k = dict.length - 1;
      }
      return strCol(
        c.codes.map((x) => (x < 0 ? k : x)),
        dict,
        c.dtype,
      );
    }
    default:
      return c satisfies never;
  }
}

/** Fill each missing cell from the last (ffill) or next (bfill) present one, at most `limit` in a row. */
export function fillDirection(c: Column, method: "ffill" | "bfill", limit = Infinity): Column {
  const na = naMask(c);
  const n = na.length;
  const idx = new Int32Array(n);
  let src = -1,
    run = 0;
  for (let s = 0; s < n; s++) {
    const i = method === "ffill" ? s : n - 1 - s;
    if (!na[i]) {
      src = i;
      run = 0;
      idx[i] = i;
      continue;
    }
    run++;
    idx[i] = src >= 0 && run <= limit ? src : -1;
  }
  return take(c, idx, true);
}

/** pandas interpolate(method="linear"): by position; NaN before the first value stay NaN, after the last repeat it. */
export function interpolateColumn(op: string, c: Column, name: string | null): Column {
  if (isStringLike(c)) throw new FrameError(`${op}: column ${quote(name)} is ${c.dtype}; linear interpolation needs numbers.`);
  const v = numericView(op, c, name).slice();
  const n = colLength(c);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (v[i] !== v[i]) continue;
    if (prev >= 0 && i - prev > 1) {
      // numpy.interp's arithmetic, which pandas uses: from the left end, else from the right (an
      // infinite end gives inf, not inf - inf), else the common value
      const a = v[prev]!,
        z = v[i]!,
        slope = (z - a) / (i - prev);
      for (let j = prev + 1; j < i; j++) {
        let r = slope * (j - prev) + a;
        if (r !== r) r = slope * (j - i) + z;
        v[j] = r !== r && a === z ? a : r;
      }
    }
    prev = i;
  }
  if (prev >= 0) for (let j = prev + 1; j < n; j++) v[j] = v[prev]!; // limit_direction="forward" fills the tail
  return c.dtype === "datetime" ? { dtype: "datetime", values: v } : floatCol(v);
}
