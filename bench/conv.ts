// Convolution benchmark: the same workloads on tensorloom (every available backend) and on
// TensorFlow.js (cpu and wasm backends) in one process run, printing times and ratios.
//   npm run bench:conv            (add -- --quick for one run per cell, -- --skip-slow to skip
//                                  the cells known to take > 5 s)
// TF.js layouts are channels-last (NHWC, NWC, NDHWC); inputs are built in that layout for it.
// TF.js's wasm backend has no Conv2DBackpropFilter kernel: conv2d training is "unsupported" there.
// The workloads are exported for bench/all.ts.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import { type Workload, context, defaultImpls, footnotes, isMain, measureAll, parseArgs, printTable } from "./harness.js";

/** Dispose every TF.js tensor built by a workload. */
const disposing = (ts: tf.Tensor[]) => () => tf.dispose(ts);

/** A TF.js run: compute, read every result back (forcing the work), free the intermediates. */
const synced = (f: () => tf.Tensor | tf.Tensor[]) => (): void =>
  tf.tidy(() => {
    for (const t of [f()].flat()) t.dataSync();
  });

export function convWorkloads(): Workload[] {
  return [
    {
      key: "conv2d forward",
      label: "conv2d forward (N=32, C 16→32, 32×32, k=3, pad 1)",
      tensorloom: () => {
        tl.manualSeed(0);
        const x = tl.randn([32, 16, 32, 32]),
          w = tl.randn([32, 16, 3, 3]).mul(0.1),
          b = tl.zeros([32]);
        return { run: () => void tl.F.conv2d(x, w, b, { padding: 1 }) };
      },
      tfjs: () => {
        const x = tf.randomNormal([32, 32, 32, 16]) as tf.Tensor4D,
          w = tf.randomNormal([3, 3, 16, 32]).mul(0.1) as tf.Tensor4D,
          b = tf.zeros([32]);
        return {
          run: synced(() => tf.fused.conv2d({ x, filter: w, strides: 1, pad: "same", bias: b })),
          dispose: disposing([x, w, b]),
        };
      },
    },
    {
      key: "conv2d forward+backward",
      label: "conv2d forward+backward (same sizes, grads of x and w)",
      tensorloom: () => {
        tl.manualSeed(0);
        const x0 = tl.randn([32, 16, 32, 32]),
          w0 = tl.randn([32, 16, 3, 3]).mul(0.1);
        return {
          run: () => {
            const x = x0.detach().requiresGrad_(),
              w = w0.detach().requiresGrad_();
            tl.F.conv2d(x, w, null, { padding: 1 }).sum().backward();
          },
        };
      },
      tfjs: () => {
        const x = tf.randomNormal([32, 32, 32, 16]) as tf.Tensor4D,
          w = tf.randomNormal([3, 3, 16, 32]).mul(0.1) as tf.Tensor4D;
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").sum());
        return {
          run: synced(() => grads([x, w])),
          dispose: disposing([x, w]),
        };
      },
      slow: ["tfjs-cpu"], // about 25 s: TF.js-cpu's Conv2DBackpropFilter is a naive loop
    },
    {
      key: "depthwise conv2d forward+backward",
      label: "depthwise conv2d forward+backward (N=32, C=64, 32×32, k=3, pad 1, groups 64)",
      tensorloom: () => {
        tl.manualSeed(0);
        const x0 = tl.randn([32, 64, 32, 32]),
          w0 = tl.randn([64, 1, 3, 3]).mul(0.1);
        return {
          run: () => {
            const x = x0.detach().requiresGrad_(),
              w = w0.detach().requiresGrad_();
            tl.F.conv2d(x, w, null, { padding: 1, groups: 64 }).sum().backward();
          },
        };
      },
      tfjs: () => {
        const x = tf.randomNormal([32, 32, 32, 64]) as tf.Tensor4D,
          w = tf.randomNormal([3, 3, 64, 1]).mul(0.1) as tf.Tensor4D;
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same").sum());
        return {
          run: synced(() => grads([x, w])),
          dispose: disposing([x, w]),
        };
      },
      slow: ["tfjs-cpu"],
    },
    {
      key: "conv1d forward",
      label: "conv1d forward (N=32, C 64→64, L=256, k=5)",
      tensorloom: () => {
        tl.manualSeed(0);
        const x = tl.randn([32, 64, 256]),
          w = tl.randn([64, 64, 5]).mul(0.05);
        return { run: () => void tl.F.conv1d(x, w) };
      },
      tfjs: () => {
        const x = tf.randomNormal([32, 256, 64]) as tf.Tensor3D,
          w = tf.randomNormal([5, 64, 64]).mul(0.05) as tf.Tensor3D;
        return {
          run: synced(() => tf.conv1d(x, w, 1, "valid")),
          dispose: disposing([x, w]),
        };
      },
    },
    {
      key: "conv3d forward",
      label: "conv3d forward (N=4, C 8→16, 16³, k=3)",
      tensorloom: () => {
        tl.manualSeed(0);
        const x = tl.randn([4, 8, 16, 16, 16]),
          w = tl.randn([16, 8, 3, 3, 3]).mul(0.1);
        return { run: () => void tl.F.conv3d(x, w) };
      },
      tfjs: () => {
        const x = tf.randomNormal([4, 16, 16, 16, 8]) as tf.Tensor5D,
          w = tf.randomNormal([3, 3, 3, 8, 16]).mul(0.1) as tf.Tensor5D;
        return {
          run: synced(() => tf.conv3d(x, w, 1, "valid")),
          dispose: disposing([x, w]),
        };
      },
    },
  ];
}

if (isMain(import.meta.url)) {
  const o = parseArgs(5);
  const impls = defaultImpls();
  const ws = convWorkloads();
  const { rows, counts } = await measureAll(ws, impls, o);
  const names = impls.map((i) => i.column);
  console.log(context("conv benchmark", o));
  printTable(rows, names, names.includes("tensorloom-wasm") ? "tensorloom-wasm" : names[0]!);
  for (const n of footnotes(ws, counts, o)) console.log(`\n${n}`);
}
