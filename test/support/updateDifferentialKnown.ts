// Rewrites test/differential/known_failures.json from what fails now: runs every differential
// case on each backend configuration (a child process per configuration, since the backend and
// TENSORLOOM_WASM_FMA are fixed at load) in float64 and float32, and lists each failing case once,
// scoped to the configurations/dtypes where it fails, with the first failure as its reason (an
// entry already listed keeps its reason).
// Needed after make_differential.py is re-run (it renumbers cases); otherwise remove entries by hand.
//   node --import tsx test/support/updateDifferentialKnown.ts

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const CONFIGS: Record<string, Record<string, string>> = {
  reference: { TENSORLOOM_BACKEND: "reference" },
  wasm: { TENSORLOOM_BACKEND: "wasm" },
  "wasm-nofma": { TENSORLOOM_BACKEND: "wasm", TENSORLOOM_WASM_FMA: "0" },
};
const DTYPES = ["float64", "float32"] as const;
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "--worker") {
  // one configuration: print [id, dtype, why] for every failing case
  const { loadDifferentialCases, judgeDifferentialCase } = await import("./differential.js");
  const failures: [string, string, string][] = [];
  for (const c of loadDifferentialCases()) {
    for (const dtype of DTYPES) {
      const why = judgeDifferentialCase(c, dtype);
      if (why !== null) failures.push([c.id, dtype, why]);
    }
  }
  process.stdout.write(JSON.stringify(failures));
} else {
  const seen = new Map<string, { reason: string; where: Set<string> }>();
  for (const [config, env] of Object.entries(CONFIGS)) {
    const r = spawnSync(process.execPath, ["--import", "tsx", self, "--worker"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`${config}: worker failed\n${r.stderr}`);
    const failures = JSON.parse(r.stdout) as [string, string, string][];
    for (const [id, dtype, why] of failures) {
      const e = seen.get(id) ?? { reason: why.slice(0, 200), where: new Set<string>() };
      e.where.add(`${config}/${dtype}`);
      seen.set(id, e);
    }
    console.log(`${config}: ${failures.length} failing (case, dtype) pairs`);
  }
  const entries: { id: string; reason: string }[] = [...seen].map(([id, { reason, where }]) => {
    const configs = Object.keys(CONFIGS).filter((c) => DTYPES.some((d) => where.has(`${c}/${d}`)));
    const dtypes = DTYPES.filter((d) => configs.some((c) => where.has(`${c}/${d}`)));
    // a scope is backends x dtypes; where the failures do not fill it, the entry covers a little more
    return { id, reason, ...(configs.length < 3 ? { backends: configs } : {}), ...(dtypes.length < 2 ? { dtypes } : {}) };
  });
  const out = resolve(dirname(self), "../differential/known_failures.json");
  // an entry already listed keeps its hand-written reason
  const before = new Map((JSON.parse(readFileSync(out, "utf8")).failures as { id: string; reason: string }[]).map((e) => [e.id, e.reason]));
  for (const e of entries) e.reason = before.get(e.id) ?? e.reason;
  const comment =
    "Cases of test/fixtures/differential that fail today (test/differential/differential.test.ts). Remove an entry when its fix lands: the test fails while a listed case passes.";
  writeFileSync(
    out,
    `{\n  "comment": ${JSON.stringify(comment)},\n  "failures": [\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(",\n")}\n  ]\n}\n`,
  );
  console.log(`${entries.length} known failures written to ${out}`);
}
