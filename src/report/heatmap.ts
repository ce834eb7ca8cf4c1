// Heatmaps as SVG strings: a matrix of numbers as coloured cells on a linear or log colour scale,
// with a colour bar (gradient norms over time step x training step, say). The confusion matrix,
// image grids and gate timelines draw their cells with the same matrixCells; large matrices
// become one image (raster.ts).

import { ShapeError, ValueError } from "../tensor/errors.js";
import {
  colorAt,
  COLOR_BAR_WIDTH,
  colorBar,
  colorScale,
  MISSING_COLOR,
  positioner,
  type ColorScale,
  type ColorScaleOptions,
} from "./color.js";
import { matrixImage, RASTER_CELLS } from "./raster.js";
import { emptyChart, esc, svgOpen, svgTitle } from "./svg.js";

/** A matrix as rows of numbers (row-major; every row the same length), as a nested list for numpy.array / matplotlib's imshow. */
export type Matrix = readonly (readonly number[])[];

/** Options of heatmap: title, labels, cell size, annotation, and the colour scale (linear or log, colormap, domain) with its colour bar; seaborn.heatmap's xticklabels/yticklabels/annot/norm/cbar. */
export interface HeatmapOptions extends ColorScaleOptions {
  title: string;
  /** One label per row, or a function of the row index (for a heatmap that grows: `(i) => String(i)`). */
  rowLabels?: Labels;
  /** One label per column, or a function of the column index (`(j) => \`step ${j + 1}\``). */
  colLabels?: Labels;
  xLabel?: string;
  yLabel?: string;
  /** Write each cell's value in it (small matrices). */
  annotate?: boolean;
  /** Cell side in px (default 32, or what fits `width` and `height`). */
  cell?: number;
  /** Width and height of the cell area in px: cells stretch to fill it (many time steps, say). */
  width?: number;
  height?: number;
  /** Draw the colour bar (default true). */
  colorBar?: boolean;
  /** Caption under the colour bar (the values' unit, say). */
  colorBarLabel?: string;
  /** What a grey cell means, shown beside the colour bar when there is one (default "no value"; "not reached", say). */
  missingLabel?: string;
  /**
   * Cells to hatch over their colour, same shape as the values: a second kind of "no value" that
   * must not look like the grey one (steps cut by truncated BPTT, beside steps the loss never reached).
   */
  hatched?: readonly (readonly boolean[])[];
  /** What a hatched cell means, in the key beside the colour bar (default "cut"). */
  hatchLabel?: string;
}

/** Axis labels: one string per row/column, or a function of the index (seaborn.heatmap's xticklabels / yticklabels). */
export type Labels = readonly string[] | ((index: number) => string);

/** The n labels that `labels` gives (a function is called for 0..n-1). */
export const labelsFor = (labels: Labels | undefined, n: number): readonly string[] | undefined =>
  typeof labels === "function" ? Array.from({ length: n }, (_, k) => String(labels(k))) : labels;

/**
 * Checks that `values` is a non-empty matrix of numbers with rows of one length; returns [rows, cols].
 * `what` names the argument in errors ("heatmap: values", "imageGrid: image 3").
 */
export function checkMatrix(what: string, values: unknown): [number, number] {
  if (!Array.isArray(values) || values.length === 0 || !Array.isArray(values[0]) || values[0].length === 0) {
    throw new ShapeError(
      `${what} must be a non-empty matrix (an array of rows of numbers), got ${describe(values)}. Pass at least one row with one value.`,
    );
  }
  const cols = values[0].length;
  values.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new ShapeError(`${what}: row ${i} is ${describe(row)}, not an array of numbers.`);
    if (row.length !== cols)
      throw new ShapeError(`${what}: row ${i} has ${row.length} values but row 0 has ${cols}; every row must have the same length.`);
    const j = row.findIndex((v) => typeof v !== "number");
    if (j >= 0) throw new ValueError(`${what}: row ${i}, column ${j} is ${describe(row[j])}, not a number.`);
  });
  return [values.length, cols];
}

const describe = (v: unknown): string =>
  Array.isArray(v)
    ? v.length === 0
      ? "[] (empty)"
      : `an array of ${v.length}`
    : v === null
      ? "null"
      : typeof v === "string"
        ? JSON.stringify(v)
        : `${typeof v} ${String(v)}`;

/** Labels must match the count they label. */
export function checkLabels(op: string, what: string, labels: readonly string[] | undefined, n: number, unit: string): void {
  if (labels && labels.length !== n)
    throw new ShapeError(
      `${op}: ${what} has ${labels.length} labels but there are ${n} ${unit}; pass one label per ${unit.replace(/s$/, "")}.`,
    );
}

/** Every `step`-th label, so labels on small cells do not overlap (about `px` px per label). */
export const labelStep = (cellPx: number, px: number): number => Math.max(1, Math.ceil(px / cellPx));

/** How matrixCells draws: text in each cell, or one image for all (large matrices; see raster.ts). */
export interface CellStyle {
  /** Write this text in each cell (the value, a count). */
  annotate?: (v: number, i: number, j: number) => string;
  /** One image instead of a rect per cell (no tooltips, no annotation). */
  raster?: boolean;
}

/**
 * The cells of a matrix drawn at (x0, y0), each cw x ch, coloured by `scale`; each cell carries a
 * tooltip with its row, column and value, unless drawn as one image (`raster`).
 */
export function matrixCells(
  values: Matrix,
  scale: ColorScale,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  style: CellStyle = {},
): string {
  if (style.raster) return matrixImage(values, scale, x0, y0, cw, ch);
  const annotate = style.annotate,
    at = positioner(scale);
  // crispEdges: no hairline seams between neighbouring cells from anti-aliasing
  const out: string[] = [`<g class="cells" shape-rendering="crispEdges">`];
  values.forEach((row, i) =>
    row.forEach((v, j) => {
      const x = +(x0 + j * cw).toFixed(2),
        y = +(y0 + i * ch).toFixed(2),
        t = at(v);
      out.push(
        `<rect class="cell" x="${x}" y="${y}" width="${+cw.toFixed(2)}" height="${+ch.toFixed(2)}" fill="${t === null ? MISSING_COLOR : colorAt(scale.colormap, t)}"><title>row ${i}, column ${j}: ${v}</title></rect>`,
      );
      if (annotate) {
        const dark =
          t !== null && (scale.colormap === "diverging" ? Math.abs(t - 0.5) > 0.3 : scale.colormap === "gray" ? t < 0.5 : t > 0.55);
        out.push(
          `<text x="${x + cw / 2}" y="${y + ch / 2 + 4}" text-anchor="middle" fill="${dark ? "white" : "black"}">${esc(annotate(v, i, j))}</text>`,
        );
      }
    }),
  );
  out.push("</g>");
  return out.join("\n");
}

/**
 * A matrix (rows of numbers) as coloured cells with a colour bar, as an SVG string: linear or log10
 * colour scale (decades at equal distances), colormap "blues", "diverging" or "gray". NaN, infinite
 * and (on a log scale) non-positive values get a neutral grey, never a colour that claims a value.
 * Plays the role of matplotlib's imshow/pcolormesh with a colorbar (seaborn's heatmap).
 * @param values rows x columns numbers, every row the same length (else a ShapeError).
 */
export function heatmap(values: Matrix, opts: HeatmapOptions): string {
  const [rows, cols] = checkMatrix("heatmap: values", values);
  const rowLabels = labelsFor(opts.rowLabels, rows),
    colLabels = labelsFor(opts.colLabels, cols);
  checkLabels("heatmap", "rowLabels", rowLabels, rows, "rows");
  checkLabels("heatmap", "colLabels", colLabels, cols, "columns");
  if (opts.hatched) checkHatched("heatmap", opts.hatched, rows, cols);
  const scale = colorScale("heatmap", values.flat(), opts);
  const cw = opts.width ? opts.width / cols : (opts.cell ?? 32),
    ch = opts.height ? opts.height / rows : (opts.cell ?? 32);
  // room for the longest row label (about 6.5 px a character) and the rotated y label
  const left = Math.max(
      opts.yLabel ? 30 : 20,
      rowLabels ? Math.ceil(6.5 * Math.max(0, ...rowLabels.map((l) => l.length))) + (opts.yLabel ? 34 : 14) : 0,
    ),
    top = 34;
  const pw = cols * cw,
    ph = rows * ch;
  const bar = opts.colorBar ?? true;
  // room for the longest text beside the bar (its caption, the keys), at about 6.5 px a character
  const keyText = Math.max(
    0,
    ...[
      opts.colorBarLabel ? opts.colorBarLabel.length + 6 : 0,
      (opts.missingLabel ?? "no value").length + 3,
      (opts.hatchLabel ?? "cut").length + 3,
    ].map((n) => n * 6.5 - COLOR_BAR_WIDTH + 8),
  );
  const W = Math.ceil(left + pw + (bar ? 16 + COLOR_BAR_WIDTH + keyText : 20)),
    H = Math.ceil(top + Math.max(ph + 46, bar ? Math.max(ph, 80) + 56 : 0));
  const out = [svgOpen(W, H, 11), svgTitle(opts.title, left + pw / 2)];
  out.push(
    matrixCells(
      values,
      scale,
      left,
      top,
      cw,
      ch,
      opts.annotate ? { annotate: (v) => String(Number(v.toPrecision(4))) } : { raster: rows * cols > RASTER_CELLS },
    ),
  );
  const hatched = opts.hatched?.some((r) => r.includes(true)) ? opts.hatched : undefined;
  if (hatched) out.push(hatchCells(hatched, left, top, cw, ch));
  const rs = labelStep(ch, 12),
    cs = labelStep(cw, 7 * Math.max(1, ...(colLabels ?? []).map((l) => l.length)) + 4);
  rowLabels?.forEach((l, i) => {
    if (i % rs === 0) out.push(`<text x="${left - 6}" y="${+(top + i * ch + ch / 2 + 4).toFixed(2)}" text-anchor="end">${esc(l)}</text>`);
  });
  colLabels?.forEach((l, j) => {
    if (j % cs === 0)
      out.push(`<text x="${+(left + j * cw + cw / 2).toFixed(2)}" y="${top + ph + 14}" text-anchor="middle">${esc(l)}</text>`);
  });
  if (opts.xLabel) out.push(`<text x="${left + pw / 2}" y="${top + ph + 34}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) out.push(`<text transform="translate(14 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  if (bar) {
    const barX = Math.ceil(left + pw + 16),
      barH = Math.max(ph, 80);
    out.push(
      colorBar(scale, barX, top, barH, opts.colorBarLabel ? `${opts.colorBarLabel}${scale.kind === "log" ? " (log)" : ""}` : undefined),
    );
    // a grey or hatched cell must not be read as a value: say what it means
    const at = positioner(scale);
    let keyY = top + barH + 24;
    if (values.some((row, i) => row.some((v, j) => at(v) === null && !hatched?.[i]?.[j]))) {
      out.push(
        `<rect x="${barX}" y="${keyY}" width="14" height="10" fill="${MISSING_COLOR}" stroke="#888"/>`,
        `<text x="${barX + 18}" y="${keyY + 9}">${esc(opts.missingLabel ?? "no value")}</text>`,
      );
      keyY += 16;
    }
    if (hatched)
      out.push(
        `<rect x="${barX}" y="${keyY}" width="14" height="10" fill="${MISSING_COLOR}" stroke="#888"/>`,
        `<rect x="${barX}" y="${keyY}" width="14" height="10" fill="url(#${HATCH_ID})"/>`,
        `<text x="${barX + 18}" y="${keyY + 9}">${esc(opts.hatchLabel ?? "cut")}</text>`,
      );
  }
  out.push("</svg>");
  return out.join("\n");
}

// Every chart that hatches defines the same pattern under one id: in a page with several charts the
// first definition serves all, and identical ones cannot disagree.
const HATCH_ID = "tensorloom-hatch";
const HATCH_DEF = `<defs><pattern id="${HATCH_ID}" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#c62828" stroke-width="1.6"/></pattern></defs>`;

/** Checks that a hatch mask has the values' shape and holds booleans. */
export function checkHatched(op: string, hatched: unknown, rows: number, cols: number): void {
  const ok =
    Array.isArray(hatched) &&
    hatched.length === rows &&
    hatched.every((r) => Array.isArray(r) && r.length === cols && r.every((b) => typeof b === "boolean"));
  if (!ok)
    throw new ShapeError(
      `${op}: hatched must be a ${rows} x ${cols} matrix of booleans (the values' shape), got ${describe(hatched)}${Array.isArray(hatched) && Array.isArray(hatched[0]) ? ` of ${describe(hatched[0])}` : ""}.`,
    );
}

/** A hatch over each marked cell (on top of its colour, so a raster below is fine too). */
function hatchCells(hatched: readonly (readonly boolean[])[], x0: number, y0: number, cw: number, ch: number): string {
  const out = [HATCH_DEF, `<g class="hatched" shape-rendering="crispEdges">`];
  hatched.forEach((row, i) =>
    row.forEach((h, j) => {
      if (h)
        out.push(
          `<rect x="${+(x0 + j * cw).toFixed(2)}" y="${+(y0 + i * ch).toFixed(2)}" width="${+cw.toFixed(2)}" height="${+ch.toFixed(2)}" fill="url(#${HATCH_ID})"/>`,
        );
    }),
  );
  out.push("</g>");
  return out.join("\n");
}

/** A heatmap, or the empty chart a live view shows before its first values. */
export const heatmapOrEmpty = (values: Matrix, opts: HeatmapOptions): string =>
  values.length && values[0]!.length ? heatmap(values, opts) : emptyChart(opts.title, 360, 160);
