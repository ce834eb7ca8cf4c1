// toHtml: the table pandas' to_html writes (border="1" class="dataframe", index cells as <th>),
// values formatted as in the printed frame.

import { take, range } from "../column.js";
import { indexColumn } from "../labels.js";
import type { DataFrame } from "../table.js";
import { formatValues } from "./text.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function toHtml(df: DataFrame, opts: { index?: boolean } = {}): string {
  const showIndex = opts.index ?? true;
  const idx = formatValues(take(indexColumn(df.index), range(0, df.length), true), "");
  const vals = df.data.map((c) => formatValues(c, ""));
  const out = ['<table border="1" class="dataframe">', "  <thead>", '    <tr style="text-align: right;">'];
  if (showIndex) out.push("      <th></th>");
  for (const k of df.names) out.push(`      <th>${esc(k)}</th>`);
  out.push("    </tr>");
  if (showIndex && df.index.name !== null) {
    out.push("    <tr>", `      <th>${esc(df.index.name)}</th>`, ...df.names.map(() => "      <th></th>"), "    </tr>");
  }
  out.push("  </thead>", "  <tbody>");
  for (let i = 0; i < df.length; i++) {
    out.push("    <tr>");
    if (showIndex) out.push(`      <th>${esc(idx[i]!)}</th>`);
    for (const v of vals) out.push(`      <td>${esc(v[i]!)}</td>`);
    out.push("    </tr>");
  }
  out.push("  </tbody>", "</table>");
  return out.join("\n");
}
