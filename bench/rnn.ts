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
// The workloads are exported for bench/all.ts.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import { type Cell, type Workload, context, defaultImpls, footnotes, isMain, measureAll, parseArgs, printTable } from "./harness.js";

const T = 64,
  B = 32,
  F = 32,
  H = 128;
const KINDS = ["LSTM", "GRU"] as const;
type Kind = (typeof KINDS)[number];
type Mode = "training step" | "forward";

function ours(kind: Kind, mode: Mode): Cell {
  tl.manualSeed(0);
  const m = kind === "LSTM" ? new tl.nn.LSTM(F, H) : new tl.nn.GRU(F, H);
  const x = tl.randn([T, B, F]),
    g = tl.randn([T, B, H]);
  if (mode === "forward") return { run: () => void tl.noGrad(() => m.forward(x)) };
  return {
    run: () => {
      m.zeroGrad();
      const [out] = m.forward(x);
      out.mul(g).sum().backward(); // the gradient of every weight, through all 64 steps
    },
  };
}

function tfjs(kind: Kind, mode: Mode): Cell {
  // glorotUniform instead of the default orthogonal recurrent init: only the set-up is faster
  const args = { units: H, returnSequences: true, recurrentActivation: "sigmoid" as const, recurrentInitializer: "glorotUniform" as const };
  const layer = kind === "LSTM" ? tf.layers.lstm(args) : tf.layers.gru(args);
  const x = tf.randomNormal([B, T, F]),
    g = tf.randomNormal([B, T, H]);
  tf.tidy(() => void layer.apply(x)); // build the weights
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const dispose = () => {
    tf.dispose([x, g]);
    layer.dispose();
  };
  if (mode === "forward") return { run: () => tf.tidy(() => void (layer.apply(x) as tf.Tensor).dataSync()), dispose };
  return {
    run: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, g)) as tf.Scalar, vars);
        value.dataSync();
        for (const k of Object.keys(grads)) grads[k]!.dataSync();
      }),
    dispose,
  };
}

/** LSTM and GRU: training step, and (unless trainingOnly) forward only. */
export function rnnWorkloads({ trainingOnly = false } = {}): Workload[] {
  const modes: Mode[] = trainingOnly ? ["training step"] : ["training step", "forward"];
  return KINDS.flatMap((k) =>
    modes.map((mode) => ({
      key: `${k} ${mode}`,
      label:
        mode === "forward"
          ? `${k} forward only (same sizes)`
          : `${k} training step (forward + backward, T=${T}, B=${B}, in ${F}, hidden ${H})`,
      tensorloom: () => ours(k, mode),
      tfjs: () => tfjs(k, mode),
    })),
  );
}

if (isMain(import.meta.url)) {
  const o = parseArgs(3);
  const impls = defaultImpls();
  const ws = rnnWorkloads();
  const { rows, counts } = await measureAll(ws, impls, o);
  const names = impls.map((i) => i.column);
  console.log(context("rnn benchmark", o));
  printTable(rows, names, names.includes("tensorloom-wasm") ? "tensorloom-wasm" : names[0]!);
  for (const n of footnotes(ws, counts, o)) console.log(`\n${n}`);
}
