// The Optimizer base, as torch.optim.Optimizer: parameter groups with their own options,
// per-parameter state, zeroGrad, and state dicts that use PyTorch's keys (momentum_buffer,
// exp_avg, step; lr, weight_decay...) so training can resume, including across frameworks.

import { noGrad } from "../autograd/graph.js";
import { TensorloomError, ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/** Parameters, or groups of parameters with options that override the optimizer's defaults. */
export type ParamsArg<O> = readonly Tensor[] | readonly ({ params: readonly Tensor[] } & Partial<O>)[];

/** One parameter group: its tensors (`params`) and the optimizer's options for them, as an entry of torch.optim.Optimizer.param_groups (camelCase keys). */
export type ParamGroup<O> = O & { params: Tensor[] };

/** Per-parameter state: tensors (buffers) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/** The serialisable form, as torch's optimizer.state_dict(): params referred to by position. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: Record<string, unknown>[];
}

/**
 * Refuse an option the optimizer does not have (a snake_case spelling, a typo, momentum for Adam):
 * ignored, it would change nothing and the run would silently differ from the one intended.
 */
export function checkOptionKeys(name: string, opts: object, known: readonly string[]): void {
  for (const k of Object.keys(opts)) {
    if (known.includes(k)) continue;
    const camelK = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camelK !== k && known.includes(camelK) ? ` (did you mean ${camelK}? options are camelCase)` : "";
    throw new ValueError(`${name}: unknown option "${k}"${hint}. ${name} takes ${known.join(", ")}.`);
  }
}

/** opts without its undefined entries: an option given as undefined takes the default, as an omitted keyword does. */
export function defined<T extends object>(opts: T): T {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as T;
}

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The base of every optimizer, as torch.optim.Optimizer: parameter groups with per-group options, per-parameter state, step(), zeroGrad() and stateDict()/loadStateDict() in PyTorch's layout. Subclasses implement one parameter's update. */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameter groups with their current options (lr...), as torch.optim.Optimizer.param_groups (camelCase keys); schedulers write lr here. */
  readonly paramGroups: ParamGroup<O>[];
  /** Per-parameter state (momentum buffers, moments, step counts) keyed by the parameter tensor, as Optimizer.state. */
  readonly state = new Map<Tensor, ParamState>();

  constructor(
    params: ParamsArg<O>,
    /** The options groups fall back to, as Optimizer.defaults. */ readonly defaults: O,
  ) {
    const name = this.constructor.name;
    if (!(defaults.lr >= 0)) throw new ValueError(`${name}: invalid learning rate ${defaults.lr}; lr must be >= 0.`);
    const list = [...params] as (Tensor | ({ params: readonly Tensor[] } & Partial<O>))[];
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list. Pass model.parameters().`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ({ params: readonly Tensor[] } & Partial<O>)[]);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      const ps = [...g.params];
      for (const p of ps) {
        if (!(p instanceof Tensor)) throw new ValueError(`${name}: group ${gi} holds a ${typeof p}, not a tensor.`);
        if (!p.isLeaf)
          throw new ValueError(
            `${name}: can't optimize a non-leaf tensor (made by ${p.gradFn?.name}). Optimize parameters or leaves created with { requiresGrad: true }.`,
          );
        if (seen.has(p))
          throw new ValueError(`${name}: a parameter appears in more than one group (or twice in one). List each parameter once.`);
        seen.add(p);
      }
      return { ...defaults, ...defined(g), params: ps } as ParamGroup<O>;
    });
  }

  /** Clear gradients (to null by default, as PyTorch's set_to_none=True). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (setToNone || !p.grad) p.grad = null;
        else noGrad(() => p.grad!.zero_());
      }
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          this.update(p, p.grad, st, group);
        }
      }
    });
  }

  /** The rule for one parameter, given its gradient, its state and its group's options. */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /** State under PyTorch's keys, parameters numbered in group order (torch's format). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(opts)) out[snake(k)] = v;
      out.params = params.map((p) => {
        const i = index.size;
        index.set(p, i);
        return i;
      });
      return out;
    });
    const state: OptimizerStateDict["state"] = {};
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(st).map(([k, v]) => [snake(k), v instanceof Tensor ? v.clone() : v]));
    }
    return { state, param_groups };
  }

  /** Restore options and state saved by stateDict(); groups and sizes must match. */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new TensorloomError(
        `${name}.loadStateDict: the state dict has ${sd.param_groups.length} parameter groups but this optimizer has ${this.paramGroups.length}.`,
      );
    }
    const all: Tensor[] = [];
    sd.param_groups.forEach((saved, gi) => {
      const g = this.paramGroups[gi]!;
      const ids = saved.params as number[];
      if (ids.length !== g.params.length)
        throw new TensorloomError(
          `${name}.loadStateDict: group ${gi} has ${ids.length} parameters in the state dict but ${g.params.length} here.`,
        );
      for (const [k, v] of Object.entries(saved)) if (k !== "params") (g as Record<string, unknown>)[camel(k)] = v;
      all.push(...g.params);
    });
    this.state.clear();
    for (const [i, st] of Object.entries(sd.state)) {
      const p = all[Number(i)];
      if (!p) throw new TensorloomError(`${name}.loadStateDict: state for parameter ${i}, but there are only ${all.length} parameters.`);
      this.state.set(
        p,
        Object.fromEntries(Object.entries(st).map(([k, v]) => [camel(k), v instanceof Tensor ? v.clone().to(p.dtype) : v])),
      );
    }
  }
}
