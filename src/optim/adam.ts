// Adam and AdamW with PyTorch's exact updates (torch.optim.Adam / AdamW, single-tensor form):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (amsgrad: vmax = max(vmax, v))
//   p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// Adam adds weightDecay * p to the gradient; AdamW instead decays p by (1 - lr * weightDecay).

import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { empty, zerosLike } from "../tensor/create.js";
import { writeInPlace } from "../ops/inplace.js";
import { fusedStep } from "./fused.js";
import { type ParamGroup, type ParamState, type ParamsArg, Optimizer } from "./optimizer.js";

/** Options of Adam and AdamW: lr (default 1e-3), betas, eps, weightDecay, amsgrad; torch.optim.Adam's keyword arguments, camelCase. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

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
  const { lr, weightDecay, eps, amsgrad } = g;
  const h = { rule: "adam", lr, weightDecay, beta1: g.betas[0], beta2: g.betas[1], eps, step, decoupled, amsgrad } as const;
  if (fusedStep(h, p, grad, st, amsgrad ? ["expAvg", "expAvgSq", "maxExpAvgSq"] : ["expAvg", "expAvgSq"])) return;
  if (adamFused(p, grad, st, g, step)) return;
  adamOps(p, grad, st, g, decoupled, step);
}

/**
 * The common case (no weight decay, no amsgrad) as one loop per parameter instead of a dozen
 * tensor ops: every intermediate is rounded to the parameter's dtype exactly where the op chain
 * of adamOps rounds it (scalars too), so the results are the same bits (tested). The moments
 * are updated in place, as PyTorch does.
 */
function adamFused(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>, step: number): boolean {
  if (p.deviceStorage?.hostAddressable === false || grad.deviceStorage?.hostAddressable === false) return false; // GPU: tensor ops
  if (g.amsgrad || g.weightDecay !== 0 || grad.dtype !== p.dtype || grad.storage.length !== p.storage.length) return false;
  if (p.dtype !== "float32" && p.dtype !== "float64") return false;
  const r = p.dtype === "float32" ? Math.fround : (x: number): number => x;
  const [b1, b2] = g.betas;
  const m = (st.expAvg as Tensor | undefined) ?? zerosLike(p),
    v = (st.expAvgSq as Tensor | undefined) ?? zerosLike(p);
  st.expAvg = m;
  st.expAvgSq = v;
  const bc1 = 1 - b1 ** step,
    bc2Sqrt = Math.sqrt(1 - b2 ** step);
  const kb1 = r(b1),
    ka1 = r(1 - b1),
    kb2 = r(b2),
    ka2 = r(1 - b2),
    kbc2 = r(bc2Sqrt),
    keps = r(g.eps),
    kstep = r(g.lr / bc1);
  const ms = m.storage,
    vs = v.storage,
    gs = grad.storage;
  writeInPlace("Adam.step", p, [], () => {
    const next = empty(p.shape, { dtype: p.dtype });
    const ps = p.storage,
      out = next.storage;
    for (let i = 0; i < ps.length; i++) {
      const gi = gs[i]!;
      const mi = r(r(ms[i]! * kb1) + r(gi * ka1));
      const vi = r(r(vs[i]! * kb2) + r(r(gi * gi) * ka2));
      ms[i] = mi;
      vs[i] = vi;
      const denom = r(r(r(Math.sqrt(vi)) / kbc2) + keps);
      out[i] = r(ps[i]! - r(r(mi / denom) * kstep));
    }
    return next;
  });
  m.version.v++;
  v.version.v++;
  return true;
}

/** The update as tensor ops (weight decay, amsgrad, and the specification adamFused follows). */
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
    const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts };
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
    const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, ...opts };
    checkAdam("AdamW", o);
    super(params, o);
  }
  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, st, g, true);
  }
}
