// Recurrent benchmark: LSTM and GRU training steps (seq 64, batch 32, input 32, hidden 128;
// forward over the whole sequence, then backward to every weight) on tensorloom (every available
// backend) and TensorFlow.js (cpu and wasm backends) in one process run, printing times and ratios.
//   npm run bench:rnn            (add -- --quick for one run per cell)
// Differences in the work done, which the ratios include:
// - TF.js layers are batch-major [B, T, F]; tensorloom runs its default time-major [T, B, F].
// - TF.js computes the input projection x_t W inside every step; tensorloom does it for all steps
//   in one GEMM per layer. TF.js has one bias per gate, PyTorch/tensorloom two (b_ih, b_hh).
// - TF.js's GRU applies the reset gate before the recurrent matmul (r * h) W_hn (Keras
//   reset_after=False; it refuses resetAfter: true); PyTorch/tensorloom apply it after:
//   r * (h W_hn + b_hn). Same cost, different model.
// - TF.js's default recurrentActivation is hardSigmoid; it is set to sigmoid here, as PyTorch.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { type Row, median, printTable } from "./harness.js";

const quick = process.argv.includes("--quick");
const runs = quick ? 1 : 3;
const T = 64, B = 32, F = 32, H = 128;
const KINDS = ["LSTM", "GRU"] as const;
type Kind = (typeof KINDS)[number];

function ours(kind: Kind): { train: () => void; forward: () => void } {
  tl.manualSeed(0);
  const m = kind === "LSTM" ? new tl.nn.LSTM(F, H) : new tl.nn.GRU(F, H);
  const x = tl.randn([T, B, F]), g = tl.randn([T, B, H]);
  return {
    train: () => {
      m.zeroGrad();
      const [out] = m.forward(x);
      out.mul(g).sum().backward(); // the gradient of every weight, through all 64 steps
    },
    forward: () => void tl.noGrad(() => m.forward(x)),
  };
}

function tfjs(kind: Kind): { train: () => void; forward: () => void } {
  // glorotUniform instead of the default orthogonal recurrent init: only the set-up is faster
  const args = { units: H, returnSequences: true, recurrentActivation: "sigmoid" as const, recurrentInitializer: "glorotUniform" as const };
  const layer = kind === "LSTM" ? tf.layers.lstm(args) : tf.layers.gru(args);
  const x = tf.randomNormal([B, T, F]), g = tf.randomNormal([B, T, H]);
  tf.tidy(() => void layer.apply(x)); // build the weights
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    train: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, g)) as tf.Scalar, vars);
        value.dataSync();
        for (const k of Object.keys(grads)) grads[k]!.dataSync();
      }),
    forward: () => tf.tidy(() => void (layer.apply(x) as tf.Tensor).dataSync()),
  };
}

async function main(): Promise<void> {
  const names = [...tl.availableBackends().map((b) => `tensorloom-${b}`), "tfjs-cpu", "tfjs-wasm"];
  const rows: Row[] = KINDS.flatMap((k) => [
    { workload: `${k} training step (forward + backward, T=${T}, B=${B}, in ${F}, hidden ${H})`, times: {} },
    { workload: `${k} forward only (same sizes)`, times: {} },
  ]);
  for (const b of tl.availableBackends()) {
    tl.setBackend(b);
    for (const [i, k] of KINDS.entries()) {
      const w = ours(k);
      rows[2 * i]!.times[`tensorloom-${b}`] = await median(w.train, { runs });
      rows[2 * i + 1]!.times[`tensorloom-${b}`] = await median(w.forward, { runs });
    }
  }
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const [i, k] of KINDS.entries()) {
      const name = `tfjs-${backend}`;
      try {
        const w = tfjs(k);
        rows[2 * i]!.times[name] = await median(w.train, { runs });
        rows[2 * i + 1]!.times[name] = await median(w.forward, { runs });
      } catch (e) {
        const why = `unsupported (${(e as Error).message.split("\n")[0]!.slice(0, 60)})`;
        rows[2 * i]!.times[name] = rows[2 * i + 1]!.times[name] = why;
      }
    }
  }
  console.log(`rnn benchmark, ${new Date().toISOString()}, node ${process.version}, tfjs ${tf.version.tfjs}, ${runs} run(s) each after one warm-up (median)`);
  printTable(rows, names, names[0]!);
}

await main();
