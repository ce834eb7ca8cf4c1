// Page 7's computation: the digits CNN of `tensorloom train cnn` (src/cli/digits.ts's DigitsCnn
// and trainDigits, reused so the page trains exactly what the CLI trains), run by a worker with
// a report after every epoch: the weights (a few thousand floats, so the page can predict with
// the latest ones while training goes on) and the validation numbers; and on the page, a
// prediction with the first layer's feature maps for one drawn image. No DOM.
import * as tl from "../../../src/index.js";
import { readCsv } from "../../../src/frame/index.js";
import { DigitsCnn, digitsTensors, trainDigits } from "../../../src/cli/digits.js";

/** What the page sends the training worker (structured-cloneable). */
export interface DigitsConfig {
  /** The CSV's text: one image per row, side × side pixel columns and a label column. */
  csv: string;
  label: string;
  epochs: number;
  seed: number;
  /** tl.setNumThreads in the worker (the page passes 2 where it is cross-origin isolated). */
  threads?: number;
}

/** A state dict as plain typed arrays, to cross to the page every epoch. */
export type PlainState = Record<string, { shape: number[]; data: Float32Array }>;

/** The worker's reports: the image geometry first, then one per epoch, then the test split's result. */
export type DigitsReport =
  | { kind: "setup"; side: number; classes: number; images: number; scale: number }
  | { kind: "epoch"; epoch: number; trainLoss: number; valLoss: number; accuracy: number; state: PlainState }
  | { kind: "done"; testAccuracy: number; confusion: number[][] };

/** The label column: "label" when the CSV has one, else the last column. */
export function labelColumn(csv: string): string {
  const header = csv
    .slice(0, csv.indexOf("\n"))
    .trim()
    .split(",")
    .map((s) => s.trim().replace(/^"|"$/g, ""));
  return header.includes("label") ? "label" : header.at(-1)!;
}

/** The CSV's images and labels as the CLI reads them (refusing non-square images, text or missing pixels, bad labels). */
export function readDigits(csv: string, label = labelColumn(csv)): ReturnType<typeof digitsTensors> {
  return digitsTensors(readCsv(csv), label);
}

export function plainState(model: tl.nn.Module): PlainState {
  const out: PlainState = {};
  for (const [k, t] of Object.entries(model.stateDict()))
    out[k] = { shape: [...t.shape], data: Float32Array.from(t.storage as Float32Array) };
  return out;
}

/** A DigitsCnn holding the reported weights. */
export function modelFrom(state: PlainState, side: number, classes: number): DigitsCnn {
  const model = new DigitsCnn(side, classes);
  model.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, tl.fromStorage(v.data, v.shape)])));
  return model.eval();
}

/**
 * The worker's training function: the CLI's trainDigits with the worker's progress callback, a
 * report after each epoch, and the worker's cancel signal, which fit checks before every batch.
 */
export async function trainForPage(ctx: tl.train.TrainingContext<DigitsReport>, config: DigitsConfig): Promise<Record<string, tl.Tensor>> {
  if (config.threads !== undefined) tl.setNumThreads(config.threads);
  await tl.ready();
  const df = readCsv(config.csv);
  const { side, classes, scale, x } = digitsTensors(df, config.label);
  ctx.report({ kind: "setup", side, classes, images: x.shape[0]!, scale });
  const result = await trainDigits(df, {
    label: config.label,
    epochs: config.epochs,
    seed: config.seed,
    signal: ctx.signal,
    callbacks: [
      ctx.progressCallback(),
      {
        onEpochEnd: (log, fit) => {
          ctx.report({
            kind: "epoch",
            epoch: log.epoch,
            trainLoss: log.trainLoss,
            valLoss: log.valLoss ?? NaN,
            accuracy: log.metrics.accuracy ?? NaN,
            state: plainState(fit.model),
          });
        },
      },
    ],
  });
  ctx.report({ kind: "done", testAccuracy: result.testAccuracy, confusion: result.confusion });
  return result.model.stateDict();
}

export interface Prediction {
  /** Softmax probabilities per class. */
  probabilities: number[];
  predicted: number;
  /** The first conv layer's 3 × 3 filters (conv1.weight[k, 0]). */
  filters: number[][][];
  /** relu(conv1(image)) per filter: what each filter responds to in this image. */
  featureMaps: number[][][];
}

/** The model's answer for one image [1, side, side] in [0, 1]. */
export function predict(model: DigitsCnn, image: tl.Tensor): Prediction {
  return tl.noGrad(() => {
    const x = image.reshape([1, 1, model.side, model.side]);
    const p = tl.softmax(model.forward(x), 1).select(0, 0);
    const w = model.conv1.weight.detach();
    const maps = model.features(x).select(0, 0);
    const probabilities = Array.from(p.storage as Float32Array);
    return {
      probabilities,
      predicted: probabilities.indexOf(Math.max(...probabilities)),
      filters: Array.from({ length: w.shape[0]! }, (_, k) => w.select(0, k).select(0, 0).toArray() as number[][]),
      featureMaps: Array.from({ length: maps.shape[0]! }, (_, k) => maps.select(0, k).toArray() as number[][]),
    };
  });
}
