// Heat maps as SVG strings: a confusion matrix with counts, or a grid of small images (learned
// filters, feature maps). Browser-safe: builds strings only.

/** Options of heatmap: title, row and column labels, axis labels, annotate (write each value in its cell), cell size. */
export interface HeatmapOptions {
  title: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  xLabel?: string;
  yLabel?: string;
  /** Write each cell's value in it (confusion matrices). */
  annotate?: boolean;
  cell?: number;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Blue scale from white (low) to dark blue (high). */
function color(t: number): string {
  const c = (a: number, b: number): number => Math.round(a + (b - a) * Math.min(Math.max(t, 0), 1));
  return `rgb(${c(247, 8)},${c(251, 48)},${c(255, 107)})`;
}

/** A matrix (rows of numbers) as coloured cells. */
export function heatmap(values: readonly (readonly number[])[], opts: HeatmapOptions): string {
  const cell = opts.cell ?? 32, rows = values.length, cols = values[0]?.length ?? 0;
  const left = 60, top = 40;
  const W = left + cols * cell + 20, H = top + rows * cell + 40;
  const flat = values.flat();
  const lo = Math.min(...flat), hi = Math.max(...flat);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="max-width:100%;height:auto" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left + (cols * cell) / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>`];
  values.forEach((row, i) => row.forEach((v, j) => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 0;
    out.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${color(t)}"/>`);
    if (opts.annotate) out.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${t > 0.5 ? "white" : "black"}">${Number(v.toPrecision(4))}</text>`);
  }));
  opts.rowLabels?.forEach((l, i) => out.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(l)}</text>`));
  opts.colLabels?.forEach((l, j) => out.push(`<text x="${left + j * cell + cell / 2}" y="${top + rows * cell + 14}" text-anchor="middle">${esc(l)}</text>`));
  if (opts.xLabel) out.push(`<text x="${left + (cols * cell) / 2}" y="${H - 6}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) out.push(`<text transform="translate(14 ${top + (rows * cell) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  out.push("</svg>");
  return out.join("\n");
}

/** Several small images (each rows x cols numbers, scaled on its own) side by side with captions. */
export function imageGrid(images: readonly (readonly (readonly number[])[])[], opts: { title: string; captions?: readonly string[]; pixel?: number; perRow?: number }): string {
  const px = opts.pixel ?? 10, perRow = opts.perRow ?? 8;
  const h = images[0]?.length ?? 0, w = images[0]?.[0]?.length ?? 0;
  const boxW = w * px + 12, boxH = h * px + 22;
  const W = Math.min(images.length, perRow) * boxW + 10, H = 30 + Math.ceil(images.length / perRow) * boxH;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="max-width:100%;height:auto" font-family="sans-serif" font-size="10">`, `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>`];
  images.forEach((img, k) => {
    const x0 = 5 + (k % perRow) * boxW, y0 = 28 + Math.floor(k / perRow) * boxH;
    const flat = img.flat(), lo = Math.min(...flat), hi = Math.max(...flat);
    img.forEach((row, i) => row.forEach((v, j) => {
      const g = Math.round(255 * (hi > lo ? (v - lo) / (hi - lo) : 0.5));
      out.push(`<rect x="${x0 + j * px}" y="${y0 + i * px}" width="${px}" height="${px}" fill="rgb(${g},${g},${g})"/>`);
    }));
    if (opts.captions?.[k]) out.push(`<text x="${x0 + (w * px) / 2}" y="${y0 + h * px + 12}" text-anchor="middle">${esc(opts.captions[k]!)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
