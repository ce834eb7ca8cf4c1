// Bundle an entry point with esbuild for platform "browser" (which fails on any Node-only import
// reachable from it), assert no node: import slipped through, and load the bundle as a module.

import assert from "node:assert/strict";
import { build } from "esbuild";

// biome-ignore lint/suspicious/noExplicitAny: the bundle's exports, called by name as a user's code would
export async function bundleForBrowser(entry: string): Promise<Record<string, any>> {
  const r = await build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
  assert.equal(r.errors.length, 0);
  const code = r.outputFiles[0]!.text;
  assert.doesNotMatch(code, /from\s+["']node:/);
  return import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
}
