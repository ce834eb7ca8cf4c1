// A self-contained HTML report: a title, a summary table and sections of SVG figures.

import { esc } from "./svg.js";

/** One section of htmlReport: a heading, optional text and SVG figures. */
export interface ReportSection {
  heading: string;
  /** Plain text (escaped); a blank line starts a new paragraph. */
  text?: string;
  figures: string[];
}

/** A self-contained HTML page (inline CSS and SVG, no scripts or fetches) with a title, a summary table and sections of figures; what the CLI writes as report.html. */
export function htmlReport(title: string, summary: readonly [string, string][], sections: readonly ReportSection[]): string {
  const rows = summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("\n");
  const body = sections
    .map(
      (s) =>
        `<section><h2>${esc(s.heading)}</h2>${
          s.text
            ? s.text
                .split(/\n\s*\n/)
                .map((t) => `<p>${esc(t)}</p>`)
                .join("")
            : ""
        }<div class="figs">${s.figures.join("\n")}</div></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}.figs{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.figs>*{min-width:0;max-width:100%}svg{max-width:100%;height:auto}table{max-width:100%}td{overflow-wrap:anywhere}@media (max-width:600px){body{margin:1em 8px}th,td{padding:3px 6px}}</style>
</head><body><h1>${esc(title)}</h1><table>${rows}</table>${body}</body></html>
`;
}
