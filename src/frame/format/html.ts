// toHtml: the table pandas' to_html writes (border="1" class="dataframe", index cells as <th>),
// values formatted as in the printed frame. Column levels become header rows whose repeated
// labels merge into one cell (colspan), and a MultiIndex's repeated outer labels merge down the
// rows (rowspan), as pandas' HTMLFormatter.

import { range } from "../column.js";
import { indexDepth, indexNames } from "../labels.js";
import type { DataFrame } from "../table.js";
import { formatIndexLevels, formatValues, levelSpans } from "./text.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const th = (s: string, attrs = ""): string => `      <th${attrs}>${esc(s)}</th>`;

export function toHtml(df: DataFrame, opts: { index?: boolean } = {}): string {
  const showIndex = opts.index ?? true;
  const n = df.length,
    width = df.names.length;
  const vals = df.data.map((c) => formatValues(c, ""));
  const out = ['<table border="1" class="dataframe">', "  <thead>"];
  // cells before the column labels: a blank per index level but the last, then the column level's name
  const lead = (name: string | null) =>
    showIndex ? [...Array.from({ length: indexDepth(df.index) - 1 }, () => th("")), th(name ?? "")] : [];
  const ci = df.columnIndex;
  if (ci?.kind === "multi") {
    const levels = formatIndexLevels(ci, range(0, width), false);
    const spans = levelSpans(levels);
    levels.forEach((labels, l) => {
      out.push("    <tr>", ...lead(ci.names[l]!));
      labels.forEach((v, j) => {
        const span = spans[l]![j]!;
        if (span > 0) out.push(th(v, span > 1 ? ` colspan="${span}" halign="left"` : ""));
      });
      out.push("    </tr>");
    });
  } else {
    out.push('    <tr style="text-align: right;">', ...lead(ci?.name ?? null), ...df.names.map((k) => th(k)), "    </tr>");
  }
  const rowNames = indexNames(df.index);
  if (showIndex && rowNames.some((k) => k !== null)) {
    out.push("    <tr>", ...rowNames.map((k) => th(k ?? "")), ...df.names.map(() => th("")), "    </tr>");
  }
  out.push("  </thead>", "  <tbody>");
  const labels = showIndex ? formatIndexLevels(df.index, range(0, n), false) : [];
  const spans = df.index.kind === "multi" ? levelSpans(labels) : labels.map((l) => l.map(() => 1));
  for (let i = 0; i < n; i++) {
    out.push("    <tr>");
    labels.forEach((l, k) => {
      const span = spans[k]![i]!;
      if (span > 0) out.push(th(l[i]!, span > 1 ? ` rowspan="${span}" valign="top"` : ""));
    });
    for (const v of vals) out.push(`      <td>${esc(v[i]!)}</td>`);
    out.push("    </tr>");
  }
  out.push("  </tbody>", "</table>");
  return out.join("\n");
}
