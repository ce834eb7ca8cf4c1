// Fused recurrent ops. The pointwise part of one LSTM or GRU step is one kernel with a closed-form
// backward kernel (instead of a dozen elementwise ops and their backward nodes per step), and a
// whole layer over a sequence is one op whose backward runs backpropagation through time itself:
// per step one GEMM for the state gradient, then ONE GEMM for the recurrent weight's gradient over
// all steps (sum_t dG_t^T h_{t-1}) instead of T small ones, as cuDNN and ATen do.
//
// LSTM, gates [B, 4H] = x W_ih^T + b_ih + h W_hh^T + b_hh in blocks i, f, g, o (s = sigmoid):
//   c1 = s(f) c + s(i) tanh(g),   h1 = s(o) tanh(c1)
//   dc' = dc1 + dh1 s(o) (1 - tanh^2 c1)
//   d i = dc' tanh(g) s'(i), d f = dc' c s'(f), d g = dc' s(i) (1 - tanh^2 g), d o = dh1 tanh(c1) s'(o),
//   dc = dc' s(f)
// GRU, xg = x W_ih^T + b_ih and hg = h W_hh^T + b_hh [B, 3H] in blocks r, z, n:
//   r = s(xr + hr), z = s(xz + hz), n = tanh(xn + r hn), h1 = n + z (h - n)
//   dn' = dh1 (1 - z)(1 - n^2); dr' = dn' hn s'(r); dz' = dh1 (h - n) s'(z); dh = dh1 z
//   dxg = [dr', dz', dn'], dhg = [dr', dz', dn' r]
// An op's results are single tensors: the LSTM ops return h and c stacked ([2, ...]).
// When the backward pass itself is recorded (createGraph), gradients come from the composite
// formulas built with differentiable ops instead, so higher derivatives still work.

import { kernels } from "../backends/index.js";
import { enableGrad, isGradEnabled, recordFused } from "../autograd/graph.js";
import { grad } from "../autograd/backward.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { zeros } from "../tensor/create.js";
import { add, mul, sub } from "./binary.js";
import { sigmoid, tanh } from "./activation.js";
import { narrow, select } from "./movement.js";
import { cat, stack } from "./join.js";
import { mm } from "./matmul.js";
import { empty, lazy } from "./op.js";

function checkSame(op: string, ref: Tensor, name: string, t: Tensor, shape: readonly number[]): void {
  if (t.dtype !== ref.dtype)
    throw new DTypeError(`${op}: ${name} is ${t.dtype} but the gates are ${ref.dtype}; use one dtype (cast with .to("${ref.dtype}")).`);
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new ShapeError(`${op}: ${name} must be ${fmt(shape)} to go with gates ${fmt(ref.shape)}, got ${fmt(t.shape)}.`);
}

function gateDims(op: string, gates: Tensor, G: number): [number, number] {
  if (gates.ndim !== 2 || gates.shape[1]! % G !== 0 || gates.shape[1] === 0)
    throw new ShapeError(`${op}: gate pre-activations must be [batch, ${G} * hidden], got ${fmt(gates.shape)}.`);
  return [gates.shape[0]!, gates.shape[1]! / G];
}

const block = (t: Tensor, k: number, H: number): Tensor => narrow(t, 1, k * H, H);

// ---------------------------------------------------------------- one step

/** One LSTM step's pointwise math from gates [B, 4H] and c [B, H]: h1 and c1 stacked, [2, B, H]. */
export function lstmCell(gates: Tensor, c: Tensor): Tensor {
  const [B, H] = gateDims("lstmCell", gates, 4);
  checkSame("lstmCell", gates, "c", c, [B, H]);
  // h1 and c1 as two tensors, then stacked: a GPU storage has no host subarrays to write into
  const h1 = empty(gates.dtype, [B, H]),
    c1 = empty(gates.dtype, [B, H]);
  kernels().lstmCell(gates.operand, c.operand, c1.operand, h1.operand, B, H);
  const hc = stack([h1, c1]);
  return recordFused(
    "LstmCellBackward",
    hc,
    [gates, c],
    (ghc) => {
      const i = sigmoid(block(gates, 0, H)),
        f = sigmoid(block(gates, 1, H)),
        g = tanh(block(gates, 2, H)),
        o = sigmoid(block(gates, 3, H));
      const t = tanh(select(hc, 0, 1)),
        dh = select(ghc, 0, 0);
      const d = add(select(ghc, 0, 1), mul(mul(dh, o), sub(1, mul(t, t))));
      const dgates = cat(
        [
          mul(mul(d, g), mul(i, sub(1, i))),
          mul(mul(d, c), mul(f, sub(1, f))),
          mul(mul(d, i), sub(1, mul(g, g))),
          mul(mul(dh, t), mul(o, sub(1, o))),
        ],
        1,
      );
      return [() => dgates, () => mul(d, f)];
    },
    (ghc) => {
      const both = lazy(() => {
        const dgates = empty(gates.dtype, gates.shape),
          dc = empty(gates.dtype, [B, H]);
        const dh1 = select(ghc, 0, 0),
          dc1 = select(ghc, 0, 1);
        kernels().lstmCellBackward(gates.operand, c.operand, c1.operand, dh1.operand, dc1.operand, dgates.operand, dc.operand, B, H);
        return [dgates, dc] as const;
      });
      return [() => both()[0], () => both()[1]];
    },
    [gates, c, hc],
  );
}

/** One GRU step's pointwise math: h1 [B, H] from xg, hg [B, 3H] (biases included) and h [B, H]. */
export function gruCell(xg: Tensor, hg: Tensor, h: Tensor): Tensor {
  const [B, H] = gateDims("gruCell", xg, 3);
  checkSame("gruCell", xg, "hg", hg, [B, 3 * H]);
  checkSame("gruCell", xg, "h", h, [B, H]);
  const h1 = empty(xg.dtype, [B, H]);
  kernels().gruCell(xg.operand, hg.operand, h.operand, h1.operand, B, H);
  return recordFused(
    "GruCellBackward",
    h1,
    [xg, hg, h],
    (dh1) => {
      const r = sigmoid(add(block(xg, 0, H), block(hg, 0, H)));
      const z = sigmoid(add(block(xg, 1, H), block(hg, 1, H)));
      const hn = block(hg, 2, H);
      const n = tanh(add(block(xg, 2, H), mul(r, hn)));
      const dn = mul(mul(dh1, sub(1, z)), sub(1, mul(n, n)));
      const dr = mul(mul(dn, hn), mul(r, sub(1, r)));
      const dz = mul(mul(dh1, sub(h, n)), mul(z, sub(1, z)));
      return [() => cat([dr, dz, dn], 1), () => cat([dr, dz, mul(dn, r)], 1), () => mul(dh1, z)];
    },
    (dh1) => {
      const all = lazy(() => {
        const dxg = empty(xg.dtype, xg.shape),
          dhg = empty(xg.dtype, xg.shape),
          dh = empty(xg.dtype, [B, H]);
        kernels().gruCellBackward(xg.operand, hg.operand, h.operand, dh1.operand, dxg.operand, dhg.operand, dh.operand, B, H);
        return [dxg, dhg, dh] as const;
      });
      return [() => all()[0], () => all()[1], () => all()[2]];
    },
  );
}

// ---------------------------------------------------------------- a whole layer over a sequence

function checkSequence(op: string, xg: Tensor, G: number, h0: Tensor, wHh: Tensor): [number, number, number] {
  if (xg.ndim !== 3 || xg.shape[2]! % G !== 0 || xg.shape[2] === 0)
    throw new ShapeError(`${op}: input gates must be [seq, batch, ${G} * hidden], got ${fmt(xg.shape)}.`);
  const [T, B] = xg.shape as [number, number];
  const H = xg.shape[2]! / G;
  checkSame(op, xg, "h0", h0, [B, H]);
  checkSame(op, xg, "weight_hh", wHh, [G * H, H]);
  return [T, B, H];
}

const timeOf = (k: number, T: number, reverse: boolean): number => (reverse ? T - 1 - k : k);

/**
 * An LSTM layer over a sequence: xg [T, B, 4H] = x W_ih^T + b_ih + b_hh for every step, states
 * h0, c0 [B, H], wHh [4H, H]. Steps run t = 0..T-1 (or T-1..0 when `reverse`). Returns the h and
 * c of every step in time order, stacked: [2, T, B, H].
 */
export function lstmSequence(xg: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, reverse = false): Tensor {
  const [T, B, H] = checkSequence("lstmSequence", xg, 4, h0, wHh);
  checkSame("lstmSequence", xg, "c0", c0, [B, H]);
  const dt = xg.dtype;
  const out = empty(dt, [2, T, B, H]);
  const gates = empty(dt, [T, B, 4 * H]); // kept for the backward
  kernels().lstmSequence(xg.operand, h0.operand, c0.operand, wHh.operand, out.operand, gates.operand, T, B, H, reverse);
  // the rule re-runs the sequence with the step ops and differentiates that
  return recordFused(
    "LstmSequenceBackward",
    out,
    [xg, h0, c0, wHh],
    (gOut) => recomputeGrads(() => lstmSequenceComposite(xg, h0, c0, wHh, reverse), [xg, h0, c0, wHh], gOut),
    (gOut) => {
      const all = lazy(() => {
        const dxg = empty(dt, [T, B, 4 * H]),
          dh0 = empty(dt, [B, H]),
          dc0 = empty(dt, [B, H]),
          dw = empty(dt, [4 * H, H]);
        kernels().lstmSequenceBackward(
          wHh.operand,
          gates.operand,
          out.operand,
          h0.operand,
          c0.operand,
          gOut.operand,
          dxg.operand,
          dh0.operand,
          dc0.operand,
          dw.operand,
          T,
          B,
          H,
          reverse,
        );
        return [dxg, dh0, dc0, dw];
      });
      return [0, 1, 2, 3].map((i) => () => all()[i]!);
    },
    [xg, h0, c0, wHh],
  );
}

/**
 * A GRU layer over a sequence: xg [T, B, 3H] = x W_ih^T + b_ih for every step, h0 [B, H],
 * wHh [3H, H], bHh [3H] or null. Returns the h of every step in time order, [T, B, H].
 */
export function gruSequence(xg: Tensor, h0: Tensor, wHh: Tensor, bHh: Tensor | null, reverse = false): Tensor {
  const [T, B, H] = checkSequence("gruSequence", xg, 3, h0, wHh);
  if (bHh) checkSame("gruSequence", xg, "bias_hh", bHh, [3 * H]);
  const dt = xg.dtype;
  const out = empty(dt, [T, B, H]);
  const hg = empty(dt, [T, B, 3 * H]); // h W_hh^T + b_hh per step, kept for the backward
  kernels().gruSequence(xg.operand, h0.operand, wHh.operand, bHh?.operand ?? null, out.operand, hg.operand, T, B, H, reverse);
  const inputs = bHh ? [xg, h0, wHh, bHh] : [xg, h0, wHh];
  return recordFused(
    "GruSequenceBackward",
    out,
    inputs,
    (gOut) => recomputeGrads(() => gruSequenceComposite(xg, h0, wHh, bHh, reverse), inputs, gOut),
    (gOut) => {
      const all = lazy(() => {
        const dxg = empty(dt, [T, B, 3 * H]),
          dh0 = empty(dt, [B, H]),
          dw = empty(dt, [3 * H, H]),
          db = bHh ? empty(dt, [3 * H]) : null;
        kernels().gruSequenceBackward(
          xg.operand,
          wHh.operand,
          hg.operand,
          out.operand,
          h0.operand,
          gOut.operand,
          dxg.operand,
          dh0.operand,
          dw.operand,
          db?.operand ?? null,
          T,
          B,
          H,
          reverse,
        );
        return db ? [dxg, dh0, dw, db] : [dxg, dh0, dw];
      });
      return inputs.map((_, i) => () => all()[i]!);
    },
  );
}

/** The same sequence with the step ops (differentiable backward), for createGraph. */
function lstmSequenceComposite(xg: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, reverse: boolean): Tensor {
  const T = xg.shape[0]!;
  const hs = new Array<Tensor>(T),
    cs = new Array<Tensor>(T);
  let h = h0,
    c = c0;
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const hc = lstmCell(add(select(xg, 0, t), mm(h, wHh, false, true)), c);
    h = hs[t] = select(hc, 0, 0);
    c = cs[t] = select(hc, 0, 1);
  }
  return stack([stack(hs, 0), stack(cs, 0)], 0);
}

function gruSequenceComposite(xg: Tensor, h0: Tensor, wHh: Tensor, bHh: Tensor | null, reverse: boolean): Tensor {
  const T = xg.shape[0]!;
  const hs = new Array<Tensor>(T);
  let h = h0;
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const hg = mm(h, wHh, false, true);
    h = hs[t] = gruCell(select(xg, 0, t), bHh ? add(hg, bHh) : hg, h);
  }
  return stack(hs, 0);
}

/** Gradients of forward() at `inputs` for the output gradient g, recorded (createGraph). */
function recomputeGrads(forward: () => Tensor, inputs: readonly Tensor[], g: Tensor): (() => Tensor)[] {
  // the step ops record even when this backward is not recorded (the composite rule run by
  // itself, as the shortcut test does); the gradients stay graph values only when it is
  const recorded = isGradEnabled();
  const all = lazy(() => grad(enableGrad(forward), inputs, g, { createGraph: recorded, allowUnused: true }));
  return inputs.map((x, i) => () => all()[i] ?? zeros(x.shape, { dtype: x.dtype }));
}
