// concat: stack frames by rows (columns matched by name, outer or inner) or place them side by
// side (rows matched by index label, outer or inner), as pd.concat. A MultiIndex on the rows
// stays one (its levels stacked, or its tuples matched side by side), and column levels stay
// levels (columns matched by their tuples), when every input has the same number of levels;
// keys add an outer level naming each input's rows or columns.

import { type Column, type Scalar, cell, columnFromValues, concatColumns, labelText, missingColumn, take } from "../column.js";
import { FrameError } from "../errors.js";
import {
  type ColumnIndex,
  type Index,
  indexColumn,
  indexDepth,
  indexLength,
  indexLevels,
  indexNames,
  indexTuple,
  labelIndex,
  labelKey,
  multiIndex,
  rangeIndex,
  tupleKey,
} from "../labels.js";
import { columnLevels, columnTuples, flatNames } from "../multiIndex.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { newFrame, newSeries, seriesClass } from "../frames.js";

/** Options of concat: axis (0 rows, 1 columns), join ("outer" or "inner"), ignoreIndex, as pd.concat's keyword arguments. */
export interface ConcatOptions {
  /** 0: stack rows (default); 1: side by side. */
  axis?: 0 | 1;
  /** Keep the union of the other axis' labels (outer, default) or only the shared ones (inner). */
  join?: "outer" | "inner";
  /** Number the stacked axis 0..n-1 instead of keeping the inputs' labels: the rows (axis 0) or the columns (axis 1), as pandas. */
  ignoreIndex?: boolean;
  /**
   * One label per input, as pd.concat's keys: the outer level of the result's rows (axis 0) or
   * columns (axis 1); Series side by side are named by them. Ignored under ignoreIndex, as pandas.
   */
  keys?: readonly Scalar[];
  /** Names of the result's levels from the outer (keys) one on, as pd.concat's names (at most one per level). */
  names?: readonly (string | null)[];
}

/**
 * Stack frames by rows or side by side, as pd.concat. Row MultiIndexes and column levels are
 * kept when every input has the same number of levels (columns and rows are then matched by
 * their tuples); inputs with different numbers of levels are refused, where pandas makes a flat
 * index of tuples (labels here are single values): droplevel or resetIndex them first, or
 * ignoreIndex when the stacked axis differs. Series stacked by rows give
 * a Series (named when every name agrees); side by side each Series is a column named after it
 * (unnamed ones 0, 1, ...). `keys` adds an outer level naming each input's rows (axis 0) or
 * columns (axis 1), as pandas.
 * @example
 * concat([mtcars.head(2), mtcars.tail(1)], { keys: ["first", "last"] }).index.kind // "multi"
 * @example
 * concat([iris.head(2), mtcars.head(2)], { join: "inner" }) // shape [4, 0]
 * @example
 * concat([warpbreaks.setIndex(["wool", "tension"]).head(2), warpbreaks.setIndex(["wool", "tension"]).tail(2)]).index.kind // "multi"
 * @example
 * concat([mtcars.col("mpg").head(2), mtcars.col("hp").tail(1)]).length // 3
 */
export function concat(items: readonly Series[], opts?: ConcatOptions & { axis?: 0 }): Series;
export function concat(items: readonly (DataFrame | Series)[], opts: ConcatOptions & { axis: 1 }): DataFrame;
export function concat(items: readonly DataFrame[], opts?: ConcatOptions): DataFrame;
export function concat(items: readonly (DataFrame | Series)[], opts?: ConcatOptions): DataFrame | Series;
export function concat(items: readonly (DataFrame | Series)[], opts: ConcatOptions = {}): DataFrame | Series {
  if (items.length === 0) throw new FrameError(`concat: no frames to concatenate. Pass a non-empty array.`);
  const S = seriesClass();
  const keys = checkKeys(items.length, opts);
  if (opts.axis !== 1 && items.every((x) => x instanceof S)) {
    const ss = items as readonly Series[];
    const name = ss.every((s) => s.name === ss[0]!.name) ? ss[0]!.name : null;
    const col = concatColumns(
      "concat",
      name,
      ss.map((s) => s.col),
    );
    return newSeries(
      col,
      name,
      stackIndex(
        ss.map((s) => s.index),
        opts,
        keys,
      ),
    );
  }
  // Series side by side under keys are named by them (pandas: the keys become the columns)
  const seriesByKey = keys !== null && items.every((x) => x instanceof S);
  let unnamed = 0;
  const frames = items.map((x, i) =>
    x instanceof S
      ? newFrame(
          [opts.ignoreIndex && opts.axis === 1 ? String(i) : seriesByKey ? labelText(keys[i]!) : (x.name ?? String(unnamed++))],
          [x.col],
          x.index,
        )
      : x,
  );
  const outer = seriesByKey ? null : keys;
  return opts.axis === 1 ? concatCols(frames, opts, outer) : concatRows(frames, opts, outer);
}

/** The keys when they apply (not under ignoreIndex, as pandas), checked: one per input; names only beside keys. */
function checkKeys(n: number, opts: ConcatOptions): readonly Scalar[] | null {
  if (opts.keys === undefined) {
    if (opts.names !== undefined)
      throw new FrameError(
        `concat: names ${JSON.stringify(opts.names)} given without keys; names label the levels keys builds. Pass keys too.`,
      );
    return null;
  }
  // pandas zips keys with the inputs, silently leaving out the inputs (or keys) beyond the shorter
  if (opts.keys.length !== n)
    throw new FrameError(
      `concat: ${opts.keys.length} keys for ${n} inputs; keys label the inputs one by one (pandas would drop the inputs without a key). Pass one key per input.`,
    );
  return opts.ignoreIndex ? null : opts.keys;
}

/**
 * Level names under keys: the given names (one, for the keys' level, or one per level), then
 * each inner level's name, as pd.concat: the first input's names when every input has the same
 * labels (and the keys repeat none), else a name only where every input agrees.
 */
function levelNames(
  inputs: readonly (readonly (string | null)[])[],
  sameLabels: boolean,
  keys: readonly Scalar[],
  names: readonly (string | null)[] = [],
): (string | null)[] {
  const depth = inputs[0]!.length;
  if (names.length > 1 && names.length !== depth + 1)
    throw new FrameError(
      `concat: ${names.length} names for ${depth + 1} levels (the keys, then the inputs' ${depth}) (pandas: Length of names must match number of levels in MultiIndex). Pass one name (the keys' level) or ${depth + 1}.`,
    );
  if (names.length === depth + 1) return names.slice();
  const first = inputs[0]!;
  const firstNames = sameLabels && new Set(keys.map((k) => labelKey(k))).size === keys.length;
  const inner = first.map((nm, l) => (firstNames || inputs.every((ns) => ns[l] === nm) ? nm : null));
  return [names[0] ?? null, ...inner];
}

/** The stacked rows under keys: an outer level holding each input's key, then the inputs' levels (a name kept where every input has it). */
function keyedIndex(ixs: Index[], keys: readonly Scalar[], names?: readonly (string | null)[]): Index {
  const inner = stackLevels(ixs);
  // the keys of the inputs with rows, converted once each, then repeated along their rows
  const filled = ixs.flatMap((ix, i) => (indexLength(ix) > 0 ? [i] : []));
  const at = new Int32Array(ixs.reduce((n, ix) => n + indexLength(ix), 0));
  let o = 0;
  filled.forEach((i, j) => at.fill(j, o, (o += indexLength(ixs[i]!))));
  const outer = take(
    columnFromValues(
      "concat",
      "keys",
      filled.map((i) => keys[i]!),
    ),
    at,
  );
  return multiIndex([outer, ...inner], levelNames(ixs.map(indexNames), sameLabels(ixs), keys, names));
}

/**
 * The number of levels of the row index or the columns of every input, or an error naming the
 * inputs whose counts differ. pandas 1.5 makes a flat index of tuple objects there (a flat label
 * beside tuples) in some cases and raises in others (with keys, or a MultiIndex first on axis 1);
 * a label here is one value, never a tuple, so the inputs must agree first.
 */
function sameDepth(what: "index" | "columns", depths: readonly number[], axis: 0 | 1): number {
  const d = depths[0]!;
  const k = depths.findIndex((x) => x !== d);
  if (k < 0) return d;
  const plural = (n: number) => `${n} ${what} level${n === 1 ? "" : "s"}`;
  const rule =
    what === "index"
      ? "concat keeps a row MultiIndex only when every input has the same number of levels"
      : "concat keeps column levels only when every input has the same number of levels";
  // ignoreIndex renumbers the axis being stacked (rows on axis 0, columns on axis 1), which drops its levels
  const renumbers = (what === "index" && axis === 0) || (what === "columns" && axis === 1);
  const fix =
    what === "index"
      ? `Drop the extra levels (droplevel) or resetIndex() the inputs (setIndex them to the same keys)${renumbers ? ", or pass ignoreIndex: true to number the rows 0..n-1" : ""}`
      : `Drop the extra column levels (droplevel(level, { axis: 1 }))${renumbers ? ", or pass ignoreIndex: true to number the columns 0..n-1" : ""}`;
  throw new FrameError(
    `concat: input 0 has ${plural(d)} but input ${k} has ${depths[k]} (levels per input: ${depths.join(", ")}); ${rule} (pandas 1.5 makes a flat index of tuples or raises, and a label here is one value, not a tuple). ${fix}.`,
  );
}

/** Each column's key (its tuple under column levels, else its name) and, under column levels, its labels. */
function columnKeys(f: DataFrame, multi: boolean): { keys: string[]; tuples: Scalar[][] | null } {
  if (!multi) return { keys: f.names.slice(), tuples: null };
  const tuples = columnTuples(f.columnIndex!);
  return { keys: tuples.map(tupleKey), tuples };
}

/** The column levels of the inputs when any has several, checked to agree in number; null when none has. */
function multiColumns(frames: readonly DataFrame[], axis: 0 | 1): ColumnIndex[] | null {
  if (!frames.some((f) => f.columnIndex?.kind === "multi")) return null;
  sameDepth(
    "columns",
    frames.map((f) => (f.columnIndex ? indexDepth(f.columnIndex) : 1)),
    axis,
  );
  return frames.map((f) => f.columnIndex!);
}

function concatRows(frames: DataFrame[], opts: ConcatOptions, outerKeys: readonly Scalar[] | null): DataFrame {
  const cis = multiColumns(frames, 0);
  const per = frames.map((f) => columnKeys(f, cis !== null));
  const where = per.map(({ keys }) => new Map(keys.map((k, j) => [k, j])));
  let keys: string[];
  if (opts.join === "inner") keys = per[0]!.keys.filter((k) => where.every((w) => w.has(k)));
  else keys = [...new Set(per.flatMap((p) => p.keys))];
  const label = new Map<string, { name: string; tuple: Scalar[] | null }>();
  per.forEach((p, fi) =>
    p.keys.forEach((k, j) => {
      if (!label.has(k)) label.set(k, { name: frames[fi]!.names[j]!, tuple: p.tuples?.[j] ?? null });
    }),
  );
  const cols = keys.map((k) => {
    const parts = frames.map((f, fi) => {
      const j = where[fi]!.get(k);
      return j === undefined ? null : f.data[j]!;
    });
    const like = parts.find((p): p is Column => p !== null)!;
    return concatColumns(
      "concat",
      label.get(k)!.name,
      parts.map((p, i) => p ?? missingColumn(like, frames[i]!.length)),
    );
  });
  const index = stackIndex(
    frames.map((f) => f.index),
    opts,
    outerKeys,
  );
  if (!cis) return newFrame(keys, cols, index);
  const levels = columnLevels(
    keys.map((k) => label.get(k)!.tuple!),
    indexNames(cis[0]!),
  );
  return newFrame(
    keys.map((k) => label.get(k)!.name),
    cols,
    index,
    levels,
  );
}

/** Each level of stacked rows: the inputs' level l one after another, their level counts checked to agree. */
function stackLevels(ixs: Index[]): Column[] {
  const depth = sameDepth("index", ixs.map(indexDepth), 0);
  const levels = ixs.map(indexLevels);
  return Array.from({ length: depth }, (_, l) =>
    concatColumns(
      "concat",
      `index level ${l}`,
      levels.map((ls) => ls[l]!),
    ),
  );
}

/** The index of stacked rows: the inputs' labels one after another (under keys: keyedIndex), or 0..n-1 under ignoreIndex. */
function stackIndex(ixs: Index[], opts: ConcatOptions, keys: readonly Scalar[] | null): Index {
  if (keys) return keyedIndex(ixs, keys, opts.names);
  if (opts.ignoreIndex) return rangeIndex(ixs.reduce((n, ix) => n + indexLength(ix), 0));
  let next = 0;
  if (
    ixs.every((ix) => {
      const ok = ix.kind === "range" && ix.start === next;
      next += indexLength(ix);
      return ok;
    })
  )
    return rangeIndex(next);
  if (ixs.some((ix) => ix.kind === "multi")) return multiIndex(stackLevels(ixs), indexNames(ixs[0]!));
  // pandas keeps the name when every input has it (a MultiIndex keeps the first input's names)
  const name = ixs.every((ix) => ix.name === ixs[0]!.name) ? ixs[0]!.name : null;
  return labelIndex(concatColumns("concat", "index", ixs.map(indexColumn)), name);
}

/** A lookup key per row: its label, or its tuple on a MultiIndex. */
function rowKeys(ix: Index): (string | number | boolean | null)[] {
  const n = indexLength(ix);
  if (ix.kind === "multi") return Array.from({ length: n }, (_, i) => tupleKey(indexTuple(ix, i)));
  const lc = indexColumn(ix);
  return Array.from({ length: n }, (_, i) => labelKey(cell(lc, i)));
}

function concatCols(frames: DataFrame[], opts: ConcatOptions, outerKeys: readonly Scalar[] | null): DataFrame {
  // ignoreIndex on axis 1 numbers the columns 0..n-1, as pandas (their levels go with their labels)
  let names = frames.flatMap((f) => f.names);
  if (opts.ignoreIndex) names = names.map((_, j) => String(j));
  const cis = opts.ignoreIndex ? null : multiColumns(frames, 1);
  let levels =
    cis &&
    columnLevels(
      cis.flatMap((ci) => columnTuples(ci)),
      indexNames(cis[0]!),
    );
  if (outerKeys) {
    // each input's columns under its key: (key, label) or (key, ...labels)
    const inner = frames.map((f, fi) => (cis ? columnTuples(cis[fi]!) : f.names.map((k) => [k] as Scalar[])));
    const innerKeys = inner.map((ts) => ts.map(tupleKey).join("\n"));
    levels = columnLevels(
      inner.flatMap((ts, fi) => ts.map((t) => [outerKeys[fi]!, ...t])),
      levelNames(
        frames.map((f, fi) => (cis ? indexNames(cis[fi]!) : [f.columnIndex?.name ?? null])),
        innerKeys.every((k) => k === innerKeys[0]),
        outerKeys,
        opts.names,
      ),
    );
    names = flatNames(levels);
  }
  const first = frames[0]!;
  const ixs = frames.map((f) => f.index);
  if (ixs.some((ix) => ix.kind === "multi")) sameDepth("index", ixs.map(indexDepth), 1);
  const rowKeyLists = ixs.map(rowKeys);
  if (sameLabels(ixs, rowKeyLists))
    return newFrame(
      names,
      frames.flatMap((f) => f.data),
      first.index,
      levels,
    );
  // align on labels (tuples on a MultiIndex): the union (outer) or intersection (inner) in order of appearance
  const keys: (string | number | boolean | null)[] = [];
  const pos = new Map<unknown, number>();
  const firstRowOf: number[] = [];
  let off = 0;
  rowKeyLists.forEach((ks) => {
    ks.forEach((k, i) => {
      if (!pos.has(k)) {
        pos.set(k, keys.length);
        keys.push(k);
        firstRowOf.push(off + i);
      }
    });
    off += ks.length;
  });
  let wanted = keys.map((_, p) => p);
  if (opts.join === "inner") {
    const sets = rowKeyLists.map((ks) => new Set(ks));
    wanted = wanted.filter((p) => sets.every((s) => s.has(keys[p]!)));
  }
  const cols: Column[] = [];
  frames.forEach((f, fi) => {
    const where = new Map<unknown, number>();
    rowKeyLists[fi]!.forEach((k, i) => {
      if (where.has(k))
        throw new FrameError(
          `concat: the index of input ${fi} repeats the label ${typeof k === "string" && f.index.kind === "multi" ? k : JSON.stringify(k)}; side-by-side concat needs unique labels. Use resetIndex or merge.`,
        );
      where.set(k, i);
    });
    const idx = Int32Array.from(wanted, (p) => where.get(keys[p]) ?? -1);
    f.data.forEach((c) => cols.push(take(c, idx)));
  });
  const firstRow = Int32Array.from(wanted, (p) => firstRowOf[p]!);
  const depth = indexDepth(first.index);
  const allLevels = ixs.map(indexLevels);
  const index = multiIndex(
    Array.from({ length: depth }, (_, l) =>
      take(
        concatColumns(
          "concat",
          depth === 1 ? "index" : `index level ${l}`,
          allLevels.map((ls) => ls[l]!),
        ),
        firstRow,
        true,
      ),
    ),
    indexNames(first.index),
  );
  return newFrame(names, cols, index, levels);
}

/** Whether every index has the first one's labels; their rowKeys (keyLists, else made here) only where both are not ranges. */
function sameLabels(ixs: readonly Index[], keyLists?: readonly (readonly unknown[])[]): boolean {
  const b = ixs[0]!;
  let kb: readonly unknown[] | undefined;
  return ixs.every((a, i) => {
    if (a.kind === "range" && b.kind === "range") return a.start === b.start && a.n === b.n;
    if (indexLength(a) !== indexLength(b)) return false;
    const ka = keyLists?.[i] ?? rowKeys(a);
    kb ??= keyLists?.[0] ?? rowKeys(b);
    return ka.every((k, j) => k === kb![j]);
  });
}
