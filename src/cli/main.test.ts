// The `tensorloom` command: help, flag errors that say what to do, a quick demo run end to end
// (models written and reloadable, report written), and `train` on a user's CSV.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tl from "../index.js";
import { DataFrame } from "../frame/index.js";
import { parseArgs } from "./main.js";
import { cli, userError } from "../../test/support/cli.js";
import { digitsTensors } from "./digits.js";
import { checkSeries } from "./forecast.js";
import { tsEntryArgs } from "../../test/support/tsEntry.js";

const run = (...args: string[]) => spawnSync(process.execPath, tsEntryArgs("src/cli/main.ts", ...args), { encoding: "utf8" });

describe("tensorloom CLI", () => {
  it("parses flags and positionals", () => {
    assert.deepEqual(parseArgs(["train", "cnn", "--csv", "a.csv", "--quick"]), {
      positional: ["train", "cnn"],
      flags: { csv: "a.csv", quick: true },
    });
  });
  it("prints help for every command", () => {
    for (const args of [["--help"], ["demo", "--help"], ["train", "--help"], ["predict", "--help"]]) {
      const r = run(...args);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /tensorloom (demo|train|predict)/);
    }
  });
  it("bad flags and files fail with exit code 2 and a message that says what to do", () => {
    let r = run("demo", "--epoch", "3");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /demo: unknown flag --epoch. Allowed: --out, --epochs, --quick, --help/);
    r = run("train", "cnn", "--csv", "/no/such.csv", "--label", "y");
    assert.match(r.stderr, /train cnn: no such file: \/no\/such.csv/);
    r = run("train", "svm");
    assert.match(r.stderr, /train: expected "tabular", "cnn" or "forecast", got "svm"/);
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
    // self-describing: the CNN rebuilds without its class
    const cnn = await tl.io.loadModel(join(out, "digits-cnn.safetensors"));
    assert.deepEqual(cnn.model.forward(tl.zeros([1, 1, 8, 8])).shape, [1, 10]);
    assert.deepEqual((cnn.preprocessing as { side: number }).side, 8);
    const air = await tl.io.loadModel(join(out, "airline-lstm.safetensors"));
    assert.equal((air.preprocessing as { tau: number }).tau, 12);
    const lstm = await tl.io.loadSafetensors(join(out, "airline-lstm.safetensors"));
    assert.ok("lstm.weight_ih_l0" in lstm && "lstm.bias_hh_l0" in lstm);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.equal(html.match(/<svg/g)?.length, 7);
    for (const row of ["linear AR(12) RMSE", "seasonal-naive RMSE", "forecast verdict"])
      assert.match(html, new RegExp(`<th>${row.replace(/[()]/g, "\\$&")}</th>`));
    assert.match(html, />1959-01<\/text>/); // the forecast chart's axis carries dates
    assert.match(html, /A test digit \(true class \d+, predicted \d+(, wrong)?\)/);
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

const tmp = () => mkdtempSync(join(tmpdir(), "tensorloom-cli-"));
const csvFile = (dir: string, name: string, text: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** A CNN CSV: `nf` pixel columns p0.. and a label column y (labels given as text). */
const imagesCsv = (
  nf: number,
  rows: number,
  label: (i: number) => string = (i) => String(i % 3),
  pixel: (i: number, j: number) => string = (i, j) => String((i * 7 + j) % 16),
) =>
  [
    [...Array.from({ length: nf }, (_, j) => `p${j}`), "y"].join(","),
    ...Array.from({ length: rows }, (_, i) => [...Array.from({ length: nf }, (_, j) => pixel(i, j)), label(i)].join(",")),
  ].join("\n") + "\n";
const seriesCsv = (vals: string[]) => ["t,v", ...vals.map((v, i) => `${i},${v}`)].join("\n") + "\n";

describe("tensorloom CLI: every user error is one line and exit code 2", () => {
  it("a directory as --csv (spawned: no stack trace in the real process)", () => {
    const dir = tmp();
    const r = run("train", "cnn", "--csv", dir, "--label", "y", "--out", join(dir, "o"));
    userError({ code: r.status ?? -1, stderr: r.stderr }, /train cnn: --csv .* is a directory; pass a CSV file/);
  });
  it("a directory as --csv for forecast, a missing file, an unknown command, a bad train kind", async () => {
    const dir = tmp();
    userError(await cli("train", "forecast", "--csv", dir, "--column", "v", "--out", join(dir, "o")), /is a directory/);
    userError(await cli("train", "forecast", "--csv", join(dir, "none.csv"), "--column", "v", "--out", join(dir, "o")), /no such file/);
    userError(await cli("fit"), /unknown command "fit": use demo, train or predict/);
    userError(await cli("train", "svm"), /train: expected "tabular", "cnn" or "forecast", got "svm"/);
  });
  it("a CSV that is not UTF-8 is refused by readCsv's checked decoder", async () => {
    const dir = tmp();
    const bytes = Uint8Array.from([...new TextEncoder().encode("t,v\n0,1\n1,"), 0xff, 10]);
    userError(
      await cli("train", "forecast", "--csv", csvFile(dir, "latin1.csv", bytes), "--column", "v", "--out", join(dir, "o")),
      /not valid UTF-8: byte \d+ \(line 3\)/,
    );
  });
  it("feature counts that are not a square of side >= 4 (0 to 24 columns, every non-square and the squares 1, 4, 9)", async () => {
    const dir = tmp();
    let refused = 0;
    for (let nf = 0; nf <= 24; nf++) {
      if (nf === 16) continue;
      const r = await cli("train", "cnn", "--csv", csvFile(dir, `f${nf}.csv`, imagesCsv(nf, 6)), "--label", "y", "--out", join(dir, "o"));
      userError(r, new RegExp(`the ${nf} feature columns? \\(all but "y"\\) do not form a square image of side 4 or more`));
      refused++;
    }
    assert.equal(refused, 24);
  });
  it("missing pixel cells are refused with the column and row, never trained on as NaN", async () => {
    const dir = tmp();
    const text = imagesCsv(16, 10, undefined, (i, j) => (i === 4 && (j === 3 || j === 9) ? "" : String(j)));
    userError(
      await cli("train", "cnn", "--csv", csvFile(dir, "gaps.csv", text), "--label", "y", "--out", join(dir, "o")),
      /2 pixel cells are missing \(first: column "p3", row 4/,
    );
  });
  it("labels that are fractional, negative, missing or text are refused, never truncated", async () => {
    const dir = tmp();
    const cases: [string, (i: number) => string, RegExp][] = [
      ["fractional", (i) => (i === 5 ? "1.5" : String(i % 3)), /label 1.5 is not a class number in row 5/],
      ["negative", (i) => (i === 2 ? "-1" : String(i % 3)), /label -1 is not a class number in row 2/],
      ["missing", (i) => (i === 7 ? "" : String(i % 3)), /label is missing in row 7/],
      ["text", (i) => ["cat", "dog"][i % 2]!, /the label column "y" holds text/],
    ];
    for (const [name, label, pattern] of cases)
      userError(
        await cli("train", "cnn", "--csv", csvFile(dir, `${name}.csv`, imagesCsv(16, 10, label)), "--label", "y", "--out", join(dir, "o")),
        pattern,
      );
  });
  it("too few images to split into training and test", async () => {
    const dir = tmp();
    for (const rows of [0, 1, 2])
      userError(
        await cli("train", "cnn", "--csv", csvFile(dir, `r${rows}.csv`, imagesCsv(16, rows)), "--label", "y", "--out", join(dir, "o")),
        /cannot be split into training and test images/,
      );
  });
  it("a series with missing, zero, negative or too few values", async () => {
    const dir = tmp();
    const ok = (n: number) => Array.from({ length: n }, (_, i) => String(100 + i));
    const cases: [string, string[], RegExp][] = [
      [
        "missing",
        ok(80).map((v, i) => (i === 10 || i === 30 ? "" : v)),
        /the series has 2 missing values \(rows 10, 30, counting from 0\)/,
      ],
      ["NA text", ok(80).map((v, i) => (i === 3 ? "NA" : v)), /1 missing value \(row 3/],
      ["zero", ok(80).map((v, i) => (i === 12 ? "0" : v)), /must be positive .* row 12 holds 0/],
      ["negative", ok(80).map((v, i) => (i === 40 ? "-5.5" : v)), /row 40 holds -5.5/],
      ["too few", ok(55), /the series has 55 values; season 12, tau 12 and 24 test points need at least 56/],
      ["none", [], /the series has 0 values/],
    ];
    for (const [name, vals, pattern] of cases)
      userError(
        await cli(
          "train",
          "forecast",
          "--csv",
          csvFile(dir, `${name.replace(" ", "_")}.csv`, seriesCsv(vals)),
          "--column",
          "v",
          "--out",
          join(dir, "o"),
        ),
        pattern,
      );
  });
  it("checkSeries: the length rule's boundary for random season, tau and test sizes", () => {
    let seed = 3;
    const rnd = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k) + 1;
    for (let trial = 0; trial < 50; trial++) {
      const o = { season: rnd(13), tau: rnd(13), testSize: rnd(30) };
      const need = o.season + o.tau + o.testSize + 8;
      checkSeries(
        Array.from({ length: need }, (_, i) => 1 + i),
        o,
      );
      assert.throws(
        () =>
          checkSeries(
            Array.from({ length: need - 1 }, (_, i) => 1 + i),
            o,
          ),
        tl.ValueError,
      );
    }
  });
  it("an --out that is a file, under a file, or not creatable fails before the CSV is read or any training", async () => {
    const dir = tmp();
    const csv = csvFile(dir, "sales.csv", seriesCsv(Array.from({ length: 80 }, (_, i) => String(100 + i))));
    const file = csvFile(dir, "taken", "x");
    userError(
      await cli("train", "forecast", "--csv", csv, "--column", "v", "--epochs", "1000", "--out", file),
      /cannot write to --out .*taken: it is a file, not a directory/,
    );
    userError(
      await cli("train", "forecast", "--csv", csv, "--column", "v", "--epochs", "1000", "--out", join(file, "sub")),
      /cannot write to --out .*taken\/sub is under a file/,
    );
    userError(
      await cli("train", "cnn", "--csv", join(dir, "never-read.csv"), "--label", "y", "--out", join(file, "sub")),
      /cannot write to --out/,
    );
    mkdirSync(join(dir, "o", "cnn.safetensors"), { recursive: true });
    userError(await cli("train", "cnn", "--csv", csv, "--label", "v", "--out", join(dir, "o")), /cnn.safetensors there is a directory/);
    if (existsSync("/proc/self"))
      userError(
        await cli("demo", "--quick", "--out", "/proc/tensorloom-cli-test/out"),
        /demo: cannot write to --out \/proc\/tensorloom-cli-test\/out: cannot create \/proc\/tensorloom-cli-test/,
      );
    assert.deepEqual(readdirSync(dir).sort(), ["o", "sales.csv", "taken"]);
  });
});

describe("digitsTensors: what the CNN trains on", () => {
  it("pixels of any sign are scaled into [-1, 1] by the largest absolute value; labels kept exactly", () => {
    let seed = 11;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 20; trial++) {
      const side = 4 + (trial % 3),
        rows = 3 + (trial % 5);
      const shift = trial % 2 ? -50 : 0; // half the trials all-negative pixels
      const cols: Record<string, number[]> = {};
      for (let j = 0; j < side * side; j++)
        cols[`p${j}`] = Array.from({ length: rows }, () => Math.round(rnd() * 40) + shift - (trial % 2 ? 1 : 0));
      cols.y = Array.from({ length: rows }, (_, i) => i % 4);
      const { x, y, classes } = digitsTensors(new DataFrame(cols), "y");
      assert.deepEqual(x.shape, [rows, 1, side, side]);
      const xs = Array.from(x.storage as Float32Array);
      const maxAbs = Math.max(
        ...Object.entries(cols)
          .filter(([k]) => k !== "y")
          .flatMap(([, v]) => v.map(Math.abs)),
      );
      assert.ok(Math.abs(Math.max(...xs.map(Math.abs)) - 1) < 1e-6, `trial ${trial}: largest |x| is 1`);
      assert.ok(Math.abs(xs[0]! - cols.p0![0]! / maxAbs) < 1e-6);
      assert.deepEqual(Array.from(y.storage), cols.y);
      assert.equal(classes, Math.max(...cols.y) + 1);
    }
  });
});
