// The README's main job, run end to end for a few epochs: it must learn (test accuracy well
// above the 10% of guessing) and write its SVG curves.

import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsEntryArgs } from "../test/support/tsEntry.js";

it("digits demo trains to > 85% test accuracy in 4 epochs and writes its plots", () => {
  const out = mkdtempSync(join(tmpdir(), "tensorloom-demo-"));
  const r = spawnSync(process.execPath, tsEntryArgs("examples/digitsMlp.ts", "--epochs", "4", "--out", out), { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const m = /final test accuracy ([\d.]+)%/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) > 85, `accuracy ${m[1]}%`);
  for (const f of ["digits-loss.svg", "digits-accuracy.svg"]) {
    assert.ok(existsSync(join(out, f)));
    assert.match(readFileSync(join(out, f), "utf8"), /^<svg[^>]*>[\s\S]*<path d="M/);
  }
});
