// Printing frames and Series the way pandas prints them (pandas/io/formats/format.py): each column
// formatted from its shown values (floats at 6 decimals with trailing zeros trimmed together,
// scientific when values are tiny or huge), a leading sign space, right-aligned under the header,
// the index left-aligned; more than 60 rows show the first and last 5 around a "..." row, more
// than 20 columns the first and last 10. No line wrapping (pandas' expand_frame_repr=False).
// A MultiIndex prints one column per level with repeated outer labels blanked (pandas' sparsify),
// column levels one header row each, and level names where pandas puts them.

import { type Column, cell, colLength, columnDatePrecision, formatDate, isNumericDType, take, range } from "../column.js";
import { type Index, indexLevels, indexNames } from "../labels.js";
import type { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import { pandasDtype } from "../verbs/describe.js";

/** As pandas' display options; maxColumns 0 shows every column (pandas' value outside a terminal). */
export const displayOptions = { maxRows: 60, minRows: 10, maxColumns: 0 };

/** Python's "{: .Nf}" / "{: .Ne}" (leading space for the sign). */
function pyFloat(v: number, digits: number, sci: boolean, lead: string): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? `${lead}inf` : "-inf";
  let s: string;
  if (sci) {
    const [m, e] = v.toExponential(digits).split("e") as [string, string];
    const d = e.replace(/^[+-]/, "");
    s = `${m}e${e[0] === "-" ? "-" : "+"}${d.length < 2 ? "0" + d : d}`;
  } else s = v.toFixed(digits);
  if (s.startsWith("-")) return s;
  return lead + s;
}

/** pandas' _trim_zeros_float: drop trailing zeros while every number ends in 0, keep one decimal. */
function trimZeros(strs: string[]): string[] {
  const isNum = (x: string) => /^\s*[+-]?[0-9]+\.[0-9]*$/.test(x);
  let out = strs;
  for (;;) {
    const nums = out.filter(isNum);
    if (!(nums.length > 0 && nums.every((x) => x.endsWith("0")))) break;
    out = out.map((x) => (isNum(x) ? x.slice(0, -1) : x));
  }
  return out.map((x) => (isNum(x) && x.endsWith(".") ? x + "0" : x));
}

/** The shown strings of a column's values. `lead` is the sign space pandas puts before values. */
export function formatValues(c: Column, lead = " ", naRep = "NaN"): string[] {
  const n = colLength(c);
  const out = new Array<string>(n);
  switch (c.dtype) {
    case "float64": {
      const digits = 6;
      const fixed = trimZeros(Array.from(c.values, (v) => pyFloat(v, digits, false, lead)));
      const maxlen = fixed.reduce((m, s) => Math.max(m, s.length), 0);
      let large = false,
        small = false;
      for (const v of c.values) {
        const a = Math.abs(v);
        if (a > 1e6) large = true;
        if (a < 10 ** -digits && a > 0) small = true;
      }
      const strs = small || (maxlen > digits + 6 && large) ? Array.from(c.values, (v) => pyFloat(v, digits, true, lead)) : fixed;
      return strs.map((s) => (s === "NaN" ? naRep : s));
    }
    // a column with missing cells is pandas' Int64/boolean, printed through an object array:
    // every cell, <NA> and negative numbers too, after the sign space
    case "int64":
      for (let i = 0; i < n; i++)
        out[i] = c.valid ? lead + (c.valid[i] ? String(c.values[i]) : "<NA>") : (c.values[i]! < 0 ? "" : lead) + String(c.values[i]);
      return out;
    case "bool":
      for (let i = 0; i < n; i++) out[i] = lead + (c.valid && !c.valid[i] ? "<NA>" : c.values[i] ? "True" : "False");
      return out;
    case "datetime": {
      const { dateOnly, millis } = columnDatePrecision(c.values);
      for (let i = 0; i < n; i++) out[i] = formatDate(c.values[i]!, dateOnly, millis);
      return out;
    }
    case "string":
    case "category":
      for (let i = 0; i < n; i++) {
        const k = c.codes[i]!;
        out[i] = lead + (k < 0 ? "NaN" : c.dict[k]);
      }
      return out;
    default:
      return c satisfies never;
  }
}

/**
 * Index labels as pandas prints them, one list per level: no sign space, floats trimmed like
 * values; on a MultiIndex (unless sparse is false) a label equal to the one above it, with every
 * outer level equal too, is blanked, as pandas' sparsify_labels.
 */
export function formatIndexLevels(ix: Index, rows: Int32Array, sparse = true): string[][] {
  const levels = indexLevels(ix).map((c) => formatValues(take(c, rows, true), ""));
  if (ix.kind !== "multi" || !sparse) return levels;
  const spans = levelSpans(levels);
  return levels.map((l, k) => l.map((v, i) => (spans[k]![i]! > 0 ? v : "")));
}

/**
 * How many entries each label covers once repeated outer labels are merged (0: merged into the
 * label above), as pandas' get_level_lengths: the row spans of to_html and the blanks of to_string.
 * The innermost level is never merged.
 */
export function levelSpans(levels: readonly string[][]): number[][] {
  const n = levels[0]?.length ?? 0;
  const spans = levels.map(() => new Array<number>(n).fill(1));
  for (let i = 1; i < n; i++) {
    for (let l = 0; l < levels.length - 1 && levels[l]![i] === levels[l]![i - 1]; l++) spans[l]![i] = 0;
  }
  for (const sp of spans) {
    let start = 0;
    for (let i = 1; i < n; i++) {
      if (sp[i] === 0) {
        sp[start]!++;
      } else start = i;
    }
  }
  return spans;
}

/** Lists side by side, each left-justified to its widest entry, `space` apart, as pandas' adjoin. */
function adjoin(lists: string[][], space: number): string[] {
  const widths = lists.map((l) => Math.max(0, ...l.map((s) => s.length)));
  return lists[0]!.map((_, r) => lists.map((l, k) => l[r]!.padEnd(widths[k]!)).join(" ".repeat(space)));
}

function formatIndex(ix: Index, rows: Int32Array): string[] {
  return adjoin(formatIndexLevels(ix, rows), 1);
}

function shownRows(n: number): { rows: Int32Array; cut: number } {
  if (n <= displayOptions.maxRows) return { rows: range(0, n), cut: -1 };
  const h = Math.floor(displayOptions.minRows / 2);
  const rows = new Int32Array(2 * h);
  for (let i = 0; i < h; i++) {
    rows[i] = i;
    rows[h + i] = n - h + i;
  }
  return { rows, cut: h };
}

function insertAt<T>(a: T[], at: number, v: T): T[] {
  return at < 0 ? a : [...a.slice(0, at), v, ...a.slice(at)];
}

/** A frame as pandas' repr shows it. */
export function formatFrame(df: DataFrame): string {
  const n = df.length;
  const [nr, nc] = df.shape;
  if (nc === 0 || n === 0) {
    return `Empty DataFrame\nColumns: [${df.names.join(", ")}]\nIndex: [${n ? formatIndex(df.index, range(0, Math.min(n, 10))).join(", ") : ""}]`;
  }
  const { rows, cut } = shownRows(n);
  let colIdx = Array.from(df.names.keys());
  let colCut = -1;
  if (displayOptions.maxColumns > 0 && nc > displayOptions.maxColumns) {
    const h = displayOptions.maxColumns / 2;
    colIdx = [...colIdx.slice(0, h), ...colIdx.slice(nc - h)];
    colCut = h;
  }
  const blocks: string[][] = [];
  // header rows: one per column level, then the row index's level names when it has any
  const rowNames = indexNames(df.index);
  const showRowNames = rowNames.some((k) => k !== null);
  const ci = df.columnIndex;
  const colLevels = ci?.kind === "multi" ? formatIndexLevels(ci, Int32Array.from(colIdx)) : null;
  const colNames = ci ? indexNames(ci) : [null];
  const colHeader = colNames.some((k) => k !== null) ? colNames.map((k) => k ?? "") : colNames.map(() => "");
  // pandas' _truncate_vertically: ".." in columns at most 3 wide, the index's left-aligned
  const levelStrs = formatIndexLevels(df.index, rows).map((l, k) => (showRowNames ? [rowNames[k] ?? "", ...l] : l));
  const adjoined = adjoin(levelStrs, 1);
  const labelLines = showRowNames ? adjoined.slice(1) : adjoined;
  const idxStrs = insertAt(labelLines, cut, Math.max(0, ...adjoined.map((s) => s.length)) > 3 ? "..." : "..");
  const under = showRowNames ? [adjoined[0]!] : [];
  const idxCol = [...colHeader, ...under, ...idxStrs];
  const iw = Math.max(...idxCol.map((s) => s.length));
  blocks.push(idxCol.map((s) => s.padEnd(iw)));
  const headerRows = colHeader.length + under.length;
  colIdx.forEach((j, p) => {
    if (p === colCut) blocks.push([...Array.from({ length: headerRows }, () => " ..."), ...idxStrs.map(() => " ...")]);
    const c = take(df.data[j]!, rows, true);
    const formatted = formatValues(c);
    // pandas puts a sign space before numeric headers (format.py _get_formatted_column_labels), not before column levels
    const numeric = isNumericDType(c.dtype);
    const head = colLevels ? colLevels.map((l) => l[p]!) : [(numeric ? " " : "") + df.names[j]!];
    const width = Math.max(...head.map((s) => s.length), ...formatted.map((s) => s.length));
    const vals = insertAt(formatted, cut, width > 3 ? "..." : "..");
    blocks.push(padCol([...head, ...under.map(() => ""), ...vals]));
  });
  const lines: string[] = [];
  for (let r = 0; r < blocks[0]!.length; r++)
    lines.push(
      blocks
        .map((b) => b[r]!)
        .join(" ")
        .trimEnd(),
    );
  // pandas keeps trailing spaces on the header lines only when values are shorter; trimmed lines match its output after rstrip
  let text = lines.join("\n");
  if (cut >= 0 || colCut >= 0) text += `\n\n[${nr} rows x ${nc} columns]`;
  return text;
}

/** Python's str.center. */
function pyCenter(s: string, width: number): string {
  const marg = width - s.length;
  if (marg <= 0) return s;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return " ".repeat(left) + s + " ".repeat(marg - left);
}

function padCol(strs: string[]): string[] {
  const w = Math.max(...strs.map((s) => s.length));
  return strs.map((s) => s.padStart(w));
}

/** A Series as pandas' repr shows it, with the Name/Length/dtype footer. */
export function formatSeries(s: Series): string {
  const n = s.length;
  const { rows, cut } = shownRows(n);
  // pandas' SeriesFormatter adjoins a MultiIndex's levels two spaces apart, names on the first line
  const names = indexNames(s.index);
  const levels = formatIndexLevels(s.index, rows);
  const named =
    s.index.kind === "multi"
      ? adjoin(
          levels.map((l, k) => [names[k] ?? "", ...l]),
          2,
        )
      : [names[0] ?? "", ...levels[0]!];
  const idx = insertAt(named.slice(1), cut, "");
  const shown = formatValues(take(s.col, rows, true));
  const vw = Math.max(0, ...shown.map((x) => x.length));
  // pandas centres the dots in the value width (str.center)
  const vals = insertAt(shown, cut, pyCenter(vw > 3 ? "..." : "..", vw));
  const iw = Math.max(0, ...idx.map((x) => x.length));
  const lines = idx.map((x, r) => `${x.padEnd(iw)}   ${vals[r]!.padStart(vw)}`.trimEnd());
  if (names.some((k) => k !== null)) lines.unshift(named[0]!.trimEnd());
  const footer: string[] = [];
  if (s.name !== null) footer.push(`Name: ${s.name}`);
  if (cut >= 0) footer.push(`Length: ${n}`);
  footer.push(`dtype: ${pandasDtype(s.col)}`);
  if (s.col.dtype === "category") {
    return [...lines, footer.join(", "), `Categories (${s.col.dict.length}, object): [${s.col.dict.map((k) => `'${k}'`).join(", ")}]`].join(
      "\n",
    );
  }
  return n === 0 ? `Series([], ${footer.join(", ")})` : [...lines, footer.join(", ")].join("\n");
}

/** Plain text of one cell for markdown/html/csv writers: no sign space. */
export function plainValues(c: Column, naRep = ""): string[] {
  return formatValues(c, "", naRep).map((s, i) =>
    cell(c, i) === null || (c.dtype === "float64" && Number.isNaN(c.values[i])) ? naRep : s,
  );
}
