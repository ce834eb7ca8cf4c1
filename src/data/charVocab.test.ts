// CharVocab: frequency order, unknown and reserved tokens, encode/decode round trips, JSON.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { throwsWith } from "../../test/support/check.js";

const { CharVocab } = tl.data;

describe("CharVocab", () => {
  it("orders ids: <unk>, reserved, then characters by frequency (ties by code point)", () => {
    const v = CharVocab.fromText("the cat sat", { reserved: ["<pad>"] });
    assert.deepEqual(v.tokens, ["<unk>", "<pad>", "t", " ", "a", "c", "e", "h", "s"]);
    assert.equal(v.size, 9);
    assert.equal(v.indexOf("z"), 0);
  });

  it("encodes to int32 and decodes back; unknown characters map to <unk>", () => {
    const v = CharVocab.fromText(["hello", "world"]);
    const ids = v.encode("hold");
    assert.equal(ids.dtype, "int32");
    assert.equal(v.decode(ids), "hold");
    assert.equal(v.decode(v.encodeIds("hi!")), "h<unk><unk>");
    assert.deepEqual(v.encode("lol").toArray(), v.encodeIds("lol"));
  });

  it("counts code points, so an emoji or accented letter is one token", () => {
    const v = CharVocab.fromText("naïve 🙂🙂");
    assert.equal(v.tokens[1], "🙂");
    assert.equal(v.encodeIds("🙂ï").length, 2);
  });

  it("minFreq, no unknown token, and a JSON round trip", () => {
    const v = CharVocab.fromText("aaabbc", { minFreq: 2, unk: null });
    assert.deepEqual(v.tokens, ["a", "b"]);
    throwsWith(() => v.indexOf("c"), tl.ValueError, /CharVocab: "c" is not in the vocabulary of 2 tokens and there is no unknown token/);
    const w = CharVocab.fromJSON(JSON.parse(JSON.stringify(v)) as { tokens: string[]; unk: null });
    assert.deepEqual(w.tokens, v.tokens);
    assert.equal(w.unk, null);
  });

  it("feeds an embedding", () => {
    const v = CharVocab.fromText("abcabc");
    const e = new tl.nn.Embedding(v.size, 3);
    assert.deepEqual(e.forward(v.encode("cab")).shape, [3, 3]);
  });

  it("errors", () => {
    const v = CharVocab.fromText("ab");
    throwsWith(() => v.decode([0, 7]), tl.ValueError, /CharVocab.decode: id 7 \(at position 1\) is out of range for 3 tokens/);
    throwsWith(() => new CharVocab(["a", "a"]), tl.ValueError, /CharVocab: tokens must be unique; "a" appears twice/);
    throwsWith(() => new CharVocab(["a"], { unk: "?" }), tl.ValueError, /the unknown token "\?" is not among the tokens/);
  });
});
