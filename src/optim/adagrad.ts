// Adagrad with PyTorch's update (torch.optim.Adagrad):
//   g = grad + wd p;  clr = lr / (1 + (t - 1) lrDecay);  sum += g^2;  p -= clr g / (sqrt(sum) + eps)

import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { fullLike } from "../tensor/create.js";
import { type ParamGroup, type ParamState, type ParamsArg, Optimizer, checkOptionKeys, defined } from "./optimizer.js";

/** Options of Adagrad: lr (default 1e-2), lrDecay, weightDecay, initialAccumulatorValue, eps, maximize; torch.optim.Adagrad's keyword arguments, camelCase. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  /** Maximize the objective: step along the gradient instead of against it. */
  maximize: boolean;
}

/** Adagrad with PyTorch's exact update, as torch.optim.Adagrad. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    checkOptionKeys("Adagrad", opts, ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps", "maximize"]);
    const o: AdagradOptions = {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...defined(opts),
    };
    if (!(o.lrDecay >= 0)) throw new ValueError(`Adagrad: invalid lrDecay ${o.lrDecay}; it must be >= 0.`);
    if (!(o.initialAccumulatorValue >= 0))
      throw new ValueError(`Adagrad: invalid initialAccumulatorValue ${o.initialAccumulatorValue}; it must be >= 0.`);
    super(params, o);
  }

  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<AdagradOptions>): void {
    const step = ((st.step as number | undefined) ?? 0) + 1;
    st.step = step;
    if (g.maximize) grad = grad.neg();
    if (g.weightDecay !== 0) grad = grad.add(p, g.weightDecay);
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const sum = ((st.sum as Tensor | undefined) ?? fullLike(p, g.initialAccumulatorValue)).add(grad.mul(grad));
    st.sum = sum;
    p.sub_(grad.div(sum.sqrt().add(g.eps)), clr);
  }
}
