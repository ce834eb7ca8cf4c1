// One training epoch of the digits CNN (the demo's architecture, batch 64, Adam) on tensorloom
// and on TensorFlow.js (tfjs-layers model.fit with the same layers) in one process run.
//   npm run bench:cnn
// TF.js's wasm backend has no Conv2DBackpropFilter kernel, so CNN training is unsupported there.

import { readFileSync } from "node:fs";
import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { DigitsCnn } from "../src/cli/digits.js";
import { type Row, median, printTable } from "./harness.js";

const runs = process.argv.includes("--quick") ? 1 : 3;
const rows = readFileSync(new URL("../data/digits.csv", import.meta.url), "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
const n = Math.round(rows.length * 0.8);
const pixels = rows.slice(0, n).flatMap((r) => r.slice(0, 64).map((v) => v / 16));
const labels = rows.slice(0, n).map((r) => r[64]!);

function tensorloomEpoch(): void {
  tl.manualSeed(0);
  const x = tl.tensor(Float32Array.from(pixels), { shape: [n, 1, 8, 8] }), y = tl.tensor(Int32Array.from(labels));
  const model = new DigitsCnn(8, 10);
  const opt = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  for (const [xb, yb] of new tl.data.DataLoader(new tl.data.TensorDataset(x, y), { batchSize: 64, shuffle: true })) {
    const loss = tl.F.crossEntropy(model.forward(xb!), yb!);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
}

async function tfjsEpoch(): Promise<void> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  const x = tf.tensor4d(pixels, [n, 8, 8, 1]), y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  await model.fit(x, y, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
}

const row: Row = { workload: `digits CNN, one epoch (${n} images, batch 64, Adam)`, times: {} };
row.times["tensorloom-reference"] = await median(tensorloomEpoch, { runs });
for (const b of ["cpu", "wasm"]) {
  await tf.setBackend(b);
  await tf.ready();
  try {
    row.times[`tfjs-${b}`] = await median(tfjsEpoch, { runs });
  } catch (e) {
    row.times[`tfjs-${b}`] = `unsupported (${(e as Error).message.split("\n")[0]!.slice(0, 50)})`;
  }
}
console.log(`digits CNN epoch benchmark, ${new Date().toISOString()}, node ${process.version}, median of ${runs}`);
printTable([row], ["tensorloom-reference", "tfjs-cpu", "tfjs-wasm"], "tensorloom-reference");
