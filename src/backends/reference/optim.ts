// The optimStep kernel's specification: one SGD or Adam update of a parameter, in place, with
// every intermediate rounded to the parameter's dtype exactly where the tensor-op chain of
// src/optim (sgd.ts, adam.ts adamOps) rounds it: scalars are converted to the dtype first, each
// product and sum is rounded (add with alpha: a + round(alpha * b)).

import type { TypedArray } from "../../tensor/dtype.js";
import type { OptimStep } from "../backend.js";

type Round = (x: number) => number;

/** SGD's scalars converted by `r` to the parameter's dtype (keep = 1 - dampening): every kernel's operands. */
export function sgdScalars(h: Extract<OptimStep, { rule: "sgd" }>, r: Round) {
  return { wd: r(h.weightDecay), mom: r(h.momentum), keep: r(1 - h.dampening), lr: r(h.lr) };
}

/**
 * Adam's scalars converted by `r` to the parameter's dtype, the bias corrections computed in
 * double first: a1 = 1 - beta1, a2 = 1 - beta2, decay = 1 - lr * wd (AdamW),
 * bc2 = sqrt(1 - beta2^step), stepSize = lr / (1 - beta1^step).
 */
export function adamScalars(h: Extract<OptimStep, { rule: "adam" }>, r: Round) {
  return {
    b1: r(h.beta1),
    a1: r(1 - h.beta1),
    b2: r(h.beta2),
    a2: r(1 - h.beta2),
    wd: r(h.weightDecay),
    decay: r(1 - h.lr * h.weightDecay),
    bc2: r(Math.sqrt(1 - h.beta2 ** h.step)),
    eps: r(h.eps),
    stepSize: r(h.lr / (1 - h.beta1 ** h.step)),
  };
}

export function optimStep(
  h: OptimStep,
  p: TypedArray,
  grad: TypedArray,
  s0: TypedArray | null,
  s1: TypedArray | null,
  s2: TypedArray | null,
): void {
  const r = p instanceof Float32Array ? Math.fround : (x: number): number => x;
  const n = p.length;
  if (h.rule === "sgd") {
    const { wd, mom, keep, lr } = sgdScalars(h, r);
    for (let i = 0; i < n; i++) {
      let d = grad[i]!;
      if (h.weightDecay !== 0) d = r(d + r(wd * p[i]!));
      if (h.momentum !== 0 && s0) {
        const buf = h.first ? d : r(r(s0[i]! * mom) + (h.dampening === 0 ? d : r(d * keep)));
        s0[i] = buf;
        d = h.nesterov ? r(d + r(buf * mom)) : buf;
      }
      p[i] = r(p[i]! - r(d * lr));
    }
    return;
  }
  const { b1, a1, b2, a2, wd, decay, bc2, eps, stepSize } = adamScalars(h, r);
  const m = s0!,
    v = s1!;
  for (let i = 0; i < n; i++) {
    let pi = p[i]!,
      g = grad[i]!;
    if (h.weightDecay !== 0) {
      if (h.decoupled) pi = r(pi * decay);
      else g = r(g + r(wd * pi));
    }
    const mi = r(r(m[i]! * b1) + r(g * a1));
    const vi = r(r(v[i]! * b2) + r(r(g * g) * a2));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (h.amsgrad && s2) {
      const prev = s2[i]!;
      second = Number.isNaN(prev) || Number.isNaN(vi) ? Number.NaN : Math.max(prev, vi);
      s2[i] = second;
    }
    const denom = r(r(r(Math.sqrt(second)) / bc2) + eps);
    p[i] = r(pi - r(r(mi / denom) * stepSize));
  }
}
