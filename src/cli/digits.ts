// Pipeline 1 of the main job: a small CNN on 8x8 (or any square) images stored one per CSV row,
// pixels in columns and a label column. Returns everything the report shows.

import * as tl from "../index.js";
import { type DataFrame, FrameError } from "../frame/index.js";
import { type Callback, fit } from "../train/fit.js";

const { nn, F } = tl;

export class DigitsCnn extends nn.Module {
  readonly conv1: tl.nn.Conv2d;
  readonly conv2: tl.nn.Conv2d;
  readonly fc: tl.nn.Linear;
  constructor(
    readonly side: number,
    readonly classes: number,
  ) {
    super();
    this.conv1 = this.registerModule("conv1", new nn.Conv2d(1, 16, 3, { padding: 1 }));
    this.conv2 = this.registerModule("conv2", new nn.Conv2d(16, 32, 3, { padding: 1 }));
    const s = Math.floor(Math.floor(side / 2) / 2);
    this.fc = this.registerModule("fc", new nn.Linear(32 * s * s, classes));
  }
  /** Feature maps after the first conv + relu (for the report). */
  features(x: tl.Tensor): tl.Tensor {
    return this.conv1.forward(x).relu();
  }
  forward(x: tl.Tensor): tl.Tensor {
    const h = F.maxPool2d(this.features(x), { kernelSize: 2 });
    const h2 = F.maxPool2d(this.conv2.forward(h).relu(), { kernelSize: 2 });
    return this.fc.forward(h2.flatten(1));
  }
}

export interface DigitsResult {
  model: DigitsCnn;
  history: tl.train.EpochLog[];
  testAccuracy: number;
  confusion: number[][];
  classes: number;
  filters: number[][][];
  featureMaps: number[][][];
  sample: number[][];
  /** Image side inferred from the pixel-column count, and the scale pixels were divided by. */
  side: number;
  scale: number;
  pixelColumns: string[];
  /** Test images: their rows in the CSV (0-based), true and predicted classes. */
  testRows: number[];
  testTrue: number[];
  testPred: number[];
}

/**
 * Images and labels from the frame, refusing what would train on wrong data: a feature count
 * that is not a square of side >= 4 (the two 2x2 pools), missing or text pixels, and labels that
 * are missing, fractional or negative (an int32 cast would truncate them silently). Pixels are
 * scaled by the largest absolute value, so negative-valued images are scaled too.
 */
export function digitsTensors(
  df: DataFrame,
  label: string,
): { x: tl.Tensor; y: tl.Tensor; classes: number; side: number; scale: number; pixelColumns: string[] } {
  const featureCols = df.columns.filter((c) => c !== label);
  const nf = featureCols.length;
  const side = Math.round(Math.sqrt(nf));
  if (side * side !== nf || side < 4) {
    const lo = Math.max(4, Math.floor(Math.sqrt(nf))),
      hi = Math.max(4, Math.ceil(Math.sqrt(nf)));
    throw new FrameError(
      `train cnn: the ${nf} feature column${nf === 1 ? "" : "s"} (all but "${label}") do not form a square image of side 4 or more (${lo}x${lo} = ${lo * lo}${hi !== lo ? ` or ${hi}x${hi} = ${hi * hi}` : ""}). Pass a CSV with side*side pixel columns and one label column.`,
    );
  }
  const rows = df.length;
  if (rows < 3)
    throw new FrameError(
      `train cnn: ${rows} image${rows === 1 ? "" : "s"} cannot be split into training and test images. Pass at least 3 rows.`,
    );
  const flat = df.toTensor(featureCols, "float64").storage;
  let nMissing = 0,
    first = -1,
    maxAbs = 0;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (v !== v) {
      nMissing++;
      if (first < 0) first = i;
    } else if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  if (nMissing)
    throw new FrameError(
      `train cnn: ${nMissing} pixel cell${nMissing > 1 ? "s are" : " is"} missing (first: column "${featureCols[first % nf]}", row ${Math.floor(first / nf)}, counting from 0). Fill them (fillna) or drop those rows (dropna) first.`,
    );
  const yCol = df.col(label);
  if (yCol.dtype === "string" || yCol.dtype === "category")
    throw new FrameError(
      `train cnn: the label column "${label}" holds text; the CNN needs integer classes 0..K-1. Map the labels to integers first (factorize).`,
    );
  const yv = yCol.toTensor("float64").storage;
  for (let i = 0; i < yv.length; i++) {
    const v = yv[i]!;
    if (!(Number.isInteger(v) && v >= 0))
      throw new FrameError(
        `train cnn: label ${v !== v ? "is missing" : `${v} is not a class number`} in row ${i} (counting from 0); the label column "${label}" must hold integers 0..K-1. ${v !== v ? "Drop the rows without a label" : "Map the labels to integers 0..K-1"} first.`,
      );
  }
  const x = tl.tensor(
    Float32Array.from(flat, (v) => v / (maxAbs > 0 ? maxAbs : 1)),
    { shape: [rows, 1, side, side] },
  );
  const y = tl.tensor(Int32Array.from(yv), { shape: [rows], dtype: "int32" });
  let classes = 0;
  for (const v of yv) classes = Math.max(classes, v + 1);
  return { x, y, classes, side, scale: maxAbs > 0 ? maxAbs : 1, pixelColumns: featureCols };
}

/**
 * Trains DigitsCnn on the image rows of `df` (a random `testFraction` held out) and reports the
 * held-out accuracy, confusion matrix, filters and feature maps. `signal` is fit's: once it
 * aborts, training stops before the next batch and the result describes the model as it stands.
 */
export async function trainDigits(
  df: DataFrame,
  o: { label: string; epochs: number; seed: number; callbacks?: Callback[]; testFraction?: number; signal?: AbortSignal },
): Promise<DigitsResult> {
  tl.manualSeed(o.seed);
  const { x, y, classes, side, scale, pixelColumns } = digitsTensors(df, o.label);
  const n = x.shape[0]!,
    nTest = Math.round((o.testFraction ?? 0.2) * n);
  if (nTest < 1 || nTest >= n)
    throw new FrameError(
      `train cnn: ${n} image${n === 1 ? "" : "s"} cannot be split into training and test images (test fraction ${o.testFraction ?? 0.2}). Pass at least 3 rows.`,
    );
  const perm = tl.randperm(n);
  const [trainIdx, testIdx] = perm.split([n - nTest, nTest]) as [tl.Tensor, tl.Tensor];
  const xTrain = x.indexSelect(0, trainIdx),
    yTrain = y.indexSelect(0, trainIdx);
  const xTest = x.indexSelect(0, testIdx),
    yTest = y.indexSelect(0, testIdx);
  const model = new DigitsCnn(side, classes);
  const optimizer = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new tl.data.DataLoader(new tl.data.TensorDataset(xTrain, yTrain), { batchSize: 64, shuffle: true });
  const history = await fit({
    model,
    optimizer,
    epochs: o.epochs,
    train: loader,
    callbacks: o.callbacks,
    signal: o.signal,
    val: [[xTest, yTest]],
    loss: ([xb, yb]: tl.Tensor[]) => F.crossEntropy(model.forward(xb!), yb!),
    evaluate: () => ({ accuracy: tl.metrics.accuracy(model.forward(xTest), yTest) }),
  });
  const logits = tl.noGrad(() => model.forward(xTest));
  const cm = tl.metrics.confusionMatrix(logits, yTest, classes);
  const w = model.conv1.weight;
  const filters = Array.from({ length: w.shape[0]! }, (_, k) => w.select(0, k).select(0, 0).toArray() as number[][]);
  const sampleX = xTest.narrow(0, 0, 1);
  const maps = tl.noGrad(() => model.features(sampleX)).select(0, 0);
  const testPred = Array.from(logits.argmax(1).storage);
  return {
    model,
    history,
    classes,
    side,
    scale,
    pixelColumns,
    testRows: Array.from(testIdx.storage),
    testTrue: Array.from(yTest.storage),
    testPred,
    testAccuracy: tl.metrics.accuracy(logits, yTest),
    confusion: cm.toArray() as number[][],
    filters,
    featureMaps: Array.from({ length: maps.shape[0]! }, (_, k) => maps.select(0, k).toArray() as number[][]),
    sample: sampleX.select(0, 0).select(0, 0).toArray() as number[][],
  };
}
