// A large matrix drawn as one image instead of one <rect> per cell: an uncompressed 24-bit BMP in a
// data: URI, stretched over the cell area without smoothing. 25,000 cells as rects make a ~3.6 MB
// string and as many DOM nodes per redraw; as a BMP, ~100 KB and one node. BMP because it needs no
// compressor (PNG needs zlib, which browsers do not offer synchronously), and every browser decodes it.

import { rgbOf, type ColorScale } from "./color.js";
import type { Matrix } from "./heatmap.js";

/** Matrices with more cells than this are drawn as an image (and lose their per-cell tooltips). */
export const RASTER_CELLS = 1024;

/** The bytes of a bottom-up 24-bit BMP with one pixel per cell, coloured by `scale`. */
export function bmpBytes(values: Matrix, scale: ColorScale): Uint8Array {
  const rows = values.length,
    cols = values[0]!.length;
  const stride = (cols * 3 + 3) & ~3; // rows pad to 4 bytes
  const size = 54 + stride * rows;
  const bytes = new Uint8Array(size),
    view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // "BM"
  bytes[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true); // pixel data offset
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, cols, true);
  view.setInt32(22, rows, true); // positive: bottom row first
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, stride * rows, true);
  const rgb = rgbOf(scale);
  values.forEach((row, i) => {
    let at = 54 + (rows - 1 - i) * stride;
    for (const v of row) {
      const [r, g, b] = rgb(v);
      bytes[at++] = b; // BGR order
      bytes[at++] = g;
      bytes[at++] = r;
    }
  });
  return bytes;
}

/** Base64 of bytes with btoa (in browsers and Node 16+), in chunks to stay under argument limits. */
function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let k = 0; k < bytes.length; k += 0x8000) bin += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(bin);
}

/** The matrix as an <image> covering (x0, y0) to (x0 + cols * cw, y0 + rows * ch), cells kept sharp. */
export function matrixImage(values: Matrix, scale: ColorScale, x0: number, y0: number, cw: number, ch: number): string {
  const w = +(values[0]!.length * cw).toFixed(2),
    h = +(values.length * ch).toFixed(2);
  return `<image class="cells-raster" x="${x0}" y="${y0}" width="${w}" height="${h}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="data:image/bmp;base64,${base64(bmpBytes(values, scale))}"/>`;
}
