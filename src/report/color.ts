// Colour scales of the heatmap-like charts (heatmap, confusion matrix, image grids, gate timelines):
// a value -> a position t in [0, 1] on a linear or log10 scale -> a colour of a colormap, and the
// colour bar that shows the mapping with ticks. Values that cannot be placed (NaN, +-Infinity, or
// <= 0 on a log scale) get one "missing" colour instead of a colour that would claim a value.

import { ValueError } from "../tensor/errors.js";
import { esc, logTicks, tickLabel, ticks } from "./svg.js";

/**
 * Colormaps: "blues" (sequential, white to dark blue: counts, norms; matplotlib's Blues),
 * "diverging" (blue below 0, white at 0, red above: signed weights; matplotlib's RdBu_r), "gray"
 * (black to white: images; matplotlib's gray).
 */
export type Colormap = "blues" | "diverging" | "gray";

// ColorBrewer stops (Blues, RdBu reversed), interpolated linearly in RGB
const STOPS: Record<Colormap, readonly (readonly [number, number, number])[]> = {
  blues: [
    [247, 251, 255],
    [198, 219, 239],
    [107, 174, 214],
    [33, 113, 181],
    [8, 48, 107],
  ],
  diverging: [
    [33, 102, 172],
    [103, 169, 207],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [239, 138, 98],
    [178, 24, 43],
  ],
  gray: [
    [0, 0, 0],
    [255, 255, 255],
  ],
};

/** The colour of values that have no place on the scale (NaN, infinite, <= 0 on a log scale); matplotlib's Colormap.set_bad. */
export const MISSING_COLOR = "rgb(217,217,217)";
const MISSING_RGB: [number, number, number] = [217, 217, 217];

/** The colour at position t in [0, 1] (clamped) of a colormap, as [r, g, b] bytes. */
export function rgbAt(map: Colormap, t: number): [number, number, number] {
  const stops = STOPS[map];
  const u = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const k = Math.min(Math.floor(u), stops.length - 2),
    f = u - k;
  const a = stops[k]!,
    b = stops[k + 1]!;
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * f)) as [number, number, number];
}

/** The colour at position t in [0, 1] (clamped) of a colormap, as "rgb(r,g,b)"; matplotlib's cmap(t). */
export const colorAt = (map: Colormap, t: number): string => `rgb(${rgbAt(map, t).join(",")})`;

/** How a chart maps values to colours: linear or log10 between lo and hi (in data units), through a colormap; matplotlib's Normalize / LogNorm with a cmap. */
export interface ColorScale {
  readonly kind: "linear" | "log";
  readonly lo: number;
  readonly hi: number;
  readonly colormap: Colormap;
}

/** Options of a colour scale: linear or log (matplotlib's norm), the colormap (cmap), and a fixed domain (vmin, vmax; else taken from the data). */
export interface ColorScaleOptions {
  /** "linear" (default) or "log" (log10: decades at equal distances; gradient norms spanning many). */
  scale?: "linear" | "log";
  colormap?: Colormap;
  /** [lo, hi] in data units; default: the finite values' range (symmetric about 0 for "diverging"; positive values only on a log scale). */
  domain?: readonly [number, number];
}

/** The scale of `values` under `opts`, as matplotlib's Normalize / LogNorm / CenteredNorm autoscale to the data; `op` names the chart in errors. */
export function colorScale(op: string, values: Iterable<number>, opts: ColorScaleOptions): ColorScale {
  const kind = opts.scale ?? "linear",
    colormap = opts.colormap ?? "blues";
  if (kind !== "linear" && kind !== "log") throw new ValueError(`${op}: scale must be "linear" or "log", got ${JSON.stringify(kind)}.`);
  if (!(colormap in STOPS))
    throw new ValueError(
      `${op}: colormap must be one of ${Object.keys(STOPS)
        .map((k) => `"${k}"`)
        .join(", ")}, got ${JSON.stringify(colormap)}.`,
    );
  if (opts.domain) {
    const [lo, hi] = opts.domain;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
      throw new ValueError(`${op}: domain must be two finite numbers [lo, hi] with lo < hi, got [${lo}, ${hi}].`);
    if (kind === "log" && lo <= 0)
      throw new ValueError(`${op}: a log scale needs a positive domain, got [${lo}, ${hi}]. Pass a lower bound > 0, or scale: "linear".`);
    return { kind, lo, hi, colormap };
  }
  let lo = Infinity,
    hi = -Infinity,
    absMax = 0;
  for (const v of values) {
    if (!Number.isFinite(v) || (kind === "log" && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    absMax = Math.max(absMax, Math.abs(v));
  }
  if (lo > hi) return kind === "log" ? { kind, lo: 1, hi: 10, colormap } : { kind, lo: 0, hi: 1, colormap }; // nothing to place
  if (colormap === "diverging" && kind === "linear")
    return absMax > 0 ? { kind, lo: -absMax, hi: absMax, colormap } : { kind, lo: -1, hi: 1, colormap };
  if (hi > lo) return { kind, lo, hi, colormap };
  // one distinct value: a range around it, so it gets a colour and the bar has ticks
  return kind === "log" ? { kind, lo: lo / 10, hi: lo * 10, colormap } : { kind, lo: lo - 1, hi: lo + 1, colormap };
}

/** The scale as a function of v: its place in [0, 1] (clamped), or null (NaN, infinite, <= 0 on a log scale). Build once per chart: it hoists the logs of the bounds. */
export function positioner(s: ColorScale): (v: number) => number | null {
  const log = s.kind === "log",
    lo = log ? Math.log10(s.lo) : s.lo,
    span = (log ? Math.log10(s.hi) : s.hi) - lo;
  return (v) => {
    if (!Number.isFinite(v) || (log && v <= 0)) return null;
    const t = ((log ? Math.log10(v) : v) - lo) / span;
    return Math.min(Math.max(t, 0), 1);
  };
}

/** Where v sits on the scale, in [0, 1] (clamped), or null where it has no place (NaN, infinite, <= 0 on a log scale). */
export const scalePosition = (s: ColorScale, v: number): number | null => positioner(s)(v);

/** The colour of v on the scale (MISSING_COLOR where it has no place); matplotlib's ScalarMappable.to_rgba. */
export function scaleColor(s: ColorScale, v: number): string {
  const t = scalePosition(s, v);
  return t === null ? MISSING_COLOR : colorAt(s.colormap, t);
}

/** The scale as a function of v to [r, g, b] bytes (grey where v has no place). */
export function rgbOf(s: ColorScale): (v: number) => [number, number, number] {
  const at = positioner(s);
  return (v) => {
    const t = at(v);
    return t === null ? MISSING_RGB : rgbAt(s.colormap, t);
  };
}

/** Width a colour bar takes beside a chart: the bar, its ticks and their labels. */
export const COLOR_BAR_WIDTH = 74;

/**
 * A vertical colour bar with ticks (decades on a log scale), top at (x, y), `height` tall: SVG
 * elements to put in a chart. Drawn as stacked rects, not a <linearGradient>, whose id would clash
 * between charts inlined in one page.
 */
export function colorBar(s: ColorScale, x: number, y: number, height: number, caption?: string): string {
  const slices = 48,
    w = 14,
    out: string[] = [`<g class="color-bar">`];
  for (let k = 0; k < slices; k++) {
    const t = (k + 0.5) / slices;
    out.push(
      `<rect x="${x}" y="${(y + height - ((k + 1) * height) / slices).toFixed(2)}" width="${w}" height="${(height / slices + 0.5).toFixed(2)}" fill="${colorAt(s.colormap, t)}"/>`,
    );
  }
  out.push(`<rect x="${x}" y="${y}" width="${w}" height="${height}" fill="none" stroke="#888"/>`);
  const log = s.kind === "log";
  const lo = log ? Math.log10(s.lo) : s.lo,
    hi = log ? Math.log10(s.hi) : s.hi;
  for (const t of log ? logTicks(lo, hi) : ticks(lo, hi, 5)) {
    const ty = y + height - ((t - lo) / (hi - lo)) * height;
    out.push(
      `<line x1="${x + w}" y1="${ty.toFixed(2)}" x2="${x + w + 4}" y2="${ty.toFixed(2)}" stroke="#888"/>`,
      `<text class="tick" x="${x + w + 6}" y="${(ty + 4).toFixed(2)}">${tickLabel(log ? 10 ** t : t)}</text>`,
    );
  }
  if (caption) out.push(`<text x="${x}" y="${y + height + 16}">${esc(caption)}</text>`);
  out.push("</g>");
  return out.join("\n");
}
