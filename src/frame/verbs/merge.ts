// merge and join: hash joins on key columns (or the index). Keys of both sides are encoded
// together (keys.ts), so strings, numbers and dates match by value and NaN matches NaN, as pandas.
// Row order follows pandas 1.5: left keeps the left rows' order and right the right rows';
// inner and outer group the rows by key, keys in order of first appearance on the left (each
// left row of a key, in row order, paired with that key's right rows in row order), outer then
// adds the right rows whose key is not on the left, in right row order; cross is left-major.
// sort: true sorts the result by the keys. (Joins on the index: outer sorts by label.)

import { type Column, type FrameDType, colLength, concatColumns, take, strCol, quote } from "../column.js";
import { FrameError } from "../errors.js";
import { groupIds } from "../keys.js";
import { indexColumn, labelIndex } from "../labels.js";
import { argsort } from "../sort.js";
import type { DataFrame } from "../table.js";
import { frameClass } from "../frames.js";

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
}

const list = (x: string | string[] | undefined): string[] | undefined => (x === undefined ? undefined : Array.isArray(x) ? x : [x]);

const family = (d: FrameDType): string => (d === "string" || d === "category" ? "text" : d === "datetime" ? "datetime" : "number");

/** Row pairs (left row, right row; -1 for none) of a join of two key sets. */
export function joinPairs(
  op: string,
  lk: readonly Column[],
  rk: readonly Column[],
  lNames: readonly string[],
  rNames: readonly string[],
  how: Exclude<How, "cross">,
  validate?: Validate,
): { li: Int32Array; ri: Int32Array; keyOrder?: Int32Array } {
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
  if (how === "right") {
    const L = csr(lid);
    for (let r = 0; r < nr; r++) {
      const g = rid[r]!;
      const a = L.start[g]!,
        b = L.start[g + 1]!;
      if (a === b) {
        li.push(-1);
        ri.push(r);
      }
      for (let p = a; p < b; p++) {
        li.push(L.rows[p]!);
        ri.push(r);
      }
    }
  } else if (how === "left") {
    const R = csr(rid);
    for (let l = 0; l < nl; l++) {
      const g = lid[l]!;
      const a = R.start[g]!,
        b = R.start[g + 1]!;
      if (a === b) {
        li.push(l);
        ri.push(-1);
      }
      for (let p = a; p < b; p++) {
        li.push(l);
        ri.push(R.rows[p]!);
      }
    }
  } else {
    // inner and outer: key groups in order of first appearance on the left (the joint ids are
    // numbered that way), left rows x right rows within a group; outer adds the right-only rows
    const L = csr(lid),
      R = csr(rid);
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
  return { li: Int32Array.from(li), ri: Int32Array.from(ri) };
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
  let li: Int32Array, ri: Int32Array;
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
    const lk = lOn.map((k) => left.data[left.colIndex("merge (left)", k)]!);
    const rk = rOn.map((k) => right.data[right.colIndex("merge (right)", k)]!);
    ({ li, ri } = joinPairs("merge", lk, rk, lOn, rOn, how, opts.validate));
  }
  const sharedKeys = new Set(lOn.filter((k, j) => rOn[j] === k));
  const rightKeep = right.names.filter((k) => !sharedKeys.has(k));
  const overlap = new Set(left.names.filter((k) => rightKeep.includes(k)));
  const names: string[] = [];
  const cols: Column[] = [];
  left.names.forEach((k, j) => {
    let c = take(left.data[j]!, li);
    if (sharedKeys.has(k) && (how === "right" || how === "outer")) {
      // a shared key takes the right value where the left row is missing (and stays int64)
      const both = concatColumns("merge", k, [left.data[j]!, right.data[right.colIndex("merge", k)]!]);
      c = take(
        both,
        Int32Array.from(li, (l, p) => (l < 0 ? left.length + ri[p]! : l)),
      );
    }
    names.push(overlap.has(k) ? k + sx : k);
    cols.push(c);
  });
  rightKeep.forEach((k) => {
    names.push(overlap.has(k) ? k + sy : k);
    cols.push(take(right.data[right.colIndex("merge", k)]!, ri));
  });
  if (opts.indicator) {
    const codes = Int32Array.from(li, (l, p) => (l < 0 ? 1 : ri[p]! < 0 ? 0 : 2));
    names.push(typeof opts.indicator === "string" ? opts.indicator : "_merge");
    cols.push(strCol(codes, ["left_only", "right_only", "both"], "category"));
  }
  let out = frameClass().fromColumns(names, cols);
  if (opts.sort && lOn.length) {
    const keyNames = lOn.map((k) => (overlap.has(k) ? k + sx : k));
    out = out.take(
      argsort(
        keyNames.map((k) => out.data[out.colIndex("merge", k)]!),
        keyNames.map(() => true),
        "last",
      ),
    );
    out = frameClass().fromColumns(out.names, out.data);
  }
  return out;
}

/** Options of DataFrame.join: on, how, lsuffix, rsuffix, validate, as pd.DataFrame.join's keyword arguments. */
export interface JoinOptions {
  /** Column(s) of the calling frame to match against `other`'s index (default: its index). */
  on?: string;
  how?: Exclude<How, "cross">;
  lsuffix?: string;
  rsuffix?: string;
  validate?: Validate;
}

/** pandas DataFrame.join: on the index of `other`; the result keeps the calling frame's labels. */
export function join(left: DataFrame, other: DataFrame, opts: JoinOptions = {}): DataFrame {
  const how = opts.how ?? "left";
  const lk = opts.on ? left.data[left.colIndex("join", opts.on)]! : indexColumn(left.index);
  const rk = indexColumn(other.index);
  const overlap = left.names.filter((k) => other.names.includes(k));
  if (overlap.length && !opts.lsuffix && !opts.rsuffix)
    throw new FrameError(`join: columns overlap but no suffix was given: ${overlap.join(", ")}. Pass lsuffix and/or rsuffix.`);
  const { li, ri } = joinPairs(
    "join",
    [lk],
    [rk],
    [opts.on ?? left.index.name ?? "index"],
    [other.index.name ?? "index"],
    how,
    opts.validate,
  );
  const names = [
    ...left.names.map((k) => (overlap.includes(k) ? k + (opts.lsuffix ?? "") : k)),
    ...other.names.map((k) => (overlap.includes(k) ? k + (opts.rsuffix ?? "") : k)),
  ];
  const cols = [...left.data.map((c) => take(c, li)), ...other.data.map((c) => take(c, ri))];
  let index: Column;
  if (opts.on) index = take(indexColumn(left.index), li, true);
  else {
    const both = concatColumns("join", "index", [lk, rk]);
    index = take(
      both,
      Int32Array.from(li, (l, p) => (l < 0 ? left.length + ri[p]! : l)),
      true,
    );
  }
  const out = frameClass().fromColumns(names, cols, labelIndex(index, left.index.name));
  // pandas sorts the labels of an outer index join
  return how === "outer" && !opts.on ? out.take(argsort([index], [true], "last")) : out;
}
