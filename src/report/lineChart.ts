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
}

/** Options of lineChart: title, axis labels, size, logarithmic y. */
export interface LineChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Logarithmic y axis (for gradient norms spanning decades). */
  logY?: boolean;
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
  return powers.length >= 3 ? powers : at([1, 2, 5]);
}

const label = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(4))));

/** A line chart of one or more series as a standalone SVG string (training curves, gradient norms); no file is written. Plays the role of matplotlib's plot. */
export function lineChart(series: readonly Series[], opts: LineChartOptions): string {
  const W = opts.width ?? 640, H = opts.height ?? 360;
  const m = { l: 64, r: 150, t: 36, b: 48 };
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
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l + pw / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(opts.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
  ];
  for (const t of ticks(x0, x1)) {
    out.push(`<line x1="${sx(t)}" y1="${m.t + ph}" x2="${sx(t)}" y2="${m.t + ph + 4}" stroke="#888"/>`, `<text x="${sx(t)}" y="${m.t + ph + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of opts.logY ? logTicks(y0, y1) : ticks(y0, y1)) {
    out.push(`<line x1="${m.l}" y1="${sy(t)}" x2="${m.l + pw}" y2="${sy(t)}" stroke="#eee"/>`, `<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${label(opts.logY ? 10 ** t : t)}</text>`);
  }
  if (opts.xLabel) out.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}${opts.logY ? " (log scale)" : ""}</text>`);
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const d = pts[k]!.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(tf(y)).toFixed(1)}`).join("");
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const ly = m.t + 10 + k * 18;
    out.push(`<line x1="${m.l + pw + 12}" y1="${ly}" x2="${m.l + pw + 32}" y2="${ly}" stroke="${color}" stroke-width="2"/>`, `<text x="${m.l + pw + 38}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
