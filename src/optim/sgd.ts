// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, following
// torch.optim.SGD's update exactly:
//   g = grad + wd * p;  buf = momentum * buf + (1 - dampening) * g  (buf = g on the first step)
//   g = nesterov ? g + momentum * buf : buf;  p = p - lr * g

import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { fusedStep } from "./fused.js";
import { type ParamGroup, type ParamState, type ParamsArg, Optimizer, checkOptionKeys, defined } from "./optimizer.js";

/** Options of SGD: lr (required), momentum, dampening, weightDecay, nesterov, maximize; torch.optim.SGD's keyword arguments, camelCase. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Maximize the objective: step along the gradient instead of against it. */
  maximize: boolean;
}

/** Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum, with PyTorch's exact update, as torch.optim.SGD: `new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 })`. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    checkOptionKeys("SGD", opts, ["lr", "momentum", "dampening", "weightDecay", "nesterov", "maximize"]);
    const o: SGDOptions = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...defined(opts) };
    if (o.momentum < 0) throw new ValueError(`SGD: invalid momentum ${o.momentum}; it must be >= 0.`);
    if (o.weightDecay < 0) throw new ValueError(`SGD: invalid weightDecay ${o.weightDecay}; it must be >= 0.`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new ValueError(
        `SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum ${o.momentum}, dampening ${o.dampening}).`,
      );
    super(params, o);
  }

  protected update(p: Tensor, grad: Tensor, st: ParamState, g: ParamGroup<SGDOptions>): void {
    const { lr, weightDecay, momentum, dampening, nesterov } = g;
    if (g.maximize) grad = grad.neg();
    const first = st.momentumBuffer === undefined;
    if (
      fusedStep(
        { rule: "sgd", lr, weightDecay, momentum, dampening, nesterov, first },
        p,
        grad,
        st,
        momentum !== 0 ? ["momentumBuffer"] : [],
      )
    )
      return;
    let d = g.weightDecay !== 0 ? grad.add(p, g.weightDecay) : grad;
    if (g.momentum !== 0) {
      const prev = st.momentumBuffer as Tensor | undefined;
      const buf = prev ? prev.mul(g.momentum).add(d, 1 - g.dampening) : d.clone();
      st.momentumBuffer = buf;
      d = g.nesterov ? d.add(buf, g.momentum) : buf;
    }
    p.sub_(d, g.lr);
  }
}
