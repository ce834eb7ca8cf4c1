// tl.fromPixels / tl.toPixels in Node, with ImageData-like objects: layout and scale, channels,
// dtypes, round trips, the errors, and resizing against PyTorch's F.interpolate
// (test/fixtures/pixels_resize.json, made by scripts/fixtures/make_pixel_refs.py).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tl from "../index.js";

/** A w x h RGBA image whose byte at (y, x, c) is f(y, x, c). */
function image(h: number, w: number, f: (y: number, x: number, c: number) => number): tl.PixelData {
  const data = new Uint8ClampedArray(h * w * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) data[(y * w + x) * 4 + c] = f(y, x, c);
  return { data, width: w, height: h };
}

const img = image(3, 5, (y, x, c) => (y * 53 + x * 17 + c * 71) % 256);

describe("fromPixels", () => {
  it("gives [C, H, W] float32 in [0, 1], the bytes / 255 (ToTensor's convention)", () => {
    const t = tl.fromPixels(img);
    assert.deepEqual(t.shape, [3, 3, 5]);
    assert.equal(t.dtype, "float32");
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 5; x++) {
          assert.equal(t.storage[(c * 3 + y) * 5 + x], Math.fround(img.data[(y * 5 + x) * 4 + c]! / 255));
        }
  });

  it("keeps the first 1, 3 or 4 of R, G, B, A (as TF.js's numChannels)", () => {
    const four = tl.fromPixels(img, { channels: 4 });
    assert.deepEqual(four.shape, [4, 3, 5]);
    assert.deepEqual(tl.fromPixels(img, { channels: 1 }).toArray(), four.slice(0, 0, 1).toArray());
    assert.deepEqual(tl.fromPixels(img, { channels: 3 }).toArray(), four.slice(0, 0, 3).toArray());
  });

  it("dtype float64 gives [0, 1], int32 the bytes (TF.js's default)", () => {
    const d = tl.fromPixels(img, { dtype: "float64" });
    assert.equal(d.dtype, "float64");
    assert.equal(d.storage[1], img.data[4]! / 255);
    const i = tl.fromPixels(img, { dtype: "int32", channels: 4 });
    assert.equal(i.dtype, "int32");
    assert.deepEqual(Array.from(i.permute([1, 2, 0]).contiguous().storage), Array.from(img.data));
  });

  it("takes a Uint8Array and a square size as one number", () => {
    const t = tl.fromPixels({ data: new Uint8Array(img.data), width: 5, height: 3 }, { size: 2 });
    assert.deepEqual(t.shape, [3, 2, 2]);
  });

  it("refuses what is not an RGBA image, with the values", () => {
    assert.throws(() => tl.fromPixels({ data: new Uint8ClampedArray(12), width: 2, height: 2 }), {
      name: "ShapeError",
      message: /fromPixels: data has 12 bytes; a 2 x 2 image has 16/,
    });
    assert.throws(() => tl.fromPixels({ data: new Float32Array(16) as unknown as Uint8Array, width: 2, height: 2 }), {
      name: "DTypeError",
      message: /Uint8ClampedArray or Uint8Array.*Float32Array/,
    });
    assert.throws(() => tl.fromPixels(img, { channels: 2 as 3 }), {
      name: "ValueError",
      message: /fromPixels: channels must be 1, 3 or 4, got 2/,
    });
    assert.throws(() => tl.fromPixels(img, { size: [0, 3] }), {
      name: "ValueError",
      message: /size's height must be an integer >= 1, got 0/,
    });
    assert.throws(() => tl.fromPixels(img, { dtype: "bool" }), { name: "DTypeError", message: /dtype must be/ });
    assert.throws(() => tl.fromPixels({ width: 2, height: 2 }), {
      name: "ValueError",
      message: /no OffscreenCanvas or document here.*ImageData-like/,
    });
    assert.throws(() => tl.fromPixels(null as unknown as tl.PixelData), { name: "ValueError", message: /got null/ });
  });

  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/pixels_resize.json", import.meta.url), "utf8")) as {
    cases: {
      height: number;
      width: number;
      data: number[];
      channels: 1 | 3 | 4;
      size: [number, number];
      mode: "bilinear" | "nearest";
      shape: number[];
      expected: number[];
    }[];
  };
  for (const c of fixture.cases) {
    it(`resizes ${c.height}x${c.width} to ${c.size.join("x")} (${c.mode}, ${c.channels} channel(s)) as F.interpolate, align_corners=False`, () => {
      const t = tl.fromPixels(
        { data: Uint8ClampedArray.from(c.data), width: c.width, height: c.height },
        { size: c.size, mode: c.mode, channels: c.channels },
      );
      assert.deepEqual(t.shape, c.shape);
      let worst = 0;
      for (let i = 0; i < c.expected.length; i++) worst = Math.max(worst, Math.abs(t.storage[i]! - c.expected[i]!));
      // PyTorch interpolates in float32, this in float64 rounded once: a few float32 ulps apart
      assert.ok(worst <= 1e-6, `largest difference from PyTorch ${worst}`);
      if (c.mode === "nearest") assert.equal(worst, 0, "nearest copies PyTorch's pixels exactly");
      const ints = tl.fromPixels(
        { data: Uint8ClampedArray.from(c.data), width: c.width, height: c.height },
        { size: c.size, mode: c.mode, channels: c.channels, dtype: "int32" },
      );
      // int32 rounds the interpolated bytes: within half a step of PyTorch's value * 255 (ties either way)
      for (let i = 0; i < c.expected.length; i++)
        assert.ok(
          Math.abs(ints.storage[i]! - c.expected[i]! * 255) <= 0.5 + 1e-4,
          `int32 entry ${i}: ${ints.storage[i]} vs ${c.expected[i]! * 255}`,
        );
    });
  }
  it("the fixture has down- and upsampling in both modes", () => {
    assert.ok(fixture.cases.some((c) => c.mode === "bilinear" && c.size[0] > c.height));
    assert.ok(fixture.cases.some((c) => c.mode === "nearest" && c.size[1] < c.width));
  });
});

describe("toPixels", () => {
  it("round trip: fromPixels(toPixels(t)) is t within 1/255 (half a step, by rounding)", () => {
    const g = new tl.Generator(7);
    for (const C of [1, 3, 4] as const) {
      const t = tl.rand([C, 6, 9], { generator: g });
      const px = tl.toPixels(t);
      assert.equal(px.width, 9);
      assert.equal(px.height, 6);
      assert.equal(px.data.length, 6 * 9 * 4);
      const back = tl.fromPixels(px, { channels: C === 1 ? 1 : C });
      const diff = back.sub(t).abs().max().item();
      assert.ok(diff <= 0.5 / 255 + 1e-7, `channels ${C}: ${diff}`);
    }
  });

  it("bytes round trip exactly: toPixels(fromPixels(img, 4 channels)) is img", () => {
    assert.deepEqual(tl.toPixels(tl.fromPixels(img, { channels: 4 })).data, img.data);
    assert.deepEqual(tl.toPixels(tl.fromPixels(img, { channels: 4, dtype: "float64" })).data, img.data);
    assert.deepEqual(tl.toPixels(tl.fromPixels(img, { channels: 4, dtype: "int32" })).data, img.data);
  });

  it("one channel or [H, W] is gray with alpha 255; three channels get alpha 255", () => {
    const gray = tl.tensor([
      [0, 0.5],
      [1, 0.25],
    ]);
    const expect = [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255];
    assert.deepEqual(Array.from(tl.toPixels(gray).data), expect);
    assert.deepEqual(Array.from(tl.toPixels(gray.unsqueeze(0)).data), expect);
    const rgb = tl.tensor([[[1]], [[0]], [[0.2]]]);
    assert.deepEqual(Array.from(tl.toPixels(rgb).data), [255, 0, 51, 255]);
  });

  it("clamps: floats to [0, 1], int32 to 0-255; bool is 0 or 255", () => {
    assert.deepEqual(Array.from(tl.toPixels(tl.tensor([[-0.5, 1.5, 0.5]])).data.filter((_, i) => i % 4 === 0)), [0, 255, 128]);
    assert.deepEqual(
      Array.from(tl.toPixels(tl.tensor([[-3, 300, 17]], { dtype: "int32" })).data.filter((_, i) => i % 4 === 0)),
      [0, 255, 17],
    );
    assert.deepEqual(Array.from(tl.toPixels(tl.tensor([[true, false]])).data.filter((_, i) => i % 4 === 0)), [255, 0]);
  });

  it("draws into a canvas: sizes it and puts the pixels at (0, 0)", () => {
    const calls: unknown[][] = [];
    const canvas = {
      width: 1,
      height: 1,
      getContext: (id: string) =>
        id === "2d" ? { putImageData: (...a: unknown[]) => calls.push(a), getImageData: () => img, drawImage: () => {} } : null,
    };
    const px = tl.toPixels(tl.zeros([3, 4, 7]), canvas);
    assert.equal(canvas.width, 7);
    assert.equal(canvas.height, 4);
    assert.deepEqual(calls, [[px, 0, 0]]);
  });

  it("refuses wrong ranks, channel counts and non-finite values, naming them", () => {
    assert.throws(() => tl.toPixels(tl.zeros([1, 3, 4, 4])), {
      name: "ShapeError",
      message: /toPixels: expected a \[C, H, W\] or \[H, W\] tensor, got shape \[1, 3, 4, 4\] \(rank 4\)/,
    });
    assert.throws(() => tl.toPixels(tl.zeros([5])), { name: "ShapeError", message: /rank 1/ });
    assert.throws(() => tl.toPixels(tl.zeros([6, 6, 3])), {
      name: "ShapeError",
      message: /channel dim .* must be 1, 3 or 4, got 6 in shape \[6, 6, 3\].*permute/,
    });
    assert.throws(() => tl.toPixels(tl.zeros([2, 4, 4])), { name: "ShapeError", message: /got 2/ });
    assert.throws(() => tl.toPixels(tl.tensor([[[0, NaN]], [[0, 0]], [[0, 0]]])), {
      name: "ValueError",
      message: /non-finite value NaN at \[0, 0, 1\]/,
    });
    assert.throws(() => tl.toPixels(tl.tensor([[Infinity]])), { name: "ValueError", message: /non-finite value Infinity at \[0, 0\]/ });
    assert.throws(() => tl.toPixels(tl.zeros([3, 1, 1]), { width: 0, height: 0, getContext: () => null }), {
      name: "ValueError",
      message: /no 2D context/,
    });
  });
});
