// Canvas in and out (issue #15): tl.fromPixels and tl.toPixels, TF.js's tf.browser.fromPixels /
// toPixels with PyTorch's layout. Pixels become a [C, H, W] float tensor in [0, 1] (torchvision's
// ToTensor convention); a tensor becomes RGBA bytes. Browser-safe and Node-safe: the DOM is only
// touched through the source object's own methods (a canvas's getContext) or, to draw an image
// or bitmap, through OffscreenCanvas / document.createElement("canvas") when they exist. Sources
// are typed structurally, so Node users pass an ImageData-like { data, width, height }.

import { type DType, allocStorage } from "../tensor/dtype.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * RGBA bytes, row by row, 4 per pixel: the shape of the DOM's ImageData, which satisfies it (TF.js:
 * the `PixelData` / ImageData that tf.browser.fromPixels takes; PyTorch has no equivalent). Node
 * users build one by hand: `{ data: new Uint8ClampedArray(w * h * 4), width: w, height: h }`.
 */
export interface PixelData {
  /** The RGBA bytes: `width * height * 4` of them, row-major (a Uint8Array is accepted too). */
  readonly data: Uint8ClampedArray | Uint8Array;
  /** Pixels per row. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
}

/** The 2D context calls fromPixels and toPixels make (a CanvasRenderingContext2D has them). */
interface Context2DLike {
  getImageData(sx: number, sy: number, sw: number, sh: number): PixelData;
  putImageData(data: unknown, dx: number, dy: number): void;
  drawImage(image: unknown, dx: number, dy: number): void;
}

/**
 * Anything with a 2D context: an HTMLCanvasElement or OffscreenCanvas (TF.js: the canvas sources
 * of tf.browser.fromPixels / the canvas argument of tf.browser.toPixels; PyTorch has none).
 */
export interface CanvasLike {
  /** Pixels per row (toPixels sets it to the tensor's width). */
  width: number;
  /** Rows (toPixels sets it to the tensor's height). */
  height: number;
  /** The DOM's getContext: fromPixels asks for "2d" with `{ willReadFrequently: true }`. */
  getContext(contextId: "2d", options?: unknown): unknown;
}

/**
 * A source fromPixels draws onto a scratch canvas first: an HTMLImageElement (loaded: `await
 * img.decode()`), HTMLVideoElement or ImageBitmap (TF.js: the same sources of
 * tf.browser.fromPixels; PyTorch: what torchvision reads with PIL). Only in a browser or worker.
 */
export interface DrawableLike {
  /** The drawn width (an image's natural width, a video's videoWidth, when those exist). */
  readonly width: number;
  /** The drawn height. */
  readonly height: number;
}

/** What tl.fromPixels reads (TF.js: the `pixels` argument of tf.browser.fromPixels). */
export type PixelSource = PixelData | CanvasLike | DrawableLike;

/** Options of {@link fromPixels} (TF.js: `numChannels` of tf.browser.fromPixels; PyTorch: the arguments of F.interpolate). */
export interface FromPixelsOptions {
  /**
   * 1, 3 (default) or 4: keep the first C of R, G, B, A, as TF.js's numChannels does. 1 is the red
   * channel, not luminance (torchvision's Grayscale weighs 0.299 R + 0.587 G + 0.114 B: take 3
   * channels and combine them). A drawing on a transparent canvas may live only in alpha: use 4.
   */
  channels?: 1 | 3 | 4;
  /**
   * Resize to `[height, width]` (a number: square) as torch.nn.functional.interpolate(x[None],
   * size, mode, align_corners=False) on the [0, 1] values: half-pixel centres, no antialiasing
   * (torchvision's Resize antialiases when shrinking; TF.js's resizeBilinear without
   * halfPixelCenters samples elsewhere).
   */
  size?: [number, number] | number;
  /** "bilinear" (default) or "nearest" (F.interpolate's mode "nearest": source index floor(i * in / out)). */
  mode?: "bilinear" | "nearest";
  /** "float32" (default) or "float64": values in [0, 1]; "int32": the bytes 0-255 (TF.js's default; resized values rounded). */
  dtype?: DType;
}

const OP_IN = "fromPixels";
const OP_OUT = "toPixels";

function isPixelData(s: object): s is PixelData {
  return "data" in s && "width" in s && "height" in s;
}

function checkSide(op: string, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new ValueError(`${op}: ${what} must be an integer >= 1, got ${String(v)}.`);
  return v;
}

/** A scratch 2D canvas (OffscreenCanvas, else a DOM canvas), or null outside browsers and workers. */
function scratchCanvas(w: number, h: number): CanvasLike | null {
  const g = globalThis as {
    OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
    document?: { createElement(tag: "canvas"): CanvasLike };
  };
  if (typeof g.OffscreenCanvas === "function") return new g.OffscreenCanvas(w, h);
  if (g.document && typeof g.document.createElement === "function") {
    const c = g.document.createElement("canvas");
    c.width = w;
    c.height = h;
    return c;
  }
  return null;
}

function context2d(canvas: CanvasLike): Context2DLike | null {
  return canvas.getContext("2d", { willReadFrequently: true }) as Context2DLike | null;
}

/** Draws `source` (w x h) onto a scratch canvas and reads its pixels back. */
function drawAndRead(source: object, w: number, h: number): PixelData {
  const canvas = scratchCanvas(w, h);
  if (!canvas) {
    throw new ValueError(
      `${OP_IN}: this source has to be drawn on a canvas, and there is no OffscreenCanvas or document here (Node?). Pass an ImageData-like object { data: Uint8ClampedArray, width, height } instead.`,
    );
  }
  const ctx = context2d(canvas);
  if (!ctx) throw new ValueError(`${OP_IN}: could not get a 2D context on a scratch canvas.`);
  ctx.drawImage(source, 0, 0);
  return ctx.getImageData(0, 0, w, h);
}

/** The RGBA pixels of any source. */
function readPixels(source: PixelSource): PixelData {
  if (source === null || typeof source !== "object") {
    throw new ValueError(
      `${OP_IN}: expected a canvas, ImageData, image, ImageBitmap or an ImageData-like { data, width, height }, got ${source === null ? "null" : typeof source}.`,
    );
  }
  if (isPixelData(source)) {
    const { data, width, height } = source;
    checkSide(OP_IN, "width", width);
    checkSide(OP_IN, "height", height);
    if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
      throw new DTypeError(
        `${OP_IN}: data must be a Uint8ClampedArray or Uint8Array of RGBA bytes, got ${Object.prototype.toString.call(data).slice(8, -1)}.`,
      );
    }
    if (data.length !== width * height * 4) {
      throw new ShapeError(
        `${OP_IN}: data has ${data.length} bytes; a ${width} x ${height} image has ${width * height * 4} (4 per pixel, RGBA). Pass RGBA even for gray images.`,
      );
    }
    return source;
  }
  const s = source as Partial<CanvasLike> & {
    naturalWidth?: number;
    naturalHeight?: number;
    videoWidth?: number;
    videoHeight?: number;
    complete?: boolean;
  };
  // an <img> or <video>: its natural size (width/height are the layout size)
  const w = s.naturalWidth ?? s.videoWidth ?? s.width,
    h = s.naturalHeight ?? s.videoHeight ?? s.height;
  if (s.naturalWidth === 0 || s.videoWidth === 0) {
    throw new ValueError(
      `${OP_IN}: the image or video has no pixels yet (width 0): wait until it has loaded (await img.decode(), or the video's "loadeddata" event).`,
    );
  }
  checkSide(OP_IN, "the source's width", w);
  checkSide(OP_IN, "the source's height", h);
  if (typeof s.getContext === "function") {
    // a canvas: read its 2D context; a canvas holding a WebGL context gives null, so draw it instead
    const ctx = context2d(s as CanvasLike);
    if (ctx && typeof ctx.getImageData === "function") return ctx.getImageData(0, 0, w!, h!);
  }
  return drawAndRead(source, w!, h!);
}

/** Source coordinate of output index `i` for F.interpolate's (in / out) scale, in float32 as PyTorch's CPU kernel computes it. */
function linearTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize),
    i1 = new Int32Array(outSize),
    w1 = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    let src = Math.fround(Math.fround(scale * Math.fround(i + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.floor(src);
    i0[i] = lo;
    i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    w1[i] = Math.fround(src - lo);
  }
  return { i0, i1, w1 };
}

function nearestTaps(inSize: number, outSize: number): Int32Array {
  const scale = Math.fround(inSize / outSize);
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(Math.fround(scale * i)), inSize - 1);
  return idx;
}

function parseSize(size: FromPixelsOptions["size"]): [number, number] | null {
  if (size === undefined) return null;
  const pair = typeof size === "number" ? [size, size] : size;
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new ValueError(`${OP_IN}: size must be [height, width] or one number, got ${JSON.stringify(size)}.`);
  return [checkSide(OP_IN, "size's height", pair[0]), checkSide(OP_IN, "size's width", pair[1])];
}

/**
 * Pixels as a tensor of shape [C, H, W] with values in [0, 1] (float32 by default), the layout
 * and scale of torchvision's `transforms.ToTensor()` (TF.js: `tf.browser.fromPixels`, which gives
 * [H, W, C] int32 in 0-255; `permute` gets that layout, `{ dtype: "int32" }` those values).
 * Reads an HTMLCanvasElement or OffscreenCanvas, an ImageData, an HTMLImageElement, video or
 * ImageBitmap (drawn onto a scratch canvas; browsers and workers only), or any ImageData-like
 * `{ data: Uint8ClampedArray, width, height }` (RGBA bytes), which is what Node users pass.
 * `channels` keeps the first 1, 3 (default) or 4 of R, G, B, A; `size` resizes as
 * `F.interpolate(x, size, mode="bilinear", align_corners=False)` (or mode "nearest"). Canvas
 * pixels read back un-premultiplied, so RGB of pixels with alpha < 255 may be off by rounding.
 *
 * @example tl.fromPixels({ data: new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]), width: 2, height: 1 }) // shape [3, 1, 2]
 */
export function fromPixels(source: PixelSource, opts: FromPixelsOptions = {}): Tensor {
  const channels = opts.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new ValueError(`${OP_IN}: channels must be 1, 3 or 4, got ${String(channels)}.`);
  const dtype = opts.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32")
    throw new DTypeError(
      `${OP_IN}: dtype must be "float32", "float64" (values in [0, 1]) or "int32" (0-255), got ${JSON.stringify(dtype)}.`,
    );
  const mode = opts.mode ?? "bilinear";
  if (mode !== "bilinear" && mode !== "nearest")
    throw new ValueError(`${OP_IN}: mode must be "bilinear" or "nearest", got ${JSON.stringify(mode)}.`);
  const size = parseSize(opts.size);
  const { data, width: W, height: H } = readPixels(source);
  const [h, w] = size ?? [H, W];
  const shape = [channels, h, w];
  const out = allocStorage(dtype, channels * h * w, shape);
  const ints = dtype === "int32";
  if (!size || (h === H && w === W)) {
    for (let c = 0; c < channels; c++) {
      const base = c * H * W;
      for (let p = 0; p < H * W; p++) out[base + p] = ints ? data[p * 4 + c]! : data[p * 4 + c]! / 255;
    }
    return new Tensor(out, shape);
  }
  const put = (o: number, v: number) => {
    out[o] = ints ? Math.round(v * 255) : v;
  };
  if (mode === "nearest") {
    const ys = nearestTaps(H, h),
      xs = nearestTaps(W, w);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) put((c * h + y) * w + x, data[(ys[y]! * W + xs[x]!) * 4 + c]! / 255);
    }
  } else {
    const ty = linearTaps(H, h),
      tx = linearTaps(W, w);
    for (let c = 0; c < channels; c++) {
      const at = (y: number, x: number) => Math.fround(data[(y * W + x) * 4 + c]! / 255);
      for (let y = 0; y < h; y++) {
        const y0 = ty.i0[y]!,
          y1 = ty.i1[y]!,
          wy1 = ty.w1[y]!,
          wy0 = 1 - wy1;
        for (let x = 0; x < w; x++) {
          const x0 = tx.i0[x]!,
            x1 = tx.i1[x]!,
            wx1 = tx.w1[x]!,
            wx0 = 1 - wx1;
          put((c * h + y) * w + x, wy0 * (wx0 * at(y0, x0) + wx1 * at(y0, x1)) + wy1 * (wx0 * at(y1, x0) + wx1 * at(y1, x1)));
        }
      }
    }
  }
  return new Tensor(out, shape);
}

/**
 * A [C, H, W] (C = 1, 3 or 4) or [H, W] tensor as RGBA bytes, drawn into `canvas` when one is
 * given (resized to the tensor; TF.js: `tf.browser.toPixels(img, canvas)`, which takes [H, W, C]
 * and returns a Promise of the bytes; PyTorch: torchvision's `ToPILImage`). Float values are in
 * [0, 1] and int32 values in 0-255; both are clamped to that range and rounded to the nearest
 * byte (bool: 0 or 255). One channel is gray (R = G = B); without a fourth channel alpha is 255.
 * Returns an ImageData where the DOM has one, else an ImageData-like `{ data, width, height }`
 * (`.data` is what TF.js returns), which fromPixels reads back. A canvas stores premultiplied
 * alpha, so pixels with alpha < 255 may read back off by rounding.
 *
 * @example tl.toPixels(tl.ones([3, 2, 2])).data.length // => 16
 */
export function toPixels(tensor: Tensor, canvas?: CanvasLike): PixelData {
  if (!(tensor instanceof Tensor)) throw new ValueError(`${OP_OUT}: expected a Tensor, got ${tensor === null ? "null" : typeof tensor}.`);
  const shape = tensor.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ShapeError(
      `${OP_OUT}: expected a [C, H, W] or [H, W] tensor, got shape [${shape.join(", ")}] (rank ${shape.length}). Select one image of a batch first (x.select(0, i)).`,
    );
  }
  const [C, H, W] = shape.length === 2 ? [1, shape[0]!, shape[1]!] : [shape[0]!, shape[1]!, shape[2]!];
  if (C !== 1 && C !== 3 && C !== 4) {
    throw new ShapeError(
      `${OP_OUT}: the channel dim (dim 0 of [C, H, W]) must be 1, 3 or 4, got ${C} in shape [${shape.join(", ")}]. For an [H, W, C] tensor, permute([2, 0, 1]) first.`,
    );
  }
  if (H === 0 || W === 0) throw new ShapeError(`${OP_OUT}: an image needs at least one pixel, got shape [${shape.join(", ")}].`);
  const s = tensor.storage;
  const scale = tensor.dtype === "float32" || tensor.dtype === "float64" ? 255 : tensor.dtype === "bool" ? 255 : 1;
  const n = H * W;
  const bytes = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v)) {
      const c = Math.floor(i / n),
        p = i % n;
      throw new ValueError(
        `${OP_OUT}: the tensor has a non-finite value ${v} at [${shape.length === 3 ? `${c}, ` : ""}${Math.floor(p / W)}, ${p % W}]; pixels must be finite. Replace them first (tl.where(x.isfinite(), x, 0)).`,
      );
    }
  }
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < n; p++) {
      let v: number;
      if (c < 3) v = s[(C === 1 ? 0 : c) * n + p]! * scale;
      else v = C === 4 ? s[3 * n + p]! * scale : 255;
      bytes[p * 4 + c] = Math.round(Math.min(255, Math.max(0, v)));
    }
  }
  const g = globalThis as { ImageData?: new (data: Uint8ClampedArray, w: number, h: number) => PixelData };
  const image: PixelData = typeof g.ImageData === "function" ? new g.ImageData(bytes, W, H) : { data: bytes, width: W, height: H };
  if (canvas !== undefined) {
    if (canvas === null || typeof canvas.getContext !== "function")
      throw new ValueError(
        `${OP_OUT}: canvas must be an HTMLCanvasElement or OffscreenCanvas (something with getContext), got ${canvas === null ? "null" : typeof canvas}.`,
      );
    canvas.width = W;
    canvas.height = H;
    const ctx = canvas.getContext("2d") as Context2DLike | null;
    if (!ctx) throw new ValueError(`${OP_OUT}: the canvas gave no 2D context (it may already hold a WebGL one); pass a fresh canvas.`);
    ctx.putImageData(image, 0, 0);
  }
  return image;
}
