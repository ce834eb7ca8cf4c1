// Convolution benchmark: the same workloads on tensorloom (every available backend) and on
// TensorFlow.js (cpu and wasm backends) in one process run, printing times and ratios.
//   npm run bench:conv
// TF.js layouts are channels-last (NHWC, NWC, NDHWC); inputs are built in that layout for it.
// TF.js's wasm backend has no Conv2DBackpropFilter kernel: conv2d training is "unsupported" there.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { type Row, median, printTable } from "./harness.js";

const quick = process.argv.includes("--quick");
const runs = quick ? 1 : 5;

interface Workload {
  name: string;
  ours: () => void;
  tfjs: () => void;
}

function workloads(): Workload[] {
  tl.manualSeed(0);
  const x2 = tl.randn([32, 16, 32, 32]), w2 = tl.randn([32, 16, 3, 3]).mul(0.1), b2 = tl.zeros([32]);
  const x1 = tl.randn([32, 64, 256]), w1 = tl.randn([64, 64, 5]).mul(0.05);
  const x3 = tl.randn([4, 8, 16, 16, 16]), w3 = tl.randn([16, 8, 3, 3, 3]).mul(0.1);
  const tx2 = tf.randomNormal([32, 32, 32, 16]), tw2 = tf.randomNormal([3, 3, 16, 32]);
  const tx1 = tf.randomNormal([32, 256, 64]), tw1 = tf.randomNormal([5, 64, 64]);
  const tx3 = tf.randomNormal([4, 16, 16, 16, 8]), tw3 = tf.randomNormal([3, 3, 3, 8, 16]);
  const grads2 = tf.grads((x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 1, "same").sum());
  return [
    {
      name: "conv2d forward (N=32, C 16->32, 32x32, k=3, pad 1)",
      ours: () => void tl.F.conv2d(x2, w2, b2, { padding: 1 }),
      tfjs: () => void tf.tidy(() => tf.conv2d(tx2 as tf.Tensor4D, tw2 as tf.Tensor4D, 1, "same").dataSync()),
    },
    {
      name: "conv2d forward+backward (same)",
      ours: () => {
        const x = x2.detach().requiresGrad_(), w = w2.detach().requiresGrad_();
        tl.F.conv2d(x, w, null, { padding: 1 }).sum().backward();
      },
      tfjs: () => void tf.tidy(() => grads2([tx2, tw2]).forEach((g) => g.dataSync())),
    },
    {
      name: "conv1d forward (N=32, C 64->64, L=256, k=5)",
      ours: () => void tl.F.conv1d(x1, w1),
      tfjs: () => void tf.tidy(() => tf.conv1d(tx1 as tf.Tensor3D, tw1 as tf.Tensor3D, 1, "valid").dataSync()),
    },
    {
      name: "conv3d forward (N=4, C 8->16, 16^3, k=3)",
      ours: () => void tl.F.conv3d(x3, w3),
      tfjs: () => void tf.tidy(() => tf.conv3d(tx3 as tf.Tensor5D, tw3 as tf.Tensor5D, 1, "valid").dataSync()),
    },
  ];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const names = [...tl.availableBackends().map((b) => `tensorloom-${b}`), "tfjs-cpu", "tfjs-wasm"];
  await tf.setBackend("cpu");
  const ws = workloads();
  for (const w of ws) rows.push({ workload: w.name, times: {} });
  for (const b of tl.availableBackends()) {
    tl.setBackend(b);
    for (const [i, w] of ws.entries()) rows[i]!.times[`tensorloom-${b}`] = await median(w.ours, { runs });
  }
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [i, w] of ws.entries()) {
      try {
        rows[i]!.times[`tfjs-${backend}`] = await median(w.tfjs, { runs });
      } catch (e) {
        rows[i]!.times[`tfjs-${backend}`] = `unsupported (${(e as Error).message.split("\n")[0]!.slice(0, 60)})`;
      }
    }
  }
  console.log(`conv benchmark, ${new Date().toISOString()}, node ${process.version}, ${runs} run(s) each (median)`);
  printTable(rows, names, names[0]!);
}

await main();
