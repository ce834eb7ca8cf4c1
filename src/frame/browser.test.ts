// tensorloom/frame must bundle for browsers: no Node built-in reachable from src/frame/index.ts
// (file helpers live in io/node.ts, which only "tensorloom/frame/node" imports).

import { it } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";

it("src/frame/index.ts bundles for the browser and reads CSV there", async () => {
  const r = await build({ entryPoints: ["src/frame/index.ts"], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
  assert.equal(r.errors.length, 0);
  const code = r.outputFiles[0]!.text;
  assert.doesNotMatch(code, /from\s+["']node:/);
  const mod = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
  const df = mod.readCsv("a,b\n1,x\n2,y\n");
  assert.equal(df.col("a").sum(), 3);
  assert.equal(String(df.toTensor(["a"]).sum()), "tensor(3.)");
});
