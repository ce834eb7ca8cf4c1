// What tl.getNumThreads reports and when tl.setNumThreads warns: the threads that actually run,
// given the runtime. Pure functions of a described environment (so tests can simulate a page
// without cross-origin isolation in Node), plus the detection of the real one.

/** What decides how many threads the wasm backend can run here. */
export interface ThreadEnvironment {
  /** The backend running kernels now; the reference backend is single-threaded. */
  backend: "wasm" | "reference" | "webgpu";
  /** Whether the runtime has SharedArrayBuffer (worker threads need shared wasm memory). */
  sharedArrayBuffer: boolean;
  /** A browser's `crossOriginIsolated` (undefined outside browsers, e.g. Node). */
  crossOriginIsolated?: boolean;
  /** The threads the wasm backend accepted (its pool's cap applied; 1 without a pool). */
  wasmThreads: number;
}

/** The runtime's SharedArrayBuffer and crossOriginIsolated, as this module sees them. */
export function detectIsolation(g: object = globalThis): Pick<ThreadEnvironment, "sharedArrayBuffer" | "crossOriginIsolated"> {
  const o = g as { SharedArrayBuffer?: unknown; crossOriginIsolated?: unknown };
  const coi = o.crossOriginIsolated;
  return { sharedArrayBuffer: typeof o.SharedArrayBuffer === "function", crossOriginIsolated: typeof coi === "boolean" ? coi : undefined };
}

/** Whether the environment rules out worker threads: no SharedArrayBuffer, or a page that is not cross-origin isolated. */
export function threadsBlocked(env: Pick<ThreadEnvironment, "sharedArrayBuffer" | "crossOriginIsolated">): boolean {
  return !env.sharedArrayBuffer || env.crossOriginIsolated === false;
}

/** The threads that run kernels: 1 on the reference backend or where threads are blocked, else what the wasm backend accepted. */
export function effectiveThreads(env: ThreadEnvironment): number {
  if (env.backend !== "wasm" || threadsBlocked(env)) return 1;
  return Math.max(1, env.wasmThreads);
}

/**
 * The warning for setNumThreads(requested) where threads are blocked (null when none is due).
 * Names the COOP/COEP headers a page needs.
 */
export function isolationWarning(
  requested: number,
  env: Pick<ThreadEnvironment, "sharedArrayBuffer" | "crossOriginIsolated">,
): string | null {
  if (requested <= 1 || !threadsBlocked(env)) return null;
  const why =
    env.crossOriginIsolated === false
      ? "this page is not cross-origin isolated (crossOriginIsolated is false), so SharedArrayBuffer and shared wasm memory are unavailable"
      : "this runtime has no SharedArrayBuffer, so the wasm memory cannot be shared with worker threads";
  return (
    `tensorloom: setNumThreads(${requested}): ${why}; kernels run on 1 thread and getNumThreads() reports 1. ` +
    "Serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (COOP/COEP) to use threads."
  );
}

/** Calls `warn` with a message the first time only (one isolation warning per page). */
export class WarnOnce {
  private warned = false;
  constructor(private readonly warn: (msg: string) => void = (m) => console.warn(m)) {}
  /** Warn if `msg` is not null and nothing was warned yet; returns whether it warned. */
  maybe(msg: string | null): boolean {
    if (msg === null || this.warned) return false;
    this.warned = true;
    this.warn(msg);
    return true;
  }
}
