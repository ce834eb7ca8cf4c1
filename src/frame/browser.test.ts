// tensorloom/frame must bundle for browsers: no Node built-in reachable from src/frame/index.ts
// (file helpers live in io/node.ts, which only "tensorloom/frame/node" imports).

import { it } from "node:test";
import assert from "node:assert/strict";
import { bundleForBrowser } from "../../test/support/bundle.js";

it("src/frame/index.ts bundles for the browser and reads CSV there", async () => {
  const mod = await bundleForBrowser("src/frame/index.ts");
  const df = mod.readCsv("a,b\n1,x\n2,y\n");
  assert.equal(df.col("a").sum(), 3);
  assert.equal(String(df.toTensor(["a"]).sum()), "tensor(3.)");
});
