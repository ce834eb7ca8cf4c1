// Which backend runs the kernels. Ops call kernels() and never name a backend.
//
// The wasm backend is the default wherever WebAssembly SIMD is available; the reference backend
// (plain TypeScript, the specification) is the fallback and can be chosen with setBackend. The
// environment variable TENSORLOOM_BACKEND (Node only) picks the starting backend, which is how the
// test runner runs the whole suite once per backend.

import { UnsupportedKernelError } from "../tensor/errors.js";
import { setCreationAllocator } from "../tensor/storage.js";
import type { Backend, BackendName } from "./backend.js";
import { hostKernels } from "./host.js";
import { referenceBackend } from "./reference/index.js";
import { loadWasmBackend, type WasmBackend } from "./wasm/index.js";
import { type WebGpuOptions, createWebGpuBackend } from "./webgpu/index.js";
import { WarnOnce, detectIsolation, effectiveThreads, isolationWarning } from "./threadSupport.js";

const reference = hostKernels(referenceBackend);
const available: Partial<Record<BackendName, Backend>> = { reference };
let current: Backend = reference;
/** The wasm backend itself (thread controls), once loaded; available.wasm is its kernels over operands. */
let wasmBackend: WasmBackend | undefined;
/** The webgpu backend's initialisation, once asked for (initWebGpu, or setBackend("webgpu")). */
let webgpuInit: Promise<void> | null = null;
/** setBackend("webgpu") before initWebGpu resolved: switch when it does. */
let webgpuWanted = false;
/** The set-up setBackend("webgpu") started, until ready() awaits it (and rethrows its failure). */
let webgpuPending: Promise<void> | null = null;
/** Default threads: the machine's cores in Node (capped by the pool's size), 1 elsewhere. */
let numThreads = ((): number => {
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:os") as
    | { availableParallelism?: () => number }
    | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? 1);
})();
let chosenByUser = false;
let wasmMissing = "this runtime has no WebAssembly SIMD";

const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORLOOM_BACKEND;
if (requested !== undefined && requested !== "reference" && requested !== "wasm") {
  throw new UnsupportedKernelError(
    `TENSORLOOM_BACKEND="${requested}" is not a backend; use "reference" or "wasm", or unset it for the default.`,
  );
}

function adoptWasm(b: WasmBackend): void {
  wasmBackend = b;
  const k = hostKernels(b);
  available.wasm = k;
  b.setThreads(numThreads);
  if (!chosenByUser && requested !== "reference") current = k;
}

const loading = ((): Promise<void> => {
  try {
    const w = loadWasmBackend();
    if (w === null) return Promise.resolve();
    if (w instanceof Promise) {
      return w.then(adoptWasm, (e: unknown) => {
        wasmMissing = `the wasm kernels failed to compile (${String(e)})`;
      });
    }
    adoptWasm(w);
  } catch (e) {
    wasmMissing = `the wasm kernels failed to load (${String(e)})`;
  }
  return Promise.resolve();
})();
/**
 * Random draws (tensor/create.ts) go straight into wasm memory while wasm is the active backend,
 * so the kernels that read them find them there instead of copying them in on every call. Only
 * wasm: its blocks are host-addressable (a GPU buffer is not, and asking webgpu would create one
 * only to give it back). At most CREATION_MAX_BYTES: a larger tensor would hold a large share of
 * the resident budget for as long as it lives, pushing the outputs of the ops that follow to host
 * arrays, so it stays a host array.
 */
const CREATION_MAX_BYTES = 16 << 20;
setCreationAllocator((dtype, n) =>
  current === available.wasm && n * (dtype === "float64" ? 8 : 4) <= CREATION_MAX_BYTES
    ? (current.allocate?.(dtype, n, false) ?? null)
    : null,
);

if (requested === "wasm" && !available.wasm) {
  throw new UnsupportedKernelError(`TENSORLOOM_BACKEND="wasm" but ${wasmMissing}; unset it to fall back to the reference backend.`);
}

/**
 * Resolves once the default backend is in place and the wasm worker threads asked for by
 * setNumThreads serve. In Node the wasm backend loads synchronously at import; a browser's main
 * thread compiles it asynchronously, and ops run on the reference backend until then. Web Workers
 * start only once the page yields; until they serve, their share runs on the calling thread.
 * After `setBackend("webgpu")`, also awaits the GPU set-up and rejects with its error (no
 * adapter, no navigator.gpu). Returns the active backend's name.
 */
export async function ready(): Promise<BackendName> {
  await loading;
  await wasmBackend?.threadsStarted();
  if (webgpuPending) {
    const p = webgpuPending;
    webgpuPending = null;
    await p;
  }
  return current.name;
}

/**
 * Start the WebGPU backend: request an adapter and a device from `options.gpu` (default
 * `navigator.gpu`; in Node pass the `webgpu` npm package's `create([])`), then `tl.setBackend("webgpu")`.
 * Rejects with an error naming what is missing where no adapter exists. Calling it again returns
 * the same initialisation. `tl.setBackend("webgpu")` alone starts it too (then `await tl.ready()`).
 */
export function initWebGpu(options: WebGpuOptions = {}): Promise<void> {
  webgpuInit ??= createWebGpuBackend(options, () => available.wasm ?? reference).then(
    (b) => {
      available.webgpu = b;
      if (webgpuWanted) current = b;
    },
    (e: unknown) => {
      webgpuInit = null;
      webgpuWanted = false;
      throw e;
    },
  );
  return webgpuInit;
}

/** The active backend's kernels. */
export function kernels(): Backend {
  return current;
}

/**
 * Switch backend for all following ops: "wasm" (WebAssembly SIMD, the default), "reference" (plain
 * TypeScript) or "webgpu" (a GPU; its set-up is asynchronous: `tl.setBackend("webgpu"); await tl.ready()`,
 * or `await tl.initWebGpu()` first). Tensors on the GPU are read with `await t.dataAsync()`, `await t.array()`.
 */
export function setBackend(name: BackendName): void {
  const b = available[name];
  if (!b && name === "webgpu") {
    // asynchronous: ops run on the current backend until `await tl.ready()` (which rethrows a failure)
    chosenByUser = true;
    webgpuWanted = true;
    webgpuPending = initWebGpu();
    webgpuPending.catch(() => {}); // reported by ready()
    return;
  }
  if (!b) {
    const names = Object.keys(available).join(", ");
    if (name === "wasm") {
      throw new UnsupportedKernelError(
        `setBackend: the "wasm" backend is not available: ${wasmMissing} (available: ${names}). In a browser, await tl.ready() first; otherwise use "reference".`,
      );
    }
    throw new UnsupportedKernelError(`setBackend: unknown backend "${name}" (available: ${names}).`);
  }
  chosenByUser = true;
  webgpuWanted = name === "webgpu";
  current = b;
}

/** The backends this build can run, for tests that run every fixture on each. */
export function availableBackends(): BackendName[] {
  return Object.keys(available) as BackendName[];
}

/** The backend running kernels now ("wasm" or "reference"); set with setBackend. */
export function getBackend(): BackendName {
  return current.name;
}

/**
 * Threads the wasm backend may use for GEMM and convolutions (default: the machine's cores in
 * Node, 1 in browsers). Small ops always run on the calling thread. In a browser, threads need a
 * cross-origin isolated page (COOP/COEP headers) and start asynchronously: `await tl.ready()`
 * after this call. Where a page is not cross-origin isolated (or there is no SharedArrayBuffer), a
 * request for more than one thread warns once (console.warn naming the COOP/COEP headers) and
 * kernels stay on one thread. The reference backend is single-threaded and ignores it.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be a positive integer, got ${n}.`);
  numThreads = n;
  isolationNotice.maybe(isolationWarning(n, detectIsolation()));
  wasmBackend?.setThreads(n);
}

/** One isolation warning per page. */
const isolationNotice = new WarnOnce();

/**
 * Threads that actually run GEMM and convolutions now, as torch.get_num_threads: what
 * setNumThreads asked, capped by the wasm pool's size, and 1 on the reference backend, before the
 * wasm backend has loaded, or where threads are unavailable (a page without cross-origin
 * isolation, no SharedArrayBuffer). In a browser the worker threads start after `await tl.ready()`;
 * until then their share runs on the calling thread.
 */
export function getNumThreads(): number {
  return effectiveThreads({ backend: current.name, wasmThreads: wasmBackend?.threads() ?? 1, ...detectIsolation() });
}

export type { Backend, BackendName, HostBackend, Operand } from "./backend.js";
export type { WebGpuOptions } from "./webgpu/index.js";
