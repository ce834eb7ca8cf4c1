// getNumThreads reports the threads that run; setNumThreads warns once where a page lacks
// cross-origin isolation. The Node side runs for real; a browser page is simulated.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { MAX_THREADS } from "./wasm/runtime.js";
import { WarnOnce, detectIsolation, effectiveThreads, isolationWarning, threadsBlocked } from "./threadSupport.js";

describe("getNumThreads in Node", () => {
  it("reports what runs: the request on wasm (capped by the pool), 1 on the reference backend", () => {
    const before = tl.getBackend(),
      n0 = tl.getNumThreads();
    const asked = Math.max(1, n0);
    try {
      if (tl.availableBackends().includes("wasm")) {
        tl.setBackend("wasm");
        tl.setNumThreads(2);
        assert.equal(tl.getNumThreads(), 2);
        tl.setNumThreads(MAX_THREADS + 5);
        assert.equal(tl.getNumThreads(), MAX_THREADS);
        tl.setNumThreads(1);
        assert.equal(tl.getNumThreads(), 1);
      }
      tl.setBackend("reference");
      tl.setNumThreads(4);
      assert.equal(tl.getNumThreads(), 1);
    } finally {
      tl.setBackend(before);
      tl.setNumThreads(asked);
    }
  });

  it("Node has SharedArrayBuffer and no crossOriginIsolated: nothing blocks threads, no warning", () => {
    const env = detectIsolation();
    assert.deepEqual(env, { sharedArrayBuffer: true, crossOriginIsolated: undefined });
    assert.equal(threadsBlocked(env), false);
    assert.equal(isolationWarning(4, env), null);
  });
});

describe("thread reporting, simulated pages", () => {
  const plainPage = { SharedArrayBuffer: undefined, crossOriginIsolated: false };
  const isolatedPage = { SharedArrayBuffer, crossOriginIsolated: true };

  it("a page without cross-origin isolation (no SharedArrayBuffer) runs 1 thread while 2 were asked", () => {
    const env = detectIsolation(plainPage);
    assert.deepEqual(env, { sharedArrayBuffer: false, crossOriginIsolated: false });
    assert.equal(effectiveThreads({ backend: "wasm", wasmThreads: 2, ...env }), 1);
    // a page that exposes SharedArrayBuffer but says it is not isolated is still blocked
    assert.equal(effectiveThreads({ backend: "wasm", wasmThreads: 2, sharedArrayBuffer: true, crossOriginIsolated: false }), 1);
    assert.equal(effectiveThreads({ backend: "wasm", wasmThreads: 2, ...detectIsolation(isolatedPage) }), 2);
    assert.equal(effectiveThreads({ backend: "reference", wasmThreads: 2, ...detectIsolation(isolatedPage) }), 1);
  });

  it("warns once, naming the COOP/COEP headers, and only when more than one thread was asked", () => {
    const env = detectIsolation(plainPage);
    assert.equal(isolationWarning(1, env), null);
    assert.equal(isolationWarning(2, detectIsolation(isolatedPage)), null);
    const msg = isolationWarning(2, env)!;
    assert.match(msg, /setNumThreads\(2\): this page is not cross-origin isolated/);
    assert.match(msg, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(msg, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(msg, /getNumThreads\(\) reports 1/);
    assert.match(isolationWarning(3, { sharedArrayBuffer: false })!, /no SharedArrayBuffer/);
    const seen: string[] = [];
    const once = new WarnOnce((m) => seen.push(m));
    assert.equal(once.maybe(null), false);
    assert.equal(once.maybe(msg), true);
    assert.equal(once.maybe(isolationWarning(4, env)), false);
    assert.deepEqual(seen, [msg]);
  });
});
