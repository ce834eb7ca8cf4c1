// Losses against PyTorch's fixtures (cross_entropy, nll_loss, mse_loss) on every backend, in
// float64 and float32, plus float64 gradient checks and bad-target errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { type FixtureCase, describeFixtures } from "../../test/support/fixtures.js";

const F = tl.F;

function call(c: FixtureCase, ins: Record<string, tl.Tensor>): tl.Tensor {
  const a = c.args as { ignore_index?: number; reduction: "mean" | "sum" | "none"; label_smoothing?: number };
  const common = { weight: ins.weight ?? null, reduction: a.reduction };
  switch (c.call) {
    case "torch.nn.functional.cross_entropy":
      return F.crossEntropy(ins.input!, ins.target!, { ...common, ignoreIndex: a.ignore_index!, labelSmoothing: a.label_smoothing! });
    case "torch.nn.functional.nll_loss":
      return F.nllLoss(ins.input!, ins.target!, { ...common, ignoreIndex: a.ignore_index! });
    case "torch.nn.functional.mse_loss":
      return F.mseLoss(ins.input!, ins.target!, { reduction: a.reduction });
    case "torch.nn.functional.l1_loss":
      return F.l1Loss(ins.input!, ins.target!, { reduction: a.reduction });
    case "torch.nn.functional.smooth_l1_loss":
      return F.smoothL1Loss(ins.input!, ins.target!, { reduction: a.reduction, beta: (c.args as { beta: number }).beta });
    case "torch.nn.functional.binary_cross_entropy_with_logits":
      return F.binaryCrossEntropyWithLogits(ins.input!, ins.target!, {
        reduction: a.reduction,
        weight: ins.weight ?? null,
        posWeight: ins.pos_weight ?? null,
      });
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
}

for (const family of ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy_with_logits"])
  describeFixtures(family, call);

describe("loss gradcheck (float64)", () => {
  tl.manualSeed(11);
  const x = () => tl.randn([4, 3, 2], { dtype: "float64", requiresGrad: true });
  const idx = tl.tensor([
    [0, 2],
    [1, 1],
    [2, 0],
    [1, 2],
  ]);
  const probs = tl.randn([4, 3, 2], { dtype: "float64" }).softmax(1);
  const w = tl.tensor([0.2, 1.5, 0.7], { dtype: "float64" });
  const cases: Record<string, [(x: tl.Tensor) => tl.Tensor]> = {
    crossEntropyIndices: [(x) => F.crossEntropy(x, idx, { weight: w, labelSmoothing: 0.1, ignoreIndex: 2 })],
    crossEntropyProbs: [(x) => F.crossEntropy(x, probs, { weight: w, labelSmoothing: 0.2 })],
    nllLoss: [(x) => F.nllLoss(x.logSoftmax(1), idx, { reduction: "sum" })],
    mseLoss: [(x) => F.mseLoss(x, probs)],
    smoothL1Loss: [(x) => F.smoothL1Loss(x, probs, { beta: 0.7 })],
    bceWithLogits: [
      (x) => F.binaryCrossEntropyWithLogits(x, probs, { posWeight: tl.tensor([[2], [0.5], [1]], { dtype: "float64" }), reduction: "sum" }),
    ],
  };
  for (const [name, [fn]] of Object.entries(cases)) it(name, () => void tl.gradCheck(fn, [x()], { name }));
});

describe("loss errors", () => {
  const x = tl.zeros([2, 3]);
  it("out-of-range class", () => {
    assert.throws(
      () => F.crossEntropy(x, tl.tensor([0, 3])),
      /crossEntropy|nllLoss: target 3 at position 1 is out of bounds for 3 classes/,
    );
  });
  it("float class indices", () => {
    assert.throws(() => F.nllLoss(x, tl.tensor([0.0, 1.5])), /nllLoss: class-index targets must be int32, got float32/);
  });
  it("target shape", () => {
    assert.throws(() => F.crossEntropy(x, tl.tensor([0, 1, 2])), /target \[3\] does not fit input \[2, 3\]/);
  });
  it("bce at a logit of exactly 0 has PyTorch's gradient (sigmoid(0) - y)", () => {
    const x = tl.zeros([1], { dtype: "float64", requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, tl.tensor([1], { dtype: "float64" })).backward();
    assert.equal(x.grad!.item(), -0.5);
  });
  it("loss modules call the functions", () => {
    const x = tl.randn([3, 4]),
      t = tl.tensor([0, 3, 1]);
    assert.equal(
      new tl.nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(x, t).item(),
      F.crossEntropy(x, t, { labelSmoothing: 0.1 }).item(),
    );
  });
  it("mse shape mismatch is refused rather than broadcast", () => {
    assert.throws(() => F.mseLoss(tl.zeros([4, 1]), tl.zeros([4])), /mseLoss: input \[4, 1\] and target \[4\] differ in shape/);
  });
});

describe("every target ignored (PyTorch 1.13's values, gradient 0)", () => {
  // torch 1.13, for cross_entropy and nll_loss, with and without weight and label_smoothing:
  // reduction "mean" gives nan (0 / 0 total weight), "sum" 0, "none" zeros; the input gradient
  // is 0 everywhere in all three. An empty batch is the same case (mean: nan).
  const inputs: [string, number[], (ignore: number) => tl.Tensor][] = [
    ["[N, C]", [3, 4], (ig) => tl.tensor([ig, ig, ig])],
    ["[N, C, d]", [2, 4, 3], (ig) => tl.full([2, 3], ig, { dtype: "int32" })],
    ["[C] with a 0-d target", [4], (ig) => tl.tensor(ig)],
    ["an empty batch", [0, 4], () => tl.tensor([], { dtype: "int32" })],
  ];
  const losses = [
    ["crossEntropy", F.crossEntropy],
    ["nllLoss", F.nllLoss],
  ] as const;
  for (const [loss, fn] of losses) {
    it(`${loss}: shapes x reductions x weight x ignoreIndex${loss === "crossEntropy" ? " x labelSmoothing" : ""} x dtype`, () => {
      let n = 0;
      for (const [shapeName, shape, target] of inputs) {
        for (const reduction of ["mean", "sum", "none"] as const) {
          for (const weighted of [false, true]) {
            for (const ignoreIndex of [-100, 2]) {
              for (const labelSmoothing of loss === "crossEntropy" ? [0, 0.2] : [0]) {
                for (const dtype of ["float32", "float64"] as const) {
                  const label = `${loss} ${shapeName} ${reduction}${weighted ? " weighted" : ""} ignoreIndex ${ignoreIndex} smoothing ${labelSmoothing} ${dtype}`;
                  tl.manualSeed(n++);
                  const x = tl.randn(shape, { dtype }).requiresGrad_();
                  const weight = weighted ? tl.tensor([0.5, 1, 2, 3], { dtype }) : null;
                  const t = target(ignoreIndex);
                  const out = fn(x, t, { reduction, weight, ignoreIndex, labelSmoothing } as never);
                  const values = Array.from(out.storage);
                  if (reduction === "mean") assert.ok(values.length === 1 && Number.isNaN(values[0]), `${label}: ${values}`);
                  else
                    assert.ok(
                      values.every((v) => v === 0),
                      `${label}: ${values}`,
                    );
                  assert.deepEqual(out.shape, reduction === "none" ? t.shape : [], `${label}: shape`);
                  out.sum().backward();
                  assert.ok(
                    Array.from(x.grad!.storage).every((v) => v === 0),
                    `${label}: gradient ${Array.from(x.grad!.storage)}`,
                  );
                }
              }
            }
          }
        }
      }
    });
  }
  it("one kept target among ignored ones still divides by the kept weight (no NaN)", () => {
    const x = tl
      .tensor(
        [
          [0.5, -1, 2],
          [1, 1, 1],
        ],
        { dtype: "float64" },
      )
      .requiresGrad_();
    const out = F.crossEntropy(x, tl.tensor([-100, 2]));
    // torch: cross_entropy(x, [-100, 2]) = -log_softmax([1, 1, 1])[2] = log(3)
    assert.ok(Math.abs(out.item() - Math.log(3)) < 1e-15);
    out.backward();
    assert.deepEqual(Array.from(x.grad!.storage.slice(0, 3)), [0, 0, 0]);
  });
});
