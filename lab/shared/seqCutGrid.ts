// The truncated-BPTT grid as an SVG string: one row per chunk, one column per time step, each
// cell coloured by the gradient norm that reached it on tl.report's log colour scale, hatched
// where truncation cut the gradient, and left blank where the chunk's loss cannot reach (later
// steps). tl.report.heatmap draws every non-number the same grey; this page must tell "cut" from
// "not reached", so it draws its own cells with the report's colour scale.
import * as tl from "../../src/index.js";

/** What one cell shows (see lab/pages/11-truncated-bptt/truncation.ts's Cell). */
export type GridCell = { kind: "norm"; norm: number } | { kind: "cut" } | { kind: "none" };

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** rows[i][t] as cells `cw` wide, with row labels, time labels every few steps and a log colour legend. */
export function cutGrid(rows: readonly (readonly GridCell[])[], o: { title: string; rowLabels: readonly string[]; cw?: number; ch?: number }): string {
  const T = rows[0]?.length ?? 0, cw = o.cw ?? 12, ch = o.ch ?? 18, left = 78, top = 30;
  const norms = rows.flat().flatMap((c) => (c.kind === "norm" ? [c.norm] : []));
  const scale = tl.report.colorScale("cutGrid", norms, { scale: "log" });
  const W = left + T * cw + 10, H = top + rows.length * ch + 70;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" class="cut-grid" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<defs><pattern id="cut-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="2"/></pattern></defs>`,
    `<text x="${left + (T * cw) / 2}" y="16" text-anchor="middle" font-weight="bold" font-size="13">${esc(o.title)}</text>`];
  rows.forEach((row, i) => {
    const y = top + i * ch;
    out.push(`<text x="${left - 6}" y="${y + ch / 2 + 4}" text-anchor="end">${esc(o.rowLabels[i] ?? "")}</text>`);
    row.forEach((c, t) => {
      const x = left + t * cw;
      const fill = c.kind === "norm" ? tl.report.scaleColor(scale, c.norm) : c.kind === "cut" ? "url(#cut-hatch)" : "#fff";
      const tip = c.kind === "norm" ? `t = ${t + 1}: ‖∂L/∂H_t‖ = ${c.norm.toExponential(3)}` : c.kind === "cut" ? `t = ${t + 1}: cut (state detached before this chunk)` : `t = ${t + 1}: not reached by this chunk's loss`;
      out.push(`<rect class="cell ${c.kind}" x="${x}" y="${y}" width="${cw}" height="${ch}" fill="${fill}" stroke="#e3e6ea" stroke-width="0.5"><title>${esc(tip)}</title></rect>`);
    });
  });
  const by = top + rows.length * ch;
  for (let t = 0; t < T; t += Math.max(1, Math.ceil(24 / cw))) out.push(`<text x="${left + t * cw + cw / 2}" y="${by + 13}" text-anchor="middle">${t + 1}</text>`);
  out.push(`<text x="${left + (T * cw) / 2}" y="${by + 28}" text-anchor="middle">time step t</text>`);
  // legend: five colours at log-spaced norms, then the hatch
  const ly = by + 40;
  if (norms.length) {
    const ticks = Array.from({ length: 5 }, (_, k) => scale.lo * (scale.hi / scale.lo) ** (k / 4));
    ticks.forEach((v, k) => out.push(`<rect x="${left + k * 44}" y="${ly}" width="14" height="12" fill="${tl.report.scaleColor(scale, v)}"/><text x="${left + k * 44 + 17}" y="${ly + 10}">${v.toExponential(0)}</text>`));
  }
  out.push(`<rect x="${left + 225}" y="${ly}" width="14" height="12" fill="url(#cut-hatch)" stroke="#999"/><text x="${left + 243}" y="${ly + 10}">cut</text>`);
  out.push("</svg>");
  return out.join("\n");
}
