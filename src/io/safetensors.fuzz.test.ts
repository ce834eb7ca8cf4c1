// The safetensors fuzzer's subset for npm test (the full run: npm run fuzz:safetensors): mutated
// files judged by the oracle in test/support/safetensorsFuzz.ts, which states the format's rules
// on its own. Also checks that the subset still reaches every rule and mutation, and that the
// check would catch each failure class (a library with a planted bug of each kind fails it).

import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as io from "./index.js";
import { FAILURE_CLASSES, type WatchedResult, check, generate, judge, run, runWatched } from "../../test/support/safetensorsFuzz.js";

const SEED = 13;
const SUBSET = 1500;

describe("safetensors fuzzer (subset)", () => {
  let result: WatchedResult;
  // in a watched worker: an input the decoder never returns from is a reported hang, not a stuck
  // test run (60 s without progress; an input takes about a millisecond)
  before(async () => void (result = await runWatched(SEED, 0, SUBSET, 60_000)));

  it(`${SUBSET} mutated files: no input in a failure class, no hang`, () => {
    const failed = FAILURE_CLASSES.flatMap(
      (c) =>
        [
          [c, result.counts[c]],
          [`writer ${c}`, result.writer[c]],
        ] as const,
    ).filter(([, n]) => n! > 0);
    assert.deepEqual(failed, [], result.failures.map((f) => `${f.cls} at input ${f.index} (${f.label}): ${f.detail}`).join("\n"));
    assert.deepEqual(result.hangs, []);
  });

  it("the subset reaches every rule of the oracle and every mutation, accepting and refusing", () => {
    for (const rule of ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "T1", "T2", "W1", "W2", "W3", "W4", "W5", "W6", "W7"]) {
      assert.ok(
        Object.keys(result.rules).some((r) => r.startsWith(rule)),
        `no input refused by ${rule}: ${JSON.stringify(result.rules)}`,
      );
    }
    for (const label of [
      "valid",
      "bit-flip",
      "header-byte",
      "length-field",
      "truncate",
      "trailing-bytes",
      "utf8",
      "header-form",
      "offset",
      "swap-offsets",
      "dtype",
      "shape",
      "offset-form",
      "duplicate-name",
      "dup-field",
      "drop-field",
      "extra-field",
      "entry-form",
      "metadata",
      "name",
      "deep",
    ]) {
      assert.ok((result.labels[label] ?? 0) > 0, `mutation ${label} never ran`);
    }
    assert.ok(result.counts["ok-accepted"]! > SUBSET / 10, `only ${result.counts["ok-accepted"]} accepted`);
    assert.ok(result.counts["ok-refused"]! > SUBSET / 10, `only ${result.counts["ok-refused"]} refused`);
    assert.ok(result.writer["ok-accepted"]! > SUBSET / 10 && result.writer["ok-refused"]! > SUBSET / 10, JSON.stringify(result.writer));
  });

  it("the same seed gives the same inputs (any input replays alone)", () => {
    for (const i of [0, 7, 999]) assert.deepEqual(generate(SEED, i), generate(SEED, i));
    assert.notDeepEqual(generate(SEED, 1).bytes, generate(SEED, 2).bytes);
  });
});

describe("the fuzzer's check catches each failure class", () => {
  // a library with one planted bug; the check must put some of 300 inputs in the bug's class
  const planted = (patch: Partial<typeof io>): typeof io => ({ ...io, ...patch });
  const countIn = (lib: typeof io, cls: string) => run(SEED, 0, 300, undefined, lib).counts[cls]!;
  const dropFirst = <T>(r: Record<string, T>): Record<string, T> => {
    const out: Record<string, T> = Object.create(null);
    for (const k of Object.keys(r).slice(1)) out[k] = r[k]!;
    return out;
  };

  it("an exception that is not a library error", () => {
    const lib = planted({
      decodeSafetensors: (b) => {
        if (b.length % 3 === 0) throw new RangeError("offset out of bounds");
        return io.decodeSafetensors(b);
      },
    });
    assert.ok(countIn(lib, "non-library-error") > 0);
  });
  it("a silent difference (a tensor lost on load)", () => {
    const lib = planted({
      decodeSafetensors: (b) => {
        const r = io.decodeSafetensors(b);
        return { ...r, tensors: dropFirst(r.tensors) };
      },
    });
    assert.ok(countIn(lib, "silent-difference") > 0);
  });
  it("a valid input refused (null metadata, as before issue #13)", () => {
    const lib = planted({
      decodeSafetensors: (b) => {
        if (/"__metadata__":\s*null/.test(new TextDecoder().decode(b))) throw new io.SafetensorsError("decodeSafetensors: planted");
        return io.decodeSafetensors(b);
      },
    });
    assert.ok(countIn(lib, "valid-refused") > 0);
  });
  it("an invalid input accepted (a refusal swallowed)", () => {
    const lib = planted({
      decodeSafetensors: (b) => {
        try {
          return io.decodeSafetensors(b);
        } catch {
          return { tensors: Object.create(null), metadata: Object.create(null) };
        }
      },
    });
    assert.ok(countIn(lib, "invalid-accepted") > 0);
  });
  it("a round trip that changes data (a tensor lost on save)", () => {
    const lib = planted({ encodeSafetensors: (t, m) => io.encodeSafetensors(dropFirst(t), m) });
    assert.ok(countIn(lib, "round-trip-change") > 0);
  });
  it("a writer that loses __proto__ (tensors gathered in a plain object, as before issue #13)", () => {
    const lib = planted({
      encodeSafetensors: (t, m) => {
        const plain: Record<string, io.RawTensor> = {};
        for (const k of Object.keys(t)) plain[k] = t[k]!;
        return io.encodeSafetensors(plain, m);
      },
    });
    const r = run(SEED, 0, 300, undefined, lib);
    assert.ok(r.writer["round-trip-change"]! > 0, JSON.stringify(r.writer));
  });
  it("the oracle alone: the issue's examples", () => {
    const file = (json: string, data = 0) => {
      const h = new TextEncoder().encode(json);
      const b = new Uint8Array(8 + h.length + data);
      new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
      b.set(h, 8);
      return b;
    };
    // a zero-size tensor listed after another that starts at its offset
    assert.equal(
      judge(file('{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}', 4)).ok,
      true,
    );
    assert.equal(judge(file('{"__metadata__":null}')).ok, true);
    assert.equal(
      judge(file('{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}')).ok,
      false,
    );
    assert.equal(check(file('{"__proto__":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', 2)).cls, "ok-accepted");
  });
});
