// The TF.js side of the CNN epoch benchmarks (bench/cnnEpoch.ts on the CPU, bench/gpu.ts on the
// GPU): the digits CNN's layers in TF.js's channels-last layout, compiled with Adam 3e-3 and
// softmax cross-entropy, as tensorloom's DigitsCnn trains.

import * as tf from "@tensorflow/tfjs";

/** conv3×3(widths[0]) + relu + maxpool2, conv3×3(widths[1]) + relu + maxpool2, flatten, dense(classes); compiled. */
export function tfjsCnn(side: number, inC: number, widths: readonly [number, number], classes = 10): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [side, side, inC], filters: widths[0], kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: widths[1], kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: classes }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(3e-3), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  return model;
}
