// One training epoch of the digits CNN (the demo's architecture, batch 64, Adam) on tensorloom
// (every available backend) and on TensorFlow.js (tfjs-layers model.fit with the same layers) in
// one process run.
//   npm run bench:cnn            (add -- --quick for one run per cell, -- --skip-slow to skip
//                                  TF.js-cpu, about 16 s an epoch)
// Data: data/digits.csv (the copy of ../shared/data/digits.csv the package ships), the first 80%
// of the rows (1,438 images), pixels / 16. Each run builds the model and optimizer afresh.
// TF.js's wasm backend has no Conv2DBackpropFilter kernel, so CNN training is unsupported there.
// The workload is exported for bench/all.ts; bench/pytorch.py replicates it.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import { DigitsCnn } from "../src/cli/digits.js";
import { type Digits, digits } from "./digits.js";
import { tfjsCnn } from "./tfjsCnn.js";
import { type Workload, context, defaultImpls, footnotes, isMain, measureAll, parseArgs, printTable } from "./harness.js";

function tensorloomEpoch({ n, pixels, labels }: Digits): void {
  tl.manualSeed(0);
  const x = tl.tensor(Float32Array.from(pixels), { shape: [n, 1, 8, 8] }),
    y = tl.tensor(Int32Array.from(labels));
  const model = new DigitsCnn(8, 10);
  const opt = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  for (const [xb, yb] of new tl.data.DataLoader(new tl.data.TensorDataset(x, y), { batchSize: 64, shuffle: true })) {
    const loss = tl.F.crossEntropy(model.forward(xb!), yb!);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
}

async function tfjsEpoch({ n, pixels, labels }: Digits): Promise<void> {
  const model = tfjsCnn(8, 1, [16, 32]);
  const x = tf.tensor4d(pixels, [n, 8, 8, 1]),
    y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  try {
    await model.fit(x, y, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 });
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

export function digitsEpochWorkload(): Workload {
  return {
    key: "digits CNN epoch",
    label: `digits CNN, one epoch (${digits().n} images, batch 64, Adam)`,
    tensorloom: () => {
      const d = digits();
      return { run: () => tensorloomEpoch(d) };
    },
    tfjs: () => {
      const d = digits();
      return { run: () => tfjsEpoch(d) };
    },
    slow: ["tfjs-cpu"], // about 16 s an epoch (its conv2d weight gradient is a naive loop)
  };
}

if (isMain(import.meta.url)) {
  const o = parseArgs(3);
  const impls = defaultImpls();
  const ws = [digitsEpochWorkload()];
  const { rows, counts } = await measureAll(ws, impls, o);
  const names = impls.map((i) => i.column);
  console.log(context("digits CNN epoch benchmark", o));
  printTable(rows, names, names.includes("tensorloom-wasm") ? "tensorloom-wasm" : names[0]!);
  for (const n of footnotes(ws, counts, o)) console.log(`\n${n}`);
}
