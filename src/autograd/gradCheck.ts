// Finite-difference gradient check, in float64: compares the gradients autograd computes with
// central differences of sum(fn(inputs) * w) for a random upstream w. Element by element for
// small inputs (exact diagnostics), along random directions for large ones.

import { AutogradError, DTypeError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { randn } from "../tensor/create.js";
import { Generator } from "../tensor/random.js";
import { grad } from "./backward.js";
import { noGrad } from "./graph.js";

/** Options of gradCheck (torch.autograd.gradcheck's eps, atol, rtol), plus random-direction checking for large inputs. */
export interface GradCheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Inputs with more elements than this are checked along random directions instead of per element. */
  maxElementwise?: number;
  directions?: number;
  seed?: number;
  /** Name shown in the failure message. */
  name?: string;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Throws an AutogradError naming the input and element where analytic and numeric gradients
 * disagree; returns the largest absolute difference seen otherwise.
 * @example tl.gradCheck((x) => x.exp().sum(), [tl.randn([3], { dtype: "float64", requiresGrad: true })])
 */
export function gradCheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): number {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-4, maxElementwise = 64, directions = 4, seed = 1234, name = "function" } = opts;
  for (const t of inputs) {
    if (t.requiresGrad && t.dtype !== "float64") {
      throw new DTypeError(
        `gradCheck: inputs that require grad must be float64 (finite differences in float32 are too coarse), got ${t.dtype}. Create them with { dtype: "float64" }.`,
      );
    }
  }
  const gen = new Generator(seed);
  const out = fn(...inputs);
  const w = randn(out.shape, { dtype: "float64", generator: gen });
  const wanted = inputs.filter((t) => t.requiresGrad);
  const analytic = grad(out, wanted, w, { allowUnused: true });
  const f = (): number => noGrad(() => dot(fn(...inputs).storage, w.storage));
  let worst = 0;
  const fail = (what: string, a: number, n: number): never => {
    throw new AutogradError(
      `gradCheck: ${name}: ${what}: analytic ${a} vs numeric ${n} (difference ${Math.abs(a - n)}, tolerance atol ${atol} + rtol ${rtol}).`,
    );
  };
  const check = (what: string, a: number, n: number): void => {
    const diff = Math.abs(a - n);
    worst = Math.max(worst, diff);
    if (!(diff <= atol + rtol * Math.abs(n))) fail(what, a, n);
  };
  wanted.forEach((x, k) => {
    const g = analytic[k]?.storage ?? new Float64Array(x.numel());
    const xs = x.storage;
    if (x.numel() <= maxElementwise) {
      for (let i = 0; i < xs.length; i++) {
        const v = xs[i]!;
        xs[i] = v + eps;
        const fp = f();
        xs[i] = v - eps;
        const fm = f();
        xs[i] = v;
        check(`input ${k} element ${i}`, g[i]!, (fp - fm) / (2 * eps));
      }
    } else {
      for (let r = 0; r < directions; r++) {
        const dir = randn(x.shape, { dtype: "float64", generator: gen }).storage;
        const orig = xs.slice();
        for (let i = 0; i < xs.length; i++) xs[i] = orig[i]! + eps * dir[i]!;
        const fp = f();
        for (let i = 0; i < xs.length; i++) xs[i] = orig[i]! - eps * dir[i]!;
        const fm = f();
        xs.set(orig);
        check(`input ${k} direction ${r}`, dot(g, dir), (fp - fm) / (2 * eps));
      }
    }
  });
  return worst;
}
