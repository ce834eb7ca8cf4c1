// Fused optimizer updates on a device backend: the optimStep kernel updates a parameter and its
// state in place, one dispatch per parameter on webgpu (instead of a dozen tensor ops, each a
// dispatch and a new buffer). Only where the parameter and its state live in webgpu buffers;
// the CPU backends keep their own paths (the op chain, and Adam's host loop), unchanged.

import { kernels } from "../backends/index.js";
import type { OptimStep } from "../backends/backend.js";
import { zerosLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";

const onWebGpu = (t: Tensor): boolean => t.dtype === "float32" && t.deviceStorage?.device === "webgpu";

/**
 * Run `h` on p with the state tensors named by `keys` (created as zeros when absent); false,
 * with nothing changed, where p, its gradient or a state tensor is not a float32 webgpu tensor.
 */
export function fusedStep(h: OptimStep, p: Tensor, grad: Tensor, st: Record<string, Tensor | number>, keys: readonly string[]): boolean {
  if (!onWebGpu(p) || grad.dtype !== "float32" || grad.numel() !== p.numel()) return false;
  const state: Tensor[] = [];
  for (const k of keys) {
    const s = (st[k] as Tensor | undefined) ?? zerosLike(p);
    if (!onWebGpu(s) || s.numel() !== p.numel()) return false;
    state.push(s);
  }
  keys.forEach((k, i) => {
    st[k] = state[i]!;
  });
  kernels().optimStep(h, p.operand, grad.operand, state[0]?.operand ?? null, state[1]?.operand ?? null, state[2]?.operand ?? null);
  p.version.v++;
  for (const s of state) s.version.v++;
  return true;
}
