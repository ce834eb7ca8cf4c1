// Runs every *.test.ts under src/, test/, examples/ and lab/ with Node's built-in test runner through tsx, once per
// backend configuration (wasm with and without fused multiply-add, then reference): every test
// must pass on each on its own.
// (Node 20's --test does not expand globs or pick up .ts files on its own.)
//   node scripts/runTests.mjs [path filters...] [--backend=wasm|wasm-nofma|reference]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const backendArg = args.find((a) => a.startsWith("--backend="));
// "wasm" loads the fused multiply-add (relaxed SIMD) kernels where the runtime has them;
// "wasm-nofma" is the same backend on the plain-SIMD kernels (TENSORLOOM_WASM_FMA=0), which
// runtimes without relaxed SIMD get.
const configs = {
  wasm: { TENSORLOOM_BACKEND: "wasm" },
  "wasm-nofma": { TENSORLOOM_BACKEND: "wasm", TENSORLOOM_WASM_FMA: "0" },
  reference: { TENSORLOOM_BACKEND: "reference" },
};
const backends = backendArg ? [backendArg.slice("--backend=".length)] : Object.keys(configs);
const unknown = backends.filter((b) => !(b in configs));
if (unknown.length) {
  console.error(`runTests: unknown --backend ${unknown.join(", ")}; use one of ${Object.keys(configs).join(", ")}.`);
  process.exit(2);
}
const filter = args.filter((a) => !a.startsWith("--"));
const roots = ["src", "test", "examples", "lab"].filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});
const files = roots.flatMap((d) => find(d)).sort();
const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
let failed = 0;
for (const backend of backends) {
  console.log(`\n# backend: ${backend}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...chosen], {
    stdio: "inherit",
    env: { ...process.env, ...configs[backend] },
  });
  if (r.status !== 0) failed++;
}
console.log(failed ? `\n# FAILED on ${failed} of ${backends.length} backends` : `\n# passed on every backend: ${backends.join(", ")}`);
process.exit(failed ? 1 : 0);
