// Matrix products. One primitive, mm: op(A) @ op(B) over an optional batch, where op may
// transpose, so that backward needs no transposed copies:
//   C = A B      =>  dA = dC B^T,  dB = A^T dC.
// matmul (torch.matmul's 1-D and broadcasting rules) and linear are built on it.

import { asOp } from "../tensor/opContext.js";
import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { broadcastShapes, fmt, numelOf, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { MatmulGeometry } from "../backends/backend.js";
import { add } from "./binary.js";
import { unfilled } from "./op.js";
import { sumToSize } from "./reduce.js";
import { expand, reshape, squeeze } from "./movement.js";

function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: expected both operands to have the same dtype, but got ${a.dtype} ${fmt(a.shape)} and ${b.dtype} ${fmt(b.shape)} (PyTorch refuses this too). Convert one: b.to("${a.dtype}").`,
    );
  }
  if (a.dtype === "bool") throw new DTypeError(`${op}: not implemented for bool tensors. Convert them: a.to("float32").`);
}

/**
 * Shape checks and kernel geometry of op(A) @ op(B) (see mm). For mm, dtype and inner-dim errors
 * name matmul (which users reach it through) and the 2-D / batch rules name mm itself.
 */
function mmGeometry(
  caller: "mm" | "addmm",
  a: Tensor,
  b: Tensor,
  transA: boolean,
  transB: boolean,
): { shape: number[]; geometry: MatmulGeometry } {
  const op = caller === "mm" ? "matmul" : caller;
  checkDtypes(op, a, b);
  if (a.ndim < 2 || b.ndim < 2)
    throw new ShapeError(`${caller}: both operands need at least 2 dims, got ${fmt(a.shape)} and ${fmt(b.shape)}.`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar,
    k = transA ? ar : ac;
  const k2 = transB ? bc : br,
    n = transB ? br : bc;
  if (k !== k2) {
    throw new ShapeError(
      `${op}: shapes ${fmt(a.shape)}${transA ? "^T" : ""} and ${fmt(b.shape)}${transB ? "^T" : ""} cannot be multiplied (${m}x${k} and ${k2}x${n}); the inner dims must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2),
    batchB = b.shape.slice(0, -2);
  if (batchA.length > 0 && batchB.length > 0 && !shapesEqual(batchA, batchB)) {
    throw new ShapeError(`${caller}: batch dims ${fmt(batchA)} and ${fmt(batchB)} differ; use matmul, which broadcasts them.`);
  }
  const batchShape = batchA.length > 0 ? batchA : batchB;
  return {
    shape: [...batchShape, m, n],
    geometry: {
      batch: numelOf(batchShape),
      m,
      k,
      n,
      aBatchStride: batchA.length > 0 ? m * k : 0,
      bBatchStride: batchB.length > 0 ? k * n : 0,
      transA,
      transB,
    },
  };
}

/** The gradients of op(A) @ op(B) with respect to A and B, as products (no transposed copies). */
function mmGrads(g: Tensor, a: Tensor, b: Tensor, transA: boolean, transB: boolean): (() => Tensor)[] {
  return [
    () => (transA ? mm(b, g, transB, true) : mm(g, b, false, !transB)),
    () => (transB ? mm(g, a, true, transA) : mm(a, g, !transA, false)),
  ];
}

/**
 * op(A) @ op(B) where A is [...batch, m, k] (or [..., k, m] when transA) and B likewise; the
 * batch dims of A and B are equal, or one of them has none (it is then shared by every item).
 */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  const { shape, geometry } = mmGeometry("mm", a, b, transA, transB);
  const out = unfilled(a.dtype, shape);
  kernels().matmul(a.operand, b.operand, out.operand, geometry);
  return record("MmBackward0", out, [a, b], (g) => mmGrads(g, a, b, transA, transB));
}

/**
 * op(A) @ op(B) + bias, the bias broadcasting over the rows. A bias that is one row of the
 * product's dtype ([n] or [1, n]) is fused into the product (the kernel starts from the bias
 * rows: one pass over the result and one tensor fewer than mm then add); any other bias is
 * added after, broadcasting.
 */
export function mmBias(a: Tensor, b: Tensor, bias: Tensor, transA = false, transB = false): Tensor {
  const { shape, geometry } = mmGeometry("addmm", a, b, transA, transB);
  const oneRow = bias.dtype === a.dtype && bias.numel() === geometry.n && (bias.ndim === 1 || (bias.ndim === 2 && bias.shape[0] === 1));
  if (!oneRow) return add(bias, mm(a, b, transA, transB));
  const out = unfilled(a.dtype, shape);
  kernels().matmul(a.operand, b.operand, out.operand, geometry, bias.operand);
  return record("AddmmBackward0", out, [bias, a, b], (g) => [() => sumToSize(g, bias.shape), ...mmGrads(g, a, b, transA, transB)]);
}

/**
 * input + mat1 @ mat2 (torch.addmm with beta = alpha = 1); input broadcasts to [m, n]. A
 * one-row input ([n] or [1, n]) is fused into the product.
 * **Shape**: [m, k] @ [k, n] -> [m, n].
 * @example tl.addmm(tl.ones([3]), tl.ones([2, 4]), tl.ones([4, 3])) // [[5, 5, 5], [5, 5, 5]]
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (mat1.ndim !== 2 || mat2.ndim !== 2) {
    throw new ShapeError(
      `addmm: mat1 and mat2 must be 2-D, got ${fmt(mat1.shape)} and ${fmt(mat2.shape)}; for batches use tl.matmul then tl.add.`,
    );
  }
  return mmBias(mat1, mat2, input);
}

/**
 * Matrix product with torch.matmul's rules: 1-D operands are promoted to a row (left) or a
 * column (right) and the added dim removed after; batch dims broadcast.
 * **Shape**: [..., m, k] @ [..., k, n] -> [broadcast(...), m, n].
 * @example tl.matmul(tl.ones([2, 3]), tl.ones([3])) // shape [2]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return asOp("matmul", () => {
    checkDtypes("matmul", a, b);
    if (a.ndim === 0 || b.ndim === 0) {
      throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}. Use mul for scalars.`);
    }
    const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
    const k = a2.shape[a2.ndim - 1]!,
      k2 = b2.shape[b2.ndim - 2]!;
    if (k !== k2) {
      throw new ShapeError(
        `matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied: a's last dim (${k}) must equal b's ${b.ndim === 1 ? "only" : "second-to-last"} dim (${k2}).`,
      );
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
  });
}
