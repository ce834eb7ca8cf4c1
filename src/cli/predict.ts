// `tensorloom predict`: a self-describing checkpoint (tl.io.loadModel) applied to new rows, with
// the preprocessing it recorded: tabular models (feature columns by name, standardisation,
// one-hot categories, class names) and image models (pixel columns, scale, class names).

import * as tl from "../index.js";
import type { DataFrame } from "../frame/index.js";
import { type TabularPreprocessing, encodeFeatures, tabularOutputs } from "./tabular.js";
import { type ForecastPreprocessing, forecastSeries } from "./models.js";

const { ValueError } = tl;

/** What an image (CNN) checkpoint records besides its weights. */
export interface ImagePreprocessing {
  kind: "image";
  side: number;
  label: string;
  pixelColumns: string[];
  /** Pixels are divided by this (the training images' largest absolute value). */
  scale: number;
  classes: string[];
}

export type Preprocessing = TabularPreprocessing | ImagePreprocessing | ForecastPreprocessing;

/** One CSV field, quoted when it must be. */
export const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A CSV text from a header and rows. */
export const csvText = (header: string[], rows: (string | number)[][]): string =>
  [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";

export interface Predictions {
  /** The CSV rows predicted (0-based) and their predictions; `actual` when the CSV has the target/label column. */
  rows: number[];
  predicted: (string | number)[];
  actual?: (string | number)[];
  target: string;
  task: "classify" | "regress";
  notes: string[];
}

/** Predictions of a loaded checkpoint on every row of `df`. */
export function predictFrame(loaded: tl.io.LoadedModel<Preprocessing | null>, df: DataFrame, modelPath: string): Predictions {
  const op = "predict";
  const pre = loaded.preprocessing;
  const notes: string[] = [];
  if (df.length === 0) throw new ValueError(`${op}: the CSV has a header but no rows. Pass a CSV with the rows to predict.`);
  const rows = Array.from({ length: df.length }, (_, i) => i);
  const present = (c: string) => df.columns.includes(c);
  if (pre && pre.kind === "tabular") {
    const unseen = new Map<string, Set<string>>();
    const x = encodeFeatures(df, pre.features, rows, { fillMissing: pre.missing === "mean", op, unseen });
    for (const [c, vals] of unseen)
      notes.push(
        `column "${c}" has ${vals.size} categor${vals.size > 1 ? "ies" : "y"} not seen in training (${[...vals]
          .slice(0, 3)
          .map((v) => JSON.stringify(v))
          .join(", ")}): encoded as none of the known ones`,
      );
    const predicted = tabularOutputs(loaded.model, pre, x);
    let actual: (string | number)[] | undefined;
    if (present(pre.target))
      actual = df
        .col(pre.target)
        .toArray()
        .map((v) => (v === null ? "" : typeof v === "number" || typeof v === "string" ? v : String(v)));
    return { rows, predicted, actual, target: pre.target, task: pre.task, notes };
  }
  if (pre && pre.kind === "image") {
    const missing = pre.pixelColumns.filter((c) => !present(c));
    if (missing.length)
      throw new ValueError(
        `${op}: the CSV lacks ${missing.length} of the model's ${pre.pixelColumns.length} pixel columns (first: "${missing[0]}"); the model reads ${pre.side}x${pre.side} images from columns ${pre.pixelColumns[0]}..${pre.pixelColumns.at(-1)}. Pass rows with the same pixel columns.`,
      );
    const flat = df.length ? df.toTensor(pre.pixelColumns, "float64").storage : new Float64Array(0);
    const nf = pre.pixelColumns.length;
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] !== flat[i])
        throw new ValueError(
          `${op}: pixel column "${pre.pixelColumns[i % nf]}" is missing in row ${Math.floor(i / nf)} (counting from 0). Fill it or drop the row.`,
        );
    }
    const x = tl.tensor(
      Float32Array.from(flat, (v) => v / pre.scale),
      { shape: [df.length, 1, pre.side, pre.side] },
    );
    const out = tl.noGrad(() => loaded.model.forward(x));
    const predicted = Array.from(out.argmax(1).storage, (k) => pre.classes[k] ?? String(k));
    const actual = present(pre.label)
      ? df
          .col(pre.label)
          .toArray()
          .map((v) => (v === null ? "" : String(v)))
      : undefined;
    return { rows, predicted, actual, target: pre.label, task: "classify", notes };
  }
  if (pre && pre.kind === "forecast") {
    if (!present(pre.column))
      throw new ValueError(
        `${op}: the CSV has no column "${pre.column}", the series the model forecasts; its columns are ${df.columns.join(", ")}. Pass the series in a column named "${pre.column}".`,
      );
    if (df.col(pre.column).dtype === "string" || df.col(pre.column).dtype === "category")
      throw new ValueError(`${op}: column "${pre.column}" holds text; the forecaster needs positive numbers. Fix the column.`);
    const values = Array.from(df.col(pre.column).toTensor("float64").storage);
    const bad = values.findIndex((v) => !(v > 0));
    if (bad >= 0)
      throw new ValueError(
        `${op}: column "${pre.column}" ${values[bad] !== values[bad] ? "is missing" : `holds ${values[bad]}`} in row ${bad} (counting from 0); the forecaster reads logarithms of positive values. Fill or fix that row (train forecast --missing interpolate does it for training).`,
      );
    const need = pre.season + pre.tau;
    if (values.length < need)
      throw new ValueError(
        `${op}: the series has ${values.length} values; the model needs season ${pre.season} + window ${pre.tau} = ${need} to forecast. Pass a longer series.`,
      );
    const f = forecastSeries(loaded.model, pre, values);
    notes.push(`one-step-ahead forecasts for rows ${f.t[0]}..${f.t.at(-1)} (row ${values.length} is the period after the last)`);
    return {
      rows: f.t,
      predicted: f.predicted,
      actual: f.t.map((t) => (t < values.length ? values[t]! : "")),
      target: pre.column,
      task: "regress",
      notes,
    };
  }
  const kind =
    pre && typeof pre === "object" && "kind" in pre
      ? `preprocessing of kind ${JSON.stringify((pre as { kind: unknown }).kind)}`
      : "no preprocessing";
  throw new ValueError(
    `${op}: ${modelPath} records ${kind}; predict runs models from \`tensorloom train tabular\`, \`train cnn\` and \`train forecast\`. Retrain with one of them, or load it in code with tl.io.loadModel.`,
  );
}

/** The predictions as CSV: row, prediction, and the actual value when the CSV had it. */
export function predictionsCsv(p: Predictions): string {
  const header = ["row", `predicted_${p.target}`, ...(p.actual ? [p.target] : [])];
  return csvText(
    header,
    p.rows.map((r, i) => [r, p.predicted[i]!, ...(p.actual ? [p.actual[i]!] : [])]),
  );
}

/** Accuracy or RMSE of predictions against the actual column, over the rows where it is present. */
export function score(p: Predictions): string | undefined {
  if (!p.actual) return undefined;
  const idx = p.actual
    .map((_, i) => i)
    .filter((i) => p.actual![i] !== "" && !(typeof p.actual![i] === "number" && Number.isNaN(p.actual![i])));
  if (!idx.length) return undefined;
  if (p.task === "classify") {
    const ok = idx.filter((i) => String(p.actual![i]) === String(p.predicted[i])).length;
    return `accuracy ${((100 * ok) / idx.length).toFixed(2)}% on ${idx.length} rows with a "${p.target}"`;
  }
  const se = idx.reduce((s, i) => s + (Number(p.predicted[i]) - Number(p.actual![i])) ** 2, 0);
  return `RMSE ${Math.sqrt(se / idx.length).toPrecision(4)} on ${idx.length} rows with a "${p.target}"`;
}
