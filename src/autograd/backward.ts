// The reverse pass: order the recorded nodes so each runs after all its consumers, push
// gradients through their rules, undo broadcasting once (sumToSize), and accumulate into leaves.
// Iterative throughout, so a 10,000-step unrolled RNN does not overflow the JS stack.

import { AutogradError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { ones } from "../tensor/create.js";
import { GradNode, withGradMode } from "./graph.js";
// the engine combines gradients with ops (differentiable when the backward is recorded); it
// imports them rather than relying on the Tensor methods ops/methods.ts installs
import { add } from "../ops/binary.js";
import { detach, reshape, to } from "../ops/movement.js";
import { sumToSize } from "../ops/reduce.js";
import { type StorageKey, beginPass, endPass, recycle, storageKey } from "../tensor/storagePool.js";
import type { Storage } from "../tensor/storage.js";

/** Options of backward() and grad(): `retainGraph` and `createGraph`, PyTorch's retain_graph and create_graph keywords. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. Implies retainGraph. */
  createGraph?: boolean;
}

/**
 * Nodes reachable from `root`, each after every node that consumes its output: newest first, as
 * PyTorch's engine orders them (see GradNode.seq).
 */
function topoOrder(root: GradNode): GradNode[] {
  const found: GradNode[] = [root];
  const visited = new Set<GradNode>(found);
  for (let k = 0; k < found.length; k++) {
    for (const fn of found[k]!.edges) {
      if (fn instanceof GradNode && !visited.has(fn)) {
        visited.add(fn);
        found.push(fn);
      }
    }
  }
  return found.sort((p, q) => q.seq - p.seq);
}

function checkRoot(op: string, root: Tensor, gradient: Tensor | null | undefined): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(
      `${op}: the tensor does not require grad and has no grad_fn, so there is nothing to differentiate. Create the inputs with { requiresGrad: true }, and do not call it inside noGrad().`,
    );
  }
  // null is PyTorch's None: the implicit gradient of a scalar
  if (gradient === undefined || gradient === null) {
    if (root.numel() !== 1) {
      throw new AutogradError(
        `${op}: grad can be implicitly created only for scalar outputs, but the output has shape ${fmt(root.shape)}. Reduce it first (loss.sum(), loss.mean()) or pass a gradient of that shape: y.backward(tl.onesLike(y)).`,
      );
    }
    return ones(root.shape, { dtype: root.dtype });
  }
  if (!(gradient instanceof Tensor)) {
    throw new ValueError(
      `${op}: the gradient must be a Tensor of the output's shape ${fmt(root.shape)} (or null for a scalar output), got ${Array.isArray(gradient) ? "an array" : typeof gradient}.`,
    );
  }
  if (!shapesEqual(gradient.shape, root.shape)) {
    throw new ShapeError(
      `${op}: gradient has shape ${fmt(gradient.shape)} but the output has shape ${fmt(root.shape)}. Pass a gradient of the output's shape.`,
    );
  }
  // PyTorch casts a root gradient of another dtype (float64, int, bool) to the output's dtype, so
  // hooks, retainGrad and a leaf root's .grad see the output's dtype
  return gradient.dtype === root.dtype ? gradient : to(gradient, root.dtype);
}

/** Bring an input's gradient to the input's shape and dtype (broadcasting and promotion undone). */
function fitGrad(g: Tensor, input: Tensor, node: GradNode): Tensor {
  if (!shapesEqual(g.shape, input.shape)) {
    if (g.numel() === input.numel()) g = reshape(g, input.shape.slice());
    else g = sumToSize(g, input.shape.slice());
  }
  if (g.dtype !== input.dtype) g = to(g, input.dtype);
  if (!shapesEqual(g.shape, input.shape)) {
    throw new AutogradError(
      `backward: ${node.name} returned a gradient of shape ${fmt(g.shape)} for an input of shape ${fmt(input.shape)}. This is a bug in that op's backward rule; please report it.`,
    );
  }
  return g;
}

/**
 * Run t's hooks in registration order, each on the previous one's result. A hook returns
 * undefined (or null) to keep the gradient, or a tensor of the gradient's shape and dtype (as
 * PyTorch, which refuses a hook that changes either).
 */
function runHooks(t: Tensor, g: Tensor, hooks: Tensor["hooks"] = t.hooks): Tensor {
  // a copy: a hook may remove itself (or another) while running
  for (const h of hooks.slice()) {
    const r: unknown = h(g);
    if (r === undefined || r === null) continue;
    if (!(r instanceof Tensor)) {
      throw new AutogradError(
        `registerHook: a hook on a tensor of shape ${fmt(t.shape)} returned ${typeof r}; a hook must return undefined (keep the gradient) or a Tensor of the gradient's shape and dtype.`,
      );
    }
    if (!shapesEqual(r.shape, g.shape)) {
      throw new AutogradError(
        `registerHook: a hook changed the gradient's shape from ${fmt(g.shape)} to ${fmt(r.shape)}; a hook must return a gradient of the tensor's shape (or undefined to keep it).`,
      );
    }
    if (r.dtype !== g.dtype) {
      throw new AutogradError(
        `registerHook: a hook changed the gradient's dtype from ${g.dtype} to ${r.dtype}; return a gradient of the same dtype, e.g. g.to("${g.dtype}").`,
      );
    }
    g = r;
  }
  return g;
}

/**
 * A .grad assigned by hand must match its tensor's shape and dtype (PyTorch refuses the
 * assignment); adding into one of another shape would broadcast into a wrong gradient.
 */
function checkAssignedGrad(t: Tensor): void {
  const g = t.grad;
  if (g === null || g === undefined) return;
  if (!(g instanceof Tensor) || !shapesEqual(g.shape, t.shape) || g.dtype !== t.dtype) {
    const got = g instanceof Tensor ? `shape ${fmt(g.shape)}, ${g.dtype}` : typeof g;
    throw new AutogradError(
      `backward: a leaf of shape ${fmt(t.shape)} (${t.dtype}) has a .grad of ${got}; a tensor's .grad must have the tensor's shape and dtype. Set .grad to null (or a tensor of that shape and dtype) before backward.`,
    );
  }
}

const accumulate = (prev: Tensor | undefined | null, g: Tensor): Tensor => (prev ? add(prev, g) : g);

/** The recycling identity of t's storage (shared by its views). */
const keyOf = (t: Tensor): StorageKey => storageKey(t.deviceStorage ?? t.storage);

/**
 * Which gradient storages die inside one backward pass (see tensor/storagePool.ts). Counts, per
 * buffer, the pending gradients that hold it; a buffer that left the pass (a leaf's .grad, a
 * hook, retainGrad, an autograd.grad result) is pinned; only buffers allocated during the pass
 * are ever recycled.
 */
class GradientLife {
  private readonly born = beginPass();
  private readonly holds = new Map<StorageKey, number>();
  private readonly pinned = new Set<StorageKey>();
  /** Storages that may have died during the current node; flush() recycles those still unheld. */
  private readonly candidates: Storage[] = [];

  pin(t: Tensor): void {
    this.pinned.add(keyOf(t));
  }
  /** A pending gradient now holds t's storage. */
  hold(t: Tensor): void {
    const b = keyOf(t);
    if (this.born.has(b)) this.holds.set(b, (this.holds.get(b) ?? 0) + 1);
  }
  /** A pending gradient holding t's storage let go of it. */
  drop(t: Tensor): void {
    const b = keyOf(t);
    const n = (this.holds.get(b) ?? 0) - 1;
    if (n > 0) this.holds.set(b, n);
    else this.holds.delete(b);
    this.consider(t);
  }
  /** t is no longer used by the pass itself: recycle its storage at flush() unless something holds it then. */
  consider(t: Tensor): void {
    if (this.born.has(keyOf(t))) this.candidates.push(t.deviceStorage ?? t.storage);
  }
  /**
   * After a node's rules have all run: recycle what died during it. Deferred to here because a
   * rule's thunks may share a lazily computed result, which must stay intact until the last
   * thunk of that node has read it.
   */
  flush(): void {
    for (const s of this.candidates) {
      const b = storageKey(s);
      if (this.holds.has(b) || this.pinned.has(b) || !this.born.has(b)) continue;
      this.born.delete(b);
      recycle(s);
    }
    this.candidates.length = 0;
  }
  end(): void {
    endPass(this.born);
  }
}

/**
 * Core pass. With `capture`, gradients of the listed tensors are returned in it and no leaf's
 * .grad is touched (autograd.grad); without it, leaves accumulate into .grad (Tensor.backward).
 * Either way hooks run and a non-leaf that called retainGrad keeps its gradient, as in PyTorch.
 */
function run(root: Tensor, g0: Tensor, opts: BackwardOptions, capture: Map<Tensor, Tensor | null> | null): void {
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  // with a recorded backward (createGraph) gradients are graph values: nothing is recycled
  const life = opts.createGraph ? null : new GradientLife();
  // a leaf's gradient is summed over every path first; its hooks then run once on the sum (as
  // PyTorch's AccumulateGrad node, which runs when all its inputs are in)
  const leaves = new Map<Tensor, Tensor>();
  const sink = (t: Tensor, g: Tensor): void => {
    life?.pin(g);
    if (capture && !capture.has(t)) return;
    const prev = leaves.get(t);
    const sum = accumulate(prev, g);
    life?.pin(sum);
    leaves.set(t, sum);
  };
  const finishLeaf = (t: Tensor): void => {
    const g0 = leaves.get(t);
    if (g0 === undefined) return;
    leaves.delete(t);
    // in tl.grad a captured leaf's hooks run and the capture is their result (PyTorch >= 2.0)
    const g = runHooks(t, g0);
    life?.pin(g);
    if (capture) capture.set(t, accumulate(capture.get(t), g));
    else {
      checkAssignedGrad(t);
      t.grad = accumulate(t.grad, opts.createGraph ? g : detach(g));
    }
  };
  const finishLeaves = (): void => {
    for (const t of [...leaves.keys()]) finishLeaf(t);
  };
  // edges into each leaf not yet run: a leaf is finished as soon as its last consumer has run,
  // as PyTorch runs an AccumulateGrad node once it is ready (hooks see PyTorch's order)
  const leafEdges = new Map<Tensor, number>();
  const releaseLeaves = (node: GradNode): void => {
    for (const input of node.edges) {
      if (!(input instanceof Tensor)) continue;
      const left = leafEdges.get(input);
      if (left === undefined) continue;
      if (left > 1) leafEdges.set(input, left - 1);
      else {
        leafEdges.delete(input);
        finishLeaf(input);
      }
    }
  };
  try {
    withGradMode(opts.createGraph ?? false, () => {
      const rootFn = root.gradFn;
      if (!(rootFn instanceof GradNode)) {
        sink(root, g0);
        finishLeaves();
        return;
      }
      const order = topoOrder(rootFn);
      for (const node of order)
        for (const input of node.edges)
          if (input instanceof Tensor && input.requiresGrad) leafEdges.set(input, (leafEdges.get(input) ?? 0) + 1);
      const outputs = new Map<GradNode, Tensor>(); // nodes whose output tensor wants hooks/retainGrad/capture
      const pending = new Map<GradNode, Tensor>([[rootFn, g0]]);
      outputs.set(rootFn, root);
      for (const node of order) {
        const popped = pending.get(node);
        pending.delete(node);
        if (popped === undefined) {
          releaseLeaves(node);
          continue;
        }
        let g = popped;
        const out = outputs.get(node);
        if (node.retired !== null) {
          // hooks registered before an in-place op rebased their tensor see the old value's gradient
          life?.pin(g);
          g = runHooks(node.retired.tensor, g, node.retired.hooks);
          life?.pin(g);
        }
        if (out) {
          // the gradient of a tensor with hooks, retainGrad or capture leaves the pass
          // hooks run in tl.grad too; what is captured and retained is their result (PyTorch >= 2.0)
          life?.pin(g);
          g = runHooks(out, g);
          life?.pin(g);
          if (capture?.has(out)) capture.set(out, accumulate(capture.get(out), g));
          if (out.retainsGrad) out.grad = accumulate(out.grad, opts.createGraph ? g : detach(g));
        }
        const thunks = node.apply(g);
        node.inputs.forEach((input, i) => {
          const thunk = thunks[i];
          const fn = node.edges[i]!;
          // a leaf set to requiresGrad false after the op gets nothing (PyTorch's AccumulateGrad)
          if (fn === null || (fn instanceof Tensor && !fn.requiresGrad) || thunk === undefined) return;
          const gi = fitGrad(thunk(), input, node);
          if (fn instanceof GradNode) {
            const prev = pending.get(fn);
            const sum = accumulate(prev, gi);
            pending.set(fn, sum);
            life?.hold(sum);
            if (prev) {
              // prev and gi were added into a new tensor: each is dead unless something still holds its storage
              life?.drop(prev);
              life?.consider(gi);
            }
            // the input's hooks, retainGrad and capture follow its current node: not this edge's
            // when an in-place op rebased the input after this node was recorded
            if (input.gradFn === fn && (input.hooks.length > 0 || input.retainsGrad || capture?.has(input))) outputs.set(fn, input);
          } else {
            sink(fn, gi);
          }
        });
        // a recorded backward (createGraph) may have captured the owned tensors in its own graph
        if (!retain) node.free(!opts.createGraph);
        // the node's gradient is consumed: dead unless a gradient handed on shares its storage
        life?.drop(popped);
        life?.flush();
        releaseLeaves(node);
      }
      finishLeaves();
    });
  } finally {
    life?.end();
  }
}

/**
 * As torch.Tensor.backward: accumulate d(root)/d(leaf) into every leaf's .grad. A scalar root
 * needs no gradient; a non-scalar root needs `gradient` of its shape (the vector of the
 * vector-Jacobian product).
 */
export function backward(root: Tensor, gradient?: Tensor | BackwardOptions | null, opts?: BackwardOptions): void {
  // y.backward({ retainGraph: true }) reads as PyTorch's keywords: options in the gradient's place
  if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
    if (typeof gradient !== "object" || Array.isArray(gradient) || opts !== undefined) {
      throw new ValueError(
        `backward: the gradient must be a Tensor of the output's shape, got ${Array.isArray(gradient) ? "an array" : typeof gradient}. Pass tl.tensor(...) of that shape, or options alone: y.backward({ retainGraph: true }).`,
      );
    }
    opts = gradient;
    gradient = undefined;
  }
  const g0 = checkRoot("backward", root, gradient);
  run(root, g0, opts ?? {}, null);
}

/**
 * As torch.autograd.grad: the gradients of `output` with respect to `inputs`, returned rather
 * than accumulated into .grad. An input the output does not depend on gets null unless
 * allowUnused is false, in which case that is an error.
 */
export function grad(
  output: Tensor,
  inputs: readonly Tensor[] | Tensor,
  gradOutput?: Tensor | null,
  opts: BackwardOptions & { allowUnused?: boolean } = {},
): (Tensor | null)[] {
  if (!(output instanceof Tensor)) {
    throw new ValueError(
      `grad: the output must be one Tensor, got ${Array.isArray(output) ? "an array" : typeof output}. For several outputs, differentiate their weighted sum: tl.grad(y1.mul(g1).sum().add(y2.mul(g2).sum()), inputs).`,
    );
  }
  // one tensor stands for a list of one, as torch.autograd.grad's inputs
  if (inputs instanceof Tensor) inputs = [inputs];
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((t) => t instanceof Tensor)) {
    throw new ValueError(
      `grad: inputs must be a non-empty array of Tensors (or one Tensor), got ${Array.isArray(inputs) ? `an array of ${inputs.length}${inputs.length ? " holding a non-tensor" : ""}` : typeof inputs}. Pass the tensors to differentiate with respect to: tl.grad(y, [x]).`,
    );
  }
  const g0 = checkRoot("grad", output, gradOutput);
  inputs.forEach((t, i) => {
    if (!t.requiresGrad) {
      throw new AutogradError(
        `grad: input ${i} (shape ${fmt(t.shape)}, ${t.dtype}) does not require grad, so no gradient can be taken with respect to it (allowUnused does not cover this). Create it with { requiresGrad: true } or leave it out of the inputs.`,
      );
    }
  });
  const capture = new Map<Tensor, Tensor | null>(inputs.map((t) => [t, null]));
  run(output, g0, opts, capture);
  return inputs.map((t, i) => {
    const g = capture.get(t) ?? null;
    if (g === null && !opts.allowUnused) {
      throw new AutogradError(
        `grad: input ${i} (shape ${fmt(t.shape)}) was not used to compute the output, so it has no gradient. Pass { allowUnused: true } to get null for it.`,
      );
    }
    return g;
  });
}
