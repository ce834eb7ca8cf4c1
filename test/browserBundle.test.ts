// The core must bundle for browsers: no Node-only import (fs, path, worker_threads...) may be
// reachable from the public entry point.

import { it } from "node:test";
import assert from "node:assert/strict";
import { bundleForBrowser } from "./support/bundle.js";

it("src/index.ts bundles for the browser with no Node built-ins", async () => {
  // the bundle really contains the library, and it runs in a plain JS context
  const mod = await bundleForBrowser("src/index.ts");
  assert.equal(String(mod.tensor([1, 2]).add(1)), "tensor([2, 3], dtype=int32)");
});

it("the bundle carries the wasm kernels inside it and runs float32 work on them", async () => {
  const mod = await bundleForBrowser("src/index.ts");
  await mod.ready();
  assert.ok(mod.availableBackends().includes("wasm"));
  mod.setBackend("wasm");
  const a = mod.tensor([[1, 2], [3, 4]], { dtype: "float32" });
  assert.equal(String(mod.matmul(a, a)), "tensor([[ 7., 10.],\n        [15., 22.]])");
});
