// Matrix products. One primitive, mm: op(A) @ op(B) over an optional batch, where op may
// transpose, so that backward needs no transposed copies:
//   C = A B      =>  dA = dC B^T,  dB = A^T dC.
// matmul (torch.matmul's 1-D and broadcasting rules) and linear are built on it.

import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { broadcastShapes, fmt, numelOf, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { empty } from "./op.js";
import { expand, reshape, squeeze } from "./movement.js";

function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: expected both operands to have the same dtype, but got ${a.dtype} ${fmt(a.shape)} and ${b.dtype} ${fmt(b.shape)} (PyTorch refuses this too). Convert one: b.to("${a.dtype}").`);
  }
  if (a.dtype === "bool") throw new DTypeError(`${op}: not implemented for bool tensors. Convert them: a.to("float32").`);
}

/**
 * op(A) @ op(B) where A is [...batch, m, k] (or [..., k, m] when transA) and B likewise; the
 * batch dims of A and B are equal, or one of them has none (it is then shared by every item).
 */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  checkDtypes("matmul", a, b);
  if (a.ndim < 2 || b.ndim < 2) throw new ShapeError(`mm: both operands need at least 2 dims, got ${fmt(a.shape)} and ${fmt(b.shape)}.`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar, k = transA ? ar : ac;
  const k2 = transB ? bc : br, n = transB ? br : bc;
  if (k !== k2) {
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)}${transA ? "^T" : ""} and ${fmt(b.shape)}${transB ? "^T" : ""} cannot be multiplied (${m}x${k} and ${k2}x${n}); the inner dims must match.`);
  }
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  if (batchA.length > 0 && batchB.length > 0 && !shapesEqual(batchA, batchB)) {
    throw new ShapeError(`mm: batch dims ${fmt(batchA)} and ${fmt(batchB)} differ; use matmul, which broadcasts them.`);
  }
  const batchShape = batchA.length > 0 ? batchA : batchB;
  const batch = numelOf(batchShape);
  const out = empty(a.dtype, [...batchShape, m, n]);
  kernels().matmul(a.storage, b.storage, out.storage, {
    batch, m, k, n,
    aBatchStride: batchA.length > 0 ? m * k : 0,
    bBatchStride: batchB.length > 0 ? k * n : 0,
    transA, transB,
  });
  return record("MmBackward0", out, [a, b], (g) => [
    () => (transA ? mm(b, g, transB, true) : mm(g, b, false, !transB)),
    () => (transB ? mm(g, a, true, transA) : mm(a, g, !transA, false)),
  ]);
}

/**
 * Matrix product with torch.matmul's rules: 1-D operands are promoted to a row (left) or a
 * column (right) and the added dim removed after; batch dims broadcast.
 * **Shape**: [..., m, k] @ [..., k, n] -> [broadcast(...), m, n].
 * @example tl.matmul(tl.ones([2, 3]), tl.ones([3])) // shape [2]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkDtypes("matmul", a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}. Use mul for scalars.`);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const k = a2.shape[a2.ndim - 1]!, k2 = b2.shape[b2.ndim - 2]!;
  if (k !== k2) {
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied: a's last dim (${k}) must equal b's ${b.ndim === 1 ? "only" : "second-to-last"} dim (${k2}).`);
  }
  let out: Tensor;
  if (b2.ndim === 2 && a2.ndim > 2) {
    // [..., m, k] @ [k, n]: fold the batch into the rows, one GEMM (the linear-layer case)
    const lead = a2.shape.slice(0, -1);
    out = reshape(mm(reshape(a2, [numelOf(lead), k]), b2), [...lead, b2.shape[1]!]);
  } else {
    const batch = broadcastShapes("matmul", a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const fit = (t: Tensor): Tensor => {
      const tb = t.shape.slice(0, -2);
      if (tb.length === 0 || shapesEqual(tb, batch)) return t;
      return expand(t, [...batch, ...t.shape.slice(-2)]);
    };
    out = mm(fit(a2), fit(b2));
  }
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}
