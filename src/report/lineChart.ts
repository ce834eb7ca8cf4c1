// Line charts as standalone SVG strings (training curves, gradient norms over time steps).
// Browser-safe: builds a string, writes no file. Our own ~100 lines rather than a plotting
// grammar (vega-lite needs vega's renderer, a large dependency tree, to produce SVG in Node).

/** One line of a lineChart: name, y values, optional x values and color. */
export interface Series {
  name: string;
  /** y values; x is 1, 2, ... unless `x` is given. */
  y: readonly number[];
  x?: readonly number[];
  color?: string;
  /** SVG stroke-dasharray, e.g. "5 3", to tell a baseline from a model. */
  dash?: string;
}

/** Options of lineChart: title, axis labels, size, logarithmic y, labelled x ticks, legend place. */
export interface LineChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Logarithmic y axis (for gradient norms spanning decades). */
  logY?: boolean;
  /** x-axis ticks at these positions with these labels (dates, say) instead of round numbers. */
  xTicks?: readonly { at: number; label: string }[];
  /** Where the legend goes: right of the plot (default) or below it, which leaves a narrow chart more plot. */
  legend?: "right" | "bottom";
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** About `n` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks for a log10 axis, in log units: the powers of ten, plus 2x and 5x when there are few. */
function logTicks(lo: number, hi: number): number[] {
  const at = (mults: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of mults) out.push(e + Math.log10(m));
    return out.filter((t) => t >= lo && t <= hi);
  };
  const powers = at([1]);
  if (powers.length >= 3) return powers;
  const few = at([1, 2, 5]);
  // less than a decade between 1-2-5 steps: round values on a linear scale, placed on the log axis
  return few.length >= 2 ? few : ticks(10 ** lo, 10 ** hi, 4).filter((v) => v > 0).map(Math.log10);
}

const label = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(4))));

/** A line chart of one or more series as a standalone SVG string (training curves, gradient norms); no file is written. Plays the role of matplotlib's plot. */
export function lineChart(series: readonly Series[], opts: LineChartOptions): string {
  const W = opts.width ?? 640;
  const bottom = opts.legend === "bottom";
  // legend below: entries in rows, each as wide as its name (about 7 px a character)
  const entryW = series.map((s) => 40 + 7 * s.name.length);
  const legendRows: number[][] = [[]];
  if (bottom) {
    let used = 0;
    series.forEach((_, k) => {
      if (used + entryW[k]! > W - 64 - 20 && legendRows.at(-1)!.length) { legendRows.push([]); used = 0; }
      legendRows.at(-1)!.push(k);
      used += entryW[k]!;
    });
  }
  const legendH = bottom ? 8 + legendRows.length * 18 : 0;
  const H = (opts.height ?? 360) + legendH;
  const m = { l: 64, r: bottom ? 20 : 150, t: 36, b: 48 + legendH };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const tf = (v: number): number => (opts.logY ? Math.log10(v) : v);
  const pts = series.map((s) => s.y.map((y, i) => [s.x?.[i] ?? i + 1, y] as const).filter(([, y]) => Number.isFinite(tf(y))));
  const xs = pts.flat().map((p) => p[0]), ys = pts.flat().map((p) => tf(p[1]));
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  // responsive: drawn at W x H, shown at most that size and scaled down to fit narrower screens
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="max-width:100%;height:auto" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l + pw / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(opts.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
  ];
  const xTicks = opts.xTicks?.filter((t) => t.at >= x0 && t.at <= x1) ?? ticks(x0, x1).map((t) => ({ at: t, label: label(t) }));
  for (const t of xTicks) {
    out.push(`<line x1="${sx(t.at)}" y1="${m.t + ph}" x2="${sx(t.at)}" y2="${m.t + ph + 4}" stroke="#888"/>`, `<text x="${sx(t.at)}" y="${m.t + ph + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const t of opts.logY ? logTicks(y0, y1) : ticks(y0, y1)) {
    out.push(`<line x1="${m.l}" y1="${sy(t)}" x2="${m.l + pw}" y2="${sy(t)}" stroke="#eee"/>`, `<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${label(opts.logY ? 10 ** t : t)}</text>`);
  }
  if (opts.xLabel) out.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + 38}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}${opts.logY ? " (log scale)" : ""}</text>`);
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const dash = s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : "";
    const d = pts[k]!.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(tf(y)).toFixed(1)}`).join("");
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    let lx: number, ly: number;
    if (bottom) {
      const row = legendRows.findIndex((r) => r.includes(k));
      const r = legendRows[row]!;
      lx = m.l + r.slice(0, r.indexOf(k)).reduce((a, j) => a + entryW[j]!, 0);
      ly = m.t + ph + 48 + 8 + row * 18;
    } else {
      lx = m.l + pw + 12;
      ly = m.t + 10 + k * 18;
    }
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`, `<text x="${lx + 26}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
