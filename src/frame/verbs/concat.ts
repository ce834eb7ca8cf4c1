// concat: stack frames by rows (columns matched by name, outer or inner) or place them side by
// side (rows matched by index label, outer or inner), as pd.concat.

import { type Column, concatColumns, missingColumn, take, colLength, cell } from "../column.js";
import { FrameError } from "../errors.js";
import { type Index, indexColumn, indexLength, labelIndex, rangeIndex, labelKey } from "../labels.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { frameClass, seriesClass } from "../frames.js";

/** Options of concat: axis (0 rows, 1 columns), join ("outer" or "inner"), ignoreIndex, as pd.concat's keyword arguments. */
export interface ConcatOptions {
  /** 0: stack rows (default); 1: side by side. */
  axis?: 0 | 1;
  /** Keep the union of the other axis' labels (outer, default) or only the shared ones (inner). */
  join?: "outer" | "inner";
  /** Number the result's rows 0..n-1 instead of keeping the inputs' labels. */
  ignoreIndex?: boolean;
}

/**
 * Stack frames by rows or side by side, as pd.concat.
 * @example
 * concat([iris.head(2), mtcars.head(2)], { join: "inner" }) // shape [4, 0]
 */
export function concat(items: readonly (DataFrame | Series)[], opts: ConcatOptions = {}): DataFrame {
  if (items.length === 0) throw new FrameError(`concat: no frames to concatenate. Pass a non-empty array.`);
  const frames = items.map((x, i) => (x instanceof seriesClass() ? frameClass().fromColumns([x.name ?? String(i)], [x.col], x.index) : x));
  return opts.axis === 1 ? concatCols(frames, opts) : concatRows(frames, opts);
}

function concatRows(frames: DataFrame[], opts: ConcatOptions): DataFrame {
  let names: string[];
  if (opts.join === "inner") names = frames[0]!.names.filter((k) => frames.every((f) => f.names.includes(k)));
  else names = [...new Set(frames.flatMap((f) => f.names))];
  const cols = names.map((k) => {
    const parts = frames.map((f) => (f.has(k) ? f.data[f.colIndex("concat", k)]! : null));
    const like = parts.find((p): p is Column => p !== null)!;
    return concatColumns(
      "concat",
      k,
      parts.map((p, i) => p ?? missingColumn(like, frames[i]!.length)),
    );
  });
  const n = frames.reduce((s, f) => s + f.length, 0);
  const index = opts.ignoreIndex ? rangeIndex(n) : stackIndex(frames.map((f) => f.index));
  return frameClass().fromColumns(names, cols, index);
}

function stackIndex(ixs: Index[]): Index {
  let next = 0;
  if (
    ixs.every((ix) => {
      const ok = ix.kind === "range" && ix.start === next;
      next += indexLength(ix);
      return ok;
    })
  )
    return rangeIndex(next);
  return labelIndex(concatColumns("concat", "index", ixs.map(indexColumn)), ixs[0]!.name);
}

function concatCols(frames: DataFrame[], opts: ConcatOptions): DataFrame {
  const names = frames.flatMap((f) => f.names);
  const first = frames[0]!;
  const same = frames.every((f) => f.length === first.length && sameLabels(f.index, first.index));
  if (same)
    return frameClass().fromColumns(
      names,
      frames.flatMap((f) => f.data),
      first.index,
    );
  // align on labels: the union (outer) or intersection (inner) in order of appearance
  const keys: (string | number | boolean | null)[] = [];
  const pos = new Map<unknown, number>();
  const labelCols = frames.map((f) => indexColumn(f.index));
  labelCols.forEach((lc) => {
    for (let i = 0; i < colLength(lc); i++) {
      const k = labelKey(cell(lc, i));
      if (!pos.has(k)) {
        pos.set(k, keys.length);
        keys.push(k);
      }
    }
  });
  let wanted = keys.map((_, p) => p);
  if (opts.join === "inner") {
    const sets = labelCols.map((lc) => new Set(Array.from({ length: colLength(lc) }, (_, i) => labelKey(cell(lc, i)))));
    wanted = wanted.filter((p) => sets.every((s) => s.has(keys[p]!)));
  }
  const cols: Column[] = [];
  frames.forEach((f, fi) => {
    const where = new Map<unknown, number>();
    const lc = labelCols[fi]!;
    for (let i = 0; i < colLength(lc); i++) {
      const k = labelKey(cell(lc, i));
      if (where.has(k))
        throw new FrameError(
          `concat: the index of input ${fi} repeats the label ${JSON.stringify(k)}; side-by-side concat needs unique labels. Use resetIndex or merge.`,
        );
      where.set(k, i);
    }
    const idx = Int32Array.from(wanted, (p) => where.get(keys[p]) ?? -1);
    f.data.forEach((c) => cols.push(take(c, idx)));
  });
  const allLabels = concatColumns("concat", "index", labelCols);
  const firstRow = Int32Array.from(wanted, (p) => {
    let off = 0;
    for (const lc of labelCols) {
      for (let i = 0; i < colLength(lc); i++) if (labelKey(cell(lc, i)) === keys[p]) return off + i;
      off += colLength(lc);
    }
    return -1;
  });
  return frameClass().fromColumns(names, cols, labelIndex(take(allLabels, firstRow, true), first.index.name));
}

function sameLabels(a: Index, b: Index): boolean {
  if (a.kind === "range" && b.kind === "range") return a.start === b.start && a.n === b.n;
  const n = indexLength(a);
  if (n !== indexLength(b)) return false;
  const ca = indexColumn(a),
    cb = indexColumn(b);
  for (let i = 0; i < n; i++) if (labelKey(cell(ca, i)) !== labelKey(cell(cb, i))) return false;
  return true;
}
