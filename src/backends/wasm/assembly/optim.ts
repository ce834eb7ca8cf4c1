// The optimStep kernel for float32 parameters: one SGD or Adam update in place, following the
// reference kernel (backends/reference/optim.ts) operation by operation. Every f32 add, mul, div
// and sqrt here is one IEEE single-precision operation, which is what the reference's
// Math.fround of the double result gives (a double holds the exact sum or product of two floats
// to more than twice float precision, so rounding it once more changes nothing): the same bits.
// The scalars (rounded once to float32, the bias corrections computed in double) come from the
// JS side exactly as the reference computes them.

import { at } from "./address";

/** Flags of adamStep. */
const ADAM_DECAY: i32 = 1; //    weightDecay != 0
const ADAM_DECOUPLED: i32 = 2; // AdamW: p *= decay instead of g += wd * p
const ADAM_AMSGRAD: i32 = 4; //   vmax = max(vmax, v), the denominator's second moment

/**
 * Adam / AdamW on n elements: p, m, v (and vmax with amsgrad) updated in place from g.
 * b1, a1 = 1 - beta1, b2, a2 = 1 - beta2, wd, decay = 1 - lr * wd, bc2 = sqrt(1 - beta2^step),
 * eps, stepSize = lr / (1 - beta1^step): each already a float32.
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32, b1: f32, a1: f32, b2: f32, a2: f32, wd: f32, decay: f32, bc2: f32, eps: f32, stepSize: f32, flags: i32): void {
  const decays = (flags & ADAM_DECAY) != 0,
    decoupled = (flags & ADAM_DECOUPLED) != 0,
    ams = (flags & ADAM_AMSGRAD) != 0;
  for (let i = 0; i < n; i++) {
    let pi = load<f32>(at(p, i)),
      gi = load<f32>(at(g, i));
    if (decays) {
      if (decoupled) pi = pi * decay;
      else gi = gi + wd * pi;
    }
    const mi = load<f32>(at(m, i)) * b1 + gi * a1;
    const vi = load<f32>(at(v, i)) * b2 + gi * gi * a2;
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    let second = vi;
    if (ams) {
      // max propagates NaN, as the reference's explicit check; max(-0, +0) is +0 in both
      second = max<f32>(load<f32>(at(vmax, i)), vi);
      store<f32>(at(vmax, i), second);
    }
    const denom = sqrt<f32>(second) / bc2 + eps;
    store<f32>(at(p, i), pi - (mi / denom) * stepSize);
  }
}

/** Flags of sgdStep. */
const SGD_DECAY: i32 = 1; //     weightDecay != 0
const SGD_MOMENTUM: i32 = 2; //  momentum != 0 (buf holds the momentum buffer)
const SGD_FIRST: i32 = 4; //     the buffer's first step: buf = d
const SGD_UNDAMPED: i32 = 8; //  dampening == 0: buf = mom * buf + d
const SGD_NESTEROV: i32 = 16; // d = d + mom * buf instead of d = buf

/** SGD on n elements: p (and the momentum buffer buf) updated in place from g; wd, mom, keep = 1 - dampening, lr: each a float32. */
export function sgdStep(p: usize, g: usize, buf: usize, n: i32, wd: f32, mom: f32, keep: f32, lr: f32, flags: i32): void {
  const decays = (flags & SGD_DECAY) != 0,
    momentum = (flags & SGD_MOMENTUM) != 0,
    first = (flags & SGD_FIRST) != 0,
    undamped = (flags & SGD_UNDAMPED) != 0,
    nesterov = (flags & SGD_NESTEROV) != 0;
  for (let i = 0; i < n; i++) {
    const pi = load<f32>(at(p, i));
    let d = load<f32>(at(g, i));
    if (decays) d = d + wd * pi;
    if (momentum) {
      const b = first ? d : load<f32>(at(buf, i)) * mom + (undamped ? d : d * keep);
      store<f32>(at(buf, i), b);
      d = nesterov ? d + b * mom : b;
    }
    store<f32>(at(p, i), pi - d * lr);
  }
}
