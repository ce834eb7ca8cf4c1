// Safetensors: PyTorch's file loads and reproduces PyTorch's logits; the writer reproduces the
// reference byte layout; tensorloom's file is committed and was checked in PyTorch by
// scripts/fixtures/make_safetensors_refs.py; malformed files fail with their reason; saving
// to a path is atomic.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tl from "../index.js";
import { LOCAL_FIXTURE_DIR } from "../../test/support/fixtures.js";
import { TinyCnn } from "../../test/support/tinyCnn.js";

const dir = resolve(LOCAL_FIXTURE_DIR, "safetensors");
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

function header(json: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe("safetensors with PyTorch", () => {
  it("a state dict written by PyTorch loads into the matching model and reproduces PyTorch's logits", async () => {
    const ref = JSON.parse(readFileSync(join(dir, "torch_tiny_cnn.json"), "utf8"));
    const sd = await tl.io.loadSafetensors(join(dir, "torch_tiny_cnn.safetensors"));
    assert.deepEqual(Object.keys(sd).sort(), [...ref.keys].sort());
    assert.equal(sd["bn.num_batches_tracked"]!.dtype, "int32"); // I64 in the file
    const m = new TinyCnn();
    m.loadStateDict(sd);
    m.eval();
    const logits = tl.noGrad(() => m.forward(tl.tensor(ref.input.data, { shape: ref.input.shape, dtype: "float32" })));
    ref.logits.data.forEach((v: number, i: number) => assert.ok(Math.abs(logits.storage[i]! - v) < 1e-5, `logit ${i}: ${logits.storage[i]} vs ${v}`));
  });
  it("re-encoding PyTorch's file gives the same bytes (the reference layout: dtype order, names, padding)", () => {
    const original = bytesOf("torch_tiny_cnn.safetensors");
    const { tensors } = tl.io.decodeSafetensors(original);
    assert.deepEqual(tl.io.encodeSafetensors(tensors), original);
  });
  it("tensorloom's committed file decodes to the model that wrote it (PyTorch's check of it is in make_safetensors_refs.py)", async () => {
    const rec = JSON.parse(readFileSync(join(dir, "tensorloom_tiny_cnn.json"), "utf8"));
    const m = new TinyCnn();
    m.loadStateDict(await tl.io.loadSafetensors(bytesOf("tensorloom_tiny_cnn.safetensors")));
    m.eval();
    const logits = tl.noGrad(() => m.forward(tl.tensor(rec.input.data, { shape: rec.input.shape, dtype: "float32" })));
    // recorded on the reference backend; other backends sum in another order (float32 rounding)
    rec.logits.data.forEach((v: number, i: number) => assert.ok(Math.abs(logits.storage[i]! - v) < 1e-6, `logit ${i}: ${logits.storage[i]} vs ${v}`));
  });
  it("writes int32 as I64 on request, as PyTorch stores integers", () => {
    const bytes = tl.io.encodeStateDict({ n: tl.tensor([7, -3]) }, undefined, { int64: true });
    const { tensors } = tl.io.decodeSafetensors(bytes);
    assert.equal(tensors.n!.dtype, "I64");
    assert.deepEqual(Array.from(new BigInt64Array(tensors.n!.bytes.slice().buffer)), [7n, -3n]);
    assert.deepEqual(Array.from(tl.io.decodeStateDict(bytes).n!.storage), [7, -3]);
  });
  it("round-trips every dtype and reads F16 and BF16", () => {
    const sd = { a: tl.randn([2, 3], { dtype: "float64" }), b: tl.tensor([1, -2, 3]), c: tl.tensor([true, false]), d: tl.randn([4]) };
    const back = tl.io.decodeStateDict(tl.io.encodeStateDict(sd));
    for (const k of Object.keys(sd) as (keyof typeof sd)[]) {
      assert.equal(back[k]!.dtype, sd[k].dtype);
      assert.deepEqual(back[k]!.storage, sd[k].storage);
    }
    // 1.0, -2.0, 0.5 in half precision and bfloat16
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer);
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc000, 0x3f00]).buffer);
    const raw = tl.io.encodeSafetensors({ h: { dtype: "F16", shape: [3], bytes: f16 }, b: { dtype: "BF16", shape: [3], bytes: bf16 } });
    const got = tl.io.decodeStateDict(raw);
    assert.deepEqual(Array.from(got.h!.storage), [1, -2, 0.5]);
    assert.deepEqual(Array.from(got.b!.storage), [1, -2, 0.5]);
  });
});

describe("malformed safetensors", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["truncated length", new Uint8Array(5), /5 bytes long, too short for the 8-byte header length/],
    ["huge header length", (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 10n ** 12n, true); return b; })(), /more than the 100000000-byte limit/],
    ["header past the end", (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 100n, true); return b; })(), /claims 100 bytes but only 8 follow/],
    ["not JSON", header("{nope"), /not valid UTF-8 JSON/],
    ["unknown dtype", header('{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)), /unknown dtype "F8"/],
    ["wrong byte count", header('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)), /spans 4 bytes but F32 \[2\] needs 8/],
    ["data truncated", header('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(4)), /ends at byte 8 but the data section has 4 bytes/],
    ["gap between tensors", header('{"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', new Uint8Array(2)), /starts at byte 1 but the previous one ends at 0/],
    ["negative shape", header('{"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}'), /invalid shape \[-1\]/],
  ];
  for (const [name, bytes, msg] of cases) it(name, () => assert.throws(() => tl.io.decodeStateDict(bytes), msg));
  it("an I64 value outside int32 is an error, not a wrapped number", () => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, 2n ** 40n, true);
    assert.throws(() => tl.io.decodeStateDict(tl.io.encodeSafetensors({ n: { dtype: "I64", shape: [1], bytes: b } })), /holds 1099511627776 at position 0, outside tensorloom's int32 range/);
  });
});

describe("saving to a path", () => {
  it("writes atomically and never leaves a temporary file or a half-written model", async () => {
    const d = mkdtempSync(join(tmpdir(), "tensorloom-io-"));
    const p = join(d, "model.safetensors");
    writeFileSync(p, "the user's previous model");
    await assert.rejects(tl.io.saveSafetensors({ bad: 42 as unknown as tl.Tensor }, p), /entry "bad" is not a tensor/);
    assert.equal(readFileSync(p, "utf8"), "the user's previous model");
    await tl.io.saveSafetensors({ w: tl.ones([3]) }, p);
    assert.deepEqual(Array.from((await tl.io.loadSafetensors(p)).w!.storage), [1, 1, 1]);
    assert.deepEqual(readdirSync(d), ["model.safetensors"]);
    assert.ok(!existsSync(p + ".tmp"));
  });
});
