// The training both sides of the worker tests run: a digits-shaped CNN (8x8 images, 10 classes,
// the layers of src/cli/digits.ts's DigitsCnn at half the width) trained with fit, on the
// shipped digits when the config carries them or on a seeded synthetic set of the same shape.
// test/browser/trainWorkerJob.ts runs it in a worker; the tests run it on their own thread too,
// to compare the bits. Browser-safe (no Node modules).
import * as tl from "../../src/index.js";

const { nn, F } = tl;

/** What the job receives through trainInWorker (structured-cloneable). */
export interface DigitsJobConfig {
  seed: number;
  epochs: number;
  batchSize?: number;
  /** Images [n, 1, 8, 8] row-major in [0, 1] and their labels 0..9; synthetic when absent. */
  x?: Float32Array;
  y?: Int32Array;
  /** Synthetic images to make when x is absent (default 256). */
  n?: number;
  /** tl.setNumThreads in the worker before training (default: leave it). */
  threads?: number;
  /** What the job does besides training (error and crash tests). */
  mode?: "train" | "throw" | "exit" | "uncaught" | "hang" | "badResult";
}

/** The custom events the job sends with ctx.report. */
export type DigitsJobReport =
  | { kind: "threads"; numThreads: number; workersReady: number; backend: string }
  | { kind: "done"; epochsRun: number; batchesRun: number; accuracy: number };

export class SmallDigitsCnn extends nn.Module {
  readonly conv1 = this.registerModule("conv1", new nn.Conv2d(1, 8, 3, { padding: 1 }));
  readonly conv2 = this.registerModule("conv2", new nn.Conv2d(8, 16, 3, { padding: 1 }));
  readonly fc = this.registerModule("fc", new nn.Linear(16 * 2 * 2, 10));
  forward(x: tl.Tensor): tl.Tensor {
    const h = F.maxPool2d(this.conv1.forward(x).relu(), { kernelSize: 2 });
    return this.fc.forward(F.maxPool2d(this.conv2.forward(h).relu(), { kernelSize: 2 }).flatten(1));
  }
}

/** n images of class k = i mod 10: a bright 2x2 block at a place fixed per class, plus noise. */
export function syntheticDigits(n: number, seed: number): { x: tl.Tensor; y: tl.Tensor } {
  const g = new tl.Generator(seed);
  const noise = tl.rand([n, 1, 8, 8], { generator: g }).mul(0.5).storage as Float32Array;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = (labels[i] = i % 10);
    const r = 2 * Math.floor(k / 4),
      c = 2 * (k % 4);
    for (const [dr, dc] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const)
      noise[i * 64 + (r + dr) * 8 + c + dc]! += 1;
  }
  return { x: tl.fromStorage(noise, [n, 1, 8, 8]), y: tl.fromStorage(labels, [n]) };
}

/**
 * Train from scratch (seeded: init, data and shuffling), with fit's callbacks and signal; the
 * accuracy is on the training images (these tests check the plumbing, not generalisation).
 */
export async function trainDigitsJob(
  config: DigitsJobConfig,
  hooks: { callbacks?: tl.train.Callback[]; signal?: AbortSignal } = {},
): Promise<{ model: SmallDigitsCnn; history: tl.train.EpochLog[]; batchesRun: number; accuracy: number }> {
  tl.manualSeed(config.seed);
  const { x, y } =
    config.x && config.y
      ? { x: tl.fromStorage(config.x, [config.y.length, 1, 8, 8]), y: tl.fromStorage(config.y, [config.y.length]) }
      : syntheticDigits(config.n ?? 256, config.seed);
  const model = new SmallDigitsCnn();
  const optimizer = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new tl.data.DataLoader(new tl.data.TensorDataset(x, y), { batchSize: config.batchSize ?? 32, shuffle: true });
  let batchesRun = 0;
  const history = await tl.train.fit({
    model,
    optimizer,
    train: loader,
    epochs: config.epochs,
    signal: hooks.signal,
    loss: ([xb, yb]: tl.Tensor[]) => F.crossEntropy(model.forward(xb!), yb!),
    evaluate: () => ({ accuracy: tl.metrics.accuracy(model.forward(x), y) }),
    callbacks: [{ onBatchEnd: () => void batchesRun++ }, ...(hooks.callbacks ?? [])],
  });
  const accuracy = tl.noGrad(() => tl.metrics.accuracy(model.forward(x), y));
  return { model, history, batchesRun, accuracy };
}
