// Single-precision GEMM for the wasm backend, BLIS-style: C (+)= op(A) @ op(B).
//
// The operands are packed into contiguous panels (A into MR-row slivers, B into NR-column
// slivers, zero-padded) so the micro-kernel reads both with unit stride whatever the original
// layout; transposes are only strides to the packing loops. The 4x8 micro-kernel keeps the tile
// of C in eight f32x4 registers and does 8 multiply-adds per two B loads and four broadcasts.
// Built twice: with relaxed-SIMD fused multiply-add where the runtime has it, plain mul+add else.

const MR = 4;
const NR = 8;
// Block sizes: a KC x NR sliver of B (8 KiB) stays in L1, an MC x KC block of packed A (128 KiB)
// in L2, a KC x NC block of packed B (1 MiB) in L2/L3.
export const KC = 256;
export const MC = 128;
export const NC = 1024;

/** Bytes of scratch the caller must provide at `pack` for sgemm's packed panels. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Pack rows [i0, i0+mc) x cols [p0, p0+kc) of A (element (i, p) at a + 4*(i*rs + p*cs)) into MR-row slivers. */
function packA(a: usize, rs: i32, cs: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    let p = 0;
    if (rows == MR && cs == 1) {
      // row-major A: load 4 consecutive values of each of the 4 rows, transpose 4x4 in registers
      const step = <usize>rs << 2;
      for (; p + 4 <= kc; p += 4) {
        const src = a + (<usize>((i0 + i) * rs + p0 + p) << 2);
        const d = dst + (<usize>(i * kc + p * MR) << 2);
        const r0 = v128.load(src), r1 = v128.load(src + step), r2 = v128.load(src + 2 * step), r3 = v128.load(src + 3 * step);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
        v128.store(d, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
        v128.store(d, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
        v128.store(d, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
      }
    }
    for (; p < kc; p++) {
      const src = a + (<usize>((i0 + i) * rs + (p0 + p) * cs) << 2);
      const d = dst + (<usize>(i * kc + p * MR) << 2);
      if (rows == MR) {
        if (rs == 1) {
          v128.store(d, v128.load(src));
        } else {
          const step = <usize>rs << 2;
          store<f32>(d, load<f32>(src));
          store<f32>(d, load<f32>(src + step), 4);
          store<f32>(d, load<f32>(src + 2 * step), 8);
          store<f32>(d, load<f32>(src + 3 * step), 12);
        }
      } else {
        for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>(r * rs) << 2)) : 0);
      }
    }
  }
}

/** Pack rows [p0, p0+kc) x cols [j0, j0+nc) of B (element (p, j) at b + 4*(p*rs + j*cs)) into NR-column slivers. */
export function packB(b: usize, rs: i32, cs: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    let p = 0;
    if (cols == NR && rs == 1) {
      // B stored transposed (x W^T): 4 consecutive values of each of the 8 columns, two 4x4
      // register transposes, instead of 8 scalar strided loads per row
      const step = <usize>cs << 2;
      for (; p + 4 <= kc; p += 4) {
        const src = b + (<usize>(p0 + p + (j0 + j) * cs) << 2);
        const d = dst + (<usize>(j * kc + p * NR) << 2);
        transpose4(src, step, d);
        transpose4(src + 4 * step, step, d + 16);
      }
    }
    for (; p < kc; p++) {
      const src = b + (<usize>((p0 + p) * rs + (j0 + j) * cs) << 2);
      const d = dst + (<usize>(j * kc + p * NR) << 2);
      if (cols == NR && cs == 1) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      } else {
        for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>(c * cs) << 2)) : 0);
      }
    }
  }
}

/** Rows r = 0..3 of 4 floats at src + r * step, transposed: column q goes to dst + q * NR * 4. */
@inline function transpose4(src: usize, step: usize, dst: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + step), r2 = v128.load(src + 2 * step), r3 = v128.load(src + 3 * step);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), NR * 4);
  v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), NR * 8);
  v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), NR * 12);
}

/**
 * One MR x NR tile: acc = sum_p pa[p] (x) pb[p] over kc, then C = acc (add == 0) or C += acc,
 * for the `rows` x `cols` valid part (edge tiles go through `tmp`).
 */
function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, add: bool, tmp: usize): void {
  tileKernel(kc, pa, pb, 0, false, false, 0, c, ldc, rows, cols, add, 0, 0, tmp);
}

/**
 * The MR x NR tile every product here runs: acc = sum over p < kd of the MR broadcasts at pa
 * (packed A, MR floats per step) times the NR-wide row of B at step p, which is pb + p * NR
 * floats (packed panels) or, with `viaOffsets`, pb + offs[p] floats (the direct convolution:
 * 8 consecutive outputs read 8 consecutive inputs of a padded image). With `twoRows` the
 * row's second 4 floats are read `rowBytes` further on instead of right after the first 4: two
 * rows of 4 outputs, whose 4 inputs per step sit one padded row apart. Callers pass `viaOffsets`
 * and `twoRows` as literals, so the inlined loop keeps only its own addressing. Then bias[i0 +
 * r] is added to row r when bias != 0 (after the sum, as the GEMM path's separate bias pass:
 * the same bits), and the tile is stored (storeTile).
 */
@inline export function tileKernel(kd: i32, pa: usize, pb: usize, offs: usize, viaOffsets: bool, twoRows: bool, rowBytes: usize, c: usize, ldc: i32, rows: i32, cols: i32, add: bool, bias: usize, i0: i32, tmp: usize): void {
  let c0a = f32x4.splat(0), c0b = f32x4.splat(0), c1a = f32x4.splat(0), c1b = f32x4.splat(0);
  let c2a = f32x4.splat(0), c2b = f32x4.splat(0), c3a = f32x4.splat(0), c3b = f32x4.splat(0);
  for (let p = 0; p < kd; p++) {
    const bp = viaOffsets ? pb + (<usize>load<i32>(offs + (<usize>p << 2)) << 2) : pb + (<usize>p << 5);
    const b0 = v128.load(bp), b1 = twoRows ? v128.load(bp + rowBytes) : v128.load(bp, 16);
    let a = v128.load32_splat(pa);
    c0a = madd(a, b0, c0a); c0b = madd(a, b1, c0b);
    a = v128.load32_splat(pa, 4);
    c1a = madd(a, b0, c1a); c1b = madd(a, b1, c1b);
    a = v128.load32_splat(pa, 8);
    c2a = madd(a, b0, c2a); c2b = madd(a, b1, c2b);
    a = v128.load32_splat(pa, 12);
    c3a = madd(a, b0, c3a); c3b = madd(a, b1, c3b);
    pa += MR * 4;
  }
  if (bias) {
    let b = f32x4.splat(load<f32>(bias + (<usize>i0 << 2)));
    c0a = f32x4.add(c0a, b); c0b = f32x4.add(c0b, b);
    if (rows > 1) { b = f32x4.splat(load<f32>(bias + (<usize>(i0 + 1) << 2))); c1a = f32x4.add(c1a, b); c1b = f32x4.add(c1b, b); }
    if (rows > 2) { b = f32x4.splat(load<f32>(bias + (<usize>(i0 + 2) << 2))); c2a = f32x4.add(c2a, b); c2b = f32x4.add(c2b, b); }
    if (rows > 3) { b = f32x4.splat(load<f32>(bias + (<usize>(i0 + 3) << 2))); c3a = f32x4.add(c3a, b); c3b = f32x4.add(c3b, b); }
  }
  storeTile(c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c, ldc, rows, cols, add, tmp);
}

/**
 * Write an MR x NR tile (row r in the registers cra, crb) to C (row stride ldc), or add it (add), for its
 * `rows` x `cols` valid part: edge tiles go through `tmp` (MR * NR floats).
 */
@inline export function storeTile(c0a: v128, c0b: v128, c1a: v128, c1b: v128, c2a: v128, c2b: v128, c3a: v128, c3b: v128, c: usize, ldc: i32, rows: i32, cols: i32, add: bool, tmp: usize): void {
  const full = rows == MR && cols == NR;
  const dst = full ? c : tmp;
  const ld: usize = full ? (<usize>ldc << 2) : NR * 4;
  if (full && add) {
    v128.store(dst, f32x4.add(v128.load(dst), c0a)); v128.store(dst, f32x4.add(v128.load(dst, 16), c0b), 16);
    v128.store(dst + ld, f32x4.add(v128.load(dst + ld), c1a)); v128.store(dst + ld, f32x4.add(v128.load(dst + ld, 16), c1b), 16);
    v128.store(dst + 2 * ld, f32x4.add(v128.load(dst + 2 * ld), c2a)); v128.store(dst + 2 * ld, f32x4.add(v128.load(dst + 2 * ld, 16), c2b), 16);
    v128.store(dst + 3 * ld, f32x4.add(v128.load(dst + 3 * ld), c3a)); v128.store(dst + 3 * ld, f32x4.add(v128.load(dst + 3 * ld, 16), c3b), 16);
    return;
  }
  v128.store(dst, c0a); v128.store(dst, c0b, 16);
  v128.store(dst + ld, c1a); v128.store(dst + ld, c1b, 16);
  v128.store(dst + 2 * ld, c2a); v128.store(dst + 2 * ld, c2b, 16);
  v128.store(dst + 3 * ld, c3a); v128.store(dst + 3 * ld, c3b, 16);
  if (full) return;
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const cp = c + (<usize>(r * ldc + q) << 2);
      const v = load<f32>(tmp + (<usize>(r * NR + q) << 2));
      store<f32>(cp, add ? load<f32>(cp) + v : v);
    }
  }
}

/**
 * C[m x n] (row stride ldc) = op(A) @ op(B), or += when `accumulate`. Element (i, p) of op(A) is
 * at a + 4*(i*ars + p*acs), element (p, j) of op(B) at b + 4*(p*brs + j*bcs). Workers splitting
 * one product call it on row or column ranges by offsetting a, b and c. `scratch` holds
 * gemmScratchBytes() bytes.
 */
export function sgemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  blocked(m, n, k, a, ars, acs, 0, b, brs, bcs, 0, c, ldc, accumulate, scratch);
}

/**
 * The blocked loops every GEMM here shares. An operand comes either as strides (packed block by
 * block into `scratch`) or already packed whole (packedA / packedB non-zero, laid out by packAAll /
 * packBAll in this loop's visiting order), for products that reuse one operand many times.
 */
function blocked(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32, packedA: usize,
  b: usize, brs: i32, bcs: i32, packedB: usize,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  const scratchA = scratch;
  const scratchB = scratch + (<usize>(MC * KC) << 2);
  const tmp = scratchB + (<usize>(KC * NC) << 2);
  const mPad = (m + MR - 1) / MR * MR;
  if (k == 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc), ncPad = (nc + NR - 1) / NR * NR;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let pB = scratchB;
      if (packedB) pB = packedB + (<usize>(jc * k + ncPad * pc) << 2);
      else packB(b, brs, bcs, pc, jc, kc, nc, pB);
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        let pA = scratchA;
        if (packedA) pA = packedA + (<usize>(pc * mPad + ic * kc) << 2);
        else packA(a, ars, acs, ic, pc, mc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = pB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            microKernel(kc, pA + (<usize>(ir * kc) << 2), pb, cp, ldc, min(MR, mc - ir), min(NR, nc - jr), add, tmp);
          }
        }
      }
    }
  }
}

/** Floats packBAll writes for a k x n operand. */
export function packedBFloats(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k;
}

/**
 * Pack all of op(B) (k x n) once, block by block in the order sgemm visits them, for products
 * that reuse one B many times (a recurrent weight over every time step).
 */
export function packBAll(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc), ncPad = (nc + NR - 1) / NR * NR;
    for (let pc = 0; pc < k; pc += KC) {
      packB(b, brs, bcs, pc, jc, min(KC, k - pc), nc, dst + (<usize>(jc * k + ncPad * pc) << 2));
    }
  }
}

/** sgemm with op(B) already packed by packBAll (same k, n). */
export function sgemmPackedB(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, packed: usize, c: usize, ldc: i32, accumulate: bool, scratch: usize): void {
  blocked(m, n, k, a, ars, acs, 0, 0, 0, 0, packed, c, ldc, accumulate, scratch);
}

/** Floats packAAll writes for an m x k operand. */
export function packedAFloats(m: i32, k: i32): i32 {
  return ((m + MR - 1) / MR) * MR * k;
}

/**
 * Pack all of op(A) (m x k) once, block by block as sgemm visits them, for products that reuse
 * one A for many B (a convolution's weight against every sample's columns).
 */
export function packAAll(a: usize, ars: i32, acs: i32, m: i32, k: i32, dst: usize): void {
  const mPad = (m + MR - 1) / MR * MR;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    for (let ic = 0; ic < m; ic += MC) packA(a, ars, acs, ic, pc, min(MC, m - ic), kc, dst + (<usize>(pc * mPad + ic * kc) << 2));
  }
}

/** sgemm with op(A) already packed by packAAll (same m, k). */
export function sgemmPackedA(m: i32, n: i32, k: i32, packed: usize, b: usize, brs: i32, bcs: i32, c: usize, ldc: i32, accumulate: bool, scratch: usize): void {
  blocked(m, n, k, 0, 0, 0, packed, b, brs, bcs, 0, c, ldc, accumulate, scratch);
}
