// The autograd graph: grad mode (noGrad), the node an op records on its output, and the check
// that saved tensors were not modified in place. The backward pass itself is in backward.ts.

import { AutogradError } from "../tensor/errors.js";
import { recycle } from "../tensor/storagePool.js";
import type { GradFnLike, Tensor } from "../tensor/tensor.js";

let gradEnabled = true;

/** Whether ops are being recorded for autograd now (false inside noGrad), as torch.is_grad_enabled. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn with gradient recording off (torch.no_grad); the previous mode comes back after, even on throw. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn, "noGrad");
}

/** Run fn with gradient recording on (torch.enable_grad), e.g. inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn, "enableGrad");
}

/** Run fn with grad mode `enabled`; `op` names the caller in the error for an async fn. */
export function withGradMode<T>(enabled: boolean, fn: () => T, op = "noGrad"): T {
  if (typeof fn !== "function") {
    throw new AutogradError(
      `${op}: expected a function to run, got ${fn === null ? "null" : typeof fn}. Wrap the code: tl.${op}(() => ...).`,
    );
  }
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    const r = fn();
    if (r instanceof Promise) {
      throw new AutogradError(
        `${op}: the function returned a Promise; grad mode is global and cannot follow async code. Call ${op} inside the async function, around synchronous tensor code.`,
      );
    }
    return r;
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Gradient rule of one op: given the gradient of its output, one thunk per input (undefined for
 * an input that gets no gradient). Thunks run only for inputs that need a gradient. A returned
 * gradient may have the output's broadcast shape; the engine sums it down to the input's shape.
 */
export type BackwardFn = (grad: Tensor) => readonly ((() => Tensor) | undefined)[];

/**
 * Where an input's gradient goes, fixed when the op is recorded (PyTorch's next_edges): the node
 * that made the input then, the input itself when it was a leaf that required grad then (its
 * .grad accumulates), or null when it required no grad. Fixed at record time because an in-place
 * op later gives the input tensor a new gradFn (a rebase), which earlier consumers must not follow.
 */
export type Edge = GradNode | Tensor | null;

/** The edge an op records for one of its inputs now. */
export function edgeOf(t: Tensor): Edge {
  const fn = t.gradFn;
  return fn instanceof GradNode ? fn : t.requiresGrad ? t : null;
}

/** The hooks a tensor had while this node made it, kept when an in-place op gave the tensor a new node. */
export interface RetiredHooks {
  readonly tensor: Tensor;
  readonly hooks: Tensor["hooks"];
}

/** One recorded op application: its inputs, its backward rule, and the tensors it saved. */
let nextSeq = 0;

export class GradNode implements GradFnLike {
  readonly name: string;
  /**
   * Creation order (PyTorch's sequence_nr). A node is made after the nodes of its inputs, so
   * running nodes from the highest seq down is a topological order, and the one PyTorch's engine
   * follows (its ready queue takes the highest sequence_nr first): hooks with side effects see
   * the same order.
   */
  readonly seq = nextSeq++;
  readonly inputs: readonly Tensor[];
  /** Where each input's gradient goes (see Edge), captured when the node was made. */
  readonly edges: readonly Edge[];
  /**
   * The hooks registered on this node's output tensor before an in-place op rebased it: as in
   * PyTorch >= 2.0, they still see the gradient of the value before the in-place op.
   */
  retired: RetiredHooks | null = null;
  private rule: BackwardFn | null;
  private shortcut: BackwardFn | null;
  private readonly saved: { t: Tensor; v: number }[];
  /** Whether the rule also keeps a JS number (PyTorch saves it as a wrapped-number tensor). */
  private readonly savesNumbers: boolean;
  /** Tensors the op made for its backward alone and handed to no one (see recordFused's `owned`). */
  private owned: readonly Tensor[];

  constructor(
    name: string,
    inputs: readonly Tensor[],
    rule: BackwardFn,
    saved: readonly Saved[],
    shortcut: BackwardFn | null = null,
    owned: readonly Tensor[] = [],
    edges: readonly Edge[] = inputs.map(edgeOf),
  ) {
    this.name = name;
    this.inputs = inputs;
    this.edges = edges;
    this.rule = rule;
    this.shortcut = shortcut;
    const tensors = saved.filter((t): t is Tensor => typeof t === "object");
    this.saved = tensors.map((t) => ({ t, v: t.version.v }));
    this.savesNumbers = tensors.length !== saved.length;
    this.owned = owned;
  }

  get freed(): boolean {
    return this.rule === null;
  }

  /**
   * Run the rule; throws if the graph was freed or a saved tensor was modified in place. The
   * engine takes the op's fused shortcut when the backward itself is not recorded (the usual
   * backward: grad mode is off while it runs); a recorded backward (createGraph) always runs the
   * composite rule, whose ops are differentiable.
   */
  apply(grad: Tensor): readonly ((() => Tensor) | undefined)[] {
    if (this.rule === null) {
      // only a node that saved tensors is freed (free()), as PyTorch
      throw new AutogradError(
        `backward: trying to backward through the graph a second time (through ${this.name}); its saved tensors were freed after the first backward. ` +
          `Pass { retainGraph: true } to the first backward() if you need to backward twice.`,
      );
    }
    for (const { t, v } of this.saved) {
      if (t.version.v !== v) {
        throw new AutogradError(
          `backward: a tensor of shape [${t.shape.join(", ")}] needed by ${this.name} was modified by an in-place operation after it was saved (version ${t.version.v}, expected ${v}). ` +
            `Use the out-of-place op (add instead of add_), or clone() the tensor before changing it.`,
        );
      }
    }
    const fast = this.shortcut !== null && !gradEnabled && shortcutsEnabled;
    return (fast ? this.shortcut! : this.rule)(grad);
  }

  /** Whether t is among the tensors this node saved for its rule. */
  saves(t: Tensor): boolean {
    return this.saved.some((s) => s.t === t);
  }

  /**
   * An in-place op computed its result into `from` and wrote it into `to`: a saved `from` now
   * stands for `to` at its current version, so a later in-place write to `to` is caught, as
   * PyTorch's saved result of relu_ is the tensor written.
   */
  aliasSaved(from: Tensor, to: Tensor): void {
    for (const s of this.saved) {
      if (s.t === from) {
        s.t = to;
        s.v = to.version.v;
      }
    }
  }

  /**
   * Drop the rules and with them the closures' saved tensors (done after backward unless
   * retainGraph). The storages of `owned` tensors go back at once (recycle): only the dropped
   * closures referenced them, so nothing can read them again, and a resident wasm block need not
   * wait for the garbage collector (a loop that never yields gets none back from it). Not after a
   * recorded backward (createGraph without retainGraph): the graph it built may hold them.
   */
  free(recycleOwned = true): void {
    // a node that saved no tensors keeps its rule, as PyTorch frees only saved variables: a
    // second backward through (x + 1).sum() works there without retainGraph
    if (this.saved.length === 0 && !this.savesNumbers && this.owned.length === 0) return;
    this.rule = null;
    this.shortcut = null;
    this.saved.length = 0;
    if (recycleOwned) for (const t of this.owned) recycle(t.operand);
    this.owned = [];
  }
}

let shortcutsEnabled = true;

/**
 * Run fn with the fused backward shortcuts on or off. Off, every backward runs the composite
 * rule: the test that checks each shortcut against its op's composite uses this.
 */
export function withBackwardShortcuts<T>(enabled: boolean, fn: () => T): T {
  const prev = shortcutsEnabled;
  shortcutsEnabled = enabled;
  try {
    return fn();
  } finally {
    shortcutsEnabled = prev;
  }
}

/** Sees every op application, whatever the grad mode (tl.onnx traces a forward through it). */
export type RecordObserver = (name: string, out: Tensor, inputs: readonly Tensor[]) => void;
let recordObserver: RecordObserver | null = null;

/** Install (or with null remove) the op observer; returns the previous one so callers can nest. */
export function setRecordObserver(fn: RecordObserver | null): RecordObserver | null {
  const prev = recordObserver;
  recordObserver = fn;
  return prev;
}

/**
 * What a rule reads: a tensor (checked against in-place modification at backward time), or a JS
 * number operand, which PyTorch wraps in a tensor and saves: a node that saved anything is freed
 * after backward, so a second backward through x * 2 is refused there, while x + 1 (which saves
 * nothing) backpropagates twice.
 */
export type Saved = Tensor | number | boolean;

/**
 * Attach a graph node to `out` when recording is on and some input requires grad. `saved` are
 * what the rule reads (see Saved).
 * Returns `out` for chaining.
 */
export function record(name: string, out: Tensor, inputs: readonly Tensor[], rule: BackwardFn, saved: readonly Saved[] = inputs): Tensor {
  return attach(name, out, inputs, rule, saved, null);
}

/**
 * record() for an op whose gradient also has a fused form: `rule` is the op's one backward,
 * written with differentiable ops; `shortcut` computes the same values with raw kernels and is
 * what the engine runs when the backward is not recorded. Never a second definition of the
 * gradient: src/autograd/shortcuts.test.ts checks every recordFused op's shortcut against its
 * rule (values and gradients), and fails for a recordFused name it has no case for.
 * `owned`: tensors the op made only for its backward and hands to no one (not returned, not
 * saved elsewhere, no view of them kept): their storages are given back when the node is freed
 * after backward. Anything that can still reach such a tensor must not be listed here.
 */
export function recordFused(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  rule: BackwardFn,
  shortcut: BackwardFn,
  saved: readonly Tensor[] = inputs,
  owned: readonly Tensor[] = [],
): Tensor {
  if (fusedCallSites !== null) fusedCallSites.add(new Error().stack?.split("\n")[2]?.trim() ?? "unknown");
  return attach(name, out, inputs, rule, saved, shortcut, owned);
}

let fusedCallSites: Set<string> | null = null;

/** Test support: from now on collect the stack line of every recordFused caller into `sites` (null stops). */
export function collectFusedCallSites(sites: Set<string> | null): void {
  fusedCallSites = sites;
}

function attach(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  rule: BackwardFn,
  saved: readonly Saved[],
  shortcut: BackwardFn | null,
  owned: readonly Tensor[] = [],
): Tensor {
  if (recordObserver !== null) recordObserver(name, out, inputs);
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return out;
  out.markNonLeaf(new GradNode(name, inputs, rule, saved, shortcut, owned));
  return out;
}
