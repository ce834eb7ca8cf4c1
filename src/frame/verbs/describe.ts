// Summaries: describe (numeric and text), info (pandas' text, with our memory estimate), corr.

import { type Column, colLength, countNA, floatCol, isNumericDType, isStringLike, numericView, encodeStrings } from "../column.js";
import { presentQuantiles, presentValues } from "../aggregates.js";
import { FrameError } from "../errors.js";
import { type Index, indexLabel, labelIndex, indexLevels } from "../labels.js";
import type { DataFrame } from "../table.js";
import { selectColumnIndex } from "../multiIndex.js";
import { newFrame, newSeries, columnOf } from "../frames.js";

export interface DescribeOptions {
  /** "number" (default when there are numeric columns), "object" (text columns) or "all". */
  include?: "number" | "object" | "all";
  /** Quantiles to show (default [0.25, 0.5, 0.75]). */
  percentiles?: number[];
}

const pct = (q: number): string => `${Number((q * 100).toFixed(4))}%`;

/** pandas describe: count, mean, std, min, quantiles, max per numeric column; count, unique, top, freq for text. */
export function describe(df: DataFrame, opts: DescribeOptions = {}): DataFrame {
  // pandas always shows the median among the percentiles
  const qs = [...new Set([...(opts.percentiles ?? [0.25, 0.5, 0.75]), 0.5])].sort((a, b) => a - b);
  const isText = (c: Column) => isStringLike(c) || c.dtype === "bool";
  const numeric = df.names.filter((_, j) => !isText(df.data[j]!) && df.data[j]!.dtype !== "datetime");
  const text = df.names.filter((_, j) => isText(df.data[j]!));
  const include = opts.include ?? (numeric.length ? "number" : "object");
  const numStats = ["count", "mean", "std", "min", ...qs.map(pct), "max"];
  const txtStats = ["count", "unique", "top", "freq"];
  const names =
    include === "number" ? numeric : include === "object" ? text : df.names.filter((k) => numeric.includes(k) || text.includes(k));
  if (names.length === 0)
    throw new FrameError(
      `describe: the frame has no ${include === "object" ? "text" : "numeric"} columns to describe. Try include: "all".`,
    );
  const rows =
    include === "number"
      ? numStats
      : include === "object"
        ? txtStats
        : [...txtStats.slice(0, 1), ...txtStats.slice(1), ...numStats.slice(1)];
  const cols = names.map((k) => {
    const c = columnOf(df, "describe", k);
    const s = newSeries(c, k);
    const stats: Record<string, number | string | null> = {};
    if (numeric.includes(k)) {
      // one pass for the present values, their count and sum; the same sums, in the same order, as mean() and std()
      const p = presentValues(numericView("describe", c, k));
      const n = p.a.length;
      const mean = n > 0 ? p.sum / n : NaN;
      const ss = squaredDeviations(p.a, mean);
      const [lo, ...rest] = presentQuantiles(p, [0, ...qs, 1]);
      Object.assign(stats, { count: n, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, min: lo!, max: rest[rest.length - 1]! });
      qs.forEach((q, p) => {
        stats[pct(q)] = rest[p]!;
      });
    } else {
      const vc = s.valueCounts();
      Object.assign(stats, {
        count: s.count(),
        unique: s.nunique(),
        top: vc.length ? String(labelText(vc.index, 0)) : null,
        freq: vc.length ? (vc.iat(0) as number) : null,
      });
    }
    const vals = rows.map((r) => (r in stats ? stats[r]! : null));
    if (include === "number") return floatCol(Float64Array.from(vals as number[]));
    if (vals.every((v) => v === null || typeof v === "number"))
      return floatCol(Float64Array.from(vals, (v) => (v === null ? NaN : (v as number))));
    return encodeStrings(
      vals.map((v) =>
        v === null || (typeof v === "number" && Number.isNaN(v)) ? null : typeof v === "number" ? String(Number.isInteger(v) ? v : v) : v,
      ),
    );
  });
  // column levels (and a named column axis) stay, as pandas
  const levels = selectColumnIndex(
    df.columnIndex,
    names.map((k) => df.names.indexOf(k)),
  );
  return newFrame(names, cols, labelIndex(encodeStrings(rows)), levels);
}

function squaredDeviations(a: Float64Array, mean: number): number {
  let ss = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - mean;
    ss += d * d;
  }
  return ss;
}

function labelText(ix: Index, i: number): string {
  const v = indexLabel(ix, i);
  return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
}

/** The name pandas prints for a column's dtype. */
export function pandasDtype(c: Column): string {
  switch (c.dtype) {
    case "string":
      return "object";
    case "datetime":
      return "datetime64[ns]";
    case "int64":
      return c.valid ? "Int64" : "int64";
    case "bool":
      return c.valid ? "boolean" : "bool";
    default:
      return c.dtype;
  }
}

/** Bytes held by a column (the dictionary's strings counted at 2 bytes a character plus 16). */
export function columnBytes(c: Column): number {
  if (isStringLike(c)) return c.codes.byteLength + c.dict.reduce((s, x) => s + 16 + 2 * x.length, 0);
  return c.values.byteLength + ((c.dtype === "int64" || c.dtype === "bool") && c.valid ? c.valid.byteLength : 0);
}

function sizeFmt(num: number, plus: string): string {
  for (const unit of ["bytes", "KB", "MB", "GB", "TB"]) {
    if (num < 1024) return unit === "bytes" ? `${num}${plus} ${unit}` : `${num.toFixed(1)}${plus} ${unit}`;
    num /= 1024;
  }
  return `${num.toFixed(1)}${plus} PB`;
}

/** The text pandas' DataFrame.info() prints. The memory line counts tensorloom's own storage. */
export function info(df: DataFrame): string {
  const n = df.length;
  const ix = df.index;
  const lines = ["<class 'tensorloom.frame.DataFrame'>"];
  if (ix.kind === "range") lines.push(`RangeIndex: ${n} entries, ${ix.start} to ${ix.start + n - 1}`);
  else
    lines.push(
      `${ix.kind === "multi" ? "MultiIndex" : "Index"}: ${n} entries, ${n ? String(indexLabel(ix, 0)) : ""} to ${n ? String(indexLabel(ix, n - 1)) : ""}`,
    );
  if (df.names.length === 0) {
    lines.push("Empty DataFrame");
    return lines.join("\n");
  }
  lines.push(`Data columns (total ${df.names.length} columns):`);
  const dtypes = df.data.map(pandasDtype);
  const counts = df.data.map((c) => `${colLength(c) - countNA(c)} non-null`);
  // pandas' DataFrameTableBuilderVerbose: four columns joined by two spaces, each as wide as its header or body
  const nums = df.names.map((_, j) => ` ${j}`);
  const heads = [" # ", "Column", "Non-Null Count", "Dtype"];
  const body = [nums, df.names, counts, dtypes];
  const widths = heads.map((h, k) => Math.max(h.length, ...body[k]!.map((s) => s.length)));
  const row = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k]!)).join("  ");
  lines.push(row(heads));
  lines.push(row(heads.map((h) => "-".repeat(h.length))));
  df.names.forEach((_, j) => lines.push(row(body.map((col) => col[j]!))));
  const tally = new Map<string, number>();
  dtypes.forEach((d) => tally.set(d, (tally.get(d) ?? 0) + 1));
  lines.push(
    `dtypes: ${[...tally.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([d, c]) => `${d}(${c})`)
      .join(", ")}`,
  );
  const bytes = df.data.reduce(
    (s, c) => s + columnBytes(c),
    ix.kind === "range" ? 128 : indexLevels(ix).reduce((b, c) => b + columnBytes(c), 0),
  );
  lines.push(`memory usage: ${sizeFmt(bytes, df.data.some((c) => c.dtype === "string") ? "+" : "")}`);
  return lines.join("\n");
}

/** Pearson correlations between numeric columns over the rows where both are present. */
export function corr(df: DataFrame): DataFrame {
  const names = df.names.filter((_, j) => isNumericDType(df.data[j]!.dtype));
  const v = names.map((k) => df.numbers("corr", k));
  const cols = v.map((x) => floatCol(Float64Array.from(v, (y) => pearson(y, x))));
  return newFrame(names, cols, labelIndex(encodeStrings(names)));
}

/** Pearson correlation over the rows where both are present (NaN under two such rows), as pandas' corr. */
export function pearson(x: Float64Array, y: Float64Array): number {
  let n = 0,
    sx = 0,
    sy = 0;
  for (let i = 0; i < x.length; i++)
    if (x[i] === x[i] && y[i] === y[i]) {
      n++;
      sx += x[i]!;
      sy += y[i]!;
    }
  const mx = sx / n,
    my = sy / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    const dx = x[i]! - mx,
      dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return n < 2 ? NaN : sxy / Math.sqrt(sxx * syy);
}
