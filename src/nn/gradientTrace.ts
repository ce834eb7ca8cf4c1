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
  private readonly rows = new Map<string, TracedStep[]>();

  /** The `onStep` forward option: hooks every step's hidden state. */
  readonly onStep = (s: StepInfo): void => {
    if (!s.h.requiresGrad) return;
    const key = traceKey(s.layer, s.direction);
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = []));
    // no gradient until one arrives (a step the loss does not depend on keeps none)
    while (row.length <= s.t) row.push({ norm: null, cut: false });
    const entry: TracedStep = { norm: null, cut: false };
    row[s.t] = entry;
    s.h.registerHook((g: Tensor) => {
      if (row[s.t] === entry) entry.norm = noGrad(() => norm(g).item());
    });
  };

  /**
   * The recurrent state is being detached (truncated BPTT, between chunks): every step traced so
   * far is cut, since no later loss's gradient can reach it. Its entry becomes
   * `{ norm: null, cut: true }` (NaN in hiddenGradNorms) until a new forward traces that step again.
   * truncatedBptt calls it when given `trace`. No PyTorch counterpart.
   */
  truncate(): void {
    for (const row of this.rows.values())
      row.forEach((_, t) => {
        row[t] = { norm: null, cut: true };
      });
  }

  /** The traced layers and directions ("l0", "l0_reverse", "l1", ...). */
  keys(): string[] {
    return [...this.rows.keys()];
  }

  private row(layer: number, direction: 0 | 1): TracedStep[] {
    const row = this.rows.get(traceKey(layer, direction));
    if (!row)
      throw new ValueError(
        `GradientTrace: nothing was traced for layer ${layer}${direction ? " (reverse)" : ""}; traced: [${this.keys().join(", ")}]. Pass trace.onStep to the forward call that builds the loss.`,
      );
    return row;
  }

  /**
   * ||dL/dH_t|| for t = 0..T-1 of one layer and direction (index t is time step t + 1 in 1-based
   * terms). NaN where no gradient arrived: a step the loss does not depend on, or one cut by
   * truncation (hiddenGradSteps tells them apart).
   */
  hiddenGradNorms(layer = 0, direction: 0 | 1 = 0): number[] {
    return this.row(layer, direction).map((e) => e.norm ?? NaN);
  }

  /**
   * Each step's entry for t = 0..T-1 of one layer and direction: `{ norm, cut }`, with `norm`
   * null where no gradient arrived and `cut` true where truncation stopped it (see truncate).
   * No PyTorch counterpart.
   * @example ((rnn, tr) => (rnn.forward(tl.ones([2, 1, 1]), null, { onStep: tr.onStep })[0].sum().backward(), tr.hiddenGradSteps()[0].cut))(new tl.nn.RNN(1, 2), new tl.nn.GradientTrace()) // => false
   */
  hiddenGradSteps(layer = 0, direction: 0 | 1 = 0): TracedStep[] {
    return this.row(layer, direction).map((e) => ({ ...e }));
  }

  /** Forget everything recorded, to trace another run. */
  reset(): void {
    this.rows.clear();
  }
}

/** One traced step: the gradient norm ||dL/dH_t|| that reached it (null: none), and whether truncation cut it. No PyTorch counterpart. */
export interface TracedStep {
  /** ||dL/dH_t||, or null where no gradient arrived (cut, or the loss does not depend on the step). */
  norm: number | null;
  /** True where the step's state was detached (truncated BPTT) before the backward that was traced. */
  cut: boolean;
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
  const hidden = Object.fromEntries(
    trace.keys().map((k) => [k, trace.hiddenGradNorms(Number(/^l(\d+)/.exec(k)![1]), k.endsWith("_reverse") ? 1 : 0)]),
  );
  return { loss: loss.item(), hidden, params: paramGradNorms(module) };
}
