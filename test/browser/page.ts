// The page side of `npm run test:browser` (bundled by esbuild, run in headless Chromium): the
// wasm backend with 1 and then 2 threads on the same float32 matmul and conv2d forward+backward.
// It reports; test/browser/run.ts asserts. Also opened without cross-origin isolation, where it
// must run single-threaded.
import * as tl from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import type { WasmBackend } from "../../src/backends/wasm/index.js";
import { canBlock } from "../../src/backends/wasm/threads.js";

/** FNV-1a over the bytes: compares results across threads and pages without shipping them. */
function hash(...arrays: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Median and fastest milliseconds of `reps` runs of `f`, after `warm` untimed runs: a worker's
 * copy of a kernel tiers up from V8's baseline compiler over its first calls (about 10 for the
 * 512 matmul). The fastest is the steadier number on a shared machine.
 */
function time(warm: number, reps: number, f: () => void): { median: number; min: number } {
  for (let i = 0; i < warm; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[reps >> 1]!, min: ms[0]! };
}

const g = new tl.Generator(1);
const a = tl.randn([512, 512], { generator: g }),
  b = tl.randn([512, 512], { generator: g });
const x = tl.randn([16, 16, 32, 32], { generator: g }),
  w = tl.randn([32, 16, 3, 3], { generator: g }),
  bias = tl.randn([32], { generator: g });
const dyWeights = tl.randn([16, 32, 32, 32], { generator: g });

function matmul(): Float32Array {
  return tl.matmul(a, b).storage as Float32Array;
}

/** conv2d forward and backward (input, weight and bias gradients). */
function conv(): { out: Float32Array; dx: Float32Array; dw: Float32Array } {
  const xi = x.detach().requiresGrad_(),
    wi = w.detach().requiresGrad_(),
    bi = bias.detach().requiresGrad_();
  const out = tl.F.conv2d(xi, wi, bi, { padding: 1 });
  out.mul(dyWeights).sum().backward();
  return { out: out.storage as Float32Array, dx: xi.grad!.storage as Float32Array, dw: wi.grad!.storage as Float32Array };
}

/** Largest |p - q| / (1 + |q|) over two arrays of the same length. */
function maxRelDiff(p: Float32Array, q: Float32Array): number {
  let m = 0;
  for (let i = 0; i < q.length; i++) m = Math.max(m, Math.abs(p[i]! - q[i]!) / (1 + Math.abs(q[i]!)));
  return m;
}

async function withThreads(n: number) {
  tl.setNumThreads(n);
  // before the page yields no new worker can serve: a call now runs every row here, and must not hang
  const beforeReady = { workersReady: (kernels() as WasmBackend).workersReady(), matmul: hash(matmul()) };
  const t0 = performance.now();
  await tl.ready();
  const startMs = performance.now() - t0;
  const backend = kernels() as WasmBackend;
  const mm = matmul(),
    c = conv();
  return {
    beforeReady,
    workersReady: backend.workersReady(),
    /** What tl.getNumThreads() reports once the threads asked for serve (or could not start). */
    numThreads: tl.getNumThreads(),
    startMs,
    matmul: hash(mm),
    convOut: hash(c.out),
    convDx: hash(c.dx),
    convDw: hash(c.dw),
    raw: { mm, ...c },
    matmulMs: time(10, 15, matmul),
    convMs: time(12, 9, conv),
  };
}

/** The page's console.warn messages from tensorloom (setNumThreads' isolation warning). */
const warnings: string[] = [];
const pageWarn = console.warn.bind(console);
console.warn = (...a: unknown[]) => {
  if (typeof a[0] === "string" && a[0].startsWith("tensorloom:")) warnings.push(a[0]);
  pageWarn(...a);
};

/** Largest |p - q| over two equal-length arrays (Infinity when the lengths differ). */
function maxAbsDiff(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) return Infinity;
  let m = 0;
  for (let i = 0; i < q.length; i++) m = Math.max(m, Math.abs(p[i]! - q[i]!));
  return m;
}

/**
 * tl.fromPixels / tl.toPixels on real DOM sources: a canvas, an OffscreenCanvas, an <img> and an
 * ImageBitmap of one opaque image must read as its ImageData does (the Node path), resized too;
 * toPixels must draw what getImageData reads back.
 */
async function pixels() {
  const W = 9,
    H = 6;
  const bytes = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 4 === 3 ? 255 : (i * 37 + 11) % 256;
  const imageData = new ImageData(bytes, W, H);
  const canvas = document.createElement("canvas");
  canvas.width = W;
  canvas.height = H;
  // contexts made for reading back (as fromPixels asks), so Chromium does not warn about getImageData
  const readable = { willReadFrequently: true };
  (canvas.getContext("2d", readable) as CanvasRenderingContext2D).putImageData(imageData, 0, 0);
  const offscreen = new OffscreenCanvas(W, H);
  offscreen.getContext("2d", readable)!.putImageData(imageData, 0, 0);
  const img = new Image();
  img.src = canvas.toDataURL("image/png");
  await img.decode();
  const bitmap = await createImageBitmap(imageData);
  // the Node path: the same bytes as a plain ImageData-like object
  const plain = { data: new Uint8ClampedArray(bytes), width: W, height: H };
  const sources = { canvas, offscreen, img, bitmap, imageData } as const;
  const read: Record<string, { full: number; resized: number; shape: readonly number[] }> = {};
  for (const [name, src] of Object.entries(sources)) {
    const full = tl.fromPixels(src, { channels: 4 });
    read[name] = {
      shape: full.shape,
      full: maxAbsDiff(full.storage, tl.fromPixels(plain, { channels: 4 }).storage),
      resized: maxAbsDiff(tl.fromPixels(src, { size: [4, 13] }).storage, tl.fromPixels(plain, { size: [4, 13] }).storage),
    };
  }
  // toPixels into a canvas: an opaque RGB tensor, then getImageData
  const t = tl.rand([3, 5, 8], { generator: new tl.Generator(3) });
  const target = document.createElement("canvas");
  target.getContext("2d", readable);
  const out = tl.toPixels(t, target);
  const drawn = target.getContext("2d")!.getImageData(0, 0, target.width, target.height);
  const gray = document.createElement("canvas");
  gray.getContext("2d", readable);
  const grayOut = tl.toPixels(tl.rand([4, 3], { generator: new tl.Generator(4) }), gray);
  let notLoaded = "";
  try {
    tl.fromPixels(new Image());
  } catch (e) {
    notLoaded = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return {
    read,
    toPixels: {
      isImageData: out instanceof ImageData,
      canvasSize: [target.width, target.height],
      drawnVsReturned: maxAbsDiff(drawn.data, out.data),
      roundTrip: maxAbsDiff(tl.fromPixels(target).storage, t.storage),
      grayDrawnVsReturned: maxAbsDiff(gray.getContext("2d")!.getImageData(0, 0, 3, 4).data, grayOut.data),
    },
    notLoaded,
  };
}

async function check() {
  const backendName = await tl.ready();
  const backend = kernels() as WasmBackend;
  const report = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== "undefined",
    backend: backendName,
    shared: backendName === "wasm" && backend.runtime.shared,
    relaxed: backendName === "wasm" && backend.runtime.relaxed,
    /** Whether the page's thread may Atomics.wait (a browser main thread may not: the pool spins). */
    callerCanWait: typeof SharedArrayBuffer !== "undefined" && canBlock(),
  };
  const one = await withThreads(1),
    two = await withThreads(2);
  const { raw: r1, ...t1 } = one,
    { raw: r2, ...t2 } = two;
  return {
    ...report,
    one: t1,
    two: t2,
    warnings,
    dwMaxRelDiff: maxRelDiff(r2.dw, r1.dw),
    pixels: await pixels(),
    convOutMaxRelDiff: maxRelDiff(r2.out, r1.out),
  };
}

export type PageReport = Awaited<ReturnType<typeof check>>;

(globalThis as { tensorloomCheck?: Promise<PageReport | { error: string }> }).tensorloomCheck = check().catch((e: unknown) => ({
  error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e),
}));
