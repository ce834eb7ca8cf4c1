// RMSprop with PyTorch's update (torch.optim.RMSprop):
//   g = grad + wd p;  s = alpha s + (1 - alpha) g^2;  centered: a = alpha a + (1 - alpha) g, s' = s - a^2
//   avg = sqrt(s') + eps;  momentum: buf = momentum buf + g / avg, p -= lr buf;  else p -= lr g / avg

import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/create.js";
import { type ParamGroup, type ParamState, type ParamsArg, Optimizer, checkOptionKeys, defined } from "./optimizer.js";

/** Options of RMSprop: lr (default 1e-2), alpha, eps, weightDecay, momentum, centered, maximize; torch.optim.RMSprop's keyword arguments, camelCase. */
export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  /** Maximize the objective: step along the gradient instead of against it. */
  maximize: boolean;
}

/** RMSprop with PyTorch's exact update (optional momentum and centering), as torch.optim.RMSprop. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    checkOptionKeys("RMSprop", opts, ["lr", "alpha", "eps", "weightDecay", "momentum", "centered", "maximize"]);
    const o: RMSpropOptions = {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...defined(opts),
    };
    if (!(o.alpha >= 0)) throw new ValueError(`RMSprop: invalid alpha ${o.alpha}; it must be >= 0.`);
    if (!(o.momentum >= 0)) throw new ValueError(`RMSprop: invalid momentum ${o.momentum}; it must be >= 0.`);
    super(params, o);
  }

  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<RMSpropOptions>): void {
    st.step = ((st.step as number | undefined) ?? 0) + 1;
    if (g.maximize) grad = grad.neg();
    if (g.weightDecay !== 0) grad = grad.add(p, g.weightDecay);
    const sq = ((st.squareAvg as Tensor | undefined) ?? zerosLike(p)).mul(g.alpha).add(grad.mul(grad), 1 - g.alpha);
    st.squareAvg = sq;
    let avg: Tensor;
    if (g.centered) {
      const ga = ((st.gradAvg as Tensor | undefined) ?? zerosLike(p)).mul(g.alpha).add(grad, 1 - g.alpha);
      st.gradAvg = ga;
      avg = sq.sub(ga.mul(ga)).sqrt().add(g.eps);
    } else {
      avg = sq.sqrt().add(g.eps);
    }
    if (g.momentum > 0) {
      const buf = ((st.momentumBuffer as Tensor | undefined) ?? zerosLike(p)).mul(g.momentum).add(grad.div(avg));
      st.momentumBuffer = buf;
      p.sub_(buf, g.lr);
    } else {
      p.sub_(grad.div(avg), g.lr);
    }
  }
}
