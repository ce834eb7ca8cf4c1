// Watching gradients flow through time: ||dL/dH_t|| for every time step t of a recurrent run,
// recorded by gradient hooks on the per-step hidden states (the layers' onStep option), and the
// norm of every parameter's gradient. A diagnostic: it changes no value and no gradient.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { noGrad } from "../autograd/graph.js";
import { norm } from "../ops/reduce.js";
import type { Module } from "./module.js";
import type { StepInfo } from "./rnn.js";

/** "l0" for layer 0 forward, "l0_reverse" for its reverse direction (PyTorch's suffixes). */
export const traceKey = (layer: number, direction: 0 | 1): string => `l${layer}${direction ? "_reverse" : ""}`;

/**
 * Records ||dL/dH_t|| (the Frobenius norm over the batch and hidden units of the total gradient
 * reaching the state H_t: from the output at t and from step t+1) during the next backward.
 * Pass `trace.onStep` to a layer's forward, then call backward() on the loss.
 */
export class GradientTrace {
  private readonly norms = new Map<string, number[]>();

  /** The `onStep` forward option: hooks every step's hidden state. */
  readonly onStep = (s: StepInfo): void => {
    if (!s.h.requiresGrad) return;
    const key = traceKey(s.layer, s.direction);
    let row = this.norms.get(key);
    if (!row) this.norms.set(key, (row = []));
    // NaN until a gradient arrives (a step the loss does not depend on keeps NaN)
    while (row.length <= s.t) row.push(NaN);
    const r = row;
    s.h.registerHook((g: Tensor) => {
      r[s.t] = noGrad(() => norm(g).item());
    });
  };

  /** The traced layers and directions ("l0", "l0_reverse", "l1", ...). */
  keys(): string[] {
    return [...this.norms.keys()];
  }

  /** ||dL/dH_t|| for t = 0..T-1 of one layer and direction (index t is time step t + 1 in 1-based terms). */
  hiddenGradNorms(layer = 0, direction: 0 | 1 = 0): number[] {
    const row = this.norms.get(traceKey(layer, direction));
    if (!row) throw new ValueError(`GradientTrace: nothing was traced for layer ${layer}${direction ? " (reverse)" : ""}; traced: [${this.keys().join(", ")}]. Pass trace.onStep to the forward call that builds the loss.`);
    return row.slice();
  }

  /** Forget everything recorded, to trace another run. */
  reset(): void {
    this.norms.clear();
  }
}

/** The 2-norm of every parameter's .grad, by state-dict name (0 for a parameter without gradient). */
export function paramGradNorms(module: Module): Record<string, number> {
  return noGrad(() => Object.fromEntries(module.namedParameters().map(([name, p]) => [name, p.grad ? norm(p.grad).item() : 0])));
}

/** What traceGradients returns: the loss, ||dL/dH_t|| per traced layer/direction and time step, and ||dL/dtheta|| per parameter (no PyTorch counterpart; built from hooks). */
export interface GradientReport {
  loss: number;
  /** ||dL/dH_t|| per traced layer and direction ("l0", "l0_reverse"...), indexed by time step. */
  hidden: Record<string, number[]>;
  /** ||dL/dtheta|| per parameter name. */
  params: Record<string, number>;
}

/**
 * Run `lossOf(onStep)` (which must pass onStep to the recurrent layer's forward), zero the
 * module's gradients, back-propagate the loss and report the gradient norms through time and per
 * parameter. The module's .grad hold this run's gradients afterwards.
 * @example ((rnn) => tl.nn.traceGradients(rnn, (onStep) => rnn.forward(tl.ones([3, 1, 1]), null, { onStep })[0].sum()).hidden.l0.length)(new tl.nn.RNN(1, 2)) // => 3
 */
export function traceGradients(module: Module, lossOf: (onStep: (s: StepInfo) => void) => Tensor): GradientReport {
  const trace = new GradientTrace();
  module.zeroGrad();
  const loss = lossOf(trace.onStep);
  loss.backward();
  const hidden = Object.fromEntries(trace.keys().map((k) => [k, trace.hiddenGradNorms(Number(/^l(\d+)/.exec(k)![1]), k.endsWith("_reverse") ? 1 : 0)]));
  return { loss: loss.item(), hidden, params: paramGradNorms(module) };
}
