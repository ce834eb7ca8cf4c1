// toMarkdown: a GitHub pipe table laid out as pandas' to_markdown does it (through tabulate):
// numbers right-aligned on the decimal point and written with "%g", text left-aligned, each
// column at least two wider than its header. Labels with several levels are written as Python
// tuples, as tabulate writes pandas' MultiIndex entries: ('A', 'H'), (4, 0).

import { type Column, cell, colLength, formatDate, isStringLike, take, range } from "../column.js";
import { type Index, indexColumn, indexLength, indexLevels } from "../labels.js";
import { labelName } from "../multiIndex.js";
import type { DataFrame } from "../table.js";

/** Python's format(v, "g"). */
export function pyG(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential(5).split("e") as [string, string];
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const d = e.replace(/^[+-]/, "");
    return `${mant}e${e[0] === "-" ? "-" : "+"}${d.length < 2 ? "0" + d : d}`;
  }
  const s = v.toFixed(Math.max(0, 5 - exp));
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

function cells(c: Column): { strs: string[]; numeric: boolean } {
  const n = colLength(c);
  if (c.dtype === "float64" || c.dtype === "int64") {
    return {
      strs: Array.from({ length: n }, (_, i) => {
        const v = cell(c, i);
        return v === null ? "nan" : c.dtype === "int64" ? String(v) : pyG(v as number);
      }),
      numeric: true,
    };
  }
  const strs = Array.from({ length: n }, (_, i) => {
    const v = cell(c, i);
    return v === null
      ? isStringLike(c)
        ? "nan"
        : ""
      : v instanceof Date
        ? formatDate(v.getTime())
        : typeof v === "boolean"
          ? v
            ? "True"
            : "False"
          : String(v);
  });
  return { strs, numeric: false };
}

/** Decimal alignment: integer parts right-aligned, fractions left-aligned. */
function alignDecimal(strs: string[]): string[] {
  const parts = strs.map((s) => {
    const k = s.indexOf(".");
    return k < 0 ? [s, ""] : [s.slice(0, k), s.slice(k)];
  });
  const wi = Math.max(...parts.map((p) => p[0]!.length)),
    wf = Math.max(...parts.map((p) => p[1]!.length));
  return parts.map(([a, b]) => a!.padStart(wi) + b!.padEnd(wf));
}

/** Each entry of a MultiIndex as Python writes a tuple: strings quoted, numbers as str() writes them. */
function pyTuples(ix: Index): string[] {
  const levels = indexLevels(ix);
  return Array.from(
    { length: indexLength(ix) },
    (_, i) => `(${levels.map((c) => (isStringLike(c) && cell(c, i) !== null ? `'${cell(c, i)}'` : labelName(c, i))).join(", ")})`,
  );
}

export function toMarkdown(df: DataFrame, opts: { index?: boolean } = {}): string {
  const showIndex = opts.index ?? true;
  const cols: { head: string; strs: string[]; numeric: boolean }[] = [];
  if (showIndex)
    cols.push(
      df.index.kind === "multi"
        ? { head: "", strs: pyTuples(df.index), numeric: false }
        : { head: df.index.name ?? "", ...cells(take(indexColumn(df.index), range(0, df.length), true)) },
    );
  const heads = df.columnIndex?.kind === "multi" ? pyTuples(df.columnIndex) : df.names;
  df.names.forEach((_, j) => cols.push({ head: heads[j]!, ...cells(df.data[j]!) }));
  const laid = cols.map((c) => {
    const strs = c.numeric && c.strs.length ? alignDecimal(c.strs) : c.strs;
    const w = Math.max(c.head.length + 2, ...strs.map((s) => s.length));
    const pad = (s: string) => (c.numeric ? s.padStart(w) : s.padEnd(w));
    return { head: pad(c.head), rule: c.numeric ? "-".repeat(w + 1) + ":" : ":" + "-".repeat(w + 1), strs: strs.map(pad) };
  });
  const lines = [`| ${laid.map((c) => c.head).join(" | ")} |`, `|${laid.map((c) => c.rule).join("|")}|`];
  for (let i = 0; i < df.length; i++) lines.push(`| ${laid.map((c) => c.strs[i]).join(" | ")} |`);
  return lines.join("\n");
}
