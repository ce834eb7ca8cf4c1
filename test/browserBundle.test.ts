// The core must bundle for browsers: esbuild with platform "browser" fails on any Node-only
// import (fs, path, worker_threads...) reachable from the public entry point.

import { it } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";

it("src/index.ts bundles for the browser with no Node built-ins", async () => {
  const r = await build({ entryPoints: ["src/index.ts"], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
  assert.equal(r.errors.length, 0);
  const code = r.outputFiles[0]!.text;
  assert.doesNotMatch(code, /from\s+["']node:/);
  // the bundle really contains the library, and it runs in a plain JS context
  const mod = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
  assert.equal(String(mod.tensor([1, 2]).add(1)), "tensor([2, 3], dtype=int32)");
});
