// `tensorloom train tabular`, `train cnn` on any square size, and `predict` with the
// self-describing checkpoints they write; every user error one line with exit code 2; and a run
// of the right command on every CSV in ../shared/data (skipped, saying so, when it is missing).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tl from "../index.js";
import { DataFrame, readCsv } from "../frame/index.js";
import { cli, userError } from "../../test/support/cli.js";
import { DigitsCnn } from "./digits.js";
import { Forecaster } from "./forecast.js";
import { cnnArchitecture, forecasterArchitecture } from "./models.js";
import { type TabularPreprocessing, encodeFeatures, inferTask } from "./tabular.js";

const ok = (r: { code: number; stderr: string }) => assert.equal(r.code, 0, r.stderr);

const tmp = () => mkdtempSync(join(tmpdir(), "tensorloom-tab-"));
const file = (dir: string, name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** A classification CSV: two numbers, a colour (3 categories), an id per row, and a text label that depends on them. */
function flowersCsv(rows: number, gaps: (i: number, col: string) => boolean = () => false): string {
  const lines = ["id,size,weight,colour,kind"];
  for (let i = 0; i < rows; i++) {
    const size = (i * 37) % 23,
      weight = ((i * 11) % 17) / 3,
      colour = ["red", "green", "blue"][i % 3]!;
    const kind = size > 11 ? "big" : colour === "red" ? "red-small" : "small";
    const cell = (c: string, v: string | number) => (gaps(i, c) ? "" : String(v));
    lines.push([`f${i}`, cell("size", size), cell("weight", weight.toFixed(2)), cell("colour", colour), cell("kind", kind)].join(","));
  }
  return lines.join("\n") + "\n";
}
/** A regression CSV: y = 3a - 2b + noise-free offset by group. */
const linearCsv = (rows: number) =>
  [
    "a,b,group,y",
    ...Array.from({ length: rows }, (_, i) => {
      const a = (i * 7) % 13,
        b = (i * 5) % 11;
      const g = i % 2 ? "x" : "y";
      return `${a},${b},${g},${3 * a - 2 * b + (g === "x" ? 10 : 0) + 0.5}`;
    }),
  ].join("\n") + "\n";

describe("train tabular", () => {
  it("a classifier on text labels: one-hot colours, the id left out, stratified split, files written, predict restores it", async () => {
    const dir = tmp();
    const csv = file(dir, "flowers.csv", flowersCsv(60));
    const out = join(dir, "out");
    const r = await cli("train", "tabular", "--csv", csv, "--target", "kind", "--epochs", "30", "--out", out);
    ok(r);
    assert.match(r.stdout, /task classify \("kind" holds text \(3 classes\)\)/);
    assert.match(r.stdout, /features: 5 inputs from 2 numeric columns \(standardised\) and one-hot colour \(3\)/);
    assert.match(r.stdout, /note: column "id" left out: text with a different value on every row \(an identifier\)/);
    assert.match(r.stdout, /test accuracy\s+\d+\.\d\d% on 12 test rows \(stratified 20%\)/);
    assert.match(r.stdout, /baseline accuracy\s+\d+\.\d\d% \(majority class "/);
    assert.deepEqual(readdirSync(out).sort(), ["predictions.csv", "report.html", "tabular.safetensors"]);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.equal(html.match(/<svg/g)?.length, 2); // loss curve, confusion matrix
    assert.match(html, /Confusion matrix/);
    const preds = readCsv(readFileSync(join(out, "predictions.csv")));
    assert.deepEqual(preds.columns, ["row", "predicted_kind", "kind"]);
    assert.equal(preds.length, 12);
    // stratified: every class has test rows in proportion (60 rows: big 28, red-small 11, small 21 -> 6, 2, 4)
    const counts: Record<string, number> = {};
    for (const k of preds.col("kind").toArray()) counts[String(k)] = (counts[String(k)] ?? 0) + 1;
    assert.deepEqual(counts, { big: 6, "red-small": 2, small: 4 });

    // the checkpoint: PyTorch's Sequential keys, the preprocessing recorded, the same predictions after loadModel
    const { model, preprocessing, metadata } = await tl.io.loadModel<TabularPreprocessing>(join(out, "tabular.safetensors"));
    assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]);
    assert.equal(metadata.format, "pt");
    assert.deepEqual(preprocessing.classes, ["big", "red-small", "small"]);
    assert.deepEqual(
      preprocessing.features.map((f) => `${f.column}:${f.type}`),
      ["size:numeric", "weight:numeric", "colour:onehot"],
    );
    const p = await cli("predict", "--model", join(out, "tabular.safetensors"), "--csv", csv, "--out", join(dir, "all.csv"));
    ok(p);
    assert.match(p.stdout, /predict: 60 predictions of "kind" written to .*all\.csv; accuracy \d+\.\d\d% on 60 rows with a "kind"/);
    const all = readCsv(readFileSync(join(dir, "all.csv")));
    const byRow = new Map(
      all
        .col("row")
        .toArray()
        .map((row, i) => [row, all.col("predicted_kind").iat(i)]),
    );
    preds
      .col("row")
      .toArray()
      .forEach((row, i) => assert.equal(byRow.get(row), preds.col("predicted_kind").iat(i), `row ${row}`));
    // columns are found by name: reordered columns and no target give the same predictions, on stdout
    const shuffled = file(dir, "new.csv", ["colour,weight,size", "red,1.00,3", "blue,2.00,20"].join("\n") + "\n");
    const s = await cli("predict", "--model", join(out, "tabular.safetensors"), "--csv", shuffled);
    ok(s);
    assert.match(s.stdout, /^row,predicted_kind\n0,[a-z-]+\n1,[a-z-]+$/);
    userError(
      await cli("predict", "--model", join(out, "tabular.safetensors"), "--csv", file(dir, "nocol.csv", "size,colour\n1,red\n")),
      /predict: the CSV has no column "weight", which the model was trained on. Its columns are size, colour; add "weight"/,
    );
  });

  it("a regressor: RMSE against the mean, predicted-vs-actual in the report, values predicted back", async () => {
    const dir = tmp();
    const csv = file(dir, "lin.csv", linearCsv(50));
    const r = await cli("train", "tabular", "--csv", csv, "--target", "y", "--epochs", "60", "--out", dir);
    ok(r);
    assert.match(r.stdout, /task regress \("y" holds numbers with \d+ distinct values/);
    const m = /test RMSE\s+([\d.]+) on 10 test rows[\s\S]*baseline RMSE\s+([\d.]+) \(training mean/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) < Number(m[2]), `the MLP beats the mean: ${m[1]} vs ${m[2]}`);
    assert.match(readFileSync(join(dir, "report.html"), "utf8"), /Predicted vs actual/);
    const p = await cli("predict", "--model", join(dir, "tabular.safetensors"), "--csv", csv);
    ok(p);
    assert.match(p.stderr, /RMSE [\d.]+ on 50 rows with a "y"/);
    assert.equal(p.stdout.trim().split("\n").length, 51);
  });

  it("the task follows the target unless --task says; integer targets with few values are classes", () => {
    const df = new DataFrame({
      a: [1, 2, 3, 4, 5, 6],
      c: [0, 1, 0, 1, 0, 1],
      f: [0.5, 1.5, 2, 3, 4, 5],
      s: ["x", "y", "x", "y", "x", "y"],
    });
    assert.equal(inferTask(df, "c").task, "classify");
    assert.equal(inferTask(df, "s").task, "classify");
    assert.equal(inferTask(df, "f").task, "regress");
    assert.equal(inferTask(df, "a").task, "regress"); // every value distinct
  });

  it("missing values: refused by default naming column and rows; --missing drop leaves rows out; --missing mean fills and says so", async () => {
    const dir = tmp();
    const csv = file(
      dir,
      "gaps.csv",
      flowersCsv(40, (i, c) => (c === "weight" && (i === 3 || i === 17)) || (c === "colour" && i === 5)),
    );
    userError(
      await cli("train", "tabular", "--csv", csv, "--target", "kind", "--out", dir),
      /train tabular: column "weight" has 2 missing values \(rows 3, 17, counting from 0\) \(and 1 more column: "colour"\). Pass --missing drop .* or --missing mean .* or --drop weight/,
    );
    const d = await cli("train", "tabular", "--csv", csv, "--target", "kind", "--missing", "drop", "--epochs", "2", "--out", dir);
    ok(d);
    assert.match(d.stdout, /note: 3 rows with missing values left out \(--missing drop; columns "weight", "colour"\)/);
    const m = await cli("train", "tabular", "--csv", csv, "--target", "kind", "--missing", "mean", "--epochs", "2", "--out", dir);
    ok(m);
    assert.match(
      m.stdout,
      /note: missing values filled with the training mean \/ most frequent category \(--missing mean\): "weight" 2, "colour" 1/,
    );
    // the model remembers the policy: predict fills the same way
    ok(await cli("predict", "--model", join(dir, "tabular.safetensors"), "--csv", csv));
    const noTarget = file(
      dir,
      "notarget.csv",
      flowersCsv(40, (i, c) => c === "kind" && i === 8),
    );
    userError(
      await cli("train", "tabular", "--csv", noTarget, "--target", "kind", "--out", dir),
      /the target "kind" is missing in 1 row \(8, counting from 0\). Pass --missing drop or --missing mean/,
    );
    const t = await cli("train", "tabular", "--csv", noTarget, "--target", "kind", "--missing", "drop", "--epochs", "2", "--out", dir);
    ok(t);
    assert.match(t.stdout, /note: 1 row without a target left out \(rows 8\)/);
  });

  it("user errors: one line, exit code 2, saying what to do", async () => {
    const dir = tmp();
    const csv = file(dir, "flowers.csv", flowersCsv(30));
    const o = ["--out", join(dir, "o")];
    const cases: [string[], RegExp][] = [
      [
        ["--csv", csv, "--target", "colourz"],
        /the CSV has no column "colourz"; its columns are id, size, weight, colour, kind. Pass one of them as --target/,
      ],
      [
        ["--csv", csv, "--target", "kind", "--task", "regress"],
        /the target "kind" holds text \(e.g. "red-small"\); regression needs numbers. Pass --task classify/,
      ],
      [["--csv", csv, "--target", "kind", "--task", "cluster"], /--task must be classify or regress, got "cluster"/],
      [["--csv", csv, "--target", "kind", "--missing", "zero"], /--missing must be refuse, drop or mean, got "zero"/],
      [["--csv", csv, "--target", "kind", "--drop", "nope"], /--drop names "nope", which is not a column/],
      [
        ["--csv", csv, "--target", "kind", "--drop", "size,weight,colour"],
        /no feature columns are left besides the target "kind" \(left out: "id", "size", "weight", "colour", by --drop or as identifiers\)/,
      ],
      [["--csv", csv], /--target is required/],
      [["--csv", join(dir, "none.csv"), "--target", "kind"], /no such file/],
      [["--csv", dir, "--target", "kind"], /is a directory; pass a CSV file/],
      [["--csv", file(dir, "empty.csv", ""), "--target", "kind"], /--csv .*empty.csv is empty. Pass a CSV with a header row and data rows/],
      [["--csv", file(dir, "header.csv", "a,b\n"), "--target", "b"], /the CSV has a header but no rows/],
      [
        ["--csv", file(dir, "one.csv", "a,b\n1,x\n2,x\n3,x\n"), "--target", "b"],
        /the target "b" has one class only \("x"\); a classifier needs at least 2/,
      ],
      [
        [
          "--csv",
          file(dir, "many.csv", ["t,y", ...Array.from({ length: 60 }, (_, i) => `w${i % 30},${i % 2}`)].join("\n")),
          "--target",
          "y",
        ],
        /column "t" is text with 30 distinct values, too many to one-hot encode \(at most 20\). Leave it out with --drop t/,
      ],
      [
        ["--csv", file(dir, "few.csv", "a,y\n1,2\n2,3\n"), "--target", "y"],
        /2 usable rows cannot be split into training and test rows. Pass at least 5 rows/,
      ],
    ];
    for (const [args, pattern] of cases) userError(await cli("train", "tabular", ...args, ...o), pattern);
    userError(
      await cli("train", "tabular", "--csv", csv, "--target", "kind", "--out", csv),
      /cannot write to --out .*flowers.csv: it is a file, not a directory/,
    );
    userError(await cli("predict", "--model", join(dir, "no.safetensors"), "--csv", csv), /predict: no such model file: .*no.safetensors/);
    userError(await cli("predict", "--model", dir, "--csv", csv), /predict: --model .* is a directory/);
    const weights = join(dir, "weights.safetensors");
    await tl.io.saveSafetensors(new tl.nn.Linear(2, 1).stateDict(), weights, { format: "pt" });
    userError(
      await cli("predict", "--model", weights, "--csv", csv),
      /loadModel: .*weights.safetensors" holds weights only: its metadata has no "tensorloom.architecture" entry/,
    );
    userError(await cli("predict", "--model", csv, "--csv", csv), /not a safetensors file/);
    userError(await cli("predict", "--csv", csv), /predict: --model is required/);
    const model = join(dir, "m");
    ok(await cli("train", "tabular", "--csv", csv, "--target", "kind", "--epochs", "1", "--out", model));
    userError(
      await cli("predict", "--model", join(model, "tabular.safetensors"), "--csv", csv, "--out", dir),
      /predict: cannot write .* \(it is a directory\). Pass a writable file path as --out/,
    );
    userError(
      await cli("predict", "--model", join(model, "tabular.safetensors"), "--csv", csv, "--out", join(dir, "no", "such", "p.csv")),
      /\(its folder does not exist\)/,
    );
    userError(
      await cli("predict", "--model", join(model, "tabular.safetensors"), "--csv", file(dir, "blank.csv", "\n\n")),
      /--csv .*blank.csv is empty/,
    );
  });
});

describe("train cnn: any square image size", () => {
  it("5x5 images: the size is inferred and said; report, predictions and a checkpoint predict reloads", async () => {
    const dir = tmp();
    const rows = Array.from({ length: 30 }, (_, i) =>
      [...Array.from({ length: 25 }, (_, j) => (i * 3 + j) % (i % 2 ? 5 : 9)), i % 2].join(","),
    );
    const csv = file(dir, "img.csv", [[...Array.from({ length: 25 }, (_, j) => `px${j}`), "digit"].join(","), ...rows].join("\n") + "\n");
    const r = await cli("train", "cnn", "--csv", csv, "--label", "digit", "--epochs", "2", "--out", dir);
    ok(r);
    assert.match(r.stdout, /train cnn: 25 pixel columns besides "digit": 5x5 images/);
    assert.match(r.stdout, /image size\s+5x5 \(inferred from 25 pixel columns\)/);
    assert.equal(readCsv(readFileSync(join(dir, "predictions.csv"))).columns.join(), "row,predicted_digit,digit");
    assert.equal(readFileSync(join(dir, "report.html"), "utf8").match(/<svg/g)?.length, 2);
    const p = await cli("predict", "--model", join(dir, "cnn.safetensors"), "--csv", csv);
    ok(p);
    assert.match(p.stderr, /accuracy [\d.]+% on 30 rows with a "digit"/);
    userError(
      await cli("predict", "--model", join(dir, "cnn.safetensors"), "--csv", file(dir, "short.csv", "px0,px1\n1,2\n")),
      /predict: the CSV lacks 23 of the model's 25 pixel columns \(first: "px2"\); the model reads 5x5 images/,
    );
  });
  it("the CLI's CNN and forecaster descriptions rebuild models with the same keys and bit-identical outputs", () => {
    tl.manualSeed(1);
    for (const side of [4, 7, 8]) {
      const cnn = new DigitsCnn(side, 3);
      const rebuilt = tl.io.buildModel(cnnArchitecture(side, 3));
      rebuilt.loadStateDict(cnn.stateDict(), { strict: true });
      const x = tl.randn([2, 1, side, side]);
      assert.deepEqual(Array.from(rebuilt.forward(x).storage), Array.from(cnn.forward(x).storage));
    }
    const fc = new Forecaster(8);
    const rebuilt = tl.io.buildModel(forecasterArchitecture(8));
    rebuilt.loadStateDict(fc.stateDict(), { strict: true });
    const x = tl.randn([3, 12, 1]);
    assert.deepEqual(Array.from(rebuilt.forward(x).storage), Array.from(fc.forward(x).storage));
  });
  it("encodeFeatures standardises with the recorded mean and std and one-hot encodes by name", () => {
    const df = new DataFrame({ c: ["b", "a", "z"], n: [1, 3, 5] });
    const x = encodeFeatures(
      df,
      [
        { column: "n", type: "numeric", mean: 3, std: 2 },
        { column: "c", type: "onehot", categories: ["a", "b"], fill: "a" },
      ],
      [0, 1, 2],
      { fillMissing: false, op: "t" },
    );
    assert.deepEqual(x.toArray(), [
      [-1, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });
});

describe("forecaster checkpoints", () => {
  it("train forecast records the window and standardisation; predict reproduces its test-month forecasts", async () => {
    const dir = tmp();
    const csv = file(
      dir,
      "sales.csv",
      [
        "t,sales",
        ...Array.from({ length: 60 }, (_, t) => `${t},${((100 + 2 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12))).toFixed(3)}`),
      ].join("\n") + "\n",
    );
    ok(await cli("train", "forecast", "--csv", csv, "--column", "sales", "--epochs", "2", "--test", "12", "--tau", "6", "--out", dir));
    const { preprocessing } = await tl.io.loadModel<{ kind: string; tau: number; season: number; column: string }>(
      join(dir, "forecaster.safetensors"),
    );
    assert.deepEqual([preprocessing.kind, preprocessing.tau, preprocessing.season, preprocessing.column], ["forecast", 6, 12, "sales"]);
    const p = await cli("predict", "--model", join(dir, "forecaster.safetensors"), "--csv", csv, "--out", join(dir, "all.csv"));
    ok(p);
    assert.match(p.stderr, /one-step-ahead forecasts for rows 18..60 \(row 60 is the period after the last\)/);
    const trained = readCsv(readFileSync(join(dir, "predictions.csv"))),
      all = readCsv(readFileSync(join(dir, "all.csv")));
    const byRow = new Map(
      all
        .col("row")
        .toArray()
        .map((r, i) => [r, all.col("predicted_sales").iat(i) as number]),
    );
    assert.equal(trained.length, 12);
    trained
      .col("row")
      .toArray()
      .forEach((r, i) => {
        const want = trained.col(trained.columns[1]!).iat(i) as number;
        assert.ok(Math.abs(byRow.get(r)! - want) <= 1e-9 * Math.abs(want), `row ${r}: ${byRow.get(r)} vs ${want}`);
      });
    userError(
      await cli("predict", "--model", join(dir, "forecaster.safetensors"), "--csv", file(dir, "gap.csv", "t,sales\n0,5\n1,\n")),
      /column "sales" is missing in row 1/,
    );
  });
});

/** The command for each shared CSV: its target (tabular), label (cnn) or column (forecast). */
const SHARED: Record<string, string[]> = {
  "airline-passengers.csv": ["train", "forecast", "--column", "passengers", "--epochs", "2"],
  "co2-mauna-loa.csv": ["train", "forecast", "--column", "ppm", "--epochs", "2"],
  "airquality.csv": ["train", "tabular", "--target", "Ozone", "--missing", "mean", "--epochs", "3"],
  "digits.csv": ["train", "cnn", "--label", "label", "--epochs", "1"],
  "eu-stock-markets.csv": ["train", "tabular", "--target", "DAX", "--epochs", "2"],
  "iris.csv": ["train", "tabular", "--target", "Species", "--epochs", "5"],
  "mtcars.csv": ["train", "tabular", "--target", "mpg", "--epochs", "5"],
  "titanic-counts.csv": ["train", "tabular", "--target", "Survived", "--epochs", "5"],
  "tooth-growth.csv": ["train", "tabular", "--target", "len", "--epochs", "5"],
  "warpbreaks.csv": ["train", "tabular", "--target", "breaks", "--epochs", "5"],
};

const SHARED_DIR = resolve(import.meta.dirname ?? ".", "../../../shared/data");

describe("the CLI on every CSV in ../shared/data", () => {
  const present = existsSync(SHARED_DIR);
  it("each file runs its command to the end; a tabular model then predicts the file back", {
    skip: !present && `${SHARED_DIR} is missing: no shared data sets to run on`,
  }, async () => {
    const files = readdirSync(SHARED_DIR)
      .filter((f) => f.endsWith(".csv"))
      .sort();
    const unknown = files.filter((f) => !(f in SHARED));
    assert.deepEqual(unknown, [], `add a command for ${unknown.join(", ")} to SHARED`);
    for (const f of files) {
      const out = tmp();
      const [a, b, ...rest] = SHARED[f]!;
      const r = await cli(a!, b!, "--csv", join(SHARED_DIR, f), ...rest, "--out", out);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      if (b === "tabular") {
        assert.deepEqual(readdirSync(out).sort(), ["predictions.csv", "report.html", "tabular.safetensors"], f);
        const p = await cli(
          "predict",
          "--model",
          join(out, "tabular.safetensors"),
          "--csv",
          join(SHARED_DIR, f),
          "--out",
          join(out, "all.csv"),
        );
        assert.equal(p.code, 0, `${f} predict: ${p.stderr}`);
      }
      if (b === "cnn") {
        assert.match(r.stdout, /8x8 images/);
        ok(await cli("predict", "--model", join(out, "cnn.safetensors"), "--csv", join(SHARED_DIR, f), "--out", join(out, "all.csv")));
      }
    }
  });
  it("malformed variants of the shared files fail with one line", { skip: !present && `${SHARED_DIR} is missing` }, async () => {
    const dir = tmp();
    const o = ["--out", join(dir, "o")];
    userError(
      await cli("train", "tabular", "--csv", join(SHARED_DIR, "airquality.csv"), "--target", "Ozone", ...o),
      /the target "Ozone" is missing in 37 rows/,
    );
    userError(
      await cli(
        "train",
        "tabular",
        "--csv",
        join(SHARED_DIR, "airquality.csv"),
        "--target",
        "Ozone",
        "--missing",
        "drop",
        "--drop",
        "Solar.R,Wind,Temp,Month,Day",
        ...o,
      ),
      /no feature columns are left/,
    );
    userError(
      await cli("train", "tabular", "--csv", join(SHARED_DIR, "iris.csv"), "--target", "Species", "--task", "regress", ...o),
      /regression needs numbers/,
    );
    userError(
      await cli("train", "tabular", "--csv", join(SHARED_DIR, "airline-passengers.csv"), "--target", "passengers", ...o),
      /no feature columns are left besides the target "passengers" \(left out: "month", as identifiers\).*train forecast --column passengers/,
    );
    userError(
      await cli("train", "cnn", "--csv", join(SHARED_DIR, "iris.csv"), "--label", "Species", ...o),
      /the 4 feature columns \(all but "Species"\) do not form a square image of side 4 or more/,
    );
    const cut = readFileSync(join(SHARED_DIR, "digits.csv"), "utf8")
      .split("\n")
      .map((l) => l.split(",").slice(1).join(","))
      .join("\n");
    userError(
      await cli("train", "cnn", "--csv", file(dir, "digits63.csv", cut), "--label", "label", ...o),
      /the 63 feature columns .* do not form a square image/,
    );
  });
});
