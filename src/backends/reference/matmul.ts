// Reference batched matmul: the i-k-j loop order (unit stride on B and C), accumulating each
// output row in float64. Slow, obviously correct; the fast backends are checked against it.

import type { TypedArray } from "../../tensor/dtype.js";
import type { MatmulGeometry } from "../backend.js";

export function matmul(a: TypedArray, b: TypedArray, out: TypedArray, g: MatmulGeometry, bias?: TypedArray | null): void {
  const { batch, m, k, n, aBatchStride, bBatchStride, transA, transB } = g;
  const row = new Float64Array(n);
  // element (i, p) of A and (p, j) of B, honouring the transposed storage layouts
  const aRow = transA ? 1 : k,
    aCol = transA ? m : 1;
  const bRow = transB ? 1 : n,
    bCol = transB ? k : 1;
  for (let bt = 0; bt < batch; bt++) {
    const ao = bt * aBatchStride,
      bo = bt * bBatchStride,
      co = bt * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        // no skipping of zero entries: 0 * inf and 0 * NaN are NaN, as in PyTorch's GEMM
        const av = a[ao + i * aRow + p * aCol]!;
        const bp = bo + p * bRow;
        for (let j = 0; j < n; j++) row[j]! += av * b[bp + j * bCol]!;
      }
      for (let j = 0; j < n; j++) out[co + i * n + j] = row[j]!;
      // the product is stored (rounded to out's dtype) first, then the bias added: mm then add
      if (bias) for (let j = 0; j < n; j++) out[co + i * n + j] = out[co + i * n + j]! + bias[j]!;
    }
  }
}
