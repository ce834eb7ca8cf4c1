// Seeing gradients vanish: the adding problem with a vanilla RNN, an LSTM and a GRU. Each model
// reads T steps of (value, marker) pairs and must output the sum of the two marked values, the
// first marked early in the sequence. We record ||dL/dH_t|| for every step t (tl.nn.GradientTrace)
// at initialisation and after a short training, print t = 1 against t = T and the task accuracy,
// and plot the norms against t on a log scale. About 30 s on two cores with the reference backend.
//
//   npm run example:gradients      (or: npx tsx examples/vanishingGradients.ts --steps 300 --T 30 --out some/dir)

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tl from "../src/index.js";

const { nn } = tl;
const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const T = arg("T", 30),
  HIDDEN = arg("hidden", 24),
  BATCH = arg("batch", 32),
  STEPS = arg("steps", 300),
  LR = arg("lr", 0.02);
// PyTorch initialises every bias from U(-k, k), so an LSTM's forget gate starts half closed and
// its cell path decays like 0.5^t; opening it (bias 1) is the usual practice. --forgetBias 0 shows
// the plain PyTorch initialisation, which needs many more steps on this task.
const FORGET_BIAS = arg("forgetBias", 1);
const outIdx = process.argv.indexOf("--out");
const outDir = outIdx > 0 ? resolve(process.argv[outIdx + 1]!) : resolve(here, "../out");

// --- the adding problem -------------------------------------------------------------------
/**
 * x [T, B, 2]: channel 0 uniform values, channel 1 two markers, the first in the first 10% of
 * the sequence and the second in its last half; y [B, 1] is the sum of the two marked values.
 * Predicting the mean (1) gives MSE 1/6; a prediction within 0.04 of y counts as correct.
 */
function addingBatch(batch: number, gen: tl.Generator): { x: tl.Tensor; y: tl.Tensor } {
  const x = new Float32Array(T * batch * 2),
    y = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const first = gen.int(0, Math.max(1, Math.floor(T / 10)));
    const second = gen.int(Math.floor(T / 2), T);
    for (let t = 0; t < T; t++) {
      const v = gen.uniform();
      x[(t * batch + b) * 2] = v;
      if (t === first || t === second) {
        x[(t * batch + b) * 2 + 1] = 1;
        y[b]! += v;
      }
    }
  }
  return { x: tl.tensor(x, { shape: [T, batch, 2] }), y: tl.tensor(y, { shape: [batch, 1] }) };
}

// --- the models: a recurrent layer and a linear read-out of its last state -----------------
type Recurrent = tl.nn.RNN | tl.nn.LSTM | tl.nn.GRU;

class Adder extends nn.Module {
  readonly rnn: Recurrent;
  readonly head: tl.nn.Linear;
  constructor(kind: "RNN" | "LSTM" | "GRU") {
    super();
    this.rnn = this.registerModule(
      "rnn",
      kind === "RNN" ? new nn.RNN(2, HIDDEN) : kind === "LSTM" ? new nn.LSTM(2, HIDDEN) : new nn.GRU(2, HIDDEN),
    );
    this.head = this.registerModule("head", new nn.Linear(HIDDEN, 1));
    if (this.rnn instanceof nn.LSTM && FORGET_BIAS !== 0) {
      // a common LSTM practice (Jozefowicz et al., 2015): start the forget gate open
      const b = this.rnn.stateDict().bias_hh_l0!; // gate blocks i, f, g, o
      const open = tl.cat([b.narrow(0, 0, HIDDEN), tl.full([HIDDEN], FORGET_BIAS), b.narrow(0, 2 * HIDDEN, 2 * HIDDEN)]);
      this.rnn.loadStateDict({ bias_hh_l0: open }, { strict: false });
    }
  }
  forward(x: tl.Tensor, onStep?: (s: tl.nn.StepInfo) => void): tl.Tensor {
    const [out] = this.rnn instanceof nn.LSTM ? this.rnn.forward(x, null, { onStep }) : this.rnn.forward(x, null, { onStep });
    return this.head.forward(out.select(0, T - 1)); // the state after the last step
  }
}

/** ||dL/dH_t|| for t = 1..T on one batch (the gradients of this call are discarded). */
function gradientNorms(model: Adder, batch: { x: tl.Tensor; y: tl.Tensor }): number[] {
  const r = nn.traceGradients(model, (onStep) => tl.F.mseLoss(model.forward(batch.x, onStep), batch.y));
  model.zeroGrad();
  return r.hidden.l0!;
}

function evaluate(model: Adder, batch: { x: tl.Tensor; y: tl.Tensor }): { mse: number; accuracy: number } {
  return tl.noGrad(() => {
    const pred = model.forward(batch.x);
    const mse = tl.F.mseLoss(pred, batch.y).item();
    const accuracy = pred.sub(batch.y).abs().lt(0.04).to("float32").mean().item();
    return { mse, accuracy };
  });
}

// --- run ------------------------------------------------------------------------------------
const gen = new tl.Generator(1234);
const probe = addingBatch(256, gen); // a fixed batch for gradient norms and evaluation
const results: { kind: string; init: number[]; trained: number[]; mse: number; accuracy: number; seconds: number }[] = [];
console.log(
  `adding problem: T = ${T} steps, hidden ${HIDDEN}, batch ${BATCH}, ${STEPS} Adam steps (lr ${LR}, gradients clipped to norm 1), LSTM forget bias ${FORGET_BIAS}; predicting 1 gives MSE 0.167`,
);
for (const kind of ["RNN", "LSTM", "GRU"] as const) {
  tl.manualSeed(0);
  const model = new Adder(kind);
  const init = gradientNorms(model, probe);
  const opt = new tl.optim.Adam(model.parameters(), { lr: LR });
  const data = new tl.Generator(99); // every model sees the same training batches
  const t0 = performance.now();
  for (let step = 1; step <= STEPS; step++) {
    const { x, y } = addingBatch(BATCH, data);
    const loss = tl.F.mseLoss(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    nn.utils.clipGradNorm(model.parameters(), 1.0);
    opt.step();
  }
  const seconds = (performance.now() - t0) / 1000;
  const trained = gradientNorms(model, probe);
  const { mse, accuracy } = evaluate(model, probe);
  results.push({ kind, init, trained, mse, accuracy, seconds });
  const e = (v: number): string => v.toExponential(2);
  console.log(
    `${kind.padEnd(4)}  ||dL/dH_1|| / ||dL/dH_T||: init ${e(init[0]!)} / ${e(init[T - 1]!)} (ratio ${e(init[0]! / init[T - 1]!)}), ` +
      `trained ${e(trained[0]!)} / ${e(trained[T - 1]!)} (ratio ${e(trained[0]! / trained[T - 1]!)});  test MSE ${mse.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(1)}%  (${seconds.toFixed(1)} s)`,
  );
}

mkdirSync(outDir, { recursive: true });
const t = Array.from({ length: T }, (_, i) => i + 1);
// one hue per model: dark after training, light at initialisation
const colors: Record<string, [string, string]> = { RNN: ["#1f77b4", "#aec7e8"], LSTM: ["#d62728", "#ff9896"], GRU: ["#2ca02c", "#98df8a"] };
const svg = tl.report.lineChart(
  [
    ...results.map((r) => ({ name: `${r.kind} trained`, x: t, y: r.trained, color: colors[r.kind]![0] })),
    ...results.map((r) => ({ name: `${r.kind} at init`, x: t, y: r.init, color: colors[r.kind]![1] })),
  ],
  { title: `Adding problem (T = ${T}): gradient norm through time`, xLabel: "time step t", yLabel: "||dL/dH_t||", logY: true, width: 760 },
);
const file = resolve(outDir, "vanishing-gradients.svg");
writeFileSync(file, svg);
console.log(`wrote ${file}`);
