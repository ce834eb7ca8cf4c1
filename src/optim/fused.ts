// Fused optimizer updates: the optimStep kernel updates a parameter and its state in place, one
// kernel call per parameter instead of a dozen tensor ops (each a dispatch and a new buffer on
// webgpu, a pass over memory and an allocation on the CPU). Always where the parameter lives in
// webgpu buffers; on the CPU backends only where the caller allows it (Adam's common case), so
// the other CPU updates keep the op chain, which is the kernel's specification.

import { kernels } from "../backends/index.js";
import type { OptimStep } from "../backends/backend.js";
import { zerosLike } from "../tensor/create.js";
import { syncViews } from "../ops/inplace.js";
import type { Tensor } from "../tensor/tensor.js";

const onWebGpu = (t: Tensor): boolean => t.dtype === "float32" && t.deviceStorage?.device === "webgpu";
/** A float tensor the host reads in place (a typed array, or wasm memory). */
const onHost = (t: Tensor): boolean => (t.dtype === "float32" || t.dtype === "float64") && t.deviceStorage?.hostAddressable !== false;

/**
 * Run `h` on p with the state tensors named by `keys` (created as zeros when absent); false,
 * with nothing changed, unless p and every state tensor are float32 webgpu tensors (the gradient
 * float32 anywhere), or (with `host`) all are float tensors of p's dtype the host reads in place.
 */
export function fusedStep(
  h: OptimStep,
  p: Tensor,
  grad: Tensor,
  st: Record<string, Tensor | number>,
  keys: readonly string[],
  host = false,
): boolean {
  const where = onWebGpu(p) ? onWebGpu : host && onHost(p) ? onHost : null;
  if (!where || grad.dtype !== p.dtype || grad.numel() !== p.numel()) return false;
  // on webgpu a host gradient is uploaded by the kernel; on the CPU it must be read in place
  if (where === onHost && !onHost(grad)) return false;
  const state: Tensor[] = [];
  for (const k of keys) {
    const s = (st[k] as Tensor | undefined) ?? zerosLike(p);
    if (!where(s) || s.dtype !== p.dtype || s.numel() !== p.numel()) return false;
    state.push(s);
  }
  keys.forEach((k, i) => {
    st[k] = state[i]!;
  });
  kernels().optimStep(h, p.operand, grad.operand, state[0]?.operand ?? null, state[1]?.operand ?? null, state[2]?.operand ?? null);
  p.version.v++;
  syncViews(p); // views of p follow its new values, as after p.sub_()
  for (const s of state) s.version.v++;
  return true;
}
