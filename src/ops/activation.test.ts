// Activations and softmax against PyTorch's fixtures (activations.json, softmax.json) on every
// backend, in float64 and float32, plus float64 gradient checks.

import { describe, it } from "node:test";
import * as tl from "../index.js";
import { type FixtureCase, describeFixtures } from "../../test/support/fixtures.js";

const F = tl.F;

/** The fixture's `call` and `args`, as a tensorloom call. */
function activation(c: FixtureCase): (x: tl.Tensor) => tl.Tensor {
  const a = c.args as { negative_slope?: number; alpha?: number; approximate?: string; beta?: number; threshold?: number; dim: number };
  switch (c.call) {
    case "torch.nn.functional.relu":
      return (x) => F.relu(x);
    case "torch.nn.functional.leaky_relu":
      return (x) => F.leakyRelu(x, a.negative_slope);
    case "torch.nn.functional.elu":
      return (x) => F.elu(x, a.alpha);
    case "torch.nn.functional.gelu":
      return (x) => F.gelu(x, a.approximate as "none" | "tanh");
    case "torch.sigmoid":
      return (x) => x.sigmoid();
    case "torch.tanh":
      return (x) => x.tanh();
    case "torch.nn.functional.softplus":
      return (x) => F.softplus(x, a.beta, a.threshold);
    case "torch.nn.functional.silu":
      return (x) => F.silu(x);
    case "torch.nn.functional.softmax":
      return (x) => F.softmax(x, a.dim);
    case "torch.nn.functional.log_softmax":
      return (x) => F.logSoftmax(x, a.dim);
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
}

for (const family of ["activations", "softmax"]) describeFixtures(family, (c, ins) => activation(c)(ins.input!));

describe("activation gradcheck (float64)", () => {
  const fns: Record<string, (x: tl.Tensor) => tl.Tensor> = {
    relu: (x) => x.relu(),
    leakyRelu: (x) => x.leakyRelu(0.2),
    elu: (x) => x.elu(0.7),
    geluExact: (x) => x.gelu(),
    geluTanh: (x) => x.gelu("tanh"),
    sigmoid: (x) => x.sigmoid(),
    tanh: (x) => x.tanh(),
    softplus: (x) => x.softplus(2, 3),
    silu: (x) => x.silu(),
    softmax: (x) => x.softmax(1),
    logSoftmax: (x) => x.logSoftmax(0),
  };
  for (const [name, fn] of Object.entries(fns)) {
    it(name, () => {
      tl.manualSeed(7);
      // keep away from the kinks of relu-like functions, where finite differences straddle them
      const x = tl.randn([3, 5], { dtype: "float64" }).add(0.05).requiresGrad_();
      tl.gradCheck(fn, [x], { name });
    });
  }
});

describe("logSoftmax: second derivatives (its backward is built from ops)", () => {
  it("gradcheck of d/dx sum(logSoftmax(x)^2)", () => {
    tl.manualSeed(8);
    const x = tl.randn([3, 4], { dtype: "float64" }).requiresGrad_();
    const df = (v: tl.Tensor): tl.Tensor =>
      tl.enableGrad(() => tl.grad(v.logSoftmax(1).pow(2).sum(), [v], undefined, { createGraph: true })[0]!);
    tl.gradCheck(df, [x], { name: "d logSoftmax" });
  });
});
