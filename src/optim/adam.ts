// Adam and AdamW with PyTorch's exact updates (torch.optim.Adam / AdamW, single-tensor form):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (amsgrad: vmax = max(vmax, v))
//   p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// Adam adds weightDecay * p to the gradient; AdamW instead decays p by (1 - lr * weightDecay).

import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/create.js";
import { fusedStep } from "./fused.js";
import { type ParamGroup, type ParamState, type ParamsArg, Optimizer, checkOptionKeys, defined } from "./optimizer.js";

/** Options of Adam and AdamW: lr (default 1e-3), betas, eps, weightDecay, amsgrad, maximize; torch.optim.Adam's keyword arguments, camelCase. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** Maximize the objective: step along the gradient instead of against it. */
  maximize: boolean;
}

const ADAM_KEYS = ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize"];

function checkAdam(name: string, o: AdamOptions): void {
  const [b1, b2] = o.betas;
  if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1))
    throw new ValueError(`${name}: invalid betas [${o.betas.join(", ")}]; each must be in [0, 1).`);
  if (!(o.eps >= 0)) throw new ValueError(`${name}: invalid eps ${o.eps}; it must be >= 0.`);
  if (!(o.weightDecay >= 0)) throw new ValueError(`${name}: invalid weightDecay ${o.weightDecay}; it must be >= 0.`);
}

/** The shared moment update and step; `decoupled` selects AdamW's weight decay. */
function adamUpdate(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>, decoupled: boolean): void {
  const step = ((st.step as number | undefined) ?? 0) + 1;
  st.step = step;
  if (g.maximize) grad = grad.neg();
  const { lr, weightDecay, eps, amsgrad } = g;
  const h = { rule: "adam", lr, weightDecay, beta1: g.betas[0], beta2: g.betas[1], eps, step, decoupled, amsgrad } as const;
  // on the CPU, the common case (no weight decay, no amsgrad) runs the kernel too: one loop per
  // parameter, every intermediate rounded where adamOps rounds it (the same bits, tested)
  const keys = amsgrad ? ["expAvg", "expAvgSq", "maxExpAvgSq"] : ["expAvg", "expAvgSq"];
  if (fusedStep(h, p, grad, st, keys, !amsgrad && weightDecay === 0)) return;
  adamOps(p, grad, st, g, decoupled, step);
}

/** The update as tensor ops (weight decay, amsgrad, and the specification the optimStep kernel follows). */
export function adamOps(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>, decoupled: boolean, step: number): void {
  const [b1, b2] = g.betas;
  if (g.weightDecay !== 0) {
    if (decoupled) p.mul_(1 - g.lr * g.weightDecay);
    else grad = grad.add(p, g.weightDecay);
  }
  const m = ((st.expAvg as Tensor | undefined) ?? zerosLike(p)).mul(b1).add(grad, 1 - b1);
  const v = ((st.expAvgSq as Tensor | undefined) ?? zerosLike(p)).mul(b2).add(grad.mul(grad), 1 - b2);
  st.expAvg = m;
  st.expAvgSq = v;
  let second = v;
  if (g.amsgrad) {
    second = ((st.maxExpAvgSq as Tensor | undefined) ?? zerosLike(p)).maximum(v);
    st.maxExpAvgSq = second;
  }
  const bc1 = 1 - b1 ** step,
    bc2Sqrt = Math.sqrt(1 - b2 ** step);
  const denom = second.sqrt().div(bc2Sqrt).add(g.eps);
  p.sub_(m.div(denom), g.lr / bc1);
}

/** Adam with PyTorch's exact update (bias-corrected moments, optional amsgrad; weightDecay added to the gradient), as torch.optim.Adam: `new Adam(model.parameters(), { lr: 3e-3 })`. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    checkOptionKeys("Adam", opts, ADAM_KEYS);
    const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...defined(opts) };
    checkAdam("Adam", o);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, st, g, false);
  }
}

/** Adam with decoupled weight decay (default 1e-2: p is scaled by 1 - lr * weightDecay), PyTorch's exact update, as torch.optim.AdamW. */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    checkOptionKeys("AdamW", opts, ADAM_KEYS);
    const o: AdamOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      ...defined(opts),
    };
    checkAdam("AdamW", o);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, st, g, true);
  }
}
