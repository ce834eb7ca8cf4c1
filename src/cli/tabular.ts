// `tensorloom train tabular`: an MLP classifier or regressor on any CSV with a target column.
// The preprocessing (which columns, how they are encoded, standardisation, class names) is a
// plain JSON object recorded in the checkpoint, and `encodeFeatures` applies it to new rows, so
// `tensorloom predict` reproduces exactly what training saw.

import * as tl from "../index.js";
import type { DataFrame } from "../frame/index.js";
import type { Scalar } from "../frame/column.js";
import { type Callback, fit } from "../train/fit.js";
import { mlpArchitecture } from "./models.js";

const { F, ValueError } = tl;

export type MissingPolicy = "drop" | "mean" | "refuse";
export type Task = "classify" | "regress";

/** A numeric feature, standardised with the training split's mean and std; `fill` replaces a missing value (the mean) under --missing mean. */
export interface NumericFeature {
  column: string;
  type: "numeric";
  mean: number;
  std: number;
}
/** A text feature one-hot encoded over the training categories; `fill` is the most frequent one (used under --missing mean). */
export interface OneHotFeature {
  column: string;
  type: "onehot";
  categories: string[];
  fill: string;
}
export type Feature = NumericFeature | OneHotFeature;

/** What a tabular checkpoint records besides its weights. */
export interface TabularPreprocessing {
  kind: "tabular";
  task: Task;
  target: string;
  features: Feature[];
  missing: MissingPolicy;
  /** Class names, in output order (classification). */
  classes?: string[];
  /** The target's standardisation (regression): the model predicts (y - mean) / std. */
  targetMean?: number;
  targetStd?: number;
}

const MAX_CATEGORIES = 20;
const MAX_CLASSES = 50;

const isMissing = (v: Scalar | undefined): boolean =>
  v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) || v === "";
const str = (v: Scalar): string => (v instanceof Date ? v.toISOString() : String(v));
const rowList = (rows: number[]): string =>
  rows.length > 3 ? `${rows.slice(0, 3).join(", ")}, ... (${rows.length} in all)` : rows.join(", ");
const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;

function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const isTextType = (dtype: string): boolean => dtype === "string" || dtype === "category" || dtype === "bool";

/** The task a target suggests: text, booleans and integers with few distinct values are classes; other numbers are values to regress. */
export function inferTask(df: DataFrame, target: string): { task: Task; why: string } {
  const dtype = df.col(target).dtype;
  const vals = df
    .col(target)
    .toArray()
    .filter((v) => !isMissing(v));
  const distinct = new Set(vals.map(str)).size;
  if (isTextType(dtype))
    return {
      task: "classify",
      why: `"${target}" holds ${dtype === "bool" ? "booleans" : "text"} (${distinct} ${distinct === 1 ? "class" : "classes"})`,
    };
  if (dtype === "int64" && distinct <= 10 && distinct < vals.length / 2)
    return { task: "classify", why: `"${target}" holds ${distinct} distinct integers; pass --task regress to predict it as a number` };
  return {
    task: "regress",
    why: `"${target}" holds numbers with ${distinct} distinct values; pass --task classify to treat them as classes`,
  };
}

/** The feature encoding learnt from the training rows. `notes` says what was dropped or imputed. */
function fitFeatures(df: DataFrame, target: string, drop: string[], trainRows: number[], notes: string[], op: string): Feature[] {
  const features: Feature[] = [];
  for (const c of df.columns) {
    if (c === target || drop.includes(c)) continue;
    const dtype = df.col(c).dtype;
    const all = df.col(c).toArray();
    if (isTextType(dtype) || dtype === "datetime") {
      const present = all.filter((v) => !isMissing(v)).map(str);
      const distinct = new Set(present);
      if (dtype !== "bool" && distinct.size === present.length && present.length > MAX_CATEGORIES) {
        notes.push(`column "${c}" left out: text with a different value on every row (an identifier)`);
        continue;
      }
      if (dtype === "datetime")
        throw new ValueError(
          `${op}: column "${c}" holds dates, which the MLP cannot use as they are. Leave it out with --drop ${c}, or turn it into numbers (year, month) first.`,
        );
      if (distinct.size > MAX_CATEGORIES)
        throw new ValueError(
          `${op}: column "${c}" is text with ${distinct.size} distinct values, too many to one-hot encode (at most ${MAX_CATEGORIES}). Leave it out with --drop ${c}, or convert it to numbers first.`,
        );
      const counts = new Map<string, number>();
      for (const r of trainRows) {
        const v = all[r];
        if (!isMissing(v)) counts.set(str(v!), (counts.get(str(v!)) ?? 0) + 1);
      }
      const categories = [...distinct].sort();
      let fill = categories[0] ?? "";
      for (const [k, n] of counts) if (n > (counts.get(fill) ?? 0)) fill = k;
      features.push({ column: c, type: "onehot", categories, fill });
    } else {
      const v = trainRows
        .map((r) => all[r])
        .filter((x) => !isMissing(x))
        .map(Number);
      const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
      const std = v.length ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) : 0;
      features.push({ column: c, type: "numeric", mean, std: std > 0 ? std : 1 });
    }
  }
  if (!features.length) {
    const left = df.columns.filter((c) => c !== target);
    throw new ValueError(
      `${op}: no feature columns are left besides the target "${target}"${left.length ? ` (left out: ${left.map((c) => `"${c}"`).join(", ")}, ${drop.length ? "by --drop or " : ""}as identifiers)` : ""}. Pass a CSV with at least one column to predict from${left.length === 1 ? `; for a series over time use \`tensorloom train forecast --column ${target}\`` : ""}.`,
    );
  }
  return features;
}

/** The input width of an encoding. */
export const featureWidth = (features: readonly Feature[]): number =>
  features.reduce((n, f) => n + (f.type === "numeric" ? 1 : f.categories.length), 0);

/**
 * Rows of `df` encoded as the model's input [rows.length, width] (float32), as training encoded
 * them: standardised numbers, one-hot categories (an unseen category encodes as none of them).
 * Missing cells take the feature's fill when `fillMissing`, else they are an error naming the
 * column and row. `unseen` collects categories training never saw.
 */
export function encodeFeatures(
  df: DataFrame,
  features: readonly Feature[],
  rows: readonly number[],
  o: { fillMissing: boolean; op: string; unseen?: Map<string, Set<string>> },
): tl.Tensor {
  const width = featureWidth(features);
  const out = new Float32Array(rows.length * width);
  let at = 0;
  for (const f of features) {
    if (!df.columns.includes(f.column))
      throw new ValueError(
        `${o.op}: the CSV has no column "${f.column}", which the model was trained on. Its columns are ${df.columns.join(", ")}; add "${f.column}" (the model needs ${features.map((g) => g.column).join(", ")}).`,
      );
    const all = df.col(f.column).toArray();
    rows.forEach((r, i) => {
      let v = all[r];
      if (isMissing(v)) {
        if (!o.fillMissing)
          throw new ValueError(
            `${o.op}: column "${f.column}" is missing in row ${r} (counting from 0). Fill it, drop the row, or train with --missing mean.`,
          );
        v = f.type === "numeric" ? f.mean : f.fill;
      }
      if (f.type === "numeric") {
        const n = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(str(v!));
        if (!Number.isFinite(n))
          throw new ValueError(
            `${o.op}: column "${f.column}" holds ${JSON.stringify(str(v!))} in row ${r} (counting from 0), but the model was trained on numbers there. Fix that cell.`,
          );
        out[i * width + at] = (n - f.mean) / f.std;
      } else {
        const k = f.categories.indexOf(str(v!));
        if (k >= 0) out[i * width + at + k] = 1;
        else if (o.unseen) {
          if (!o.unseen.has(f.column)) o.unseen.set(f.column, new Set());
          o.unseen.get(f.column)!.add(str(v!));
        }
      }
    });
    at += f.type === "numeric" ? 1 : f.categories.length;
  }
  return tl.tensor(out, { shape: [rows.length, width] });
}

export interface TabularResult {
  model: tl.nn.Module;
  architecture: tl.io.ArchitectureSpec;
  preprocessing: TabularPreprocessing;
  history: tl.train.EpochLog[];
  notes: string[];
  why: string;
  /** Rows the weights were fitted on, and rows that chose the epoch (0 when the table is too small to spare them). */
  trainRows: number;
  validationRows: number;
  /** Test rows (0-based CSV rows), their actual and predicted targets (class names or values). */
  testRows: number[];
  actual: (string | number)[];
  predicted: (string | number)[];
  /** Accuracy (classify) or RMSE (regress) on the test rows, and the baseline's (majority class / training mean). */
  metric: number;
  baseline: number;
  baselineName: string;
  confusion?: number[][];
}

export interface TabularOptions {
  target: string;
  task?: Task;
  missing?: MissingPolicy;
  drop?: string[];
  epochs: number;
  hidden?: number;
  seed?: number;
  testFraction?: number;
  callbacks?: Callback[];
}

export async function trainTabular(df: DataFrame, o: TabularOptions): Promise<TabularResult> {
  const op = "train tabular";
  const { target } = o;
  const missing = o.missing ?? "refuse";
  const drop = o.drop ?? [];
  const notes: string[] = [];
  if (!df.columns.includes(target))
    throw new ValueError(
      `${op}: the CSV has no column "${target}"; its columns are ${df.columns.join(", ")}. Pass one of them as --target.`,
    );
  for (const d of drop)
    if (!df.columns.includes(d))
      throw new ValueError(`${op}: --drop names "${d}", which is not a column; the columns are ${df.columns.join(", ")}.`);
  if (drop.includes(target)) throw new ValueError(`${op}: --drop names the target "${target}". Drop feature columns only.`);
  if (df.length === 0) throw new ValueError(`${op}: the CSV has a header but no rows. Pass a CSV with data rows.`);
  tl.manualSeed(o.seed ?? 0);
  const inferred = inferTask(df, target);
  const task = o.task ?? inferred.task;
  const why = o.task ? `--task ${o.task}` : inferred.why;
  const dtype = df.col(target).dtype;
  const yAll = df.col(target).toArray();
  if (task === "regress" && (isTextType(dtype) || dtype === "datetime")) {
    const ex = yAll.find((v) => !isMissing(v));
    throw new ValueError(
      `${op}: the target "${target}" holds ${dtype === "datetime" ? "dates" : "text"}${ex !== undefined ? ` (e.g. ${JSON.stringify(str(ex!))})` : ""}; regression needs numbers. Pass --task classify, or choose a numeric --target.`,
    );
  }
  // rows: a missing target can never be trained on; missing features follow --missing
  let rows = Array.from({ length: df.length }, (_, i) => i);
  const noTarget = rows.filter((r) => isMissing(yAll[r]));
  if (noTarget.length) {
    if (missing === "refuse")
      throw new ValueError(
        `${op}: the target "${target}" is missing in ${plural(noTarget.length, "row")} (${rowList(noTarget)}, counting from 0). Pass --missing drop or --missing mean (rows without a target are then left out), or fill them first.`,
      );
    notes.push(`${plural(noTarget.length, "row")} without a target left out (rows ${rowList(noTarget)})`);
    rows = rows.filter((r) => !isMissing(yAll[r]));
  }
  const featureCols = df.columns.filter((c) => c !== target && !drop.includes(c));
  const gaps: [string, number[]][] = [];
  for (const c of featureCols) {
    const all = df.col(c).toArray();
    const m = rows.filter((r) => isMissing(all[r]));
    if (m.length) gaps.push([c, m]);
  }
  if (gaps.length && missing === "refuse") {
    const [c, m] = gaps[0]!;
    const more =
      gaps.length > 1
        ? ` (and ${plural(gaps.length - 1, "more column")}: ${gaps
            .slice(1)
            .map(([g]) => `"${g}"`)
            .join(", ")})`
        : "";
    throw new ValueError(
      `${op}: column "${c}" has ${plural(m.length, "missing value")} (row${m.length > 1 ? "s" : ""} ${rowList(m)}, counting from 0)${more}. Pass --missing drop to leave those rows out or --missing mean to fill them with the training mean (most frequent category for text), or --drop ${c}.`,
    );
  }
  if (gaps.length && missing === "drop") {
    const bad = new Set(gaps.flatMap(([, m]) => m));
    rows = rows.filter((r) => !bad.has(r));
    notes.push(
      `${plural(bad.size, "row")} with missing values left out (--missing drop; columns ${gaps.map(([c]) => `"${c}"`).join(", ")})`,
    );
  }
  if (gaps.length && missing === "mean")
    notes.push(
      `missing values filled with the training mean / most frequent category (--missing mean): ${gaps.map(([c, m]) => `"${c}" ${m.length}`).join(", ")}`,
    );

  // the target
  let classes: string[] | undefined, yNum: number[];
  if (task === "classify") {
    const names = [...new Set(rows.map((r) => str(yAll[r]!)))];
    const numeric = names.every((n) => n.trim() !== "" && Number.isFinite(Number(n)));
    names.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
    if (names.length < 2)
      throw new ValueError(
        `${op}: the target "${target}" has ${names.length === 0 ? "no values" : `one class only (${JSON.stringify(names[0])})`}; a classifier needs at least 2. Choose another --target.`,
      );
    if (names.length > MAX_CLASSES)
      throw new ValueError(
        `${op}: the target "${target}" has ${names.length} distinct values, too many classes (at most ${MAX_CLASSES}). Pass --task regress to predict it as a number.`,
      );
    classes = names;
    const index = new Map(names.map((n, i) => [n, i]));
    yNum = yAll.map((v) => (isMissing(v) ? -1 : index.get(str(v!))!));
  } else {
    yNum = yAll.map((v) => (isMissing(v) ? NaN : Number(v)));
  }

  // split: stratified by class for classification
  // the library's seeded stream: the same CSV splits the same way every run
  const gen = new tl.Generator(o.seed ?? 0);
  const rand = (): number => gen.uniform();
  const frac = o.testFraction ?? 0.2;
  let trainRows: number[] = [],
    testRows: number[] = [];
  if (task === "classify") {
    for (let k = 0; k < classes!.length; k++) {
      const members = shuffle(
        rows.filter((r) => yNum[r] === k),
        rand,
      );
      const nTest = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(frac * members.length)));
      testRows.push(...members.slice(0, nTest));
      trainRows.push(...members.slice(nTest));
    }
    const lone = classes!.filter((_, k) => !testRows.some((r) => yNum[r] === k));
    if (lone.length)
      notes.push(
        `class${lone.length > 1 ? "es" : ""} ${lone.map((c) => JSON.stringify(c)).join(", ")} ha${lone.length > 1 ? "ve" : "s"} one row only: used for training, not tested`,
      );
  } else {
    const s = shuffle(rows.slice(), rand);
    const nTest = Math.max(1, Math.round(frac * s.length));
    testRows = s.slice(0, nTest);
    trainRows = s.slice(nTest);
  }
  if (trainRows.length < 2 || testRows.length < 1)
    throw new ValueError(
      `${op}: ${plural(rows.length, "usable row")} cannot be split into training and test rows. Pass at least 5 rows with a target${missing === "drop" ? " (or --missing mean rather than drop)" : ""}.`,
    );
  trainRows.sort((a, b) => a - b);
  testRows.sort((a, b) => a - b);

  // a validation part of the training rows picks the epoch (small tables overfit): 15%, by class
  let fitRows = trainRows,
    valRows: number[] = [];
  if (trainRows.length >= 20) {
    const groups = task === "classify" ? classes!.map((_, k) => trainRows.filter((r) => yNum[r] === k)) : [trainRows];
    fitRows = [];
    for (const g of groups) {
      const m = shuffle(g.slice(), rand);
      const nVal = m.length < 3 ? 0 : Math.max(1, Math.round(0.15 * m.length));
      valRows.push(...m.slice(0, nVal));
      fitRows.push(...m.slice(nVal));
    }
    fitRows.sort((a, b) => a - b);
    valRows.sort((a, b) => a - b);
  }
  const features = fitFeatures(df, target, drop, trainRows, notes, op);
  const fillMissing = missing === "mean";
  const xTrain = encodeFeatures(df, features, fitRows, { fillMissing, op });
  const xVal = encodeFeatures(df, features, valRows, { fillMissing, op });
  const xTest = encodeFeatures(df, features, testRows, { fillMissing, op });
  const pre: TabularPreprocessing = { kind: "tabular", task, target, features, missing };
  let yTrain: tl.Tensor, yVal: tl.Tensor, _yTest: tl.Tensor, outputs: number;
  if (task === "classify") {
    pre.classes = classes;
    outputs = classes!.length;
    yTrain = tl.tensor(
      Int32Array.from(fitRows, (r) => yNum[r]!),
      { shape: [fitRows.length], dtype: "int32" },
    );
    yVal = tl.tensor(
      Int32Array.from(valRows, (r) => yNum[r]!),
      { shape: [valRows.length], dtype: "int32" },
    );
    _yTest = tl.tensor(
      Int32Array.from(testRows, (r) => yNum[r]!),
      { shape: [testRows.length], dtype: "int32" },
    );
  } else {
    const t = fitRows.map((r) => yNum[r]!);
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const std = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length) || 1;
    pre.targetMean = mean;
    pre.targetStd = std;
    outputs = 1;
    yTrain = tl.tensor(
      Float32Array.from(fitRows, (r) => (yNum[r]! - mean) / std),
      { shape: [fitRows.length, 1] },
    );
    yVal = tl.tensor(
      Float32Array.from(valRows, (r) => (yNum[r]! - mean) / std),
      { shape: [valRows.length, 1] },
    );
    _yTest = tl.tensor(
      Float32Array.from(testRows, (r) => (yNum[r]! - mean) / std),
      { shape: [testRows.length, 1] },
    );
  }

  const architecture = mlpArchitecture(featureWidth(features), o.hidden ?? 32, outputs);
  const model = tl.io.buildModel(architecture);
  const optimizer = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new tl.data.DataLoader(new tl.data.TensorDataset(xTrain, yTrain), { batchSize: 32, shuffle: true });
  const lossOf = ([xb, yb]: tl.Tensor[]) =>
    task === "classify" ? F.crossEntropy(model.forward(xb!), yb!) : F.mseLoss(model.forward(xb!), yb!);
  // keep the weights of the epoch with the lowest validation loss
  let best = Infinity,
    bestEpoch = 0,
    snapshot: Record<string, tl.Tensor> | null = null;
  const keepBest: Callback = {
    onEpochEnd(log) {
      if (log.valLoss !== undefined && log.valLoss < best) {
        best = log.valLoss;
        bestEpoch = log.epoch;
        snapshot = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
      }
    },
  };
  const history = await fit({
    model,
    optimizer,
    epochs: o.epochs,
    train: loader,
    val: valRows.length ? [[xVal, yVal!]] : undefined,
    callbacks: [...(o.callbacks ?? []), keepBest],
    loss: lossOf,
  });
  if (snapshot) {
    model.loadStateDict(snapshot);
    notes.push(
      `weights of epoch ${bestEpoch} of ${o.epochs} kept: the lowest loss on ${valRows.length} validation rows (15% of the training rows, not used for fitting)`,
    );
  }
  model.eval();
  const out = tl.noGrad(() => model.forward(xTest));
  const result = {
    model,
    architecture,
    preprocessing: pre,
    history,
    notes,
    why,
    trainRows: fitRows.length,
    validationRows: valRows.length,
    testRows,
  };
  if (task === "classify") {
    const pred = Array.from(out.argmax(1).storage);
    const truth = testRows.map((r) => yNum[r]!);
    const counts = new Array<number>(outputs).fill(0);
    for (const r of fitRows) counts[yNum[r]!]!++;
    const majority = counts.indexOf(Math.max(...counts));
    const confusion = classes!.map(() => new Array<number>(outputs).fill(0));
    truth.forEach((t, i) => confusion[t]![pred[i]!]!++);
    return {
      ...result,
      confusion,
      actual: truth.map((t) => classes![t]!),
      predicted: pred.map((p) => classes![p]!),
      metric: truth.filter((t, i) => t === pred[i]).length / truth.length,
      baseline: truth.filter((t) => t === majority).length / truth.length,
      baselineName: `majority class ${JSON.stringify(classes![majority])}`,
    };
  }
  const mean = pre.targetMean!,
    std = pre.targetStd!;
  const pred = Array.from(out.storage, (z) => z * std + mean);
  const truth = testRows.map((r) => yNum[r]!);
  const rmse = (p: (i: number) => number) => Math.sqrt(truth.reduce((s, t, i) => s + (p(i) - t) ** 2, 0) / truth.length);
  return {
    ...result,
    actual: truth,
    predicted: pred,
    metric: rmse((i) => pred[i]!),
    baseline: rmse(() => mean),
    baselineName: `training mean ${fmt(mean)}`,
  };
}

/** A number for people: 4 significant digits, no exponent for ordinary sizes. */
export const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());

/** Predictions from a tabular checkpoint's model on encoded rows: class names, or values on the target's scale. */
export function tabularOutputs(model: tl.nn.Module, pre: TabularPreprocessing, x: tl.Tensor): (string | number)[] {
  const out = tl.noGrad(() => (model as unknown as { forward(x: tl.Tensor): tl.Tensor }).forward(x));
  if (pre.task === "classify") return Array.from(out.argmax(1).storage, (k) => pre.classes![k]!);
  return Array.from(out.storage, (z) => z * pre.targetStd! + pre.targetMean!);
}
