// Line charts as standalone SVG strings (training curves, gradient norms over time steps).
// Browser-safe: builds a string, writes no file. Our own ~100 lines rather than a plotting
// grammar (vega-lite needs vega's renderer, a large dependency tree, to produce SVG in Node).
// Long series are decimated to the plot's pixel columns, so a live chart of a long run stays cheap.

import { ShapeError, ValueError } from "../tensor/errors.js";
import { emptyChart, esc, logTicks, svgOpen, tickLabel as label, ticks } from "./svg.js";

/** One line of a lineChart: name, y values, optional x values and color. */
export interface Series {
  name: string;
  /** y values; x is 1, 2, ... unless `x` is given. NaN leaves a gap in the line. */
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

/** The colour of the k-th series without one of its own (matplotlib's default cycle, "C0", "C1", ...). */
export const seriesColor = (k: number): string => PALETTE[k % PALETTE.length]!;

/** Checks each series: a name, y an array of numbers, x (when given) as long as y. */
export function checkSeries(series: readonly Series[]): void {
  if (!Array.isArray(series)) throw new ValueError(`lineChart: series must be an array of { name, y, x? }, got ${typeof series}.`);
  series.forEach((s, k) => {
    if (typeof s?.name !== "string")
      throw new ValueError(`lineChart: series ${k} needs a name (a string), got ${JSON.stringify(s?.name)}.`);
    if (!Array.isArray(s.y) && !ArrayBuffer.isView(s.y))
      throw new ValueError(`lineChart: series "${s.name}" needs y, an array of numbers, got ${typeof s.y}.`);
    if (s.x && s.x.length !== s.y.length)
      throw new ShapeError(
        `lineChart: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values; pass one x per y, or no x (1, 2, ...).`,
      );
  });
}

/** A point to draw: x, y on the axis' scale, and whether a gap (a NaN) comes before it, so the line breaks there. */
type Point = readonly [x: number, y: number, gapBefore: boolean];

/**
 * At most 4 points a pixel column of a long series: the first and last point of each column and
 * its lowest and highest (min-max decimation), so spikes survive and the path stays short; a
 * point after a gap is kept, so the gap survives too.
 */
function decimate(pts: Point[], x0: number, x1: number, columns: number): Point[] {
  if (pts.length <= 4 * columns) return pts;
  const out: Point[] = [];
  let col = -1,
    bucket: Point[] = [];
  const flush = (): void => {
    if (!bucket.length) return;
    let lo = bucket[0]!,
      hi = bucket[0]!;
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = new Set([bucket[0]!, lo, hi, bucket.at(-1)!]);
    out.push(...bucket.filter((p) => keep.has(p) || p[2]));
    bucket = [];
  };
  for (const p of pts) {
    const c = Math.floor(((p[0] - x0) / (x1 - x0 || 1)) * columns);
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/** A line chart of one or more series as a standalone SVG string (training curves, gradient norms); no file is written. Plays the role of matplotlib's plot. */
export function lineChart(series: readonly Series[], opts: LineChartOptions): string {
  checkSeries(series);
  const W = opts.width ?? 640;
  const bottom = opts.legend === "bottom";
  // legend below: entries in rows, each as wide as its name (about 7 px a character)
  const entryW = series.map((s) => 40 + 7 * s.name.length);
  const legendRows: number[][] = [[]];
  if (bottom) {
    let used = 0;
    series.forEach((_, k) => {
      if (used + entryW[k]! > W - 64 - 20 && legendRows.at(-1)!.length) {
        legendRows.push([]);
        used = 0;
      }
      legendRows.at(-1)!.push(k);
      used += entryW[k]!;
    });
  }
  const legendH = bottom ? 8 + legendRows.length * 18 : 0;
  const H = (opts.height ?? 360) + legendH;
  const m = { l: 64, r: bottom ? 20 : 150, t: 36, b: 48 + legendH };
  const pw = W - m.l - m.r,
    ph = H - m.t - m.b;
  const tf = (v: number): number => (opts.logY ? Math.log10(v) : v);
  // NaN and infinite values break the line; on a log axis values <= 0 are left out and the line joins across them
  // points hold y on the axis' scale (log10 y on a log axis); one pass also finds the bounds
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  const all = series.map((s) => {
    const out: Point[] = [];
    let gap = false;
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i]! : i + 1,
        y = s.y[i]!;
      if (!Number.isFinite(y) || !Number.isFinite(x)) {
        gap = out.length > 0;
        continue;
      }
      const ty = tf(y);
      if (!Number.isFinite(ty)) continue;
      out.push([x, ty, gap]);
      gap = false;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (ty < y0) y0 = ty;
      if (ty > y1) y1 = ty;
    }
    return out;
  });
  if (x0 > x1) return emptyChart(opts.title, W, H, series.length ? "no points to draw yet" : "no data yet");
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const pts = all.map((p) => decimate(p, x0, x1, pw));
  const sx = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [
    svgOpen(W, H),
    `<text x="${m.l + pw / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(opts.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
  ];
  const xTicks = opts.xTicks?.filter((t) => t.at >= x0 && t.at <= x1) ?? ticks(x0, x1).map((t) => ({ at: t, label: label(t) }));
  for (const t of xTicks) {
    out.push(
      `<line x1="${sx(t.at)}" y1="${m.t + ph}" x2="${sx(t.at)}" y2="${m.t + ph + 4}" stroke="#888"/>`,
      `<text x="${sx(t.at)}" y="${m.t + ph + 16}" text-anchor="middle">${esc(t.label)}</text>`,
    );
  }
  for (const t of opts.logY ? logTicks(y0, y1) : ticks(y0, y1)) {
    out.push(
      `<line x1="${m.l}" y1="${sy(t)}" x2="${m.l + pw}" y2="${sy(t)}" stroke="#eee"/>`,
      `<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${label(opts.logY ? 10 ** t : t)}</text>`,
    );
  }
  if (opts.xLabel) out.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + 38}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel)
    out.push(
      `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}${opts.logY ? " (log scale)" : ""}</text>`,
    );
  series.forEach((s, k) => {
    const color = s.color ?? seriesColor(k);
    const dash = s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : "";
    const d = pts[k]!.map(([x, ty, gap], i) => `${i && !gap ? "L" : "M"}${sx(x).toFixed(1)},${sy(ty).toFixed(1)}`).join("");
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    // a point with gaps on both sides draws no line: mark it with a dot
    const p = pts[k]!;
    p.forEach(([x, ty, gap], i) => {
      if ((i === 0 || gap) && (i === p.length - 1 || p[i + 1]![2]))
        out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(ty).toFixed(1)}" r="2.5" fill="${color}"/>`);
    });
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
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 26}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
}
