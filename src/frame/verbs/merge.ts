// merge and join: hash joins on key columns (or the index). Keys of both sides are encoded
// together (keys.ts), so strings, numbers and dates match by value and NaN matches NaN, as pandas.
// Row order follows pandas 1.5: left keeps the left rows' order and right the right rows';
// inner and outer group the rows by key, keys in order of first appearance on the left (each
// left row of a key, in row order, paired with that key's right rows in row order), outer then
// adds the right rows whose key is not on the left, in right row order; cross is left-major.
// sort: true sorts the result by the keys. (Joins on the index: outer sorts by label.)

import { type Column, type FrameDType, colLength, concatColumns, take, strCol, quote, naMask, intCol, placeRows } from "../column.js";
import { FrameError } from "../errors.js";
import { groupIds } from "../keys.js";
import { type Index, indexColumn, indexLength, indexLevels, indexNames, multiIndex, takeIndex } from "../labels.js";
import { argsort } from "../sort.js";
import type { DataFrame } from "../table.js";
import { columnOf, newFrame } from "../frames.js";

/** The join type of merge and join: "inner", "left", "right", "outer" or "cross", as pandas' how=. */
export type How = "inner" | "left" | "right" | "outer" | "cross";
export type Validate = "one_to_one" | "1:1" | "one_to_many" | "1:m" | "many_to_one" | "m:1" | "many_to_many" | "m:m";

/** Options of merge: how, on, leftOn/rightOn, suffixes, indicator, validate..., pd.merge's keyword arguments in camelCase. */
export interface MergeOptions {
  how?: How;
  /** Key columns present in both frames (default: the columns they share). */
  on?: string | string[];
  leftOn?: string | string[];
  rightOn?: string | string[];
  /** Added to overlapping non-key column names (default ["_x", "_y"]). */
  suffixes?: [string, string];
  /** Check that keys are unique on the side(s) named, and throw otherwise. */
  validate?: Validate;
  /** Add a "_merge" category column: left_only, right_only or both (or give the column's name). */
  indicator?: boolean | string;
  /** Sort the result by the keys. */
  sort?: boolean;
  /** Join on the left's index (with rightIndex: index on index, as join; a MultiIndex joins by level names). */
  leftIndex?: boolean;
  /** Join on the right's index: with leftIndex, index on index; with leftOn, those columns on its levels (as join's `on`). */
  rightIndex?: boolean;
}

const list = (x: string | string[] | undefined): string[] | undefined => (x === undefined ? undefined : Array.isArray(x) ? x : [x]);

const family = (d: FrameDType): string => (d === "string" || d === "category" ? "text" : d === "datetime" ? "datetime" : "number");

/**
 * Row pairs (left row, right row; -1 for none) of a join of two key sets. With lpos, each left
 * row is in li at most once, at lpos[row] (-1 where it is not).
 */
export function joinPairs(
  op: string,
  lk: readonly Column[],
  rk: readonly Column[],
  lNames: readonly string[],
  rNames: readonly string[],
  how: Exclude<How, "cross">,
  validate?: Validate,
): { li: Int32Array; ri: Int32Array; ids: Int32Array; lpos?: Int32Array } {
  lk.forEach((c, j) => {
    const r = rk[j]!;
    if (family(c.dtype) !== family(r.dtype)) {
      throw new FrameError(
        `${op}: key ${quote(lNames[j]!)} is ${c.dtype} on the left but ${quote(rNames[j]!)} is ${r.dtype} on the right; keys of different types never match. Convert one side with astype first (e.g. astype({ ${rNames[j]}: "${c.dtype}" })).`,
      );
    }
  });
  const nl = lk.length ? colLength(lk[0]!) : 0;
  const joint = groupIds(
    lk.map((c, j) => concatColumns(op, lNames[j]!, [c, rk[j]!])),
    false,
  );
  const lid = joint.ids.subarray(0, nl),
    rid = joint.ids.subarray(nl);
  const nr = rid.length;
  if (validate) checkValidate(op, validate, lid, rid, joint.n);
  const csr = (ids: Int32Array) => {
    const start = new Int32Array(joint.n + 1);
    for (const g of ids) start[g + 1]!++;
    for (let g = 0; g < joint.n; g++) start[g + 1]! += start[g]!;
    const rows = new Int32Array(ids.length);
    const fill = start.slice(0, joint.n);
    ids.forEach((g, i) => {
      rows[fill[g]!++] = i;
    });
    return { start, rows };
  };
  const li: number[] = [],
    ri: number[] = [];
  if (how === "left" || how === "right") {
    // every row of the kept side in order, each beside its matches on the other side (or -1)
    const [keep, other, kept, matched] = how === "left" ? [lid, rid, li, ri] : [rid, lid, ri, li];
    const M = csr(other);
    for (let k = 0; k < keep.length; k++) {
      const g = keep[k]!;
      const a = M.start[g]!,
        b = M.start[g + 1]!;
      if (a === b) {
        kept.push(k);
        matched.push(-1);
      }
      for (let p = a; p < b; p++) {
        kept.push(k);
        matched.push(M.rows[p]!);
      }
    }
  } else {
    // inner and outer: key groups in order of first appearance on the left (the joint ids are
    // numbered that way), left rows x right rows within a group; outer adds the right-only rows
    const R = csr(rid);
    if (how === "inner" && unique(rid)) {
      // each left row at most once: its place in the result, found in row order (see placeRows);
      // at[g]: where key g's rows start, from the left rows per key that the right has
      const at = new Int32Array(joint.n + 1);
      for (let i = 0; i < nl; i++) at[lid[i]! + 1]!++;
      for (let g = 0; g < joint.n; g++) at[g + 1] = at[g]! + (R.start[g + 1]! > R.start[g]! ? at[g + 1]! : 0);
      const lpos = new Int32Array(nl).fill(-1),
        li = new Int32Array(at[joint.n]!),
        ri = new Int32Array(at[joint.n]!);
      for (let i = 0; i < nl; i++) {
        const g = lid[i]!,
          r = R.start[g]!;
        if (R.start[g + 1]! > r) {
          const p = at[g]!++;
          lpos[i] = p;
          li[p] = i;
          ri[p] = R.rows[r]!;
        }
      }
      return { li, ri, ids: joint.ids, lpos };
    }
    const L = csr(lid);
    for (let g = 0; g < joint.n; g++) {
      const la = L.start[g]!,
        lb = L.start[g + 1]!,
        ra = R.start[g]!,
        rb = R.start[g + 1]!;
      for (let p = la; p < lb; p++) {
        if (ra === rb && how === "outer") {
          li.push(L.rows[p]!);
          ri.push(-1);
        }
        for (let q = ra; q < rb; q++) {
          li.push(L.rows[p]!);
          ri.push(R.rows[q]!);
        }
      }
    }
    if (how === "outer")
      for (let r = 0; r < nr; r++)
        if (L.start[rid[r]! + 1] === L.start[rid[r]!]) {
          li.push(-1);
          ri.push(r);
        }
  }
  return { li: Int32Array.from(li), ri: Int32Array.from(ri), ids: joint.ids };
}

function checkValidate(op: string, v: Validate, lid: Int32Array, rid: Int32Array, n: number): void {
  const leftUnique = v === "one_to_one" || v === "1:1" || v === "one_to_many" || v === "1:m";
  const rightUnique = v === "one_to_one" || v === "1:1" || v === "many_to_one" || v === "m:1";
  const check = (ids: Int32Array, side: string) => {
    const seen = new Int32Array(n).fill(-1);
    for (let i = 0; i < ids.length; i++) {
      const g = ids[i]!;
      if (seen[g]! >= 0)
        throw new FrameError(
          `${op}: validate "${v}" failed: the ${side} keys are not unique (${side} rows ${seen[g]} and ${i} have the same key). Deduplicate the ${side} frame or use validate "${side === "left" ? "many_to_one" : "one_to_many"}".`,
        );
      seen[g] = i;
    }
  };
  if (leftUnique) check(lid, "left");
  if (rightUnique) check(rid, "right");
}

/**
 * pandas merge. Result columns: the left frame's, then the right's without its `on` keys;
 * overlapping names get the suffixes. The result has a RangeIndex.
 * @example
 * merge(mtcars, cylinders, { on: "cyl", how: "left", validate: "many_to_one" }) // shape [32, 13]
 */
export function merge(left: DataFrame, right: DataFrame, opts: MergeOptions = {}): DataFrame {
  const how = opts.how ?? "inner";
  if (!["inner", "left", "right", "outer", "cross"].includes(how))
    throw new FrameError(`merge: unknown how ${JSON.stringify(how)}. Use inner, left, right, outer or cross.`);
  const [sx, sy] = opts.suffixes ?? ["_x", "_y"];
  if (opts.leftIndex || opts.rightIndex) {
    if (!opts.rightIndex || how === "cross" || (!opts.leftIndex && !opts.leftOn) || opts.on || opts.rightOn)
      throw new FrameError(
        `merge: rightIndex pairs with leftIndex or leftOn; got leftIndex ${!!opts.leftIndex}, rightIndex ${!!opts.rightIndex}, how ${how}. Swap the frames for leftIndex with rightOn.`,
      );
    const out = join(left, right, { how, on: opts.leftIndex ? undefined : opts.leftOn, lsuffix: sx, rsuffix: sy, validate: opts.validate });
    return opts.sort ? out.sortIndex() : out;
  }
  let li: Int32Array, ri: Int32Array;
  let lpos: Int32Array | undefined;
  let lOn: string[] = [],
    rOn: string[] = [];
  if (how === "cross") {
    if (opts.on || opts.leftOn || opts.rightOn)
      throw new FrameError(`merge: how "cross" takes no keys (on/leftOn/rightOn); every left row pairs with every right row.`);
    const nl = left.length,
      nr = right.length;
    li = new Int32Array(nl * nr);
    ri = new Int32Array(nl * nr);
    for (let i = 0; i < nl; i++)
      for (let j = 0; j < nr; j++) {
        li[i * nr + j] = i;
        ri[i * nr + j] = j;
      }
  } else {
    const on = list(opts.on);
    if (on) {
      lOn = on;
      rOn = on;
    } else if (opts.leftOn || opts.rightOn) {
      lOn = list(opts.leftOn) ?? [];
      rOn = list(opts.rightOn) ?? [];
      if (lOn.length !== rOn.length || lOn.length === 0)
        throw new FrameError(`merge: leftOn has ${lOn.length} columns and rightOn ${rOn.length}; give both, with the same number of keys.`);
    } else {
      lOn = rOn = left.names.filter((k) => right.names.includes(k));
      if (lOn.length === 0)
        throw new FrameError(
          `merge: the frames share no column to join on (left: ${left.names.join(", ")}; right: ${right.names.join(", ")}). Pass on, or leftOn and rightOn.`,
        );
    }
    const lk = lOn.map((k) => columnOf(left, "merge (left)", k));
    const rk = rOn.map((k) => columnOf(right, "merge (right)", k));
    ({ li, ri, lpos } = joinPairs("merge", lk, rk, lOn, rOn, how, opts.validate));
  }
  const sharedKeys = new Set(lOn.filter((k, j) => rOn[j] === k));
  const rightKeep = right.names.filter((k) => !sharedKeys.has(k));
  const overlap = new Set(left.names.filter((k) => rightKeep.includes(k)));
  const names: string[] = [];
  const cols: Column[] = [];
  const at = how === "right" || how === "outer" ? eitherRow(li, ri, left.length) : null;
  left.names.forEach((k, j) => {
    names.push(overlap.has(k) ? k + sx : k);
    cols.push(
      at && sharedKeys.has(k)
        ? keyColumn("merge", k, left.data[j]!, columnOf(right, "merge", k), at)
        : lpos
          ? placeRows(left.data[j]!, lpos, li.length)
          : take(left.data[j]!, li),
    );
  });
  rightKeep.forEach((k) => {
    names.push(overlap.has(k) ? k + sy : k);
    cols.push(take(columnOf(right, "merge", k), ri));
  });
  if (opts.indicator) {
    const codes = Int32Array.from(li, (l, p) => (l < 0 ? 1 : ri[p]! < 0 ? 0 : 2));
    names.push(typeof opts.indicator === "string" ? opts.indicator : "_merge");
    cols.push(strCol(codes, ["left_only", "right_only", "both"], "category"));
  }
  let out = newFrame(names, cols);
  if (opts.sort && lOn.length) {
    const keyNames = lOn.map((k) => (overlap.has(k) ? k + sx : k));
    out = out.take(
      argsort(
        keyNames.map((k) => columnOf(out, "merge", k)),
        keyNames.map(() => true),
        "last",
      ),
    );
    out = newFrame(out.names, out.data);
  }
  return out;
}

/** Options of DataFrame.join: on, how, lsuffix, rsuffix, validate, as pd.DataFrame.join's keyword arguments. */
export interface JoinOptions {
  /** Column(s) of the calling frame to match against `other`'s index, one per level (default: its index). */
  on?: string | string[];
  how?: Exclude<How, "cross">;
  lsuffix?: string;
  rsuffix?: string;
  validate?: Validate;
}

/**
 * pandas DataFrame.join: on the index of `other`. Index on index follows pandas 1.5's Index.join:
 * two MultiIndexes join on the level names they share (all of them, in any order; the result has
 * the shared levels, then the left's others, then the right's), a MultiIndex and a flat index on
 * the level named like the flat index (the MultiIndex keeps its rows and their order).
 * @example
 * mtcars.groupby(["cyl", "gear"], { asIndex: true }).mean().select("mpg").join(mtcars.groupby(["gear", "cyl"], { asIndex: true }).max().select("hp")).shape // [8, 2]
 */
export function join(left: DataFrame, other: DataFrame, opts: JoinOptions = {}): DataFrame {
  const how = opts.how ?? "left";
  const overlap = left.names.filter((k) => other.names.includes(k));
  if (overlap.length && !opts.lsuffix && !opts.rsuffix)
    throw new FrameError(`join: columns overlap but no suffix was given: ${overlap.join(", ")}. Pass lsuffix and/or rsuffix.`);
  const on = list(opts.on);
  const rk = on ? indexLevels(other.index) : [];
  let li: Int32Array, ri: Int32Array, index: Index;
  if (on) {
    if (on.length !== rk.length)
      throw new FrameError(
        `join: on names ${on.length} column(s) but the other's index has ${rk.length} level(s). Pass one column per level.`,
      );
    ({ li, ri } = joinPairs(
      "join",
      on.map((k) => columnOf(left, "join", k)),
      rk,
      on,
      indexNames(other.index).map((n) => n ?? "index"),
      how,
      opts.validate,
    ));
    index = takeIndex(left.index, li);
  } else ({ li, ri, index } = joinIndexes(left.index, other.index, how, opts.validate));
  const names = [
    ...left.names.map((k) => (overlap.includes(k) ? k + (opts.lsuffix ?? "") : k)),
    ...other.names.map((k) => (overlap.includes(k) ? k + (opts.rsuffix ?? "") : k)),
  ];
  const cols = [...left.data.map((c) => take(c, li)), ...other.data.map((c) => take(c, ri))];
  // a row from the other frame only takes its index labels into the `on` columns, as pandas
  if (on && (how === "right" || how === "outer")) {
    const at = eitherRow(li, ri, left.length);
    on.forEach((k, j) => {
      const c = left.colIndex("join", k);
      cols[c] = keyColumn("join", k, left.data[c]!, rk[j]!, at);
    });
  }
  return newFrame(names, cols, index);
}

/** Each joined row's place among the left rows then the right ones: its left row, else its right row. */
const eitherRow = (li: Int32Array, ri: Int32Array, nl: number): Int32Array => Int32Array.from(li, (l, p) => (l < 0 ? nl + ri[p]! : l));
/** A key of the joined rows: the left's, the right's where a row has no left (an int64 key stays int64). */
const keyColumn = (op: string, name: string, l: Column, r: Column, at: Int32Array): Column => take(concatColumns(op, name, [l, r]), at);

const flip = (how: Exclude<How, "cross">) => (how === "left" ? "right" : how === "right" ? "left" : how);
const unique = (ids: Int32Array) => new Set(ids).size === ids.length;

/** Row pairs and the result's index of an index-on-index join, in pandas 1.5's row order. */
function joinIndexes(
  L: Index,
  R: Index,
  how: Exclude<How, "cross">,
  validate?: Validate,
): { li: Int32Array; ri: Int32Array; index: Index } {
  const ln = indexNames(L),
    rn = indexNames(R);
  const lv = indexLevels(L),
    rv = indexLevels(R);
  const nl = indexLength(L);
  const noMatch = () =>
    new FrameError(
      `join: index levels (${ln}) and (${rn}) share no name; pandas joins on named levels both have. Rename with renameAxis, or resetIndex and merge.`,
    );
  if ((L.kind === "multi") !== (R.kind === "multi")) {
    // the flat index joins the MultiIndex's level of the same name; the MultiIndex keeps its rows in order
    const [M, F, mHow] = L.kind === "multi" ? [L, R, how] : [R, L, flip(how)];
    const mn = indexNames(M);
    const lvl = F.name === null ? -1 : mn.indexOf(F.name);
    if (lvl < 0) throw noMatch();
    const p = joinPairs("join", [indexLevels(M)[lvl]!], [indexColumn(F)], [F.name!], [F.name!], "left", validate);
    if (!unique(p.ids.subarray(indexLength(M))))
      throw new FrameError(
        `join: index ${F.name} repeats a label; a MultiIndex level joins unique labels only. Deduplicate it, or resetIndex and merge.`,
      );
    // inner and right drop the MultiIndex rows the flat index lacks
    const drop = mHow === "inner" || mHow === "right";
    const mi = drop ? p.li.filter((_, i) => p.ri[i]! >= 0) : p.li,
      fi = drop ? p.ri.filter((r) => r >= 0) : p.ri;
    return { li: L === M ? mi : fi, ri: L === M ? fi : mi, index: takeIndex(M, mi) };
  }
  // both flat, or both MultiIndexes: join on the shared level names (all levels when the names agree)
  let lc = lv.map((_, j) => j),
    rc = lc;
  if (L.kind === "multi" && ln.join("\0") !== rn.join("\0")) {
    lc = lc.filter((j) => rn.includes(ln[j]!));
    rc = lc.map((j) => rn.indexOf(ln[j]!));
    if (!lc.length || ln.includes(null) || rn.includes(null)) throw noMatch();
  }
  const ld = lv.map((_, j) => j).filter((j) => !lc.includes(j)),
    rd = rv.map((_, j) => j).filter((j) => !rc.includes(j));
  let { li, ri, ids } = joinPairs(
    "join",
    lc.map((j) => lv[j]!),
    rc.map((j) => rv[j]!),
    lc.map((j) => ln[j] ?? "index"),
    rc.map((j) => rn[j] ?? "index"),
    how,
    validate,
  );
  const either = eitherRow(li, ri, nl);
  let levels = [
    ...lc.map((j, c) => keyColumn("join", ln[j] ?? "index", lv[j]!, rv[rc[c]!]!, either)),
    ...ld.map((j) => take(lv[j]!, li)),
    ...rd.map((j) => take(rv[j]!, ri)),
  ];
  // pandas sorts by the keys when a side repeats a key, and an outer join of indexes that differ;
  // its sort of MultiIndex entries with a missing label fails and groups keys by first appearance
  const lid = ids.subarray(0, nl),
    rid = ids.subarray(nl);
  const lu = unique(lid),
    ru = unique(rid);
  const equal = lu && ru && lid.length === rid.length && lid.every((g, i) => g === rid[i]);
  let keys = levels.slice(0, lc.length);
  if (nl && rid.length && (!lu || !ru || (how === "outer" && !equal))) {
    if (L.kind === "multi" && keys.some((c) => naMask(c).includes(1)))
      keys = [intCol(Float64Array.from(li, (l, p) => (l < 0 ? rid[ri[p]!]! : lid[l]!)))];
    const perm = argsort(
      keys,
      keys.map(() => true),
      "last",
    );
    const pl = li,
      pr = ri;
    li = perm.map((p) => pl[p]!);
    ri = perm.map((p) => pr[p]!);
    levels = levels.map((c) => take(c, perm));
  }
  return { li, ri, index: multiIndex(levels, [...lc.map((j) => ln[j]!), ...ld.map((j) => ln[j]!), ...rd.map((j) => rn[j]!)]) };
}
