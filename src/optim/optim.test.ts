// Optimizers against PyTorch's fixtures (five steps each, optim_*.json) in float64 and float32,
// learning-rate schedulers against sequences recorded from torch.optim.lr_scheduler, and the
// optimizer state dict (PyTorch's keys, resume gives the same trajectory).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as tl from "../index.js";
import { adamOps } from "./adam.js";
import {
  BACKENDS,
  type FixtureCase,
  type FloatType,
  LOCAL_FIXTURE_DIR,
  TOL,
  assertClose,
  fromFixture,
  loadFixture,
} from "../../test/support/fixtures.js";

const { optim } = tl;
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the fixture JSON, each passed on to the option it names
type Args = Record<string, any>;

function makeOptimizer(call: string, params: tl.Tensor[], a: Args): tl.optim.Optimizer<{ lr: number }> {
  switch (call) {
    case "torch.optim.SGD":
      return new optim.SGD(params, {
        lr: a.lr,
        momentum: a.momentum,
        dampening: a.dampening,
        weightDecay: a.weight_decay,
        nesterov: a.nesterov,
      });
    case "torch.optim.Adam":
      return new optim.Adam(params, { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weight_decay, amsgrad: a.amsgrad });
    case "torch.optim.AdamW":
      return new optim.AdamW(params, { lr: a.lr, betas: a.betas, eps: a.eps, weightDecay: a.weight_decay, amsgrad: a.amsgrad });
    case "torch.optim.RMSprop":
      return new optim.RMSprop(params, {
        lr: a.lr,
        alpha: a.alpha,
        eps: a.eps,
        weightDecay: a.weight_decay,
        momentum: a.momentum,
        centered: a.centered,
      });
    case "torch.optim.Adagrad":
      return new optim.Adagrad(params, {
        lr: a.lr,
        lrDecay: a.lr_decay,
        weightDecay: a.weight_decay,
        initialAccumulatorValue: a.initial_accumulator_value,
        eps: a.eps,
      });
    default:
      throw new Error(`no mapping for ${call}`);
  }
}

/** Five steps with the recorded gradients; float32 accumulates rounding over the steps, so its tolerance is 1e-4/1e-5 relative to float64. */
function runSteps(c: FixtureCase, dtype: FloatType): void {
  const names = (c.procedure as { params: string[] }).params;
  const params = names.map((n) => fromFixture(c.inputs[n]!, dtype, true));
  const opt = makeOptimizer(c.call, params, c.args as Args);
  for (let s = 1; s <= 5; s++) {
    names.forEach((n, i) => (params[i]!.grad = fromFixture(c.inputs[`grad${s}.${n}`]!, dtype)));
    opt.step();
    names.forEach((n, i) => assertClose(params[i], c.outputs[`step${s}.${n}`]!, TOL[dtype], `${c.name} [${dtype}] step ${s} ${n}`));
  }
}

for (const family of ["optim_sgd", "optim_adam", "optim_adamw", "optim_rmsprop", "optim_adagrad"]) {
  const fixture = loadFixture(family);
  for (const backend of BACKENDS) {
    describe(`${family} fixtures on ${backend}`, () => {
      for (const dtype of ["float64", "float32"] as FloatType[]) {
        for (const c of fixture.cases) it(`${c.name} ${dtype}`, () => (tl.setBackend(backend), runSteps(c, dtype)));
      }
    });
  }
}

describe("optimizer state and groups", () => {
  const fresh = () => [
    tl.tensor([1, -2, 3], { dtype: "float64", requiresGrad: true }),
    tl.tensor([0.5], { dtype: "float64", requiresGrad: true }),
  ];
  const grads = (s: number) => [tl.tensor([0.1 * s, -0.3, 0.2], { dtype: "float64" }), tl.tensor([s], { dtype: "float64" })];
  it("stateDict uses PyTorch's keys, and resuming from it continues the same trajectory", () => {
    const a = fresh(),
      b = fresh();
    const oa = new optim.Adam(a, { lr: 0.1, amsgrad: true }),
      ob = new optim.Adam(b, { lr: 0.1, amsgrad: true });
    for (let s = 1; s <= 3; s++) {
      a.forEach((p, i) => (p.grad = grads(s)[i]!));
      oa.step();
    }
    const sd = oa.stateDict();
    assert.deepEqual(Object.keys(sd.state[0]!).sort(), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]);
    assert.deepEqual(sd.param_groups[0], {
      lr: 0.1,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: true,
      maximize: false,
      params: [0, 1],
    });
    tl.noGrad(() => b.forEach((p, i) => p.copy_(a[i]!)));
    ob.loadStateDict(sd);
    for (let s = 4; s <= 6; s++) {
      a.forEach((p, i) => (p.grad = grads(s)[i]!));
      b.forEach((p, i) => (p.grad = grads(s)[i]!));
      oa.step();
      ob.step();
    }
    assert.deepEqual(b[0]!.storage, a[0]!.storage);
  });
  it("param groups carry their own options", () => {
    const [w, b] = fresh();
    const opt = new optim.SGD([{ params: [w!] }, { params: [b!], lr: 0 }], { lr: 1 });
    w!.grad = tl.onesLike(w!);
    b!.grad = tl.onesLike(b!);
    opt.step();
    assert.deepEqual(Array.from(w!.storage), [0, -3, 2]);
    assert.deepEqual(Array.from(b!.storage), [0.5]);
    opt.zeroGrad();
    assert.equal(w!.grad, null);
  });
  it("rejects bad options and non-leaf parameters", () => {
    const [w] = fresh();
    assert.throws(() => new optim.SGD([w!], { lr: -1 }), /SGD: invalid learning rate -1/);
    assert.throws(() => new optim.SGD([w!], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum > 0/);
    assert.throws(() => new optim.Adam([w!.mul(2)]), /can't optimize a non-leaf tensor/);
    assert.throws(() => new optim.Adam([w!], { betas: [1, 0.9] }), /invalid betas/);
  });
});

describe("learning-rate schedulers match torch.optim.lr_scheduler", () => {
  // biome-ignore lint/suspicious/noExplicitAny: PyTorch's optimizer and scheduler arguments from the fixture JSON
  const file = JSON.parse(readFileSync(resolve(LOCAL_FIXTURE_DIR, "schedulers.json"), "utf8")) as { cases: any[] };
  for (const c of file.cases) {
    it(c.name, () => {
      const params = [tl.zeros([2], { requiresGrad: true }), tl.zeros([3], { requiresGrad: true })];
      const groups = [{ params: [params[0]!] }, { params: [params[1]!], lr: c.optimizer_args.lr * 0.5 }];
      const opt =
        c.optimizer === "SGD"
          ? new optim.SGD(groups, { lr: c.optimizer_args.lr, momentum: c.optimizer_args.momentum ?? 0 })
          : new optim.Adam(groups, { lr: c.optimizer_args.lr });
      const a = c.scheduler_args;
      const S = optim.lrScheduler;
      const sched: { step(m?: number): void } =
        c.scheduler === "StepLR"
          ? new S.StepLR(opt, a.step_size, a.gamma)
          : c.scheduler === "ExponentialLR"
            ? new S.ExponentialLR(opt, a.gamma)
            : c.scheduler === "CosineAnnealingLR"
              ? new S.CosineAnnealingLR(opt, a.T_max, a.eta_min)
              : c.scheduler === "ReduceLROnPlateau"
                ? new S.ReduceLROnPlateau(opt, {
                    mode: a.mode,
                    factor: a.factor,
                    patience: a.patience,
                    cooldown: a.cooldown,
                    minLr: a.min_lr,
                    threshold: a.threshold,
                    thresholdMode: a.threshold_mode,
                  })
                : new S.OneCycleLR(opt, {
                    maxLr: a.max_lr,
                    totalSteps: a.total_steps,
                    annealStrategy: a.anneal_strategy,
                    pctStart: a.pct_start,
                    threePhase: a.three_phase,
                  });
      const snap = () => ({
        lr: opt.paramGroups.map((g) => g.lr),
        ...("momentum" in opt.paramGroups[0]! ? { momentum: opt.paramGroups.map((g) => (g as { momentum?: number }).momentum) } : {}),
        ...("betas" in opt.paramGroups[0]! ? { beta1: opt.paramGroups.map((g) => (g as { betas: [number, number] }).betas[0]) } : {}),
      });
      const close = (x: number[], y: number[], what: string) =>
        x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 1e-12 + 1e-12 * Math.abs(y[i]!), `${what}: ${v} vs torch ${y[i]}`));
      c.sequence.forEach((expected: Record<string, number[]>, s: number) => {
        if (s > 0) sched.step(c.metrics ? c.metrics[s - 1] : undefined);
        const got = snap() as Record<string, number[]>;
        for (const k of Object.keys(expected)) close(got[k]!, expected[k]!, `${c.name} step ${s} ${k}`);
      });
    });
  }
  it("OneCycleLR refuses to step past totalSteps", () => {
    const opt = new optim.SGD([tl.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const s = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 2 });
    s.step();
    s.step();
    assert.throws(() => s.step(), /OneCycleLR: tried to step 3 times, but totalSteps is 2/);
  });
});

describe("Adam's fused update is the op chain, bit for bit", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: 6 steps of the fused loop equal adamOps`, () => {
      const gen = new tl.Generator(11);
      const p0 = tl.randn([1000], { dtype, generator: gen });
      const grads = Array.from({ length: 6 }, () => tl.randn([1000], { dtype, generator: gen }).mul(3));
      const group = { lr: 3e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [] };
      // fused: through the optimizer
      const pf = p0.clone().requiresGrad_();
      const opt = new tl.optim.Adam([pf], { lr: group.lr });
      // reference: the tensor-op chain on a copy
      const pr = p0.clone();
      const st: Record<string, unknown> = {};
      for (const [i, gr] of grads.entries()) {
        pf.grad = gr.clone();
        opt.step();
        tl.noGrad(() => adamOps(pr, gr, st as never, group as never, false, i + 1));
      }
      assert.deepEqual(Array.from(pf.storage), Array.from(pr.storage));
    });
  }
});

describe("optimizer options", () => {
  const param = () => tl.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const twoSteps = (opt: tl.optim.Optimizer<{ lr: number }>, p: tl.Tensor): number[] => {
    for (let i = 0; i < 2; i++) {
      p.grad = tl.tensor([1, -1], { dtype: "float64" });
      opt.step();
    }
    return Array.from(p.storage);
  };
  it("an option given as undefined takes its default, as an omitted keyword", () => {
    const a = param(),
      b = param();
    const opts = { lr: 0.1, momentum: undefined, dampening: undefined, weightDecay: undefined };
    assert.deepEqual(twoSteps(new optim.SGD([a], opts), a), twoSteps(new optim.SGD([b], { lr: 0.1 }), b));
    const c = param(),
      d = param();
    assert.deepEqual(
      twoSteps(new optim.Adam([c], { lr: 0.1, betas: undefined, eps: undefined } as never), c),
      twoSteps(new optim.Adam([d], { lr: 0.1 }), d),
    );
  });
  it("an unknown option is refused, naming the camelCase spelling", () => {
    assert.throws(
      () => new optim.SGD([param()], { lr: 0.1, weight_decay: 0.1 } as never),
      /SGD: unknown option "weight_decay" \(did you mean weightDecay/,
    );
    assert.throws(() => new optim.Adam([param()], { momentum: 0.9 } as never), /Adam: unknown option "momentum". Adam takes lr, betas/);
  });
  it("maximize steps along the gradient: the trajectory of -grad", () => {
    for (const make of [
      (p: tl.Tensor[], m: boolean) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, maximize: m }),
      (p: tl.Tensor[], m: boolean) => new optim.Adam(p, { lr: 0.1, maximize: m }),
      (p: tl.Tensor[], m: boolean) => new optim.RMSprop(p, { lr: 0.1, maximize: m }),
      (p: tl.Tensor[], m: boolean) => new optim.Adagrad(p, { lr: 0.1, maximize: m }),
    ]) {
      const a = param(),
        b = param();
      const oa = make([a], true),
        ob = make([b], false);
      for (let i = 0; i < 3; i++) {
        a.grad = tl.tensor([0.5, -2], { dtype: "float64" });
        b.grad = tl.tensor([-0.5, 2], { dtype: "float64" });
        oa.step();
        ob.step();
      }
      assert.deepEqual(Array.from(a.storage), Array.from(b.storage));
      assert.notDeepEqual(Array.from(a.storage), [1, 2]);
    }
  });
});
