// Module and Parameter, as torch.nn.Module: explicit registration of parameters, buffers and
// submodules (no property-assignment magic), state dicts under PyTorch's key names, train/eval,
// zeroGrad and to(dtype).

import type { DType } from "../tensor/dtype.js";
import { assertDType } from "../tensor/dtype.js";
import { ShapeError, TensorloomError } from "../tensor/errors.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/graph.js";
import { castRaw } from "../ops/op.js";
import { addForwardHook, addForwardPreHook, type ForwardHook, type ForwardPreHook, type HookHandle } from "./hooks.js";
import { summarize, type ModelSummary, type SummaryOptions } from "./summary.js";

/** A leaf tensor that a Module registers as trainable (requiresGrad true by default). */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.version);
    this.requiresGrad = requiresGrad;
  }
}

/** Parameters and buffers by dotted name ("0.weight", "bn.running_mean"), as PyTorch's state_dict (a plain object here, not an OrderedDict). */
export type StateDict = Record<string, Tensor>;

/** What loadStateDict returns with strict false: missingKeys and unexpectedKeys, as PyTorch's _IncompatibleKeys. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** The base of every layer and model, as torch.nn.Module: assign Parameters and Modules to fields and they are registered (parameters(), namedModules(), stateDict()), train()/eval(), to(dtype), hooks, summary(). Subclasses implement forward; call model.forward(x) (there is no __call__). */
export abstract class Module {
  /** Bumped when a module's state-dict layout changes (PyTorch's `_version`). */
  static version = 1;
  /** True in training mode (the default), false after eval(); dropout and batch norm read it, as torch.nn.Module.training. */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly buffers_ = new Map<string, { t: Tensor | null; persistent: boolean }>();
  private readonly children_ = new Map<string, Module>();

  /** The computation of this module: call model.forward(x) (PyTorch calls it through __call__, which does not exist here; hooks still run). Every subclass implements it. */
  abstract forward(...args: never[]): unknown;

  /** Register a parameter under `name` (its state-dict key) and return it. */
  protected registerParameter<P extends Parameter | null>(name: string, p: P): P {
    this.checkName(name);
    this.params.set(name, p);
    return p;
  }

  /** Register state that is saved but not trained (running_mean...). */
  protected registerBuffer<T extends Tensor | null>(name: string, t: T, persistent = true): T {
    this.checkName(name);
    this.buffers_.set(name, { t, persistent });
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children_.set(name, m);
    return m;
  }

  /** Replace a registered buffer's tensor (e.g. running statistics after an update). */
  protected setBuffer(name: string, t: Tensor): void {
    const b = this.buffers_.get(name);
    if (!b) throw new TensorloomError(`setBuffer: no buffer named "${name}" is registered on ${this.constructor.name}.`);
    b.t = t;
  }

  protected getBuffer(name: string): Tensor | null {
    return this.buffers_.get(name)?.t ?? null;
  }

  private checkName(name: string): void {
    if (!name || name.includes("."))
      throw new TensorloomError(`${this.constructor.name}: invalid name "${name}": names must be non-empty and contain no ".".`);
    if (this.params.has(name) || this.buffers_.has(name) || this.children_.has(name)) {
      throw new TensorloomError(
        `${this.constructor.name}: "${name}" is already registered; each parameter, buffer and submodule needs its own name.`,
      );
    }
  }

  /** Direct submodules, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children_.entries()];
  }

  /** The direct submodules, in registration order, as torch.nn.Module.children. */
  children(): Module[] {
    return [...this.children_.values()];
  }

  /** This module and every descendant, depth first, with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this.children_) out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /** This module and every descendant, depth first, as torch.nn.Module.modules. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their state-dict names, each listed once even if shared. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, p] of m.params) {
        if (p && !seen.has(p)) {
          seen.add(p);
          out.push([prefix ? `${prefix}.${n}` : n, p]);
        }
      }
    }
    return out;
  }

  /** Every parameter of this module and its descendants, each once, in state-dict order, as torch.nn.Module.parameters (an array, not a generator). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers (running statistics...) with their dotted names, as torch.nn.Module.named_buffers (an array). */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, b] of m.buffers_) if (b.t) out.push([prefix ? `${prefix}.${n}` : n, b.t]);
    }
    return out;
  }

  /** Every buffer of this module and its descendants, as torch.nn.Module.buffers (an array). */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Parameters and persistent buffers under PyTorch's keys ("conv1.weight", "bn.running_mean"). */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m.params) if (p) sd[key(n)] = p.detach();
      for (const [n, b] of m.buffers_) if (b.t && b.persistent) sd[key(n)] = b.t.detach();
    }
    return sd;
  }

  /**
   * Copy values from a state dict into this module's parameters and buffers (converted to their
   * dtypes), as torch's load_state_dict. With strict (the default) missing or unexpected keys are
   * an error; shapes must always match.
   */
  loadStateDict(sd: StateDict, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const targets = new Map<string, { t: Tensor; set: (v: Tensor) => void }>();
    for (const [prefix, m] of this.namedModules()) {
      const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m.params) if (p) targets.set(key(n), { t: p, set: (v) => void p.setData_(v) });
      for (const [n, b] of m.buffers_)
        if (b.t && b.persistent) {
          const t = b.t;
          targets.set(key(n), { t, set: (v) => void t.setData_(v) });
        }
    }
    // Own keys only: a plain-object dict "has" inherited names such as "constructor".
    const own = (k: string): Tensor | undefined => (Object.hasOwn(sd, k) ? sd[k] : undefined);
    const missingKeys = [...targets.keys()].filter((k) => own(k) === undefined);
    const unexpectedKeys = Object.keys(sd).filter((k) => !targets.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      throw new TensorloomError(
        `loadStateDict: keys do not match ${this.constructor.name}: missing [${missingKeys.join(", ")}], unexpected [${unexpectedKeys.join(", ")}]. ` +
          `Fix the names, or pass { strict: false } to load the keys that match.`,
      );
    }
    for (const [k, { t }] of targets) {
      const v = own(k);
      if (v && !shapesEqual(v.shape, t.shape)) {
        throw new ShapeError(
          `loadStateDict: "${k}" has shape ${fmt(v.shape)} in the state dict but ${fmt(t.shape)} in the model. Load weights saved from a model of the same configuration.`,
        );
      }
    }
    noGrad(() => {
      for (const [k, { t, set }] of targets) {
        const v = own(k);
        if (!v) continue;
        const c = castRaw(v, t.dtype); // a copy already when the dtype differs
        set(new Tensor(c === v ? v.storage.slice() : c.storage, t.shape));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Set training mode on this module and all descendants (dropout, batch norm). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (train(false)): dropout off, batch norm uses running statistics, as torch.nn.Module.eval. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clear every parameter's gradient: to null (as PyTorch's default set_to_none=True), or to zeros in place with `setToNone` false. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (setToNone || !p.grad) p.grad = null;
      else noGrad(() => p.grad!.zero_());
    }
  }

  /** Convert float parameters and buffers to `dtype`, keeping parameter identity. */
  to(dtype: DType): this {
    assertDType("to", dtype);
    noGrad(() => {
      for (const m of this.modules()) {
        for (const p of m.params.values()) {
          if (p && p.dtype !== dtype && (p.dtype === "float32" || p.dtype === "float64")) p.setData_(castRaw(p, dtype));
          // as PyTorch's _apply: a gradient follows its parameter
          if (p?.grad && p.grad.dtype !== dtype && (p.grad.dtype === "float32" || p.grad.dtype === "float64"))
            p.grad = castRaw(p.grad, dtype);
        }
        for (const b of m.buffers_.values())
          if (b.t && b.t.dtype !== dtype && (b.t.dtype === "float32" || b.t.dtype === "float64")) b.t.setData_(castRaw(b.t, dtype));
      }
    });
    return this;
  }

  /** Number of parameter elements (trainable ones only with onlyTrainable). */
  numParameters(onlyTrainable = false): number {
    return this.parameters()
      .filter((p) => !onlyTrainable || p.requiresGrad)
      .reduce((n, p) => n + p.numel(), 0);
  }

  /**
   * Call `hook(module, inputs, output)` after every forward of this module, as PyTorch's
   * register_forward_hook; a return value other than undefined replaces the output. The
   * returned handle's `remove()` detaches it.
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    return addForwardHook(this, hook);
  }

  /** Call `hook(module, inputs)` before every forward of this module; returning an array replaces the arguments. */
  registerForwardPreHook(hook: ForwardPreHook): HookHandle {
    return addForwardPreHook(this, hook);
  }

  /**
   * The module tree with each module's output shape and parameter counts, totals (trainable and
   * not) and a memory estimate, from one forward pass on zeros of `inputShape` (one shape, or a
   * list of shapes for several inputs), as torchinfo's summary. Runs under noGrad in eval mode;
   * training flags, buffers and the random stream are as before afterwards. `toString()` is a
   * table; `{ print: true }` logs it.
   * @example new tl.nn.Sequential(new tl.nn.Linear(4, 3), new tl.nn.ReLU()).summary([2, 4]).totalParams // => 15
   */
  summary(inputShape: readonly number[] | readonly (readonly number[])[], opts: SummaryOptions = {}): ModelSummary {
    return summarize(this, inputShape, opts);
  }

  /** A one-line-per-module summary, like PyTorch's repr. */
  toString(): string {
    const own = this.extraRepr();
    const kids = this.namedChildren();
    if (kids.length === 0) return `${this.constructor.name}(${own})`;
    const inner = kids.map(([n, m]) => `  (${n}): ${String(m).split("\n").join("\n  ")}`).join("\n");
    return `${this.constructor.name}(${own ? own + "\n" : "\n"}${inner}\n)`;
  }

  /** The arguments shown in toString(), e.g. "in_features=3, out_features=4, bias=True". */
  protected extraRepr(): string {
    return "";
  }
}
