// Row alignment by label, as pandas aligns two Series or DataFrames before arithmetic, logic and
// column assignment. Equal indexes pair rows by position (the fast path: nothing is copied and the
// left index is kept; keys.ts's indexKey compares the labels). Otherwise rows pair by label, one
// column per index level (so a MultiIndex aligns on whole tuples), with keys.ts's group ids
// deciding which labels are equal: the result holds the outer join of the labels, sorted (pandas 1.5's
// Index.join(how="outer")), a label repeated on both sides pairs every left row with every right
// row (left-major, as pandas), and the side without a label gets row -1, a missing value after
// take. Not here: the element-wise work (verbs/arith.ts) and column labels (verbs/frameArith.ts).

import { type Column, type FrameDType, concatColumns, take } from "./column.js";
import { FrameError } from "./errors.js";
import { groupIds, indexKey } from "./keys.js";
import {
  type Index,
  describeIndex,
  formatLabel,
  indexDepth,
  indexLabel,
  indexLength,
  indexLevels,
  indexNames,
  labelIndex,
  multiIndex,
} from "./labels.js";
import { argsort } from "./sort.js";

/** How the rows of two operands line up: the result's index and, per result row, each side's row. */
export interface Alignment {
  readonly index: Index;
  /** The left operand's row for each result row (-1 where the label is not on the left); null: the left rows as they are. */
  readonly left: Int32Array | null;
  /** The right operand's row for each result row, as `left`. */
  readonly right: Int32Array | null;
}

type LabelKind = "number" | "bool" | "text" | "datetime";
const labelKind = (d: FrameDType): LabelKind =>
  d === "int64" || d === "float64" ? "number" : d === "string" || d === "category" ? "text" : d;

/** The kind of label of each level: int and float labels are one kind (3 matches 3.0), as pandas. */
function levelKinds(ix: Index): LabelKind[] {
  return ix.kind === "range" ? ["number"] : ix.kind === "labels" ? [labelKind(ix.col.dtype)] : ix.cols.map((c) => labelKind(c.dtype));
}

const sameKinds = (a: Index, b: Index): boolean => {
  const ka = levelKinds(a),
    kb = levelKinds(b);
  return ka.length === kb.length && ka.every((k, j) => k === kb[j]);
};

/** Whether two indexes hold the same labels in the same order, as pd.Index.equals (int 1 equals float 1.0; missing labels equal each other). */
export function indexesEqual(a: Index, b: Index): boolean {
  if (a === b) return true;
  const n = indexLength(a);
  if (n !== indexLength(b)) return false;
  if (n === 0) return true;
  if (a.kind === "range" && b.kind === "range") return a.start === b.start;
  if (a.kind === "labels" && b.kind === "labels" && a.col === b.col) return true;
  if (!sameKinds(a, b)) return false;
  const ka = indexKey(a),
    kb = indexKey(b);
  for (let i = 0; i < n; i++) if (ka(i) !== kb(i)) return false;
  return true;
}

/**
 * Labels of different kinds never match: pandas would join them into one object index of mixed
 * labels (numbers beside text), which an index column here cannot hold, and every value would be
 * missing. Refused, naming both indexes.
 */
function checkLabelKinds(op: string, what: string, a: Index, b: Index): void {
  if (sameKinds(a, b)) return;
  const kinds = (ix: Index) =>
    ix.kind === "range"
      ? "int64"
      : indexLevels(ix)
          .map((c) => c.dtype)
          .join(", ");
  throw new FrameError(
    `${op}: ${what} by row label, but the left index holds ${kinds(a)} labels (${describeIndex(a)}) and the right ${kinds(b)} labels (${describeIndex(b)}); labels of different types are not aligned here (pandas would join them into one object index of mixed labels, a column type this library does not have). Give both the same kind of labels first (e.g. new Series(s.values, { index: s.indexValues().map(String) }), or setIndex on a converted column).`,
  );
}

/**
 * The rows of `a` and `b` paired by label, as pandas aligns two operands (outer join). Equal
 * indexes give the positional fast path (left and right null, a's index kept); an empty side
 * leaves the other's labels in their order, as pandas' join does.
 */
export function alignIndexes(op: string, a: Index, b: Index): Alignment {
  if (indexesEqual(a, b)) return { index: a, left: null, right: null };
  const na = indexLength(a),
    nb = indexLength(b);
  if (nb === 0) return { index: a, left: null, right: new Int32Array(na).fill(-1) };
  if (na === 0) return { index: b, left: new Int32Array(nb).fill(-1), right: null };
  checkLabelKinds(op, "the operands are aligned", a, b);
  // both sides' labels in one column per level (rows na.. are b's): sorted, equal labels sit
  // together, left rows first and each side in row order (the sort is stable); group ids say
  // where one label ends (int 3 and float 3.0 are one label, so are all missing labels)
  const levels = bothLevels(op, a, b);
  const order = argsort(
    levels,
    levels.map(() => true),
    "last",
  );
  const ids = groupIds(levels, false).ids;
  const li: number[] = [],
    ri: number[] = [];
  for (let s = 0; s < order.length; ) {
    let e = s + 1;
    while (e < order.length && ids[order[e]!] === ids[order[s]!]) e++;
    let m = s;
    while (m < e && order[m]! < na) m++;
    // [s, m): the label's left rows, [m, e): its right rows; both: every pair, left-major
    if (m === e)
      for (let p = s; p < e; p++) {
        li.push(order[p]!);
        ri.push(-1);
      }
    else if (m === s)
      for (let q = m; q < e; q++) {
        li.push(-1);
        ri.push(order[q]! - na);
      }
    else
      for (let p = s; p < m; p++)
        for (let q = m; q < e; q++) {
          li.push(order[p]!);
          ri.push(order[q]! - na);
        }
    s = e;
  }
  const src = Int32Array.from(li, (l, p) => (l < 0 ? na + ri[p]! : l));
  const namesB = indexNames(b);
  const names = indexNames(a).map((k, j) => (k === namesB[j] ? k : null));
  const labels = levels.map((c) => take(c, src, true));
  return {
    index: indexDepth(a) > 1 ? multiIndex(labels, names) : labelIndex(labels[0]!, names[0]!),
    left: Int32Array.from(li),
    right: Int32Array.from(ri),
  };
}

/** One column per level holding a's labels, then b's. */
function bothLevels(op: string, a: Index, b: Index): Column[] {
  const levelsB = indexLevels(b);
  return indexLevels(a).map((c, j) => concatColumns(op, "index", [c, levelsB[j]!]));
}

/**
 * For each label of `target`, the row of `source` with that label (-1 when absent), as pandas'
 * reindex behind df["c"] = s; null when the indexes are equal. A label repeated in `source` is
 * refused, as pandas ("cannot reindex on an axis with duplicate labels").
 */
export function reindexRows(op: string, source: Index, target: Index): Int32Array | null {
  if (indexesEqual(source, target)) return null;
  const ns = indexLength(source),
    n = indexLength(target);
  if (ns === 0 || n === 0) return new Int32Array(n).fill(-1);
  checkLabelKinds(op, "the values are placed", target, source);
  const kg = groupIds(bothLevels(op, source, target), false);
  const rowOf = new Int32Array(kg.n).fill(-1);
  for (let i = 0; i < ns; i++) {
    const g = kg.ids[i]!;
    if (rowOf[g]! >= 0)
      throw new FrameError(
        `${op}: the Series' index repeats the label ${formatLabel(indexLabel(source, i))} (rows ${rowOf[g]} and ${i}), so its values cannot be placed on the frame's rows by label (pandas: "cannot reindex on an axis with duplicate labels"). Make the labels unique first, or pass s.values to place the values by position.`,
      );
    rowOf[g] = i;
  }
  return Int32Array.from({ length: n }, (_, t) => rowOf[kg.ids[ns + t]!]!);
}

/** The labels of several indexes together (none: undefined), as pandas builds a frame's index from a dict of Series: equal indexes stay as they are, different ones give their sorted union. */
export function unionIndex(op: string, indexes: readonly Index[]): Index | undefined {
  return indexes.reduce<Index | undefined>((acc, ix) => (acc === undefined ? ix : alignIndexes(op, acc, ix).index), undefined);
}

/** Two operands must have equal indexes (pandas' rule for comparing Series): the error otherwise. */
export function requireSameLabels(op: string, a: Index, b: Index): void {
  if (indexesEqual(a, b)) return;
  throw new FrameError(
    `${op}: can only compare identically-labeled Series objects (pandas' rule): the left index is ${describeIndex(a)}, the right ${describeIndex(b)}. Align them first (a.sub(b) aligns by label), sort both with sortIndex() if they hold the same labels in another order, or compare by position with new Series(b.values, { index: a.index }).`,
  );
}

/** 1 for each result row that an alignment side lacks (null when it has every row). */
export function absentRows(rows: Int32Array | null): Uint8Array | null {
  return rows?.some((r) => r < 0) ? Uint8Array.from(rows, (r) => (r < 0 ? 1 : 0)) : null;
}

/** The rows of an alignment side (null: the column as it is); -1 rows become missing values. */
export function takeRows(col: Column, rows: Int32Array | null): Column {
  return rows ? take(col, rows) : col;
}
