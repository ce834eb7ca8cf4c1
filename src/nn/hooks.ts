// Forward hooks on modules, as torch.nn.Module.register_forward_pre_hook / register_forward_hook.
// A Module's forward is called directly (there is no __call__), so the first hook on a module
// gives that instance an own, non-enumerable `forward` that runs the hooks around the original
// one; removing the last hook puts the original back. Every caller (user code, Sequential, a
// parent's forward) goes through the instance property, so every call is seen.

import type { Module } from "./module.js";
import { ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Called after `module.forward(...inputs)` returned `output`. A return value other than
 * undefined replaces the output (as PyTorch's forward hooks).
 */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

/**
 * Called before `module.forward(...inputs)`. Return undefined to keep the arguments, an array
 * that replaces the whole argument list, or one Tensor that becomes the only argument (PyTorch
 * wraps a non-tuple result in a tuple).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is any function returning void, as in PyTorch
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | Tensor | void;

/** What registerForwardHook / registerForwardPreHook return: `remove()` detaches the hook (idempotent). */
export interface HookHandle {
  remove(): void;
}

type Fn = (...args: unknown[]) => unknown;

interface HookState {
  readonly pre: Map<number, ForwardPreHook>;
  readonly post: Map<number, ForwardHook>;
  /** The forward the wrapper calls: the prototype's, or an own one the instance had before. */
  readonly inner: Fn;
  readonly hadOwn: boolean;
  readonly wrapper: Fn;
}

const states = new WeakMap<Module, HookState>();
let nextId = 0;

function install(m: Module): HookState {
  const existing = states.get(m);
  if (existing) return existing;
  const hadOwn = Object.hasOwn(m, "forward");
  const inner = m.forward as unknown as Fn;
  const pre = new Map<number, ForwardPreHook>();
  const post = new Map<number, ForwardHook>();
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    let inputs = args;
    // copies: a hook may remove itself (or another) while running
    for (const h of [...pre.values()]) {
      const r = h(m, inputs);
      if (r === undefined) continue;
      // one tensor is the one argument, as PyTorch wraps a non-tuple result in a tuple
      if (r instanceof Tensor) inputs = [r];
      else if (Array.isArray(r)) inputs = r;
      else {
        throw new ValueError(
          `${m.constructor.name}: a forward pre-hook returned ${typeof r}; return undefined to keep the arguments, a Tensor (the one argument) or an array of new arguments.`,
        );
      }
    }
    let output = inner.apply(this, inputs);
    for (const h of [...post.values()]) {
      const r = h(m, inputs, output);
      if (r !== undefined) output = r;
    }
    return output;
  };
  Object.defineProperty(m, "forward", { value: wrapper, writable: true, configurable: true, enumerable: false });
  const s: HookState = { pre, post, inner, hadOwn, wrapper };
  states.set(m, s);
  return s;
}

function uninstallIfIdle(m: Module, s: HookState): void {
  if (s.pre.size > 0 || s.post.size > 0 || states.get(m) !== s) return;
  states.delete(m);
  // someone assigned another forward since: leave theirs in place
  if ((m.forward as unknown) !== s.wrapper) return;
  if (s.hadOwn) Object.defineProperty(m, "forward", { value: s.inner, writable: true, configurable: true, enumerable: false });
  else delete (m as unknown as { forward?: unknown }).forward;
}

function add<H>(m: Module, hook: H, which: "pre" | "post", what: string): HookHandle {
  if (typeof hook !== "function") throw new ValueError(`${what}: expected a function, got ${typeof hook}.`);
  const s = install(m);
  const id = nextId++;
  (s[which] as Map<number, H>).set(id, hook);
  return {
    remove(): void {
      if (s[which].delete(id)) uninstallIfIdle(m, s);
    },
  };
}

export function addForwardHook(m: Module, hook: ForwardHook): HookHandle {
  return add(m, hook, "post", "registerForwardHook");
}

export function addForwardPreHook(m: Module, hook: ForwardPreHook): HookHandle {
  return add(m, hook, "pre", "registerForwardPreHook");
}
