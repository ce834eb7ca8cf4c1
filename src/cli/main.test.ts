// The `tensorloom` command: help, flag errors that say what to do, a quick demo run end to end
// (models written and reloadable, report written), and `train` on a user's CSV.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tl from "../index.js";
import { parseArgs } from "./main.js";

const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8" });

describe("tensorloom CLI", () => {
  it("parses flags and positionals", () => {
    assert.deepEqual(parseArgs(["train", "cnn", "--csv", "a.csv", "--quick"]), { positional: ["train", "cnn"], flags: { csv: "a.csv", quick: true } });
  });
  it("prints help for every command", () => {
    for (const args of [["--help"], ["demo", "--help"], ["train", "--help"]]) {
      const r = run(...args);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /tensorloom (demo|train)/);
    }
  });
  it("bad flags and files fail with exit code 2 and a message that says what to do", () => {
    let r = run("demo", "--epoch", "3");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /demo: unknown flag --epoch. Allowed: --out, --epochs, --quick, --help/);
    r = run("train", "cnn", "--csv", "/no/such.csv", "--label", "y");
    assert.match(r.stderr, /train cnn: no such file: \/no\/such.csv/);
    r = run("train", "svm");
    assert.match(r.stderr, /train: expected "cnn" or "forecast", got "svm"/);
    r = run("demo", "--epochs", "zero");
    assert.match(r.stderr, /--epochs needs a positive integer, got "zero"/);
  });
  it("demo --quick trains both pipelines and writes reloadable models and the report", async () => {
    const out = mkdtempSync(join(tmpdir(), "tensorloom-cli-"));
    const r = run("demo", "--quick", "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /digits CNN test accuracy\s+\d+\.\d+%/);
    assert.match(r.stdout, /seasonal-naive RMSE\s+49\.99/); // the airline data's own baseline, computed by hand from the CSV
    const sd = await tl.io.loadSafetensors(join(out, "digits-cnn.safetensors"));
    assert.deepEqual(Object.keys(sd).sort(), ["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc.bias", "fc.weight"]);
    const lstm = await tl.io.loadSafetensors(join(out, "airline-lstm.safetensors"));
    assert.ok("lstm.weight_ih_l0" in lstm && "lstm.bias_hh_l0" in lstm);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.equal(html.match(/<svg/g)?.length, 6);
  });
  it("train forecast runs on a user's CSV", () => {
    const dir = mkdtempSync(join(tmpdir(), "tensorloom-cli-"));
    const csv = join(dir, "sales.csv");
    const rows = Array.from({ length: 72 }, (_, t) => `${t},${(100 + 2 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12))}`);
    writeFileSync(csv, ["t,sales", ...rows].join("\n"));
    const r = run("train", "forecast", "--csv", csv, "--column", "sales", "--epochs", "5", "--test", "12", "--out", dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /test RMSE\s+\d/);
    assert.ok(existsSync(join(dir, "forecaster.safetensors")));
    assert.match(run("train", "forecast", "--csv", csv, "--column", "revenue").stderr, /has no column "revenue"; its columns are t, sales/);
  });
});
