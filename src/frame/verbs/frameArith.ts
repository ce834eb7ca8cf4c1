// DataFrame arithmetic (df.add/sub/mul/div/mod/pow/floordiv, pandas' + - * / % ** //) with a
// scalar, a Series whose index holds column names (df - df.mean()), or another frame. Both axes
// are matched by label as pandas does. Columns: the same labels in the same order pair up
// directly; otherwise the result has the sorted union of the labels (pandas' outer join) and a
// label on one side only gives an all-missing float64 column. Rows: aligned by label
// (align.ts), with the positional fast path when the indexes are equal. Under column levels the
// columns (and a Series' MultiIndex) are matched by their tuples, and the union is sorted by them.

import { type Column, type Scalar, castColumn, cell, compareStrings, floatCol, quote } from "../column.js";
import { type ArithOp, type ArithOptions, type Operand, arith, fillOneSided, fillScalarSide } from "./arith.js";
import { FrameError } from "../errors.js";
import { type ColumnIndex, indexDepth, indexLabel, indexLength, indexLevels, indexNames, indexTuple, tupleKey } from "../labels.js";
import { groupIds } from "../keys.js";
import { columnLevels, columnTuples, flatNames } from "../multiIndex.js";
import { alignIndexes, indexesEqual, takeRows } from "../align.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { frameClass, seriesClass, newFrame } from "../frames.js";

/** The right operand of DataFrame arithmetic: a number (or bool/null), a Series indexed by column names, or a DataFrame. */
export type FrameOperand = number | boolean | null | Series | DataFrame;
/**
 * Options of DataFrame arithmetic, as pandas' keywords: `axis` "columns" (1, default: a Series'
 * labels are column names) or "index" (0: a Series' labels are row labels, aligned with the
 * frame's index), and `fillValue` (pandas' fill_value) with a frame or a number: a cell missing
 * on one side only (a label on one side only included) becomes fillValue before the operation.
 */
export interface FrameArithOptions extends ArithOptions {
  axis?: 0 | 1 | "index" | "columns";
}

const missing = (n: number): Column => floatCol(new Float64Array(n).fill(NaN));

/** Labels of both sides: the same list when equal, else their sorted union (pandas' outer join). */
function unionLabels(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === b.length && a.every((x, i) => x === b[i])) return a.slice();
  return [...new Set([...a, ...b])].sort(compareStrings);
}

/** A label's sort order within a level: numbers, dates and bools by value, text by code units; missing last. */
function compareLabels(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const x = a instanceof Date ? a.getTime() : a,
    y = b instanceof Date ? b.getTime() : b;
  if (typeof x === typeof y) return x < y ? -1 : x > y ? 1 : 0;
  return compareStrings(String(x), String(y));
}

/** The columns of a result under column levels: the same tuples in the same order stay, else their sorted union (pandas' outer join of the column MultiIndexes). */
interface TupleColumns {
  keys: string[];
  names: string[];
  levels: ColumnIndex;
}
function tupleUnion(
  op: string,
  ci: ColumnIndex,
  names: readonly string[],
  other: readonly Scalar[][],
  otherNames: readonly (string | null)[],
): TupleColumns {
  const mine = columnTuples(ci);
  const depth = indexDepth(ci);
  if (other.some((t) => t.length !== depth))
    throw new FrameError(
      `${op}: the frame has ${depth} column levels but the other operand's labels have ${other.find((t) => t.length !== depth)!.length}; column levels are matched by their tuples, so both need the same number of levels. Use droplevel or resetIndex to make them agree.`,
    );
  const keys = mine.map(tupleKey),
    otherKeys = other.map(tupleKey);
  if (keys.length === otherKeys.length && keys.every((k, j) => k === otherKeys[j])) return { keys, names: names.slice(), levels: ci };
  const byKey = new Map<string, Scalar[]>();
  [...mine, ...other].forEach((t) => {
    const k = tupleKey(t);
    if (!byKey.has(k)) byKey.set(k, t);
  });
  const tuples = [...byKey.values()].sort((a, b) => {
    for (let l = 0; l < depth; l++) {
      const c = compareLabels(a[l]!, b[l]!);
      if (c !== 0) return c;
    }
    return 0;
  });
  const myNames = indexNames(ci);
  const levels = columnLevels(
    tuples,
    myNames.map((k, l) => (k === otherNames[l] ? k : null)),
  );
  return { keys: tuples.map(tupleKey), names: flatNames(levels), levels };
}

/**
 * The result's columns and, for each, its position in the frame and in the other operand's labels
 * (-1: absent): flat names pair by name, column levels by tuple. A named column axis stays when
 * the flat names pair up in order and the other side's axis has the same name (pandas keeps an
 * equal name); `otherNames` is undefined when the other side has no column axis of its own.
 */
function pairColumns(
  op: string,
  df: DataFrame,
  other: readonly string[] | readonly Scalar[][],
  otherNames: readonly (string | null)[] | undefined,
): { names: string[]; levels: ColumnIndex | null; left: number[]; right: number[] } {
  const ci = df.columnIndex;
  if (ci?.kind === "multi") {
    const tuples = other as Scalar[][];
    const u = tupleUnion(op, ci, df.names, tuples, otherNames ?? []);
    const position = (ts: readonly Scalar[][]) => {
      const at = new Map(ts.map((t, j) => [tupleKey(t), j]));
      return u.keys.map((key) => at.get(key) ?? -1);
    };
    return { names: u.names, levels: u.levels, left: position(columnTuples(ci)), right: position(tuples) };
  }
  const theirs = other as string[];
  const names = unionLabels(df.names, theirs);
  const same = names.length === df.names.length && names.every((k, j) => k === df.names[j]);
  return {
    names,
    levels: same && ci && otherNames && ci.name === otherNames[0] ? ci : null,
    left: names.map((k) => df.names.indexOf(k)),
    right: names.map((k) => theirs.indexOf(k)),
  };
}

/** df <op> other, element by element; `reverse` computes other <op> df. */
export function frameArith(op: ArithOp, df: DataFrame, other: FrameOperand, reverse = false, opts: FrameArithOptions = {}): DataFrame {
  const n = df.length;
  const axis = opts.axis ?? "columns";
  const fill = opts.fillValue ?? null;
  if (axis !== 0 && axis !== 1 && axis !== "index" && axis !== "columns")
    throw new FrameError(`${op}: axis must be "columns" (1) or "index" (0), got ${JSON.stringify(axis)}.`);
  if (fill !== null && other instanceof seriesClass())
    throw new FrameError(
      `${op}: fillValue works with a frame or a number, not with a Series (pandas: "fill_value ${String(fill)} not supported"). Fill the missing values first (fillna), then combine.`,
    );
  if ((axis === 0 || axis === "index") && other instanceof seriesClass()) {
    // one value per row label: the Series aligns with the frame's index, as pandas' axis=0; the
    // frame is reindexed to the union, so (as pandas) its labels must be unique unless equal
    if (!indexesEqual(df.index, other.index)) {
      const levels = indexLevels(df.index);
      if (levels.length > 0 && groupIds(levels, false).n < df.length)
        throw new FrameError(
          `${op}: the frame's index repeats a row label and differs from the Series' index; with axis "index" each value of the Series goes to the frame's rows by label, which needs every row label once (pandas: "cannot reindex on an axis with duplicate labels"). Remove the repeated labels first (e.g. groupby(..., { asIndex: true }).first()), or pass a Series whose index equals the frame's.`,
        );
    }
    const al = alignIndexes(op, df.index, other.index);
    const b: Operand = { col: takeRows(other.col, al.right), name: other.name };
    return newFrame(
      df.names,
      df.data.map((c, j) => arith(op, { col: takeRows(c, al.left), name: df.names[j]! }, b, reverse)),
      al.index,
      df.columnIndex,
    );
  }
  const levels = df.columnIndex?.kind === "multi" ? df.columnIndex : null;
  if (other instanceof frameClass()) {
    if (!levels !== (other.columnIndex?.kind !== "multi"))
      throw new FrameError(
        `${op}: one frame has column levels and the other has plain columns; columns are matched by their labels, so both need the same number of column levels. Use droplevel or resetIndex to make them agree.`,
      );
    const al = alignIndexes(op, df.index, other.index);
    const rows = indexLength(al.index);
    const oci = other.columnIndex;
    const p = pairColumns(op, df, levels ? columnTuples(oci!) : other.names, oci ? indexNames(oci) : undefined);
    const data = p.names.map((k, q) => {
      const i = p.left[q]!,
        j = p.right[q]!;
      if ((i < 0 || j < 0) && fill === null) return missing(rows);
      let a: Operand = { col: i < 0 ? missing(rows) : takeRows(df.data[i]!, al.left), name: k };
      let b: Operand = { col: j < 0 ? missing(rows) : takeRows(other.data[j]!, al.right), name: k };
      if (fill !== null) [a, b] = fillOneSided(op, a, b, fill);
      return arith(op, a, b, reverse);
    });
    return newFrame(p.names, data, al.index, p.levels);
  }
  if (other instanceof seriesClass()) {
    // a Series' labels are column names (its MultiIndex entries the column tuples): one scalar per column
    const m = indexLength(other.index);
    const labels = Array.from({ length: m }, (_, i) => (levels ? indexTuple(other.index, i) : indexLabel(other.index, i)));
    const seen = new Set<string>();
    labels.forEach((l) => {
      const key = levels ? tupleKey(l as Scalar[]) : String(l);
      if (seen.has(key))
        throw new FrameError(
          levels
            ? `${op}: the Series' index repeats the entry ${JSON.stringify(l)}; its entries are matched with the column tuples, so they must be unique.`
            : `${op}: the Series' index repeats the label ${quote(key)}; its labels are matched with column names, so they must be unique.`,
        );
      seen.add(key);
    });
    const p = pairColumns(
      op,
      df,
      levels ? (labels as Scalar[][]) : labels.map(String),
      levels ? indexNames(other.index) : [other.index.name],
    );
    const data = p.names.map((k, q) => {
      const i = p.left[q]!,
        j = p.right[q]!;
      if (i < 0 || j < 0) return missing(n);
      return seriesCell(op, df.data[i]!, k, cell(other.col, j), other, reverse);
    });
    return newFrame(p.names, data, df.index, p.levels);
  }
  if (other !== null && typeof other !== "number" && typeof other !== "boolean")
    throw new FrameError(
      `${op}: cannot combine a DataFrame with ${typeof other}; use a number, a Series indexed by column names, or a DataFrame.`,
    );
  // pandas fills the frame's missing cells first when the other side is a number
  return newFrame(
    df.names,
    df.data.map((c, j) =>
      arith(op, fill === null ? { col: c, name: df.names[j]! } : fillScalarSide(op, { col: c, name: df.names[j]! }, fill), other, reverse),
    ),
    df.index,
    df.columnIndex,
  );
}

/** A column combined with one value of a Series (df - df.mean()). */
function seriesCell(op: ArithOp, col: Column, k: string, v: Scalar, other: Series, reverse: boolean): Column {
  if (v instanceof Date || typeof v === "string")
    throw new FrameError(
      `${op}: the Series value for column ${quote(k)} is ${JSON.stringify(v)}; frame arithmetic with a Series needs numbers.`,
    );
  const out = arith(op, { col, name: k }, v, reverse);
  // a float64 Series' 2.0 is a float, as in pandas (a plain JS number cannot say so)
  return out.dtype === "int64" && other.dtype === "float64" ? castColumn(op, out, "float64", k) : out;
}
