// The vanishing-gradients example, run end to end on a short setting: it prints t = 1 against
// t = T for each model and writes its SVG; at initialisation the vanilla RNN's gradient at t = 1
// is already orders of magnitude below its gradient at t = T.

import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsEntryArgs } from "../test/support/tsEntry.js";

it("vanishing-gradients example runs and reports gradient norms through time for RNN, LSTM and GRU", () => {
  const out = mkdtempSync(join(tmpdir(), "tensorloom-vg-"));
  const r = spawnSync(
    process.execPath,
    tsEntryArgs("examples/vanishingGradients.ts", "--T", "16", "--steps", "15", "--hidden", "8", "--out", out),
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  for (const kind of ["RNN", "LSTM", "GRU"]) {
    const m = new RegExp(`^${kind}\\s+\\|\\|dL/dH_1\\|\\| / \\|\\|dL/dH_T\\|\\|: init (\\S+) / (\\S+) .*accuracy ([\\d.]+)%`, "m").exec(
      r.stdout,
    );
    assert.ok(m, r.stdout);
    if (kind === "RNN") assert.ok(Number(m[1]) / Number(m[2]) < 1e-3, r.stdout);
  }
  const svg = join(out, "vanishing-gradients.svg");
  assert.ok(existsSync(svg));
  assert.match(readFileSync(svg, "utf8"), /^<svg[^>]*>[\s\S]*<path d="M[\s\S]*GRU at init/);
});
