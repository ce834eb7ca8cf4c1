// The main demo: a two-layer perceptron learns the 8x8 handwritten digits shipped in data/,
// with tensorloom's autograd and a plain training loop (no optimizer class hidden in between).
// Prints progress per epoch, a confusion matrix, and writes loss/accuracy curves as SVG.
//
//   npm run demo            (or: npx tsx examples/digitsMlp.ts --epochs 10 --out some/dir)

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tl from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const EPOCHS = arg("epochs", 30),
  BATCH = 64,
  HIDDEN = 64,
  LR = 0.05,
  MOMENTUM = 0.9;
const outIdx = process.argv.indexOf("--out");
const outDir = outIdx > 0 ? resolve(process.argv[outIdx + 1]!) : resolve(here, "../out");

// --- data: 1797 rows of 64 pixel intensities (0..16) and a label -------------------------
function loadDigits(): { x: tl.Tensor; y: tl.Tensor } {
  const lines = readFileSync(resolve(here, "../data/digits.csv"), "utf8").trim().split("\n");
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const x = tl
    .tensor(
      rows.map((r) => r.slice(0, 64)),
      { dtype: "float32" },
    )
    .div(16); // scale to [0, 1]
  const y = tl.tensor(
    rows.map((r) => r[64]!),
    { dtype: "int32" },
  );
  return { x, y };
}

tl.manualSeed(0);
const { x, y } = loadDigits();
const perm = tl.randperm(x.shape[0]!);
const nTrain = Math.round(0.8 * x.shape[0]!);
const [trainIdx, testIdx] = perm.split([nTrain, x.shape[0]! - nTrain]) as [tl.Tensor, tl.Tensor];
const xTrain = x.indexSelect(0, trainIdx),
  yTrain = y.indexSelect(0, trainIdx);
const xTest = x.indexSelect(0, testIdx),
  yTest = y.indexSelect(0, testIdx);
console.log(`digits: ${nTrain} training and ${xTest.shape[0]} test images of 8x8 pixels, 10 classes`);

// --- model: 64 -> 64 (relu) -> 10, initialised as torch.nn.Linear (U(-1/sqrt(in), 1/sqrt(in))) ---
function linearParams(inF: number, outF: number): [tl.Tensor, tl.Tensor] {
  const bound = 1 / Math.sqrt(inF);
  const w = tl
    .rand([outF, inF])
    .mul(2 * bound)
    .sub(bound)
    .requiresGrad_();
  const b = tl
    .rand([outF])
    .mul(2 * bound)
    .sub(bound)
    .requiresGrad_();
  return [w, b];
}
const [w1, b1] = linearParams(64, HIDDEN);
const [w2, b2] = linearParams(HIDDEN, 10);
const params = [w1, b1, w2, b2];
const model = (inp: tl.Tensor): tl.Tensor => tl.F.linear(tl.F.linear(inp, w1, b1).relu(), w2, b2);

const accuracy = (logits: tl.Tensor, labels: tl.Tensor): number => logits.argmax(1).eq(labels).to("float32").mean().item();

// --- the plain training loop: forward, loss, backward, SGD with momentum by hand ---------
const velocity = params.map((p) => tl.zerosLike(p));
const history = { loss: [] as number[], trainAcc: [] as number[], testAcc: [] as number[] };
const t0 = performance.now();
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = tl.randperm(nTrain);
  let lossSum = 0;
  for (let start = 0; start < nTrain; start += BATCH) {
    const idx = order.narrow(0, start, Math.min(BATCH, nTrain - start));
    const xb = xTrain.indexSelect(0, idx),
      yb = yTrain.indexSelect(0, idx);
    const loss = tl.F.crossEntropy(model(xb), yb);
    loss.backward();
    tl.noGrad(() => {
      params.forEach((p, i) => {
        velocity[i]!.mul_(MOMENTUM).add_(p.grad!); // v = momentum * v + grad
        p.sub_(velocity[i]!, LR); //                    p = p - lr * v
        p.grad = null;
      });
    });
    lossSum += loss.item() * idx.shape[0]!;
  }
  const [trainAcc, testAcc] = tl.noGrad(() => [accuracy(model(xTrain), yTrain), accuracy(model(xTest), yTest)]);
  history.loss.push(lossSum / nTrain);
  history.trainAcc.push(trainAcc!);
  history.testAcc.push(testAcc!);
  const pct = (v: number): string => `${(100 * v).toFixed(1).padStart(5)}%`;
  console.log(
    `epoch ${String(epoch).padStart(2)}/${EPOCHS}  loss ${(lossSum / nTrain).toFixed(4)}  train acc ${pct(trainAcc!)}  test acc ${pct(testAcc!)}  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

// --- what it learned: confusion matrix on the test set ------------------------------------
const pred = tl.noGrad(() => model(xTest).argmax(1));
const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
pred.storage.forEach((p, i) => confusion[yTest.storage[i]!]![p]!++);
console.log("\nconfusion matrix on the test set (rows: true digit, columns: predicted)");
console.log("     " + [...Array(10).keys()].map((d) => String(d).padStart(4)).join(""));
confusion.forEach((row, d) => console.log(`  ${d}  ` + row.map((v) => String(v).padStart(4)).join("")));

mkdirSync(outDir, { recursive: true });
const epochs = history.loss.map((_, i) => i + 1);
writeFileSync(
  resolve(outDir, "digits-loss.svg"),
  tl.report.lineChart([{ name: "training loss", x: epochs, y: history.loss }], {
    title: "Digits MLP: cross-entropy per epoch",
    xLabel: "epoch",
    yLabel: "loss",
    logY: true,
  }),
);
writeFileSync(
  resolve(outDir, "digits-accuracy.svg"),
  tl.report.lineChart(
    [
      { name: "train", x: epochs, y: history.trainAcc.map((v) => 100 * v) },
      { name: "test", x: epochs, y: history.testAcc.map((v) => 100 * v) },
    ],
    { title: "Digits MLP: accuracy per epoch", xLabel: "epoch", yLabel: "accuracy (%)" },
  ),
);
console.log(
  `\nfinal test accuracy ${(100 * history.testAcc.at(-1)!).toFixed(1)}%; curves written to ${resolve(outDir, "digits-loss.svg")} and digits-accuracy.svg`,
);
