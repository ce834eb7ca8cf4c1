// Fused LSTM / GRU cell kernels (float32, f32x4): the formulas of ops/recurrent.ts, four hidden
// units at a time. The JS side sends only H % 4 == 0 here (other sizes take the reference kernel).
import { vsigmoid, vtanh } from "./vmath";

const ONE = f32x4.splat(1);

@inline function ld(base: usize, i: i32): v128 { return v128.load(base + (<usize>i << 2)); }
@inline function st(base: usize, i: i32, v: v128): void { v128.store(base + (<usize>i << 2), v); }

/** c1 = s(f) c + s(i) tanh(g); h1 = s(o) tanh(c1). Addresses of [B, 4H] gates and [B, H] states; H % 4 == 0. */
export function lstmCell(gates: usize, c: usize, c1: usize, h1: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H, s0 = b * H;
    for (let j = 0; j < H; j += 4) {
      const i = vsigmoid(ld(gates, g0 + j)), f = vsigmoid(ld(gates, g0 + H + j));
      const g = vtanh(ld(gates, g0 + 2 * H + j)), o = vsigmoid(ld(gates, g0 + 3 * H + j));
      const cn = f32x4.add(f32x4.mul(f, ld(c, s0 + j)), f32x4.mul(i, g));
      st(c1, s0 + j, cn);
      st(h1, s0 + j, f32x4.mul(o, vtanh(cn)));
    }
  }
}

export function lstmCellBackward(gates: usize, c: usize, c1: usize, dh1: usize, dc1: usize, dgates: usize, dc: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H, s0 = b * H;
    for (let j = 0; j < H; j += 4) {
      const i = vsigmoid(ld(gates, g0 + j)), f = vsigmoid(ld(gates, g0 + H + j));
      const g = vtanh(ld(gates, g0 + 2 * H + j)), o = vsigmoid(ld(gates, g0 + 3 * H + j));
      const t = vtanh(ld(c1, s0 + j)), dh = ld(dh1, s0 + j);
      const d = f32x4.add(ld(dc1, s0 + j), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(ONE, f32x4.mul(t, t))));
      st(dgates, g0 + j, f32x4.mul(f32x4.mul(d, g), f32x4.mul(i, f32x4.sub(ONE, i))));
      st(dgates, g0 + H + j, f32x4.mul(f32x4.mul(d, ld(c, s0 + j)), f32x4.mul(f, f32x4.sub(ONE, f))));
      st(dgates, g0 + 2 * H + j, f32x4.mul(f32x4.mul(d, i), f32x4.sub(ONE, f32x4.mul(g, g))));
      st(dgates, g0 + 3 * H + j, f32x4.mul(f32x4.mul(dh, t), f32x4.mul(o, f32x4.sub(ONE, o))));
      st(dc, s0 + j, f32x4.mul(d, f));
    }
  }
}

export function gruCell(xg: usize, hg: usize, h: usize, h1: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H, s0 = b * H;
    for (let j = 0; j < H; j += 4) {
      const r = vsigmoid(f32x4.add(ld(xg, g0 + j), ld(hg, g0 + j)));
      const z = vsigmoid(f32x4.add(ld(xg, g0 + H + j), ld(hg, g0 + H + j)));
      const n = vtanh(f32x4.add(ld(xg, g0 + 2 * H + j), f32x4.mul(r, ld(hg, g0 + 2 * H + j))));
      st(h1, s0 + j, f32x4.add(n, f32x4.mul(z, f32x4.sub(ld(h, s0 + j), n))));
    }
  }
}

export function gruCellBackward(xg: usize, hg: usize, h: usize, dh1: usize, dxg: usize, dhg: usize, dh: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H, s0 = b * H;
    for (let j = 0; j < H; j += 4) {
      const r = vsigmoid(f32x4.add(ld(xg, g0 + j), ld(hg, g0 + j)));
      const z = vsigmoid(f32x4.add(ld(xg, g0 + H + j), ld(hg, g0 + H + j)));
      const hn = ld(hg, g0 + 2 * H + j);
      const n = vtanh(f32x4.add(ld(xg, g0 + 2 * H + j), f32x4.mul(r, hn)));
      const d = ld(dh1, s0 + j);
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(ONE, z)), f32x4.sub(ONE, f32x4.mul(n, n)));
      const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(ONE, r)));
      const dz = f32x4.mul(f32x4.mul(d, f32x4.sub(ld(h, s0 + j), n)), f32x4.mul(z, f32x4.sub(ONE, z)));
      st(dxg, g0 + j, dr); st(dhg, g0 + j, dr);
      st(dxg, g0 + H + j, dz); st(dhg, g0 + H + j, dz);
      st(dxg, g0 + 2 * H + j, dn); st(dhg, g0 + 2 * H + j, f32x4.mul(dn, r));
      st(dh, s0 + j, f32x4.mul(d, z));
    }
  }
}
