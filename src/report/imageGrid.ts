// Grids of small images (learned conv filters, feature maps) as SVG strings: each image scaled on
// its own or all on one shared scale, gray for activations, diverging (blue < 0 < red) for signed
// weights, where the sign matters and white must mean zero.

import { ValueError } from "../tensor/errors.js";
import { COLOR_BAR_WIDTH, colorBar, colorScale, type Colormap, type ColorScale } from "./color.js";
import { checkLabels, checkMatrix, matrixCells, type Matrix } from "./heatmap.js";
import { RASTER_CELLS } from "./raster.js";
import { emptyChart, esc, svgOpen, svgTitle } from "./svg.js";

/** Options of imageGrid: title, captions, pixel size, images per row (torchvision make_grid's nrow), colour scaling (make_grid's scale_each) and colormap (imshow's cmap). */
export interface ImageGridOptions {
  title: string;
  /** One caption per image (fewer is fine: the rest go without). */
  captions?: readonly string[];
  /** Side of one image pixel in px (default 10). */
  pixel?: number;
  /** Images per row (default 8). */
  perRow?: number;
  /**
   * "each" (default): every image spans its own colour range (shapes stand out); "shared": one
   * range for all (magnitudes compare across images) with a colour bar.
   */
  scaling?: "each" | "shared";
  /** "gray" (default) or "diverging" (symmetric about 0: signed weights), or "blues". */
  colormap?: Colormap;
}

/** Checks imageGrid's input (matrices, captions, scaling) without drawing; returns each image's [rows, cols]. */
export function checkImages(images: readonly Matrix[], opts: ImageGridOptions): [number, number][] {
  if (!Array.isArray(images))
    throw new ValueError(`imageGrid: images must be an array of matrices (rows of numbers), got ${typeof images}.`);
  const sizes = images.map((img, k) => checkMatrix(`imageGrid: image ${k}`, img));
  // no images yet (a live view's start) leaves captions for later ones
  if (images.length && opts.captions && opts.captions.length > images.length)
    checkLabels("imageGrid", "captions", opts.captions, images.length, "images");
  if (opts.scaling !== undefined && opts.scaling !== "each" && opts.scaling !== "shared")
    throw new ValueError(`imageGrid: scaling must be "each" or "shared", got ${JSON.stringify(opts.scaling)}.`);
  return sizes;
}

/**
 * Several small images (each rows x cols numbers; sizes may differ) in a grid with captions, as an
 * SVG string. NaN pixels are drawn grey. Plays the role of torchvision's make_grid plus matplotlib's
 * imshow (cmap "gray" or "RdBu_r").
 */
export function imageGrid(images: readonly Matrix[], opts: ImageGridOptions): string {
  const sizes = checkImages(images, opts);
  if (images.length === 0) return emptyChart(opts.title, 320, 120, "no images");
  const scaling = opts.scaling ?? "each",
    colormap = opts.colormap ?? "gray";
  const px = opts.pixel ?? 10,
    perRow = Math.max(1, Math.floor(opts.perRow ?? 8));
  const h = Math.max(...sizes.map((s) => s[0])),
    w = Math.max(...sizes.map((s) => s[1]));
  const boxW = w * px + 12,
    boxH = h * px + 22;
  const shared: ColorScale | null =
    scaling === "shared"
      ? colorScale(
          "imageGrid",
          images.flatMap((img) => img.flat()),
          { colormap },
        )
      : null;
  const gridW = Math.min(images.length, perRow) * boxW + 10,
    gridH = Math.ceil(images.length / perRow) * boxH;
  const W = gridW + (shared ? COLOR_BAR_WIDTH : 0),
    H = 30 + Math.max(gridH, shared ? 110 : 0);
  const out = [svgOpen(W, H, 10), svgTitle(opts.title, W / 2)];
  const raster = sizes.reduce((n, [h, w]) => n + h * w, 0) > RASTER_CELLS;
  images.forEach((img, k) => {
    const x0 = 5 + (k % perRow) * boxW,
      y0 = 28 + Math.floor(k / perRow) * boxH;
    out.push(
      `<g class="image">`,
      matrixCells(img, shared ?? colorScale("imageGrid", img.flat(), { colormap }), x0, y0, px, px, { raster }),
      "</g>",
    );
    if (opts.captions?.[k])
      out.push(
        `<text x="${x0 + (img[0]!.length * px) / 2}" y="${y0 + img.length * px + 12}" text-anchor="middle">${esc(opts.captions[k]!)}</text>`,
      );
  });
  if (shared) out.push(colorBar(shared, gridW + 4, 30, Math.min(Math.max(gridH - 20, 80), 200)));
  out.push("</svg>");
  return out.join("\n");
}
