// Reshaping: pivotTable (group by index keys x column labels, aggregate), pivot (no aggregation),
// melt (wide to long) and crosstab (counts). Row keys come back as leading columns and the
// spread labels as column names (String(label), or "value_label" for several value columns),
// unless asIndex asks for pandas' form (keys as the index, labels as column levels).

import {
  type Column,
  type Scalar,
  type StrColumn,
  cell,
  castColumn,
  concatColumns,
  encodeStrings,
  isStringLike,
  take,
  floatCol,
  naMask,
  usedDict,
} from "../column.js";
import { type AggSpec, aggregate } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { groupIds, sortedGroups } from "../keys.js";
import { indexLevels, multiIndex } from "../labels.js";
import { columnLevels, labelName } from "../multiIndex.js";
import { fillColumn } from "./missing.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { frameClass, newFrame, columnOf } from "../frames.js";

/** Options of pivotTable: values, index, columns, aggfunc, fillValue, margins..., pd.pivot_table's keyword arguments in camelCase (index keys come back as columns, or as the index under asIndex). */
export interface PivotTableOptions {
  values?: string | string[];
  index: string | string[];
  /** One or several column keys; several give labels joined by "_" ("A_L"), or column levels under asIndex. */
  columns?: string | string[];
  /**
   * pandas' result shape: the index keys as the row index (a MultiIndex for several) and the
   * column labels as column levels named after the column keys (with the value names as the
   * outer level when values is a list). Default false: keys as leading columns, flat names.
   */
  asIndex?: boolean;
  aggfunc?: AggSpec;
  fillValue?: Scalar;
  /**
   * Add an "All" row and column aggregated over all the rows (not over the cells). pandas puts
   * "All" beside the keys in one object index (ints and a string); a column here holds one type,
   * so the key columns become text, as pandas prints them: 4 -> "4", 1.5 -> "1.5", true ->
   * "True", a date -> "2020-01-01". A key already named like the margin is refused, as pandas.
   */
  margins?: boolean;
  marginsName?: string;
  /** Drop columns whose cells are all missing (pandas' default). */
  dropna?: boolean;
}

const asList = (x: string | string[]): string[] => (Array.isArray(x) ? x : [x]);

/**
 * pandas pivot_table.
 * @example
 * warpbreaks.pivotTable({ values: "breaks", index: "wool", columns: "tension", aggfunc: "mean" }) // shape [2, 4]
 */
export function pivotTable(df: DataFrame, opts: PivotTableOptions): DataFrame {
  const index = asList(opts.index);
  const aggfunc = opts.aggfunc ?? "mean";
  const colKeys = opts.columns === undefined ? [] : asList(opts.columns);
  const used = new Set([...index, ...colKeys]);
  // pandas' form sorts the value columns (pivot_table's sort=True)
  const given = opts.values ? asList(opts.values) : null;
  const values = given
    ? opts.asIndex
      ? [...given].sort()
      : given
    : df.names.filter(
        (k) =>
          !used.has(k) &&
          (!isStringLike(columnOf(df, "pivotTable", k)) ||
            typeof aggfunc !== "string" ||
            !["mean", "sum", "std", "var", "median", "prod"].includes(aggfunc)),
      );
  [...used, ...values].forEach((k) => df.colIndex("pivotTable", k));
  const rowCols = index.map((k) => columnOf(df, "pivotTable", k));
  // rows with a missing index or column key are left out, as pandas does
  const colCols = colKeys.map((k) => columnOf(df, "pivotTable", k));
  const keyCols = [...rowCols, ...colCols];
  const present = groupIds(keyCols, true).ids;
  const R = sortedGroups(rowCols, groupIds(rowCols, true), true);
  const C = colCols.length ? sortedGroups(colCols, groupIds(colCols, true), true) : null;
  const nR = R.groups.n,
    nC = C ? C.groups.n : 1;
  const cellIds = new Int32Array(df.length);
  for (let i = 0; i < cellIds.length; i++) {
    const r = R.groups.ids[i]!,
      c = C ? C.groups.ids[i]! : 0;
    cellIds[i] = present[i]! < 0 || r < 0 || c < 0 ? -1 : r * nC + c;
  }
  const cells = { ids: cellIds, n: nR * nC };
  const size = aggregate("pivotTable", "size", rowCols[0]!, null, cells) as { values: Float64Array };
  const colLabels = C ? Array.from({ length: nC }, (_, c) => C.keys.map((k) => labelName(k, c)).join("_")) : [];
  const marginName = opts.marginsName ?? "All";
  // column levels (asIndex): the value name when values is a list, then one label per column key
  const valueLevel = Array.isArray(opts.values) || (values.length > 1 && C !== null);
  // with margins the column keys become text beside "All", as the row keys do
  const colKeyLabels =
    C && opts.margins ? C.keys.map((k, j) => (isStringLike(k) ? k : castColumn("pivotTable", k, "string", colKeys[j]!))) : C?.keys;
  const tupleOf = (v: string, c: number): Scalar[] => [
    ...(valueLevel || !C ? [v] : []),
    ...(colKeyLabels ? (c < 0 ? colKeys.map((_, k) => (k === 0 ? marginName : "")) : colKeyLabels.map((k) => cell(k, c))) : []),
  ];
  const outs: { name: string; col: Column; v: string; c: number }[] = [];
  const pers = values.map((v) => aggregate("pivotTable", aggfunc, columnOf(df, "pivotTable", v), v, cells));
  // pandas (dropna=True) drops the (row, column) groups whose aggregates are all missing, so a
  // row key or a column label left with no value is not shown; dropna: false keeps every cell
  const dropna = opts.dropna !== false;
  const filling = opts.fillValue !== undefined && opts.fillValue !== null;
  const nas = pers.map(naMask);
  const cellOk = Uint8Array.from({ length: nR * nC }, (_, p) =>
    Number(size.values[p]! > 0 && (!dropna || nas.length === 0 || nas.some((m) => !m[p]))),
  );
  const rowsKept = Int32Array.from({ length: nR }, (_, r) => r).filter((r) => !dropna || cellOk.subarray(r * nC, (r + 1) * nC).includes(1));
  // int aggregates become float64 when the grid has an empty cell (pandas' unstack upcasts)
  const colSeen = Uint8Array.from({ length: nC }, (_, c) => Number(rowsKept.some((r) => cellOk[r * nC + c] === 1)));
  const gridHasHoles = C !== null && rowsKept.some((r) => colSeen.some((seen, c) => seen === 1 && cellOk[r * nC + c] === 0));
  // margins aggregate the rows with no missing key or value (pandas' dropna=True filters the data
  // first); a margin cell with no such row is missing
  const valueNas = values.map((v) => naMask(columnOf(df, "pivotTable", v)));
  const inMargins = (i: number) => present[i]! >= 0 && (!dropna || valueNas.every((m) => !m[i]));
  const margin = (vc: Column, v: string, ids: Int32Array, n: number): Column => {
    const got = aggregate("pivotTable", aggfunc, vc, v, { ids, n });
    const count = aggregate("pivotTable", "size", vc, null, { ids, n }) as { values: Float64Array };
    return count.values.every((x) => x > 0)
      ? got
      : take(
          got,
          Int32Array.from(count.values, (x, g) => (x > 0 ? g : -1)),
        );
  };
  values.forEach((v, j) => {
    const vc = columnOf(df, "pivotTable", v);
    const per = pers[j]!;
    for (let c = 0; c < nC; c++) {
      const idx = Int32Array.from(rowsKept, (r) => (cellOk[r * nC + c] ? r * nC + c : -1));
      // (dropna) a label no kept row has is not a column; an all-missing column is dropped unless
      // fillValue fills it (pandas drops all-missing columns after filling)
      if (dropna && (!colSeen[c] || (!filling && Array.from(idx).every((x) => x < 0 || nas[j]![x])))) continue;
      const col = take(per, idx);
      outs.push({
        name: C ? (values.length > 1 ? `${v}_${colLabels[c]}` : colLabels[c]!) : v,
        col: gridHasHoles && col.dtype === "int64" ? castColumn("pivotTable", col, "float64", v) : col,
        v,
        c,
      });
    }
    if (opts.margins && C) {
      // the All column: each row key's rows across every column label
      const rowIds = Int32Array.from(R.groups.ids, (r, i) => (inMargins(i) ? r : -1));
      outs.push({
        name: values.length > 1 ? `${v}_${marginName}` : marginName,
        col: take(margin(vc, v, rowIds, nR), rowsKept),
        v,
        c: -1,
      });
    }
  });
  let keyOut: Column[] = rowsKept.length === nR ? R.keys : R.keys.map((k) => take(k, rowsKept, true));
  if (opts.margins) {
    // the All row: each column label's rows across every row key (-1: all rows); the keys become
    // text so that "All" fits beside them (pandas: an object index mixing the keys and "All")
    const textKeys = keyOut.map((k, j) => (isStringLike(k) ? k : castColumn("pivotTable", k, "string", index[j]!)));
    textKeys.forEach((k, j) => {
      if (usedDict(k as StrColumn).includes(marginName))
        throw new FrameError(
          `pivotTable: the index column ${JSON.stringify(index[j])} holds the label ${JSON.stringify(marginName)}, which is also the margins' name (pandas: Conflicting name "${marginName}" in margins). Pass another marginsName.`,
        );
    });
    keyOut = textKeys.map((k, j) => concatColumns("pivotTable", index[j]!, [k, encodeStrings([j === 0 ? marginName : ""])]));
    const colIds = Int32Array.from(present, (_, i) => (!inMargins(i) ? -1 : C ? C.groups.ids[i]! : 0));
    const allIds = Int32Array.from(present, (_, i) => (inMargins(i) ? 0 : -1));
    for (const o of outs) {
      const vc = columnOf(df, "pivotTable", o.v);
      const extra = o.c >= 0 ? take(margin(vc, o.v, colIds, nC), Int32Array.of(o.c)) : margin(vc, o.v, allIds, 1);
      o.col = concatColumns("pivotTable", o.name, [o.col, extra]);
    }
  }
  const names = outs.map((o) => o.name);
  let outCols = outs.map((o) => o.col);
  if (opts.fillValue !== undefined && opts.fillValue !== null) {
    // pandas fills with downcast="infer": each float column whose values are all whole numbers
    // once filled becomes int64
    const fv = opts.fillValue;
    outCols = outCols.map((c, j) => {
      const filled = fillColumn("pivotTable", c, names[j]!, fv);
      return filled.dtype === "float64" && filled.values.every((x) => Number.isInteger(x))
        ? castColumn("pivotTable", filled, "int64", names[j]!)
        : filled;
    });
  }
  if (opts.asIndex) {
    const levels = C
      ? columnLevels(
          outs.map((o) => tupleOf(o.v, o.c)),
          [...(valueLevel ? [null] : []), ...colKeys],
        )
      : null;
    return newFrame(names, outCols, multiIndex(keyOut, index), levels);
  }
  return newFrame([...index, ...names], [...keyOut, ...outCols]);
}

/**
 * Options of pivot, as pd.DataFrame.pivot's keywords: index, columns, values (default: every other
 * column), and asIndex for pandas' shape (the index key as the index, the labels as columns named
 * after the column key, under the value names when values is not given), as pivotTable.
 */
export interface PivotOptions {
  index: string;
  columns: string;
  values?: string;
  asIndex?: boolean;
}

/** pandas pivot: reshape without aggregating; a repeated (index, column) pair is an error. */
export function pivot(df: DataFrame, opts: PivotOptions): DataFrame {
  const ic = columnOf(df, "pivot", opts.index),
    cc = columnOf(df, "pivot", opts.columns);
  const pairs = groupIds([ic, cc], false);
  if (pairs.n < df.length) {
    const seen = new Int32Array(pairs.n).fill(-1);
    for (let i = 0; i < df.length; i++) {
      const g = pairs.ids[i]!;
      if (seen[g]! >= 0)
        throw new FrameError(
          `pivot: index ${JSON.stringify(labelName(ic, i))} and column ${JSON.stringify(labelName(cc, i))} appear together in rows ${seen[g]} and ${i}; pivot needs unique pairs. Use pivotTable with an aggfunc.`,
        );
      seen[g] = i;
    }
  }
  const values = opts.values ?? df.names.filter((k) => k !== opts.index && k !== opts.columns);
  const out = pivotTable(df, { index: opts.index, columns: opts.columns, values, aggfunc: "first", dropna: false, asIndex: opts.asIndex });
  if (!opts.asIndex || !Array.isArray(values)) return out;
  // pivot keeps the value columns in the frame's order (pivotTable's pandas form sorts them)
  const outer = indexLevels(out.columnIndex!)[0]!;
  const order = out.names
    .map((_, j) => j)
    .sort((a, b) => values.indexOf(String(cell(outer, a))) - values.indexOf(String(cell(outer, b))) || a - b);
  return out.select(...order.map((j) => out.names[j]!));
}

/** Options of melt: idVars, valueVars, varName, valueName, as pd.melt's keyword arguments in camelCase. */
export interface MeltOptions {
  idVars?: string[];
  /** Columns to unpivot (default: all but idVars). */
  valueVars?: string[];
  varName?: string;
  valueName?: string;
}

/** pandas melt: one row per (row, value column) pair, value columns stacked in order. */
export function melt(df: DataFrame, opts: MeltOptions = {}): DataFrame {
  const ids = opts.idVars ?? [];
  ids.forEach((k) => df.colIndex("melt", k));
  const vars = opts.valueVars ?? df.names.filter((k) => !ids.includes(k));
  vars.forEach((k) => df.colIndex("melt", k));
  const n = df.length;
  const rep = new Int32Array(n * vars.length);
  for (let v = 0; v < vars.length; v++) for (let i = 0; i < n; i++) rep[v * n + i] = i;
  const idCols = ids.map((k) => take(columnOf(df, "melt", k), rep, true));
  const varCol = encodeStrings(Array.from(rep, (_, p) => vars[Math.floor(p / n)]!));
  const parts = vars.map((k) => columnOf(df, "melt", k));
  let valueCol: Column;
  try {
    valueCol = parts.length ? concatColumns("melt", opts.valueName ?? "value", parts) : floatCol(new Float64Array(0));
  } catch {
    valueCol = concatColumns(
      "melt",
      opts.valueName ?? "value",
      parts.map((c, j) => castColumn("melt", c, "string", vars[j]!)),
    );
  }
  return newFrame([...ids, opts.varName ?? "variable", opts.valueName ?? "value"], [...idCols, varCol, valueCol]);
}

/**
 * Options of crosstab, as pd.crosstab's keywords: values with aggfunc, margins, normalize, and
 * asIndex for pandas' shape (the row keys as the index, the column axis named), as pivotTable.
 */
export interface CrosstabOptions {
  values?: Series;
  aggfunc?: AggSpec;
  margins?: boolean;
  normalize?: boolean | "all" | "index" | "columns";
  asIndex?: boolean;
}

/**
 * pandas crosstab: counts (or aggfunc of values) of each (index, column) pair, 0 where a pair
 * never occurs; normalize divides by the total, each row's or each column's sum.
 */
export function crosstab(index: Series | Series[], columns: Series, opts: CrosstabOptions = {}): DataFrame {
  const idx = Array.isArray(index) ? index : [index];
  const names = idx.map((s, i) => s.name ?? `row_${i}`);
  const colName = columns.name ?? "col_0";
  const data: Record<string, Series> = {};
  idx.forEach((s, i) => {
    data[names[i]!] = s;
  });
  data[colName] = columns;
  if (opts.values) data.__values = opts.values;
  const n = columns.length;
  [...idx, ...(opts.values ? [opts.values] : [])].forEach((s) => {
    if (s.length !== n)
      throw new FrameError(`crosstab: ${JSON.stringify(s.name)} has ${s.length} rows but ${JSON.stringify(colName)} has ${n}.`);
  });
  const df = new (frameClass())(data);
  // without values: the size of each pair, 0 where a pair never occurs
  let out = pivotTable(opts.values ? df : df.assign({ __one: 1 }), {
    index: names,
    columns: colName,
    margins: opts.margins,
    asIndex: opts.asIndex,
    ...(opts.values ? { values: "__values", aggfunc: opts.aggfunc ?? "mean" } : { values: "__one", aggfunc: "size", fillValue: 0 }),
  });
  if (opts.normalize) {
    const keys = opts.asIndex ? 0 : names.length;
    const valueNames = out.names.slice(keys);
    const how = opts.normalize === true ? "all" : opts.normalize;
    const m = valueNames.map((k) => out.numbers("crosstab", k));
    const total = m.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);
    const normed = m.map((c) => {
      const colSum = c.reduce((a, b) => a + b, 0);
      return floatCol(c.map((x, r) => x / (how === "all" ? total : how === "columns" ? colSum : m.reduce((s, cc) => s + cc[r]!, 0))));
    });
    out = newFrame(out.names, [...out.data.slice(0, keys), ...normed], out.index, out.columnIndex);
  }
  return out;
}
