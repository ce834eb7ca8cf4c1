// tl.explain's conv explainers against F.conv1d/2d/3d and autograd on random geometries: every
// output cell's sum of products (plus bias) equals the conv output, its taps read the right input
// positions (padding marked), and every input-gradient cell's sum of dy * w equals x.grad, with
// exactly the (output cell, kernel tap) pairs of the forward windows that read that input cell.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { BACKENDS } from "../../test/support/fixtures.js";
import { throwsWith } from "../../test/support/check.js";

const F = tl.F;

interface Geo {
  nd: number;
  N: number | null;
  C: number;
  O: number;
  groups: number;
  size: number[];
  kernel: number[];
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  bias: boolean;
}

/** A random valid geometry (the conv output is at least 1 wide in every dim). */
function randomGeo(rand: () => number, nd: number): Geo {
  const pick = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  for (;;) {
    const groups = pick(1, 2);
    const C = groups * pick(1, 2),
      O = groups * pick(1, 2);
    const kernel = Array.from({ length: nd }, () => pick(1, 3));
    const dilation = Array.from({ length: nd }, () => pick(1, 2));
    const size = Array.from({ length: nd }, () => pick(nd === 3 ? 2 : 3, nd === 1 ? 9 : nd === 2 ? 6 : 4));
    const r = rand();
    const stride = r < 0.25 ? new Array<number>(nd).fill(1) : Array.from({ length: nd }, () => pick(1, 3));
    const padding: Geo["padding"] = r < 0.15 ? "same" : r < 0.25 ? "valid" : Array.from({ length: nd }, () => pick(0, 2));
    const geo: Geo = { nd, N: rand() < 0.3 ? null : pick(1, 2), C, O, groups, size, kernel, stride, padding, dilation, bias: rand() < 0.5 };
    const ok = size.every((n, i) => {
      const p = padding === "same" ? 0 : padding === "valid" ? 0 : padding[i]!;
      return padding === "same" || n + 2 * p - dilation[i]! * (kernel[i]! - 1) - 1 >= 0;
    });
    if (ok) return geo;
  }
}

function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const convOf = (nd: number) => (nd === 1 ? F.conv1d : nd === 2 ? F.conv2d : F.conv3d);
const key = (a: readonly number[]) => a.join(",");

function checkGeo(geo: Geo, dtype: "float64" | "float32", label: string): void {
  const tol = dtype === "float64" ? 1e-10 : 1e-4;
  const x = tl.randn(geo.N === null ? [geo.C, ...geo.size] : [geo.N, geo.C, ...geo.size], { dtype });
  const w = tl.randn([geo.O, geo.C / geo.groups, ...geo.kernel], { dtype });
  const b = geo.bias ? tl.randn([geo.O], { dtype }) : null;
  const opts = { stride: geo.stride, padding: geo.padding, dilation: geo.dilation, groups: geo.groups };
  const y = convOf(geo.nd)(x, w, b, opts);
  const ex = tl.explain.conv(x, w, { ...opts, bias: b });
  assert.deepEqual(ex.outputShape, y.shape, `${label} output shape`);
  assert.equal(ex.cells.length, y.numel(), label);
  const xAt = (idx: number[]) => idx.reduce((a, v, i) => a * x.shape[i]! + v, 0);
  const batched = geo.N !== null;
  // which (output cell, weight tap) pairs read each input cell, from the forward windows
  const readers = new Map<string, Set<string>>();
  ex.cells.forEach((cell, f) => {
    const want = y.storage[f]!;
    assert.ok(
      Math.abs(cell.sum - want) <= tol * (1 + Math.abs(want)),
      `${label} cell ${key(cell.index)}: sum ${cell.sum} vs F.conv ${want}`,
    );
    assert.ok(Math.abs(cell.value - want) <= tol * (1 + Math.abs(want)), `${label} cell ${key(cell.index)}: value`);
    assert.equal(cell.taps.length, (geo.C / geo.groups) * geo.kernel.reduce((a, k) => a * k, 1), `${label} taps`);
    assert.deepEqual(cell.windowShape, [geo.C / geo.groups, ...geo.kernel]);
    const oc = cell.index[batched ? 1 : 0]!;
    assert.equal(cell.group, Math.floor(oc / (geo.O / geo.groups)));
    let s = 0;
    for (const t of cell.taps) {
      const pos = t.input.slice(batched ? 2 : 1);
      const padded = pos.some((v, i) => v < 0 || v >= geo.size[i]!);
      assert.equal(t.padded, padded, `${label} padded flag at ${key(t.input)}`);
      assert.equal(t.x, padded ? 0 : x.storage[xAt(t.input)]!);
      assert.equal(t.w, w.storage[xAtW(w, t.weight)]!);
      assert.equal(t.product, t.x * t.w);
      s += t.product;
      if (!padded) {
        const k = key(t.input);
        if (!readers.has(k)) readers.set(k, new Set());
        readers.get(k)!.add(`${key(cell.index)}|${key(t.weight)}`);
      }
    }
    assert.equal(s + cell.bias, cell.sum);
  });
  // the input gradient, seen as a convolution, against autograd
  const dy = tl.randn(y.shape, { dtype });
  const xg = x.clone().requiresGrad_();
  convOf(geo.nd)(xg, w, b, opts).backward(dy);
  const gx = tl.explain.convInputGrad(x, w, dy, { ...opts, bias: b });
  assert.deepEqual(gx.inputShape, x.shape);
  gx.cells.forEach((cell, f) => {
    const want = xg.grad!.storage[f]!;
    assert.ok(
      Math.abs(cell.sum - want) <= tol * (1 + Math.abs(want)),
      `${label} grad cell ${key(cell.index)}: sum ${cell.sum} vs autograd ${want}`,
    );
    assert.ok(Math.abs(cell.value - want) <= tol * (1 + Math.abs(want)), `${label} grad cell ${key(cell.index)}: value`);
    const got = new Set(cell.taps.map((t) => `${key(t.output)}|${key(t.weight)}`));
    assert.deepEqual(got, readers.get(key(cell.index)) ?? new Set(), `${label} grad cell ${key(cell.index)}: taps`);
    for (const t of cell.taps) assert.equal(t.product, t.dy * t.w);
  });
  // single-cell forms agree with the all-cells ones
  const last = ex.cells[ex.cells.length - 1]!;
  assert.deepEqual(tl.explain.convCell(x, w, last.index, { ...opts, bias: b }), last);
  const lastG = gx.cells[gx.cells.length - 1]!;
  assert.deepEqual(tl.explain.convInputGradCell(x, w, dy, lastG.index, opts), lastG);
}

function xAtW(w: tl.Tensor, idx: number[]): number {
  return idx.reduce((a, v, i) => a * w.shape[i]! + v, 0);
}

for (const backend of BACKENDS) {
  describe(`tl.explain conv on ${backend}`, () => {
    for (const nd of [1, 2, 3]) {
      it(`${nd}-D: random geometries match F.conv${nd}d and autograd`, () => {
        tl.setBackend(backend);
        const rand = mulberry(100 + nd);
        tl.manualSeed(nd);
        const runs = nd === 3 ? 6 : 25;
        for (let r = 0; r < runs; r++) {
          const geo = randomGeo(rand, nd);
          const label = `${nd}-D #${r} ${JSON.stringify(geo)}`;
          checkGeo(geo, r % 3 === 2 ? "float32" : "float64", label);
        }
      });
    }

    it("a hand case: 2-D, padding 1, stride 2 (the window of the corner cell reads padding)", () => {
      tl.setBackend(backend);
      const x = tl.arange(16, { dtype: "float64" }).reshape([1, 1, 4, 4]);
      const w = tl.ones([1, 1, 3, 3], { dtype: "float64" });
      const cell = tl.explain.convCell(x, w, [0, 0, 0, 0], { padding: 1, stride: 2 });
      assert.deepEqual(
        cell.taps.map((t) => t.input.slice(2)),
        [
          [-1, -1],
          [-1, 0],
          [-1, 1],
          [0, -1],
          [0, 0],
          [0, 1],
          [1, -1],
          [1, 0],
          [1, 1],
        ],
      );
      assert.deepEqual(
        cell.taps.map((t) => t.padded),
        [true, true, true, true, false, false, true, false, false],
      );
      assert.equal(cell.sum, 0 + 1 + 4 + 5);
      // input cell (1, 1) is read by output (0, 0) at tap (2, 2), (0, 1) at (2, 0), (1, 0) at (0, 2), (1, 1) at (0, 0)
      const g = tl.explain.convInputGradCell(x, w, tl.ones([1, 1, 2, 2], { dtype: "float64" }), [0, 0, 1, 1], { padding: 1, stride: 2 });
      assert.deepEqual(
        g.taps.map((t) => [t.output.slice(2), t.weight.slice(2)]),
        [
          [
            [1, 1],
            [0, 0],
          ],
          [
            [1, 0],
            [0, 2],
          ],
          [
            [0, 1],
            [2, 0],
          ],
          [
            [0, 0],
            [2, 2],
          ],
        ],
      );
      assert.equal(g.sum, 4);
      assert.equal(g.value, 4);
    });

    it("errors name the explainer", () => {
      tl.setBackend(backend);
      const x = tl.ones([1, 2, 5]),
        w = tl.ones([3, 2, 3]);
      throwsWith(
        () => tl.explain.convCell(x, w, [0, 3, 0]),
        tl.ValueError,
        /explain\.convCell: output index \[0,3,0\] is not an index into shape \[1, 3, 3\]/,
      );
      throwsWith(
        () => tl.explain.convInputGradCell(x, w, tl.ones([1, 3, 4]), [0, 0, 0]),
        tl.ShapeError,
        /explain\.convInputGradCell: dy has shape \[1, 3, 4\] but the conv output is \[1, 3, 3\]/,
      );
      throwsWith(() => tl.explain.conv(x, tl.ones([3, 3, 3])), tl.ShapeError, /explain\.conv: input \[1, 2, 5\] has 2 channels/);
      throwsWith(
        () => tl.explain.conv(tl.ones([1, 1, 300, 300]), tl.ones([8, 1, 5, 5]), { padding: 2 }),
        tl.ValueError,
        /explain\.conv: 720000 output cells of 25 taps each is more than 1000000 taps/,
      );
    });
  });
}
