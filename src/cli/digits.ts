// Pipeline 1 of the main job: a small CNN on 8x8 (or any square) images stored one per CSV row,
// pixels in columns and a label column. Returns everything the report shows.

import * as tl from "../index.js";
import type { DataFrame } from "../frame/index.js";
import { type Callback, fit } from "../train/fit.js";

const { nn, F } = tl;

export class DigitsCnn extends nn.Module {
  readonly conv1: tl.nn.Conv2d;
  readonly conv2: tl.nn.Conv2d;
  readonly fc: tl.nn.Linear;
  constructor(readonly side: number, readonly classes: number) {
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
}

export async function trainDigits(df: DataFrame, o: { label: string; epochs: number; seed: number; callbacks?: Callback[]; testFraction?: number }): Promise<DigitsResult> {
  tl.manualSeed(o.seed);
  const featureCols = df.columns.filter((c) => c !== o.label);
  const side = Math.round(Math.sqrt(featureCols.length));
  if (side * side !== featureCols.length) throw new Error(`train cnn: the ${featureCols.length} feature columns (all but "${o.label}") do not form a square image; pass a CSV with side*side pixel columns and one label column.`);
  const xAll = df.toTensor(featureCols, "float32");
  const max = xAll.max().item() as number;
  const x = xAll.div(max > 0 ? max : 1).reshape([-1, 1, side, side]);
  const y = df.col(o.label).toTensor("int32");
  const classes = (y.max().item() as number) + 1;
  const n = x.shape[0]!, nTest = Math.round((o.testFraction ?? 0.2) * n);
  const perm = tl.randperm(n);
  const [trainIdx, testIdx] = perm.split([n - nTest, nTest]) as [tl.Tensor, tl.Tensor];
  const xTrain = x.indexSelect(0, trainIdx), yTrain = y.indexSelect(0, trainIdx);
  const xTest = x.indexSelect(0, testIdx), yTest = y.indexSelect(0, testIdx);
  const model = new DigitsCnn(side, classes);
  const optimizer = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new tl.data.DataLoader(new tl.data.TensorDataset(xTrain, yTrain), { batchSize: 64, shuffle: true });
  const history = await fit({
    model, optimizer, epochs: o.epochs, train: loader, callbacks: o.callbacks,
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
  return {
    model, history, classes,
    testAccuracy: tl.metrics.accuracy(logits, yTest),
    confusion: cm.toArray() as number[][],
    filters,
    featureMaps: Array.from({ length: maps.shape[0]! }, (_, k) => maps.select(0, k).toArray() as number[][]),
    sample: sampleX.select(0, 0).select(0, 0).toArray() as number[][],
  };
}
