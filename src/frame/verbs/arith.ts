// Element-wise arithmetic, comparison and logic on columns, behind Series.add/gt/and/...
// Operands arrive row-aligned (same length): Series and DataFrames align their labels first
// (align.ts), so row i of one operand meets row i of the other here.
// Missing values propagate through arithmetic and compare false (ne: true), as numpy's NaN.

import {
  type Column,
  type Scalar,
  boolCol,
  colLength,
  compareStrings,
  floatCol,
  intCol,
  isStringLike,
  numericView,
  parseDate,
  quote,
  encodeStrings,
  cell,
  type StrColumn,
  naMask,
  concatColumns,
  columnFromValues,
  take,
} from "../column.js";
import { FrameError } from "../errors.js";
import { fillColumn } from "./missing.js";

export type ArithOp = "add" | "sub" | "mul" | "div" | "mod" | "pow" | "floordiv";
export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type LogicOp = "and" | "or" | "xor";

export interface Operand {
  col: Column;
  name: string | null;
}
export type Other = Operand | number | string | boolean | Date | null;

const symbol: Record<ArithOp | CompareOp, string> = {
  add: "+",
  sub: "-",
  mul: "*",
  div: "/",
  mod: "%",
  pow: "**",
  floordiv: "//",
  eq: "==",
  ne: "!=",
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
};

function lengthCheck(op: string, a: Operand, b: Operand): void {
  const na = colLength(a.col),
    nb = colLength(b.col);
  if (na !== nb)
    throw new FrameError(
      `${op}: ${quote(a.name)} has ${na} rows but ${quote(b.name)} has ${nb}; values combined row by row need the same length. Combine Series (they align by label), or pass as many values as rows.`,
    );
}

/** Options of Series and DataFrame arithmetic: `fillValue`, as pandas' fill_value= of Series.add / DataFrame.add. */
export interface ArithOptions {
  /**
   * Stands in for a missing value on one side (a missing label after alignment, or a missing
   * cell) when the other side has a value; where both are missing the result stays missing.
   */
  fillValue?: Scalar;
}

/** pandas' fill_value between two aligned operands: a value missing on one side only becomes `fill`. */
export function fillOneSided(op: string, a: Operand, b: Operand, fill: Scalar): [Operand, Operand] {
  const ma = naMask(a.col),
    mb = naMask(b.col);
  return [fillWhereOtherPresent(op, a, ma, mb, fill), fillWhereOtherPresent(op, b, mb, ma, fill)];
}

function fillWhereOtherPresent(op: string, x: Operand, own: Uint8Array, other: Uint8Array, fill: Scalar): Operand {
  const n = own.length;
  const rows = new Int32Array(n);
  let filled = false;
  for (let i = 0; i < n; i++) {
    if (own[i] && !other[i]) {
      rows[i] = n;
      filled = true;
    } else rows[i] = i;
  }
  if (!filled) return x;
  // row n is the fill value appended to the column, so the dtype follows concat's rules
  // (an int fill keeps int64, into float64 it is a float)
  const withFill = concatColumns(op, x.name, [x.col, fillCell(op, x, fill)]);
  return { col: take(withFill, rows, true), name: x.name };
}

function fillCell(op: string, x: Operand, fill: Scalar): Column {
  const text = isStringLike(x.col),
    fillText = typeof fill === "string";
  if (text !== fillText || fill === null || (x.col.dtype === "datetime") !== fill instanceof Date) {
    throw new FrameError(
      `${op}: fillValue ${JSON.stringify(fill)} cannot stand in for a missing value of ${quote(x.name)} (${x.col.dtype}). Pass a ${text ? "string" : x.col.dtype === "datetime" ? "Date" : "number"}.`,
    );
  }
  return columnFromValues(op, x.name, [fill]);
}

/** pandas' fill_value with a scalar operand: the missing cells of the column are filled first. */
export function fillScalarSide(op: string, a: Operand, fill: Scalar): Operand {
  return { col: fillColumn(op, a.col, a.name, fill), name: a.name };
}

const isOperand = (o: Other): o is Operand => o !== null && typeof o === "object" && !(o instanceof Date);

export function arith(op: ArithOp, a: Operand, b: Other, reverse = false): Column {
  if (isOperand(b)) lengthCheck(op, a, b);
  const aStr = isStringLike(a.col),
    bStr = isOperand(b) ? isStringLike(b.col) : typeof b === "string";
  if (aStr || bStr) {
    if (op === "add" && aStr && bStr) return concatStrings(a, b as Operand | string, reverse);
    const other = isOperand(b) ? `column ${quote(b.name)} (${b.col.dtype})` : JSON.stringify(b);
    throw new FrameError(
      `${op}: cannot compute ${quote(a.name)} (${a.col.dtype}) ${symbol[op]} ${other}: arithmetic needs numeric columns${op === "add" ? " (or two string columns to concatenate)" : ""}. Convert with astype({ ${a.name ?? "col"}: "float64" }) or str accessors first.`,
    );
  }
  if (a.col.dtype === "datetime" || (isOperand(b) && b.col.dtype === "datetime") || b instanceof Date) return dateArith(op, a, b, reverse);
  if (typeof b === "boolean") b = b ? 1 : 0;
  const x = numericView(op, a.col, a.name);
  const n = x.length;
  const y = isOperand(b) ? numericView(op, b.col, b.name) : null;
  const s = b === null ? NaN : (b as number);
  const out = new Float64Array(n);
  if (!fastArith(op, x, y, s, out, reverse)) {
    const f = kernel(op);
    for (let i = 0; i < n; i++) {
      const p = x[i]!,
        q = y ? y[i]! : s;
      out[i] = reverse ? f(q, p) : f(p, q);
    }
  }
  const intIn = (c: Column) => c.dtype === "int64" || c.dtype === "bool";
  const bothInt = intIn(a.col) && (isOperand(b) ? intIn(b.col) : Number.isInteger(s));
  if (
    bothInt &&
    (op === "add" || op === "sub" || op === "mul" || op === "mod" || op === "floordiv" || (op === "pow" && (isOperand(b) || s >= 0)))
  ) {
    // int op int stays int64 unless a division by zero made inf/NaN (pandas gives float then)
    let valid: Uint8Array | null = null;
    let allFinite = true;
    for (let i = 0; i < n; i++) {
      if (x[i] !== x[i] || (y && y[i] !== y[i])) {
        valid ??= new Uint8Array(n).fill(1);
        valid[i] = 0;
        out[i] = 0;
      } else if (!Number.isFinite(out[i])) allFinite = false;
    }
    if (allFinite) return intCol(out, valid);
    if (valid) for (let i = 0; i < n; i++) if (!valid[i]) out[i] = NaN;
  }
  return floatCol(out);
}

/**
 * The common ops as their own loops: one shared loop calling a kernel closure per element is
 * megamorphic (every op's closure passes through it) and several times slower on a million rows.
 */
function fastArith(op: ArithOp, x: Float64Array, y: Float64Array | null, s: number, out: Float64Array, reverse: boolean): boolean {
  const n = out.length;
  switch (op) {
    case "add": // x + y = y + x, NaN included
      if (y) for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! + s;
      return true;
    case "sub":
      if (y) {
        if (reverse) for (let i = 0; i < n; i++) out[i] = y[i]! - x[i]!;
        else for (let i = 0; i < n; i++) out[i] = x[i]! - y[i]!;
      } else if (reverse) for (let i = 0; i < n; i++) out[i] = s - x[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! - s;
      return true;
    case "mul":
      if (y) for (let i = 0; i < n; i++) out[i] = x[i]! * y[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! * s;
      return true;
    case "div":
      if (y) {
        if (reverse) for (let i = 0; i < n; i++) out[i] = y[i]! / x[i]!;
        else for (let i = 0; i < n; i++) out[i] = x[i]! / y[i]!;
      } else if (reverse) for (let i = 0; i < n; i++) out[i] = s / x[i]!;
      else for (let i = 0; i < n; i++) out[i] = x[i]! / s;
      return true;
    default:
      return false;
  }
}

/** The ops fastArith leaves (it takes add, sub, mul and div). */
function kernel(op: ArithOp): (p: number, q: number) => number {
  switch (op) {
    // IEEE pow, as numpy: 1 ** NaN and (+-1) ** +-inf are 1 (JS's ** gives NaN)
    case "pow":
      return (p, q) => (p === 1 || (p === -1 && (q === Infinity || q === -Infinity)) ? 1 : p ** q);
    // Python's modulo and floor division: the result takes the divisor's sign
    case "mod":
      return (p, q) => {
        const r = p % q;
        return r !== 0 && r < 0 !== q < 0 ? r + q : r;
      };
    default:
      return (p, q) => Math.floor(p / q);
  }
}

function concatStrings(a: Operand, b: Operand | string, reverse: boolean): Column {
  const n = colLength(a.col);
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const p = cell(a.col, i) as string | null;
    const q = typeof b === "string" ? b : (cell(b.col, i) as string | null);
    out[i] = p === null || q === null ? null : reverse ? q + p : p + q;
  }
  return encodeStrings(out);
}

function dateArith(op: ArithOp, a: Operand, b: Other, reverse: boolean): Column {
  // datetime - datetime gives float64 milliseconds; datetime +/- number (ms) gives datetime
  const x = numericView(op, a.col, a.name);
  const bDate = b instanceof Date || (isOperand(b) && b.col.dtype === "datetime");
  const y = isOperand(b) ? numericView(op, b.col, b.name) : null;
  const s = b instanceof Date ? b.getTime() : typeof b === "number" ? b : NaN;
  const aDate = a.col.dtype === "datetime",
    both = op === "sub" && aDate && bDate;
  if (both || ((op === "add" || (op === "sub" && !reverse)) && aDate !== bDate)) {
    const out = new Float64Array(x.length);
    fastArith(op, x, y, s, out, reverse);
    return { dtype: both ? "float64" : "datetime", values: out };
  }
  throw new FrameError(
    `${op}: cannot compute ${quote(a.name)} (${a.col.dtype}) ${symbol[op]} a ${bDate ? "datetime" : "number"}. Datetimes support datetime - datetime (milliseconds) and datetime +/- milliseconds.`,
  );
}

/** Comparisons give a bool column; a missing cell compares false (true for ne). */
export function compare(op: CompareOp, a: Operand, b: Other): Column {
  const n = colLength(a.col);
  const out = new Uint8Array(n);
  const test = comparer(op);
  if (isOperand(b)) lengthCheck(op, a, b);
  if (isStringLike(a.col)) {
    const c = a.col;
    if (isOperand(b) && !isStringLike(b.col)) throw mismatch(op, a, `column ${quote(b.name)} (${b.col.dtype})`);
    if (!isOperand(b) && typeof b !== "string" && b !== null) throw mismatch(op, a, JSON.stringify(b));
    if (!isOperand(b)) {
      // one comparison per dictionary entry, then a table lookup per row; entry 0 is the missing
      // code -1, so the row loop has no branch
      const dict = c.dict;
      const table = new Uint8Array(dict.length + 1);
      table[0] = op === "ne" ? 1 : 0;
      for (let k = 0; k < dict.length; k++) table[k + 1] = b === null ? 0 : test(compareStrings(dict[k]!, b), 0) ? 1 : 0;
      lookupCodes(c.codes, table, out);
      return boolCol(out);
    }
    const d = b.col as StrColumn;
    for (let i = 0; i < n; i++) {
      const p = c.codes[i]!,
        q = d.codes[i]!;
      out[i] = p < 0 || q < 0 ? (op === "ne" ? 1 : 0) : test(compareStrings(c.dict[p]!, d.dict[q]!), 0) ? 1 : 0;
    }
    return boolCol(out);
  }
  if (isOperand(b) && isStringLike(b.col)) throw mismatch(op, a, `column ${quote(b.name)} (${b.col.dtype})`);
  let s = NaN;
  if (!isOperand(b)) {
    if (typeof b === "string") {
      if (a.col.dtype !== "datetime") throw mismatch(op, a, JSON.stringify(b));
      s = parseDate(b);
      if (Number.isNaN(s))
        throw new FrameError(
          `${op}: ${JSON.stringify(b)} is not a date, so it cannot be compared with datetime column ${quote(a.name)}. Use "YYYY-MM-DD" or a Date.`,
        );
    } else s = b instanceof Date ? b.getTime() : b === null ? NaN : Number(b);
  }
  const x = numericView(op, a.col, a.name);
  const y = isOperand(b) ? numericView(op, b.col, b.name) : null;
  if (!y && s === s && op !== "ne") {
    compareConst(op, x, s, out);
    return boolCol(out);
  }
  for (let i = 0; i < n; i++) {
    const p = x[i]!,
      q = y ? y[i]! : s;
    out[i] = p !== p || q !== q ? (op === "ne" ? 1 : 0) : test(p, q) ? 1 : 0;
  }
  return boolCol(out);
}

/**
 * A column against a constant: NaN compares false by itself, one loop per op (see fastArith);
 * +(a > b) rather than a ternary, which V8 compiles to a branch that mispredicts on random data.
 * The loops sit in a function of their own, so its optimized code has nothing after the loop
 * that ran too rarely to have type feedback (V8 would deoptimize there on every call).
 */
function compareConst(op: CompareOp, x: Float64Array, s: number, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case "gt":
      for (let i = 0; i < n; i++) out[i] = +(x[i]! > s);
      return;
    case "ge":
      for (let i = 0; i < n; i++) out[i] = +(x[i]! >= s);
      return;
    case "lt":
      for (let i = 0; i < n; i++) out[i] = +(x[i]! < s);
      return;
    case "le":
      for (let i = 0; i < n; i++) out[i] = +(x[i]! <= s);
      return;
    default:
      for (let i = 0; i < n; i++) out[i] = +(x[i] === s);
  }
}

/** out[i] = table[codes[i] + 1]: a function of its own (see compareConst). */
function lookupCodes(codes: Int32Array, table: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = table[codes[i]! + 1]!;
}

function comparer(op: CompareOp): (p: number, q: number) => boolean {
  switch (op) {
    case "eq":
      return (p, q) => p === q;
    case "ne":
      return (p, q) => p !== q;
    case "gt":
      return (p, q) => p > q;
    case "ge":
      return (p, q) => p >= q;
    case "lt":
      return (p, q) => p < q;
    case "le":
      return (p, q) => p <= q;
    default:
      return op satisfies never;
  }
}

function mismatch(op: CompareOp, a: Operand, other: string): FrameError {
  return new FrameError(
    `${op}: cannot compare ${quote(a.name)} (${a.col.dtype}) ${symbol[op]} ${other}: the types differ. Compare strings with strings and numbers with numbers, or convert with astype first.`,
  );
}

/** The bool values of a column for masks; missing counts as false. */
export function boolValues(op: string, o: Operand): Uint8Array {
  if (o.col.dtype !== "bool")
    throw new FrameError(
      `${op}: ${quote(o.name)} is ${o.col.dtype}, but a mask must be bool. Build it with a comparison such as col("qty").gt(50).`,
    );
  if (!o.col.valid) return o.col.values;
  const out = new Uint8Array(o.col.values.length);
  for (let i = 0; i < out.length; i++) out[i] = o.col.valid[i] ? o.col.values[i]! : 0;
  return out;
}

/** Elementwise and/or/xor of bool columns (missing counts as false); rows marked in `falseRows` are false whatever the operator. */
export function logic(op: LogicOp, a: Operand, b: Operand | boolean, falseRows: Uint8Array | null = null): Column {
  const x = boolValues(op, a);
  if (typeof b !== "boolean") lengthCheck(op, a, b);
  const y = typeof b === "boolean" ? null : boolValues(op, b);
  const s = b === true ? 1 : 0;
  const n = x.length,
    out = new Uint8Array(n);
  // bytewise and/or/xor are the same on four bytes at once: words over the aligned body (a
  // column with a constant is a column of that byte)
  const f = op === "and" ? 0 : op === "or" ? 1 : 2,
    yb = y ?? new Uint8Array(n).fill(s),
    m = x.byteOffset % 4 || yb.byteOffset % 4 ? 0 : n >> 2,
    wx = new Uint32Array(x.buffer, m && x.byteOffset, m),
    wy = new Uint32Array(yb.buffer, m && yb.byteOffset, m),
    wo = new Uint32Array(out.buffer, 0, m);
  for (let i = m << 2; i < n; i++) {
    const p = x[i]!,
      q = yb[i]!;
    out[i] = f === 0 ? p & q : f === 1 ? p | q : p ^ q;
  }
  bitwise(f, wx, wy, wo);
  if (falseRows) for (let i = 0; i < n; i++) if (falseRows[i]) out[i] = 0;
  return boolCol(out);
}

/** out = x and/or/xor y (f 0, 1, 2) on words; a function of its own (see compareConst). */
function bitwise(f: number, x: Uint32Array, y: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < out.length; i++) {
    const p = x[i]!,
      q = y[i]!;
    out[i] = f === 0 ? p & q : f === 1 ? p | q : p ^ q;
  }
}

export function not(a: Operand): Column {
  const x = boolValues("not", a);
  return boolCol(x.map((v) => 1 - v));
}

/** Membership test against a list of values (pandas isin). */
export function isin(a: Operand, values: readonly Scalar[]): Column {
  const n = colLength(a.col);
  const out = new Uint8Array(n);
  if (isStringLike(a.col)) {
    const want = new Set(values.filter((v): v is string => typeof v === "string"));
    const table = new Uint8Array(a.col.dict.length + 1);
    a.col.dict.forEach((s, k) => (table[k + 1] = +want.has(s)));
    // a missing value in `values` matches the missing cells, as pandas' isin([None]) / isin([nan])
    table[0] = +values.some((v) => v === null || (typeof v === "number" && v !== v));
    lookupCodes(a.col.codes, table, out);
    return boolCol(out);
  }
  const want = new Set(values.map((v) => (v === null ? NaN : v instanceof Date ? v.getTime() : typeof v === "boolean" ? Number(v) : v)));
  const x = numericView("isin", a.col, a.name);
  for (let i = 0; i < n; i++) out[i] = want.has(x[i]!) ? 1 : 0;
  return boolCol(out);
}

/** A clip bound: a number (or a Date on a datetime column); null, undefined and NaN mean none. */
export type ClipBound = number | Date | null | undefined;

/**
 * Values below `lower` become `lower`, above `upper` become `upper`; missing stay missing. As
 * pandas 1.5: no bound at all returns the column as it is, scalar bounds given the wrong way
 * round are swapped (per-row ones are not), and an int column stays int64 unless a fractional bound replaces a value.
 * Per-row bounds (a Series bound placed on the rows) use -inf/inf for none and NaN where the
 * bound lacks the row's label, which makes the value missing, as pandas' where.
 */
export function clipColumn(
  op: string,
  c: Column,
  name: string | null,
  lower: ClipBound | Float64Array,
  upper: ClipBound | Float64Array,
): Column {
  const none = (b: unknown) => b === null || b === undefined || b !== b;
  if (none(lower) && none(upper)) return c;
  if (c.dtype === "string" || c.dtype === "category")
    throw new FrameError(
      `${op}: column ${quote(name)} is ${c.dtype}, but clip compares with number bounds (pandas raises TypeError). Clip numeric columns only, e.g. df.select(...numericNames).clip(lo, hi).`,
    );
  let lo = none(lower) ? -Infinity : typeof lower === "object" && !(lower instanceof Date) ? lower! : +lower!,
    hi = none(upper) ? Infinity : typeof upper === "object" && !(upper instanceof Date) ? upper! : +upper!;
  if (typeof lo === "number" && typeof hi === "number" && lo > hi) [lo, hi] = [hi, lo];
  const raw = numericView(op, c, name);
  let frac = false;
  const v = raw.map((x, i) => {
    const l = typeof lo === "number" ? lo : lo[i]!,
      h = typeof hi === "number" ? hi : hi[i]!;
    // as pandas 1.5: lower first, then upper, which a scalar compares with the value after the
    // lower bound and a Series bound with the value as given; NaN (a label the bound lacks)
    // makes the value missing
    const y = x >= l || x !== x ? x : l;
    // a fraction set by the lower bound makes pandas' int64 float64, even if upper replaces it
    frac ||= y % 1 !== 0 && y === y;
    return (typeof hi === "number" ? y : x) <= h || y !== y ? y : h;
  });
  if (c.dtype === "datetime") return { dtype: "datetime", values: v };
  if (c.dtype === "int64" && !frac && v.every((x, i) => Number.isInteger(x) || raw[i] !== raw[i]))
    return intCol(
      v.map((x) => (x === x ? x : 0)),
      c.valid,
    );
  return floatCol(v);
}
