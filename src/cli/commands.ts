/// <reference types="node" />
// The `train tabular`, `train cnn` outputs and `predict` commands: flags in, files and a summary
// out. main.ts passes its helpers (flag parsing, the checked CSV reader, --out checks, the
// progress bar) as a CliKit, so that user errors look the same in every command.

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import * as tl from "../index.js";
import type { DataFrame } from "../frame/index.js";
import type { Callback } from "../train/fit.js";
import type { DigitsResult } from "./digits.js";
import { type ImagePreprocessing, type Preprocessing, csvText, predictFrame, predictionsCsv, score } from "./predict.js";
import { type MissingPolicy, type TabularResult, type Task, featureWidth, fmt, trainTabular } from "./tabular.js";

type Flags = Record<string, string | true>;

/** The helpers of main.ts the commands use. */
export interface CliKit {
  UsageError: new (message: string) => Error;
  checkFlags(cmd: string, flags: Flags, allowed: string[]): void;
  intFlag(cmd: string, flags: Flags, name: string, dflt: number): number;
  strFlag(cmd: string, flags: Flags, name: string): string;
  readCsvPath(cmd: string, path: string): DataFrame;
  outDir(cmd: string, flags: Flags, files: string[]): string;
  progressBar(label: string, epochs: number): Callback & { stop(): void };
  table(rows: [string, string][]): string;
  save(model: tl.nn.Module, dir: string, name: string, preprocessing?: unknown): Promise<string>;
}

function choice<T extends string>(
  kit: CliKit,
  cmd: string,
  flags: Flags,
  name: string,
  options: readonly T[],
  dflt: T | undefined,
): T | undefined {
  const v = flags[name];
  if (v === undefined) return dflt;
  if (v === true || !options.includes(v as T))
    throw new kit.UsageError(
      `${cmd}: --${name} must be ${options.join(", ").replace(/, ([^,]*)$/, " or $1")}, got ${v === true ? "nothing" : JSON.stringify(v)}.`,
    );
  return v as T;
}

/** Writes a file of --out, a failure as a one-line usage error. */
function writeOut(kit: CliKit, cmd: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR"
        ? "it is a directory"
        : code === "ENOENT" || code === "ENOTDIR"
          ? "its folder does not exist"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : (code ?? (e as Error).message);
    throw new kit.UsageError(`${cmd}: cannot write ${path} (${why}). Pass a writable file path as --out.`);
  }
}

const lossChart = (history: tl.train.EpochLog[], yLabel: string, valName = "test loss"): string => {
  const x = history.map((h) => h.epoch);
  const val = history.some((h) => h.valLoss !== undefined) ? [{ name: valName, x, y: history.map((h) => h.valLoss ?? NaN) }] : [];
  return tl.report.lineChart([{ name: "train loss", x, y: history.map((h) => h.trainLoss) }, ...val], {
    title: "Loss per epoch",
    xLabel: "epoch",
    yLabel,
    logY: true,
    width: 520,
  });
};

const confusionChart = (confusion: number[][], labels: string[]): string =>
  tl.report.confusionMatrixChart(confusion, { title: "Confusion matrix (test rows)", labels });

/** Actual and predicted values of the test rows, sorted by the actual value. */
function predictedVsActual(actual: number[], predicted: number[], target: string): string {
  const order = actual.map((_, i) => i).sort((a, b) => actual[a]! - actual[b]!);
  const x = order.map((_, k) => k + 1);
  return tl.report.lineChart(
    [
      { name: "actual", x, y: order.map((i) => actual[i]!) },
      { name: "predicted", x, y: order.map((i) => predicted[i]!) },
    ],
    { title: "Predicted vs actual (test rows, sorted by actual)", xLabel: "test row (by actual value)", yLabel: target, width: 520 },
  );
}

/** `tensorloom train tabular`. */
export async function trainTabularCommand(kit: CliKit, flags: Flags): Promise<void> {
  const cmd = "train tabular";
  kit.checkFlags(cmd, flags, ["csv", "target", "task", "missing", "drop", "epochs", "hidden", "out", "help"]);
  const csvPath = kit.strFlag(cmd, flags, "csv");
  const target = kit.strFlag(cmd, flags, "target");
  const task = choice<Task>(kit, cmd, flags, "task", ["classify", "regress"], undefined);
  const missing = choice<MissingPolicy>(kit, cmd, flags, "missing", ["refuse", "drop", "mean"], "refuse")!;
  if (flags.drop === true) throw new kit.UsageError(`${cmd}: --drop needs column names, e.g. --drop id,name.`);
  const drop =
    typeof flags.drop === "string"
      ? flags.drop
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean)
      : [];
  const epochs = kit.intFlag(cmd, flags, "epochs", 200);
  const hidden = kit.intFlag(cmd, flags, "hidden", 32);
  const dir = kit.outDir(cmd, flags, ["tabular.safetensors", "report.html", "predictions.csv"]);
  const df = kit.readCsvPath(cmd, csvPath);
  const bar = kit.progressBar(`MLP on ${target}`.slice(0, 22), epochs);
  let r: TabularResult;
  try {
    r = await trainTabular(df, { target, task, missing, drop, epochs, hidden, seed: 0, callbacks: [bar] });
  } finally {
    bar.stop();
  }
  const pre = r.preprocessing;
  const numeric = pre.features.filter((f) => f.type === "numeric").map((f) => f.column);
  const onehot = pre.features
    .filter((f) => f.type === "onehot")
    .map((f) => (f.type === "onehot" ? `${f.column} (${f.categories.length})` : ""));
  console.log(`${cmd}: ${df.length} rows of ${csvPath}; task ${pre.task} (${r.why})`);
  const parts = [
    ...(numeric.length ? [`${numeric.length} numeric column${numeric.length === 1 ? "" : "s"} (standardised)`] : []),
    ...(onehot.length ? [`one-hot ${onehot.join(", ")}`] : []),
  ];
  console.log(`  features: ${featureWidth(pre.features)} inputs from ${parts.join(" and ")}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
  const modelPath = await kit.save(r.model, dir, "tabular.safetensors", pre);
  const predPath = resolve(dir, "predictions.csv");
  writeOut(
    kit,
    cmd,
    predPath,
    csvText(
      ["row", `predicted_${target}`, target],
      r.testRows.map((row, i) => [row, r.predicted[i]!, r.actual[i]!]),
    ),
  );
  const classify = pre.task === "classify";
  const metric: [string, string][] = classify
    ? [
        ["test accuracy", `${(100 * r.metric).toFixed(2)}% on ${r.testRows.length} test rows (stratified 20%)`],
        ["baseline accuracy", `${(100 * r.baseline).toFixed(2)}% (${r.baselineName})`],
      ]
    : [
        ["test RMSE", `${fmt(r.metric)} on ${r.testRows.length} test rows (20%)`],
        ["baseline RMSE", `${fmt(r.baseline)} (${r.baselineName})`],
      ];
  const reportPath = resolve(dir, "report.html");
  const summary: [string, string][] = [
    ["data", `${csvPath}: ${df.length} rows, target "${target}"`],
    ["task", `${pre.task}: ${r.why}`],
    ...metric,
    ["training rows", `${r.trainRows} fitted, ${r.validationRows} for choosing the epoch`],
    ["model", modelPath],
    ["predictions", predPath],
  ];
  const figures = [lossChart(r.history, classify ? "cross-entropy" : "MSE (standardised)", "validation loss")];
  if (classify) figures.push(confusionChart(r.confusion!, pre.classes!));
  else figures.push(predictedVsActual(r.actual as number[], r.predicted as number[], target));
  writeOut(
    kit,
    cmd,
    reportPath,
    tl.report.htmlReport(`tensorloom train tabular: ${target}`, summary, [
      {
        heading: `An MLP ${classify ? "classifier" : "regressor"} for "${target}"`,
        text: `Linear(${featureWidth(pre.features)}→${hidden}) → ReLU → Linear(${hidden}→${hidden}) → ReLU → Linear(${hidden}→${classify ? pre.classes!.length : 1}), Adam, ${epochs} epochs.${r.notes.length ? " " + r.notes.join("; ") + "." : ""}`,
        figures,
      },
    ]),
  );
  console.log(`\nsummary\n${kit.table([...metric, ["model", modelPath], ["report", reportPath], ["predictions", predPath]])}`);
  if (classify ? r.metric <= r.baseline : r.metric >= r.baseline)
    console.log(
      `\nThe baseline (${r.baselineName}) is as good as the model or better on the test rows: the columns may not predict "${target}", or the table is too small to learn from.`,
    );
}

/** What a CNN checkpoint records for predict: image side, pixel columns, scale, class names. */
export function imagePreprocessing(r: DigitsResult, label: string): ImagePreprocessing {
  return {
    kind: "image",
    side: r.side,
    label,
    pixelColumns: r.pixelColumns,
    scale: r.scale,
    classes: Array.from({ length: r.classes }, (_, k) => String(k)),
  };
}

/** What `train cnn` writes and prints after training: the self-describing model, predictions on the test images, the report. */
export async function trainCnnOutputs(kit: CliKit, r: DigitsResult, o: { dir: string; label: string; csvPath: string }): Promise<void> {
  const cmd = "train cnn";
  const pre = imagePreprocessing(r, o.label);
  const classes = pre.classes;
  const modelPath = await kit.save(r.model, o.dir, "cnn.safetensors", pre);
  const predPath = resolve(o.dir, "predictions.csv");
  writeOut(
    kit,
    cmd,
    predPath,
    csvText(
      ["row", `predicted_${o.label}`, o.label],
      r.testRows.map((row, i) => [row, r.testPred[i]!, r.testTrue[i]!]),
    ),
  );
  const reportPath = resolve(o.dir, "report.html");
  const acc: [string, string] = ["test accuracy", `${(100 * r.testAccuracy).toFixed(2)}% on ${r.testRows.length} test images`];
  writeOut(
    kit,
    cmd,
    reportPath,
    tl.report.htmlReport(
      `tensorloom train cnn: ${o.label}`,
      [["data", `${o.csvPath}: ${r.side}x${r.side} images, ${r.classes} classes`], acc, ["model", modelPath], ["predictions", predPath]],
      [
        {
          heading: "A CNN",
          text: `Conv(1→16, 3x3) → ReLU → MaxPool 2 → Conv(16→32, 3x3) → ReLU → MaxPool 2 → Linear → ${r.classes} classes, on ${r.side}x${r.side} images.`,
          figures: [lossChart(r.history, "cross-entropy"), confusionChart(r.confusion, classes)],
        },
      ],
    ),
  );
  console.log(
    `\n${kit.table([["image size", `${r.side}x${r.side} (inferred from ${r.pixelColumns.length} pixel columns)`], acc, ["model", modelPath], ["report", reportPath], ["predictions", predPath]])}`,
  );
}

/** `tensorloom predict`. */
export async function predictCommand(kit: CliKit, flags: Flags): Promise<void> {
  const cmd = "predict";
  kit.checkFlags(cmd, flags, ["model", "csv", "out", "help"]);
  const modelPath = kit.strFlag(cmd, flags, "model");
  const csvPath = kit.strFlag(cmd, flags, "csv");
  if (flags.out === true) throw new kit.UsageError(`${cmd}: --out needs a file name, e.g. --out predictions.csv.`);
  const outPath = typeof flags.out === "string" ? resolve(flags.out) : undefined;
  let loaded: tl.io.LoadedModel<Preprocessing | null>;
  try {
    loaded = await tl.io.loadModel<Preprocessing | null>(modelPath);
  } catch (e) {
    const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new kit.UsageError(`${cmd}: no such model file: ${modelPath}. Pass the .safetensors file that \`tensorloom train\` wrote.`);
    if (code === "EISDIR") throw new kit.UsageError(`${cmd}: --model ${modelPath} is a directory; pass the .safetensors file in it.`);
    throw e;
  }
  const df = kit.readCsvPath(cmd, csvPath);
  const p = predictFrame(loaded, df, modelPath);
  const text = predictionsCsv(p);
  for (const n of p.notes) console.error(`tensorloom: note: ${n}`);
  const s = score(p);
  if (outPath) {
    writeOut(kit, cmd, outPath, text);
    console.log(`${cmd}: ${p.rows.length} predictions of "${p.target}" written to ${outPath}${s ? `; ${s}` : ""}`);
  } else {
    console.log(text.replace(/\n$/, ""));
    if (s) console.error(`tensorloom: ${s}`);
  }
}
