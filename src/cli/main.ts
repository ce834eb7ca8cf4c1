/// <reference types="node" />
// The `tensorloom` command. Argument parsing and output only: the work is done by the public
// API (src/cli/digits.ts and forecast.ts are pipelines over it). Node only.
//
//   tensorloom demo [--out DIR] [--quick]
//   tensorloom train tabular --csv FILE --target COL [--task classify|regress] [--missing refuse|drop|mean] [--drop COLS] [--epochs N] [--out DIR]
//   tensorloom train cnn --csv FILE --label COL [--epochs N] [--out DIR]
//   tensorloom predict --model FILE --csv FILE [--out FILE]
//   tensorloom train forecast --csv FILE --column COL [--tau N] [--season N] [--test N] [--epochs N] [--out DIR]

import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import cliProgress from "cli-progress";
import * as tl from "../index.js";
import { readCsv } from "../frame/index.js";
import { dateLabels, forecastSection, forecastSummary } from "./forecastReport.js";
import type { Callback } from "../train/fit.js";
import { DigitsCnn, type DigitsResult, trainDigits } from "./digits.js";
import { FORECAST_DEFAULTS, type ForecastResult, Forecaster, checkSeries, trainForecaster } from "./forecast.js";
import { cnnArchitecture, forecastPreprocessing, forecasterArchitecture, matchingArchitecture } from "./models.js";
import { type CliKit, imagePreprocessing, predictCommand, trainCnnOutputs, trainTabularCommand } from "./commands.js";
import { csvText } from "./predict.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, "../../data");

export class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `tensorloom — tensors, CNNs and LSTMs in TypeScript

usage:
  tensorloom demo                 train a CNN on the shipped digits and an LSTM forecaster on the
                                  shipped airline passengers; writes models and an HTML report
  tensorloom train tabular ...    an MLP classifier or regressor on your own CSV (see: tensorloom train --help)
  tensorloom train cnn ...        the CNN pipeline on your own image CSV
  tensorloom train forecast ...   the forecaster on your own monthly series
  tensorloom predict ...          run a model saved by train on new rows (see: tensorloom predict --help)
  tensorloom --help | <command> --help`,
  demo: `tensorloom demo [--out DIR] [--epochs N] [--quick]

Trains (1) a CNN on data/digits.csv (8x8 handwritten digits) and (2) an LSTM forecaster on
data/airline-passengers.csv, shows progress, prints a summary, and writes to DIR (default out/):
digits-cnn.safetensors, airline-lstm.safetensors and report.html.
  --out DIR     where to write (created if missing; existing files are replaced atomically)
  --epochs N    CNN epochs (default 20); the forecaster trains 10 short epochs
  --quick       a fast smoke run (2 CNN epochs, 3 forecaster epochs)`,
  train: `tensorloom train tabular --csv FILE --target COL [--task classify|regress] [--missing refuse|drop|mean] [--drop COLS] [--epochs 200] [--hidden 32] [--out DIR]
  An MLP (2 hidden layers of --hidden units) predicts COL from the other columns. The task follows the target
  unless --task says: text, booleans and integers with at most 10 values are classes, other numbers
  are regressed. Numbers are standardised; text columns with at most 20 values are one-hot encoded;
  a text column with a different value on every row (an identifier) is left out; --drop a,b leaves
  out others. Missing cells: refused (default, naming the column and rows), --missing drop leaves
  those rows out, --missing mean fills them with the training mean (most frequent text). 80/20
  split, stratified by class; prints accuracy against the majority class or RMSE against the mean.

tensorloom train cnn --csv FILE --label COL [--epochs N] [--out DIR]
  FILE has one image per row: side*side pixel columns (any side >= 4, inferred from the column
  count; no missing cells) and a label column COL of integers 0..K-1. Pixels are scaled by the
  largest absolute value.

tensorloom train forecast --csv FILE --column COL [--tau 12] [--season 12] [--test 24] [--epochs 10] [--missing refuse|interpolate] [--out DIR]
  FILE has one row per period; COL holds the positive values to forecast (e.g. monthly sales),
  at least season + tau + test + 8 of them. Missing values are refused (default, naming the rows);
  --missing interpolate fills each linearly from the known values on both sides. Prints and
  reports the LSTM's test RMSE beside linear AR(tau) models and seasonal naive; writes
  forecaster.safetensors, report.html and predictions.csv (row, prediction, actual).

--out DIR (default out/) is created if missing and checked for writing before training; a model
file already in it is replaced. tabular and cnn write tabular.safetensors or cnn.safetensors
(self-describing: see predict), report.html and predictions.csv (the test rows: row, prediction,
actual).`,
  predict: `tensorloom predict --model FILE --csv FILE [--out FILE]
  Runs a model saved by \`tensorloom train tabular\`, \`train cnn\` or \`train forecast\` on the
  rows of the CSV, with the preprocessing recorded in the model file (the same feature columns, by
  name; the scaling; the class names; a forecaster's window). Writes row,prediction[,actual] as CSV
  to --out, or to stdout without it; with the target column present it also reports accuracy or
  RMSE. A forecaster gives one-step-ahead forecasts for every period with a full window and for the
  period after the last.`,
};

type Flags = Record<string, string | true>;

export function parseArgs(argv: readonly string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [],
    flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--")) {
      const name = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        flags[name] = next;
        i++;
      } else flags[name] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}

function checkFlags(cmd: string, flags: Flags, allowed: string[]): void {
  for (const f of Object.keys(flags)) {
    if (!allowed.includes(f))
      throw new UsageError(
        `${cmd}: unknown flag --${f}. Allowed: ${allowed.map((a) => "--" + a).join(", ")}. See \`tensorloom ${cmd} --help\`.`,
      );
  }
}

function intFlag(cmd: string, flags: Flags, name: string, dflt: number): number {
  const v = flags[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n <= 0)
    throw new UsageError(`${cmd}: --${name} needs a positive integer, got ${v === true ? "nothing" : JSON.stringify(v)}.`);
  return n;
}

function strFlag(cmd: string, flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== "string") throw new UsageError(`${cmd}: --${name} is required. See \`tensorloom ${cmd} --help\`.`);
  return v;
}

/** A CSV file through readCsv's checked UTF-8 decoder; file-system problems become one-line usage errors. */
function readCsvPath(cmd: string, path: string) {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${cmd}: --csv ${path} is a directory; pass a CSV file.`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`${cmd}: no such file: ${path}.`);
    throw new UsageError(`${cmd}: cannot read --csv ${path} (${code ?? (e as Error).message}). Check the path and its permissions.`);
  }
  if (bytes.every((b) => b === 32 || b === 9 || b === 10 || b === 13))
    throw new UsageError(`${cmd}: --csv ${path} is empty. Pass a CSV with a header row and data rows.`);
  return readCsv(bytes);
}

/** A cli-progress bar per training run, as a fit callback. Quiet when stdout is not a terminal. */
function progressBar(label: string, epochs: number): Callback & { stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(22)} [{bar}] {percentage}% | epoch {epoch}/${epochs} | loss {loss} | {rate} batch/s`,
      barsize: 24,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 3000,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false,
    total = 0,
    done = 0;
  const t0 = Date.now();
  return {
    onBatchEnd(info) {
      if (!started) {
        total = info.batches * epochs;
        bar.start(total, 0, { epoch: 1, loss: "-", rate: "-" });
        started = true;
      }
      done++;
      bar.update(done, { epoch: info.epoch, loss: info.loss.toFixed(4), rate: (done / ((Date.now() - t0) / 1000)).toFixed(1) });
    },
    stop() {
      if (started) {
        bar.update(total);
        bar.stop();
      }
    },
  };
}

/**
 * A model file: the state dict under PyTorch's keys, and in the metadata the architecture (the
 * CLI's CNN and forecaster are described; their keys are checked against the description) and
 * the preprocessing, so tl.io.loadModel and `tensorloom predict` rebuild it.
 */
async function save(model: tl.nn.Module, dir: string, name: string, preprocessing?: unknown): Promise<string> {
  const path = resolve(dir, name);
  const architecture =
    model instanceof tl.io.SpecModel
      ? model.architecture
      : model instanceof DigitsCnn
        ? cnnArchitecture(model.side, model.classes)
        : model instanceof Forecaster
          ? matchingArchitecture(model, forecasterArchitecture(model.lstm.hiddenSize))
          : undefined;
  if (architecture) await tl.io.saveModel(model, path, { architecture, preprocessing });
  else await tl.io.saveSafetensors(model.stateDict(), path, { format: "pt" });
  return path;
}

function digitsFigures(r: DigitsResult): string[] {
  const { report } = tl;
  const epochs = r.history.map((h) => h.epoch);
  return [
    report.lineChart(
      [
        { name: "train loss", x: epochs, y: r.history.map((h) => h.trainLoss) },
        { name: "test loss", x: epochs, y: r.history.map((h) => h.valLoss!) },
      ],
      { title: "CNN loss per epoch", xLabel: "epoch", yLabel: "cross-entropy", logY: true, width: 520 },
    ),
    report.confusionMatrixChart(r.confusion, { title: "Confusion matrix (test set)", cell: 30 }),
    // one symmetric scale for all filters: the sign and size of each weight compare across filters
    report.imageGrid(r.filters, {
      title: "Learned first-layer filters (3x3), blue < 0 < red",
      pixel: 12,
      scaling: "shared",
      colormap: "diverging",
    }),
    report.imageGrid([r.sample, ...r.featureMaps], {
      title: `A test digit (true class ${r.testTrue[0]}, predicted ${r.testPred[0]}${r.testPred[0] === r.testTrue[0] ? "" : ", wrong"}) and its 16 first-layer feature maps`,
      pixel: 7,
      captions: ["input", ...r.featureMaps.map((_, i) => `map ${i}`)],
      perRow: 9,
    }),
  ];
}

function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
}

async function runDigits(df: ReturnType<typeof readCsv>, label: string, epochs: number): Promise<DigitsResult> {
  const bar = progressBar("digits CNN", epochs);
  try {
    return await trainDigits(df, { label, epochs, seed: 0, callbacks: [bar] });
  } finally {
    bar.stop();
  }
}

async function runForecast(
  values: number[],
  o: { tau: number; season: number; testSize: number; epochs: number; missing?: "refuse" | "interpolate" },
): Promise<ForecastResult> {
  const bar = progressBar("LSTM forecaster", o.epochs);
  try {
    return await trainForecaster(values, { ...o, hidden: FORECAST_DEFAULTS.hidden, seed: 0, callbacks: [bar] });
  } finally {
    bar.stop();
  }
}

/**
 * The --out directory, made and proven writable before any training, so a bad --out costs no
 * training time. Folders are made one level at a time: Node's recursive mkdir never returns on
 * some paths (under /proc). `files` are the names the command will write there.
 */
function outDir(cmd: string, flags: Flags, files: string[]): string {
  if (flags.out === true) throw new UsageError(`${cmd}: --out needs a directory.`);
  const dir = resolve(typeof flags.out === "string" ? flags.out : "out");
  const fail = (why: string): never => {
    throw new UsageError(`${cmd}: cannot write to --out ${dir}: ${why}. Pass a writable directory.`);
  };
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(at).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") fail(code === "ENOTDIR" ? `${at} is under a file` : `${at}: ${code}`);
    }
    if (isDir === false) fail(at === dir ? "it is a file, not a directory" : `${at} is a file`);
    if (isDir) break;
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      fail(`cannot create ${d} (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  for (const f of files) {
    try {
      if (statSync(resolve(dir, f)).isDirectory()) fail(`${f} there is a directory`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
    }
  }
  const probe = resolve(dir, `.tensorloom-write-check-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (e) {
    fail(`not writable (${(e as NodeJS.ErrnoException).code})`);
  }
  return dir;
}

export async function demo(flags: Flags): Promise<void> {
  checkFlags("demo", flags, ["out", "epochs", "quick", "help"]);
  const quick = flags.quick === true;
  const epochs = quick ? 2 : intFlag("demo", flags, "epochs", 20);
  const dir = outDir("demo", flags, ["digits-cnn.safetensors", "airline-lstm.safetensors", "report.html"]);
  const t0 = Date.now();
  console.log(`tensorloom demo (backend: ${tl.getBackend()})\n`);
  const digits = await runDigits(readCsv(readFileSync(resolve(dataDir, "digits.csv"))), "label", epochs);
  const air = readCsv(readFileSync(resolve(dataDir, "airline-passengers.csv")));
  const values = Array.from(air.col("passengers").toTensor("float64").storage);
  const months = air.col("month").toArray().map(String);
  const fc = await runForecast(values, { tau: 12, season: 12, testSize: 24, epochs: quick ? 3 : FORECAST_DEFAULTS.epochs });
  const cnnPath = await save(digits.model, dir, "digits-cnn.safetensors", imagePreprocessing(digits, "label"));
  const lstmPath = await save(fc.model, dir, "airline-lstm.safetensors", forecastPreprocessing(fc, "passengers"));
  const seconds = (Date.now() - t0) / 1000;
  const summary: [string, string][] = [
    ["digits CNN test accuracy", `${(100 * digits.testAccuracy).toFixed(2)}% (${digits.history.length} epochs, Adam, batch 64)`],
    ...forecastSummary(fc, { name: "airline LSTM", unit: "thousand passengers", dates: months }),
    ["models", `${cnnPath}, ${lstmPath}`],
    ["wall time", `${seconds.toFixed(1)} s`],
  ];
  const reportPath = resolve(dir, "report.html");
  writeFileSync(
    reportPath,
    tl.report.htmlReport("tensorloom demo", summary, [
      {
        heading: "Handwritten digits: a CNN",
        text: "Conv(1→16, 3x3) → ReLU → MaxPool 2 → Conv(16→32, 3x3) → ReLU → MaxPool 2 → Linear(128→10), trained on 80% of the 1,797 8x8 digits.",
        figures: digitsFigures(digits),
      },
      forecastSection(fc, {
        heading: "Airline passengers: an LSTM forecaster against linear AR(12)",
        dates: months,
        yLabel: "passengers (thousands)",
      }),
    ]),
  );
  console.log(`\nsummary\n${table([...summary, ["report", reportPath]])}`);
}

/** What the commands in commands.ts use from here. */
const kit: CliKit = { UsageError, checkFlags, intFlag, strFlag, readCsvPath, outDir, progressBar, table, save };

async function train(positional: string[], flags: Flags): Promise<void> {
  const kind = positional[1];
  if (kind === "tabular") await trainTabularCommand(kit, flags);
  else if (kind === "cnn") {
    checkFlags("train cnn", flags, ["csv", "label", "epochs", "out", "help"]);
    const csvPath = strFlag("train cnn", flags, "csv");
    const label = strFlag("train cnn", flags, "label");
    const epochs = intFlag("train cnn", flags, "epochs", 12);
    const dir = outDir("train cnn", flags, ["cnn.safetensors", "report.html", "predictions.csv"]);
    const df = readCsvPath("train cnn", csvPath);
    if (!df.columns.includes(label))
      throw new UsageError(
        `train cnn: the CSV has no column "${label}"; its columns are ${df.columns.slice(0, 8).join(", ")}${df.columns.length > 8 ? ", ..." : ""}.`,
      );
    const nf = df.columns.length - 1,
      side = Math.round(Math.sqrt(nf));
    if (side * side === nf && side >= 4) console.log(`train cnn: ${nf} pixel columns besides "${label}": ${side}x${side} images`);
    const r = await runDigits(df, label, epochs);
    await trainCnnOutputs(kit, r, { dir, label, csvPath });
  } else if (kind === "forecast") {
    checkFlags("train forecast", flags, ["csv", "column", "tau", "season", "test", "epochs", "missing", "out", "help"]);
    const missing = flags.missing ?? "refuse";
    if (missing !== "refuse" && missing !== "interpolate")
      throw new UsageError(
        `train forecast: --missing must be refuse or interpolate, got ${missing === true ? "nothing" : JSON.stringify(missing)}.`,
      );
    const csvPath = strFlag("train forecast", flags, "csv");
    const col = strFlag("train forecast", flags, "column");
    const o = {
      tau: intFlag("train forecast", flags, "tau", 12),
      season: intFlag("train forecast", flags, "season", 12),
      testSize: intFlag("train forecast", flags, "test", 24),
      epochs: intFlag("train forecast", flags, "epochs", FORECAST_DEFAULTS.epochs),
      missing: missing as "refuse" | "interpolate",
    };
    const dir = outDir("train forecast", flags, ["forecaster.safetensors", "report.html", "predictions.csv"]);
    const df = readCsvPath("train forecast", csvPath);
    if (!df.columns.includes(col))
      throw new UsageError(`train forecast: the CSV has no column "${col}"; its columns are ${df.columns.join(", ")}.`);
    // a CSV without rows has text (object) columns, as pandas: there is nothing to convert
    const values = df.length ? Array.from(df.col(col).toTensor("float64").storage) : [];
    checkSeries(values, o);
    const r = await runForecast(values, o);
    const path = await save(r.model, dir, "forecaster.safetensors", forecastPreprocessing(r, col));
    const dates = dateLabels(df, col); // a date column, if any, labels the report's time axis
    const summary = forecastSummary(r, { dates });
    writeFileSync(
      resolve(dir, "report.html"),
      tl.report.htmlReport(
        `tensorloom train forecast: ${col}`,
        [["data", `${csvPath}, column "${col}" (${values.length} rows)`], ...summary, ["model", path]],
        [forecastSection(r, { heading: `${col}: an LSTM forecaster against linear AR(${o.tau})`, yLabel: col, dates })],
      ),
    );
    writeFileSync(
      resolve(dir, "predictions.csv"),
      csvText(
        ["row", "prediction", "actual"],
        r.predicted.map((p, k) => [r.testStart + k, p, r.actual[k]!]),
      ),
    );
    console.log(
      `\n${table([...summary, ["model", path], ["report", resolve(dir, "report.html")], ["predictions", resolve(dir, "predictions.csv")]])}`,
    );
  } else {
    throw new UsageError(
      `train: expected "tabular", "cnn" or "forecast", got ${kind === undefined ? "nothing" : JSON.stringify(kind)}. See \`tensorloom train --help\`.`,
    );
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const cmd = positional[0];
  try {
    if (cmd === undefined || (flags.help && !cmd)) {
      console.log(HELP.main);
      return cmd === undefined && !flags.help ? 1 : 0;
    }
    if (flags.help) {
      console.log(HELP[cmd] ?? HELP.main);
      return 0;
    }
    if (cmd === "demo") await demo(flags);
    else if (cmd === "train") await train(positional, flags);
    else if (cmd === "predict") await predictCommand(kit, flags);
    else throw new UsageError(`unknown command ${JSON.stringify(cmd)}: use demo, train or predict. See \`tensorloom --help\`.`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof tl.TensorloomError) {
      // one line: messages that quote a user's text (a CSV field) may hold line breaks
      console.error(`tensorloom: ${e.message.replace(/\r?\n|\r/g, " ")}`);
      return 2;
    }
    throw e;
  }
}

// Run as a program (not imported): argv[1] is this module as loaded. import.meta.resolve names
// the file this process loaded (the .ts through tsx, dist/ once built, the transpiled copy the
// tests run), where import.meta.url may be rewritten to name the source (scripts/buildTests.mjs);
// Node before 20.6 has no import.meta.resolve.
const loadedAs = typeof import.meta.resolve === "function" ? import.meta.resolve("./main.js") : import.meta.url;
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(loadedAs)) {
  process.exitCode = await main(process.argv.slice(2));
}
