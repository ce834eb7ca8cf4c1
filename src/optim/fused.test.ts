// The optimStep kernel's specification (reference/optim.ts) against the optimizers' own host
// paths (the tensor-op chain, Adam's host loop): the same bits, three steps, float32 and float64,
// every option that changes the update.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import type { OptimStep } from "../backends/backend.js";
import { referenceBackend } from "../backends/reference/index.js";
import type { TypedArray } from "../tensor/dtype.js";

type Make = (p: tl.Tensor[]) => tl.optim.Optimizer<{ lr: number }>;

const CASES: [string, Make, (step: number, first: boolean) => OptimStep, number][] = [
  [
    "SGD momentum, dampening, weight decay",
    (p) => new tl.optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.01 }),
    (_, first) => ({ rule: "sgd", lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.01, nesterov: false, first }),
    1,
  ],
  [
    "SGD Nesterov",
    (p) => new tl.optim.SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true }),
    (_, first) => ({ rule: "sgd", lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 0, nesterov: true, first }),
    1,
  ],
  [
    "plain SGD",
    (p) => new tl.optim.SGD(p, { lr: 0.3 }),
    () => ({ rule: "sgd", lr: 0.3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, first: true }),
    0,
  ],
  [
    "Adam",
    (p) => new tl.optim.Adam(p, { lr: 0.01 }),
    (step) => ({ rule: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step, decoupled: false, amsgrad: false }),
    2,
  ],
  [
    "Adam, weight decay, amsgrad",
    (p) => new tl.optim.Adam(p, { lr: 0.01, weightDecay: 0.1, amsgrad: true }),
    (step) => ({ rule: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step, decoupled: false, amsgrad: true }),
    3,
  ],
  [
    "AdamW",
    (p) => new tl.optim.AdamW(p, { lr: 0.02, betas: [0.8, 0.99] }),
    (step) => ({ rule: "adam", lr: 0.02, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, step, decoupled: true, amsgrad: false }),
    2,
  ],
];

describe("optimStep's reference kernel is the optimizers' update, bit for bit", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [name, make, hyper, nState] of CASES) {
      it(`${name} (${dtype})`, (t) => {
        // on the reference backend whatever the configuration; the next test gets this one's
        const previous = tl.getBackend();
        t.after(() => tl.setBackend(previous));
        tl.setBackend("reference");
        const g = new tl.Generator(9);
        const p = tl.randn([37], { generator: g, dtype }).requiresGrad_();
        const opt = make([p]);
        const q = p.detach().clone().storage;
        const state: TypedArray[] = Array.from({ length: nState }, () => new (q.constructor as Float32ArrayConstructor)(q.length));
        for (let s = 1; s <= 3; s++) {
          const grad = tl.randn([37], { generator: g, dtype });
          p.grad = grad;
          opt.step();
          referenceBackend.optimStep(hyper(s, s === 1), q, grad.storage, state[0] ?? null, state[1] ?? null, state[2] ?? null);
          assert.deepEqual(Array.from(q), Array.from(p.storage), `${name} step ${s}`);
        }
        assert.notDeepEqual(Array.from(q), Array.from(tl.zeros([37]).storage));
      });
    }
  }
});
