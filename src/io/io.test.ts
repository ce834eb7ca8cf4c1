// Safetensors: PyTorch's file loads and reproduces PyTorch's logits; the writer reproduces the
// reference byte layout; tensorloom's file is committed and was checked in PyTorch by
// scripts/fixtures/make_safetensors_refs.py; malformed files fail with their reason; saving
// to a path is atomic.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
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
    ref.logits.data.forEach((v: number, i: number) =>
      assert.ok(Math.abs(logits.storage[i]! - v) < 1e-5, `logit ${i}: ${logits.storage[i]} vs ${v}`),
    );
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
    rec.logits.data.forEach((v: number, i: number) =>
      assert.ok(Math.abs(logits.storage[i]! - v) < 1e-6, `logit ${i}: ${logits.storage[i]} vs ${v}`),
    );
  });
  it("a file Python wrote with the format's edge cases loads: prototype-key and escaped names, zero-size tensors at shared offsets, null metadata", async () => {
    const want: Record<string, { dtype: string; shape: number[]; data: (number | boolean)[] }> = JSON.parse(
      readFileSync(join(dir, "edge_cases.json"), "utf8"),
    );
    const sd = await tl.io.loadSafetensors(join(dir, "edge_cases.safetensors"));
    assert.deepEqual(Object.keys(sd).sort(), Object.keys(want).sort());
    for (const [name, w] of Object.entries(want)) {
      assert.deepEqual(sd[name]!.shape, w.shape, name);
      assert.deepEqual(Array.from(sd[name]!.storage), w.data.map(Number), name);
    }
    // and tensorloom writes it back as the same tensors
    const again = tl.io.decodeStateDict(tl.io.encodeStateDict(sd));
    for (const name of Object.keys(want)) assert.deepEqual(Array.from(again[name]!.storage), Array.from(sd[name]!.storage), name);
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
    [
      "huge header length",
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 10n ** 12n, true);
        return b;
      })(),
      /more than the 100000000-byte limit/,
    ],
    [
      "header past the end",
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 100n, true);
        return b;
      })(),
      /claims 100 bytes but only 8 follow/,
    ],
    ["not JSON", header("{nope"), /the header is not valid JSON: expected a key string at character 1/],
    ["unknown dtype", header('{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)), /unknown dtype "F8"/],
    [
      "wrong byte count",
      header('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4)),
      /spans 4 bytes but F32 \[2\] needs 8/,
    ],
    [
      "data truncated",
      header('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(4)),
      /ends at byte 8 but the data section has 4 bytes/,
    ],
    [
      "gap between tensors",
      header('{"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', new Uint8Array(2)),
      /starts at byte 1 but the data before it ends at 0/,
    ],
    [
      "negative shape",
      header('{"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}'),
      /has shape \[-1\]; a shape is an array of integers in \[0, 2\^64\)/,
    ],
  ];
  const more: [string, Uint8Array, RegExp][] = [
    [
      "leading whitespace (the format: the header starts with {)",
      header(' {"__metadata__":null}'),
      /must be a JSON object starting with "\{" at its first byte/,
    ],
    ["a byte-order mark", header("\ufeff{}"), /must be a JSON object starting with "\{"/],
    [
      "a duplicate tensor name",
      header('{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}'),
      /duplicate key "a"/,
    ],
    ["a duplicate metadata key", header('{"__metadata__":{"k":"1","k":"2"}}'), /duplicate key "k"/],
    ["a duplicate field", header('{"a":{"dtype":"U8","dtype":"U8","shape":[0],"data_offsets":[0,0]}}'), /duplicate key "dtype"/],
    [
      "an integer written as 1.0",
      header('{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', new Uint8Array(1)),
      /has shape \[1\.0\]/,
    ],
    [
      "an offset of 2^64",
      header('{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,18446744073709551616]}}'),
      /data_offsets \[0, 18446744073709551616\]/,
    ],
    [
      "three data_offsets",
      header('{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0,0]}}'),
      /data_offsets \[0, 0, 0\]; they must be \[begin, end\]/,
    ],
    [
      "a non-string metadata value",
      header('{"__metadata__":{"epoch":3}}'),
      /"__metadata__" entry "epoch" is 3; the format allows only string values/,
    ],
    ["metadata that is a string", header('{"__metadata__":"pt"}'), /"__metadata__" is "pt"; it must be null or an object/],
    ["a tensor entry that is an array", header('{"a":["U8",[0],[0,0]]}'), /tensor "a" is \[.*\]; it must be an object/],
    [
      "an unpaired surrogate escape in a name",
      header('{"\\ud800":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}'),
      /unpaired high surrogate/,
    ],
    ["text after the object", header("{}x"), /text after the header object/],
    [
      "nesting deeper than serde_json's 127 levels",
      header(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":${"[".repeat(126)}${"]".repeat(126)}}}`),
      /more than 127 nested levels/,
    ],
    [
      "an element count that overflows 64 bits",
      header('{"a":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}'),
      /element count overflows 64 bits/,
    ],
    [
      "F4 that does not fill whole bytes",
      header('{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}', new Uint8Array(1)),
      /12 bits, not a whole number of bytes/,
    ],
    ["trailing bytes after the last tensor", header("{}", new Uint8Array(3)), /the tensors cover 0 bytes but the data section has 3/],
    [
      "a valid zero-size tensor with a dim over 2^53",
      header('{"a":{"dtype":"U8","shape":[0,1152921504606846976],"data_offsets":[0,0]}}'),
      /\(valid, it holds no elements\), but tensorloom's dims are at most 2\^53 - 1/,
    ],
    [
      "a dtype tensorloom has no type for",
      header('{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)),
      /is F8_E4M3, a valid safetensors dtype that tensorloom has no type for/,
    ],
  ];
  for (const [name, bytes, msg] of [...cases, ...more]) {
    it(name, () =>
      assert.throws(
        () => tl.io.decodeStateDict(bytes),
        (e: Error) =>
          e instanceof tl.TensorloomError &&
          e instanceof tl.io.SafetensorsError &&
          /^decodeStateDict: /.test(e.message) &&
          msg.test(e.message),
      ),
    );
  }
  it("what the format allows: trailing JSON whitespace, unknown fields (any JSON, 127 levels deep in all), escaped keys", () => {
    const sd = tl.io.decodeStateDict(
      header(
        `{"\\u0061":{"shape":[2],"x":{"y":[1.5e300,-0,${"[".repeat(123)}${"]".repeat(123)}]},"dtype":"U8","data_offsets":[0,2]}} \n\t\r`,
        new Uint8Array([7, 9]),
      ),
    );
    assert.deepEqual(Array.from(sd.a!.storage), [7, 9]);
  });
  it("messages name the call: decodeSafetensors, loadSafetensors with the path", async () => {
    assert.throws(() => tl.io.decodeSafetensors(new Uint8Array(3)), /^SafetensorsError: decodeSafetensors: the file is 3 bytes long/);
    const d = mkdtempSync(join(tmpdir(), "tensorloom-io-"));
    const p = join(d, "bad.safetensors");
    writeFileSync(p, header("[]"));
    await assert.rejects(
      tl.io.loadSafetensors(p),
      (e: Error) =>
        e instanceof tl.io.SafetensorsError &&
        e.message.startsWith(`loadSafetensors(${JSON.stringify(p)}): the header must be a JSON object`),
    );
    await assert.rejects(
      tl.io.loadSafetensors(join(d, "missing.safetensors")),
      (e: Error) =>
        e instanceof tl.io.SafetensorsError && e.message.includes(`cannot read ${JSON.stringify(join(d, "missing.safetensors"))} (ENOENT`),
    );
  });
  it("an I64 value outside int32 is an error, not a wrapped number", () => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, 2n ** 40n, true);
    assert.throws(
      () => tl.io.decodeStateDict(tl.io.encodeSafetensors({ n: { dtype: "I64", shape: [1], bytes: b } })),
      /holds 1099511627776 at position 0, outside tensorloom's int32 range/,
    );
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

describe("names, offsets and metadata the format allows survive save and load", () => {
  const NAMES = [
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "toString",
    "valueOf",
    "__defineGetter__",
    "prototype",
    "",
    "0",
    "9",
    "10",
    'a"b',
    "日本",
    "😀",
    "\u0000",
  ];
  const rng = (seed: number) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

  it("every name, zero-size tensors at any offset, 300 random dicts: decode(encode(sd)) is sd", () => {
    const r = rng(13);
    for (let trial = 0; trial < 300; trial++) {
      const sd: Record<string, tl.Tensor> = Object.create(null);
      for (const name of NAMES) {
        if (r() < 0.5) continue;
        const dims = [Math.floor(r() * 3), Math.floor(r() * 3)]; // zero-size about half the time
        const dtype = (["float32", "float64", "int32", "bool"] as const)[Math.floor(r() * 4)]!;
        sd[name] = tl.tensor(
          Array.from({ length: dims[0]! * dims[1]! }, () => (dtype === "bool" ? r() < 0.5 : Math.floor(r() * 100))),
          { shape: dims, dtype },
        );
      }
      const back = tl.io.decodeStateDict(tl.io.encodeStateDict(sd));
      assert.equal(Object.getPrototypeOf(back), null);
      assert.deepEqual(Object.keys(back).sort(), Object.keys(sd).sort());
      for (const k of Object.keys(sd)) {
        assert.deepEqual(back[k]!.shape, sd[k]!.shape);
        assert.equal(back[k]!.dtype, sd[k]!.dtype);
        assert.deepEqual(Array.from(back[k]!.storage), Array.from(sd[k]!.storage));
      }
    }
  });
  it("a zero-size tensor listed after a tensor at its offset loads (readers order by begin, then end)", () => {
    // the writer order of #13's failure: "9" sorts before "10" as a JS object key
    const sd = { "10": tl.zeros([0]), "9": tl.ones([2]) };
    assert.deepEqual(Object.keys(tl.io.decodeStateDict(tl.io.encodeStateDict(sd))).sort(), ["10", "9"]);
    const file = header(
      '{"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"c":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}}',
      new Uint8Array([1, 2]),
    );
    const got = tl.io.decodeStateDict(file);
    assert.deepEqual(Array.from(got.b!.storage), [1, 2]);
    assert.deepEqual([got.a!.shape, got.c!.shape], [[0], [0]]);
  });
  it("a state dict without a tensor named constructor or toString has none (no inherited keys)", () => {
    const back = tl.io.decodeStateDict(tl.io.encodeStateDict({ w: tl.ones([1]) }));
    assert.equal(back.constructor, undefined);
    assert.equal("toString" in back, false);
  });
  it('"__metadata__": null reads as no metadata; metadata keys like __proto__ round-trip', () => {
    assert.deepEqual(Object.keys(tl.io.decodeStateDict(header('{"__metadata__":null}'))), []);
    const meta: Record<string, string> = JSON.parse('{"__proto__":"a","constructor":"b","format":"pt"}');
    const { metadata } = tl.io.decodeSafetensors(tl.io.encodeStateDict({ w: tl.ones([1]) }, meta));
    assert.deepEqual({ ...metadata }, { ...meta });
    assert.deepEqual(Object.keys(metadata), ["__proto__", "constructor", "format"]);
    assert.deepEqual(Object.keys(tl.io.decodeSafetensors(tl.io.encodeStateDict({}, null)).metadata), []);
  });
  it("names and metadata the format cannot store are refused on save, naming the call", () => {
    assert.throws(
      () => tl.io.encodeStateDict({ "\ud800": tl.ones([1]) }),
      /^SafetensorsError: encodeStateDict: tensor name "\\ud800" has an unpaired UTF-16 surrogate/,
    );
    assert.throws(() => tl.io.encodeStateDict({ __metadata__: tl.ones([1]) }), /"__metadata__" is reserved/);
    assert.throws(
      () => tl.io.encodeStateDict({}, { epoch: 3 as unknown as string }),
      /metadata "epoch" is number; the format stores only strings/,
    );
    assert.throws(
      () => tl.io.encodeStateDict(tl.ones([1]) as unknown as tl.io.StateDict),
      /expected a state dict \(an object of named tensors\), got a tensor/,
    );
    // readers count elements left to right in 64 bits: [2^32, 2^32, 0] overflows before the 0, [0, 2^32, 2^32] does not
    const raw = (shape: number[]) => ({ a: { dtype: "U8" as const, shape, bytes: new Uint8Array(0) } });
    assert.throws(
      () => tl.io.encodeSafetensors(raw([2 ** 32, 2 ** 32, 0])),
      /^SafetensorsError: encodeSafetensors: tensor "a" has shape \[4294967296, 4294967296, 0\], whose running element count overflows 64 bits/,
    );
    assert.deepEqual(tl.io.decodeSafetensors(tl.io.encodeSafetensors(raw([0, 2 ** 32, 2 ** 32]))).tensors.a!.shape, [0, 2 ** 32, 2 ** 32]);
  });
  it("reads the integer types PyTorch writes (U16, U32, U64 narrowed to int32, checked)", () => {
    const le = (Arr: typeof Uint16Array | typeof Uint32Array | typeof BigUint64Array, xs: (number | bigint)[]) =>
      new Uint8Array(new (Arr as typeof Uint32Array)(xs as number[]).buffer);
    const got = tl.io.decodeStateDict(
      tl.io.encodeSafetensors({
        a: { dtype: "U16", shape: [2], bytes: le(Uint16Array, [0, 65535]) },
        b: { dtype: "U32", shape: [1], bytes: le(Uint32Array, [2147483647]) },
        c: { dtype: "U64", shape: [1], bytes: new Uint8Array(new BigUint64Array([5n]).buffer) },
      }),
    );
    assert.deepEqual([...got.a!.storage, ...got.b!.storage, ...got.c!.storage], [0, 65535, 2147483647, 5]);
    assert.throws(
      () => tl.io.decodeStateDict(tl.io.encodeSafetensors({ b: { dtype: "U32", shape: [1], bytes: le(Uint32Array, [2147483648]) } })),
      /\(U32\) holds 2147483648 at position 0, outside tensorloom's int32 range/,
    );
  });
});

describe("saving to a path: failures", () => {
  const dirWith = (...files: string[]) => {
    const d = mkdtempSync(join(tmpdir(), "tensorloom-io-"));
    for (const f of files) writeFileSync(join(d, f), "x");
    return d;
  };
  it("a missing folder: the error names the target path, not a temporary file", async () => {
    const d = dirWith();
    const p = join(d, "no-such-folder", "model.safetensors");
    await assert.rejects(
      tl.io.saveSafetensors({ w: tl.ones([1]) }, p),
      (e: Error) =>
        e instanceof tl.io.SafetensorsError &&
        e.message.startsWith(`saveSafetensors: cannot write ${JSON.stringify(p)} (ENOENT`) &&
        !e.message.includes(".tmp-"),
    );
  });
  it("a target that is a folder: the temporary file is removed and the folder kept", async () => {
    const d = dirWith();
    const p = join(d, "model.safetensors");
    mkdirSync(p);
    writeFileSync(join(p, "inside"), "keep");
    await assert.rejects(
      tl.io.saveSafetensors({ w: tl.ones([1]) }, p),
      (e: Error) => e instanceof tl.io.SafetensorsError && e.message.includes(`cannot write ${JSON.stringify(p)}`),
    );
    assert.deepEqual(readdirSync(d), ["model.safetensors"]);
    assert.deepEqual(readdirSync(p), ["inside"]);
  });
  it("temporary files of interrupted saves (their process is gone) are removed by the next save; a live process's are kept", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!; // exited: its pid names no process
    const live = process.ppid;
    const d = dirWith(
      `model.safetensors.tmp-${dead}-abc123`,
      `model.safetensors.tmp-${live}-def456`,
      `other.safetensors.tmp-${dead}-abc123`,
      `model.safetensors.tmp-${dead}-notours!`,
    );
    await tl.io.saveSafetensors({ w: tl.ones([1]) }, join(d, "model.safetensors"));
    assert.deepEqual(
      readdirSync(d).sort(),
      [
        "model.safetensors",
        `model.safetensors.tmp-${dead}-notours!`,
        `model.safetensors.tmp-${live}-def456`,
        `other.safetensors.tmp-${dead}-abc123`,
      ].sort(),
    );
  });
  it("a path that is not a string is refused before anything is written", async () => {
    await assert.rejects(
      tl.io.saveSafetensors({ w: tl.ones([1]) }, "" as string),
      /saveSafetensors: the path must be a non-empty string, got an empty string/,
    );
    await assert.rejects(
      tl.io.loadSafetensors(42 as unknown as string),
      /loadSafetensors: expected a file path or bytes \(a Uint8Array\), got number/,
    );
  });
});

describe("self-describing checkpoints: saveModel / loadModel", () => {
  const same = (a: tl.Tensor, b: tl.Tensor) => assert.deepEqual(Array.from(b.storage), Array.from(a.storage));
  it("a Sequential of known layers: save, loadModel, the same outputs bit for bit; tensors are the state dict, the rest is metadata", async () => {
    tl.manualSeed(3);
    const model = new tl.nn.Sequential(
      new tl.nn.Linear(5, 8),
      new tl.nn.ReLU(),
      new tl.nn.Dropout(0.1),
      new tl.nn.Linear(8, 3, { bias: false }),
      new tl.nn.Tanh(),
    );
    model.eval();
    const x = tl.randn([7, 5]);
    const pre = { kind: "tabular", features: ["a", "b"], mean: [0.5, -1.25], classes: ["x", "y", "z"], window: 12 };
    const bytes = await tl.io.saveModel(model, undefined, { preprocessing: pre, metadata: { author: "test" } });
    const { tensors, metadata } = tl.io.decodeSafetensors(bytes);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(model.stateDict()).sort()); // load_state_dict(strict=True) sees exactly these
    assert.equal(metadata.format, "pt");
    assert.equal(metadata.author, "test");
    assert.ok(Object.values(metadata).every((v) => typeof v === "string"));
    const loaded = await tl.io.loadModel(bytes);
    assert.deepEqual(loaded.preprocessing, pre);
    assert.equal(loaded.metadata.author, "test");
    assert.equal(loaded.model.training, false);
    same(model.forward(x), loaded.model.forward(x));
    assert.deepEqual(Object.keys(loaded.model.stateDict()), Object.keys(model.stateDict()));
  });
  it("named layers, convolutions and an LSTM's last step rebuild from the description (through a file)", async () => {
    tl.manualSeed(5);
    const arch: tl.io.ArchitectureSpec = {
      type: "Sequential",
      layers: [
        { name: "conv", type: "Conv2d", args: [1, 4, 3, { padding: 1 }] },
        { type: "ReLU" },
        { type: "MaxPool2d", args: [2] },
        { type: "Flatten", args: [1] },
        { name: "fc", type: "Linear", args: [16, 2] },
      ],
    };
    const cnn = tl.io.buildModel(arch);
    assert.deepEqual(Object.keys(cnn.stateDict()), ["conv.weight", "conv.bias", "fc.weight", "fc.bias"]);
    const lstm = tl.io.buildModel({
      type: "Sequential",
      layers: [
        { name: "lstm", type: "LSTM", args: [2, 6, { batchFirst: true }] },
        { type: "LastStep" },
        { name: "head", type: "Linear", args: [6, 1] },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), "tensorloom-model-"));
    for (const [m, x] of [
      [cnn, tl.randn([3, 1, 4, 4])],
      [lstm, tl.randn([4, 5, 2])],
    ] as const) {
      m.eval();
      const path = join(dir, "m.safetensors");
      await tl.io.saveModel(m, path, { preprocessing: { window: 5 } });
      const r = await tl.io.loadModel<{ window: number }>(path);
      assert.equal(r.preprocessing.window, 5);
      same(m.forward(x), r.model.forward(x));
      // the plain loader still reads the same file as a state dict
      assert.deepEqual(Object.keys(await tl.io.loadSafetensors(path)).sort(), Object.keys(m.stateDict()).sort());
    }
  });
  it("a file without an architecture, a user class, unknown layer types and bad JSON give errors that name what is missing", async () => {
    const weightsOnly = await tl.io.saveSafetensors(new tl.nn.Linear(2, 2).stateDict(), undefined, { format: "pt" });
    await assert.rejects(
      tl.io.loadModel(weightsOnly),
      (e: Error) =>
        e instanceof tl.io.SafetensorsError &&
        /holds weights only: its metadata has no "tensorloom.architecture" entry \(it has "format"\)/.test(e.message),
    );
    await assert.rejects(
      tl.io.loadModel(await tl.io.saveSafetensors({ w: tl.ones([1]) })),
      /has no "tensorloom.architecture" entry \(it has no metadata\)/,
    );
    class Mine extends tl.nn.Module {
      forward(x: tl.Tensor) {
        return x;
      }
    }
    await assert.rejects(
      tl.io.saveModel(new Mine()),
      /a Mine is user code; its architecture cannot be read from the instance. Pass \{ architecture \}/,
    );
    assert.throws(
      () => tl.io.buildModel({ type: "Sequential", layers: [{ type: "Transformer" }] }),
      /layer 0 has type "Transformer", which tensorloom cannot build; known types: Linear/,
    );
    const bad = await tl.io.saveSafetensors({ w: tl.ones([1]) }, undefined, { "tensorloom.architecture": "{oops" });
    await assert.rejects(tl.io.loadModel(bad), /metadata "tensorloom.architecture" is not valid JSON/);
    // weights that do not fit the description: loadStateDict's strict check names the keys
    const wrong = await tl.io.saveSafetensors(
      { w: tl.ones([1]) },
      undefined,
      tl.io.modelMetadata({ type: "Sequential", layers: [{ type: "Linear", args: [2, 1] }] }),
    );
    await assert.rejects(tl.io.loadModel(wrong), /missing \[0.weight, 0.bias\], unexpected \[w\]/);
    await assert.rejects(tl.io.loadModel(join(tmpdir(), "no-such-model.safetensors")), /loadModel: cannot read .*ENOENT/);
  });
});
