// Printing frames and Series the way pandas prints them (pandas/io/formats/format.py): each column
// formatted from its shown values (floats at 6 decimals with trailing zeros trimmed together,
// scientific when values are tiny or huge), a leading sign space, right-aligned under the header,
// the index left-aligned; more than 60 rows show the first and last 5 around a "..." row, more
// than 20 columns the first and last 10. No line wrapping (pandas' expand_frame_repr=False).

import { type Column, cell, colLength, formatDate, take, range } from "../column.js";
import { type Index, indexColumn } from "../labels.js";
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
      let large = false, small = false;
      for (const v of c.values) { const a = Math.abs(v); if (a > 1e6) large = true; if (a < 10 ** -digits && a > 0) small = true; }
      const strs = small || (maxlen > digits + 6 && large) ? Array.from(c.values, (v) => pyFloat(v, digits, true, lead)) : fixed;
      return strs.map((s) => (s === "NaN" ? naRep : s));
    }
    case "int64": for (let i = 0; i < n; i++) out[i] = c.valid && !c.valid[i] ? "<NA>" : (c.values[i] < 0 ? "" : lead) + String(c.values[i]); return out;
    case "bool": for (let i = 0; i < n; i++) out[i] = c.valid && !c.valid[i] ? "<NA>" : lead + (c.values[i] ? "True" : "False"); return out;
    case "datetime": {
      const dateOnly = Array.from(c.values).every((v) => v !== v || v % 86400000 === 0);
      for (let i = 0; i < n; i++) out[i] = formatDate(c.values[i], dateOnly);
      return out;
    }
    case "string": case "category": for (let i = 0; i < n; i++) { const k = c.codes[i]; out[i] = k < 0 ? (c.dtype === "string" ? "NaN" : "NaN") : lead + c.dict[k]; } return out;
    default: return c satisfies never;
  }
}

/** Index labels as pandas prints them: no sign space, floats trimmed like values. */
function formatIndex(ix: Index, rows: Int32Array): string[] {
  const c = take(indexColumn(ix), rows, true);
  return formatValues(c, "").map((s) => s);
}

function shownRows(n: number): { rows: Int32Array; cut: number } {
  if (n <= displayOptions.maxRows) return { rows: range(0, n), cut: -1 };
  const h = Math.floor(displayOptions.minRows / 2);
  const rows = new Int32Array(2 * h);
  for (let i = 0; i < h; i++) { rows[i] = i; rows[h + i] = n - h + i; }
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
  const indexName = df.index.name;
  // pandas' _truncate_vertically: ".." in columns at most 3 wide, the index's left-aligned
  const idxRaw = formatIndex(df.index, rows);
  const idxStrs = insertAt(idxRaw, cut, Math.max(indexName?.length ?? 0, ...idxRaw.map((s) => s.length)) > 3 ? "..." : "..");
  const header = indexName !== null ? 2 : 1;
  const idxCol = [...(indexName !== null ? ["", indexName] : [""]), ...idxStrs];
  const iw = Math.max(...idxCol.map((s) => s.length));
  blocks.push(idxCol.map((s) => s.padEnd(iw)));
  colIdx.forEach((j, p) => {
    if (p === colCut) blocks.push([" ...", ...(header === 2 ? [" ..."] : []), ...idxStrs.map(() => " ...")]);
    const c = take(df.data[j]!, rows, true);
    const formatted = formatValues(c);
    const numeric0 = c.dtype === "float64" || c.dtype === "int64" || c.dtype === "bool";
    const width = Math.max((numeric0 ? 1 : 0) + df.names[j]!.length, ...formatted.map((s) => s.length));
    const vals = insertAt(formatted, cut, width > 3 ? "..." : "..");
    // pandas puts a sign space before numeric headers too (format.py _get_formatted_column_labels)
    const numeric = c.dtype === "float64" || c.dtype === "int64" || c.dtype === "bool";
    blocks.push(padCol([(numeric ? " " : "") + df.names[j]!, ...(header === 2 ? [""] : []), ...vals]));
  });
  const lines: string[] = [];
  for (let r = 0; r < blocks[0]!.length; r++) lines.push(blocks.map((b) => b[r]!).join(" ").trimEnd());
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
  const idx = insertAt(formatIndex(s.index, rows), cut, "");
  const shown = formatValues(take(s.col, rows, true));
  const vw = Math.max(0, ...shown.map((x) => x.length));
  // pandas centres the dots in the value width (str.center)
  const vals = insertAt(shown, cut, pyCenter(vw > 3 ? "..." : "..", vw));
  const iw = Math.max(0, ...idx.map((x) => x.length));
  const lines = idx.map((x, r) => `${x.padEnd(iw)}   ${vals[r]!.padStart(vw)}`.trimEnd());
  if (s.index.name !== null) lines.unshift(s.index.name);
  const footer: string[] = [];
  if (s.name !== null) footer.push(`Name: ${s.name}`);
  if (cut >= 0) footer.push(`Length: ${n}`);
  footer.push(`dtype: ${pandasDtype(s.col)}`);
  if (s.col.dtype === "category") {
    return [...lines, footer.join(", ").replace(/dtype: category$/, "dtype: category"), `Categories (${s.col.dict.length}, object): [${s.col.dict.join(", ")}]`].join("\n");
  }
  return (n === 0 ? `Series([], ${footer.join(", ")})` : [...lines, footer.join(", ")].join("\n"));
}

/** Plain text of one cell for markdown/html/csv writers: no sign space. */
export function plainValues(c: Column, naRep = ""): string[] {
  return formatValues(c, "", naRep).map((s, i) => (cell(c, i) === null || (c.dtype === "float64" && Number.isNaN(c.values[i])) ? naRep : s));
}

