import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as tl from "../../../src/index.js";
import { RUN_ONCE } from "../../../test/support/runOnce.js";
import { DigitsCnn } from "../../../src/cli/digits.js";
import { type DigitsReport, labelColumn, modelFrom, plainState, predict, readDigits, trainForPage } from "./digits.js";

const csv = readFileSync(new URL("../../../data/digits.csv", import.meta.url), "utf8");
// the first 900 digits keep the run short on the reference backend too (the page trains on all 1797)
const ROWS = 900;
const head =
  csv
    .split("\n")
    .slice(0, ROWS + 1)
    .join("\n") + "\n";
const EPOCHS = 4;
// the kernels are checked on every backend elsewhere; this trains the page's pipeline once (wasm)
const once = { skip: !RUN_ONCE && "trains once, in the wasm configuration" };

describe("lab page 7: digits CNN", () => {
  it("trains to at least 85% test accuracy on 900 digits in 4 epochs, reporting weights every epoch", once, async () => {
    const reports: DigitsReport[] = [];
    let batches = 0;
    const ctx = {
      signal: new AbortController().signal,
      report: (r: DigitsReport) => void reports.push(r),
      progressCallback: () => ({ onBatchEnd: () => void batches++ }),
    };
    const sd = await trainForPage(ctx, { csv: head, label: "label", epochs: EPOCHS, seed: 1 });
    const setup = reports[0]!;
    assert.deepEqual(setup, { kind: "setup", side: 8, classes: 10, images: ROWS, scale: 16 });
    const epochs = reports.filter((r) => r.kind === "epoch");
    assert.equal(epochs.length, EPOCHS);
    // 20% held out: 720 training images in batches of 64
    assert.equal(batches, EPOCHS * Math.ceil(720 / 64));
    const done = reports.at(-1)!;
    assert.ok(
      done.kind === "done" && done.testAccuracy >= 0.85,
      `test accuracy ${done.kind === "done" ? done.testAccuracy : "?"} after ${EPOCHS} epochs`,
    );
    assert.equal(
      done.kind === "done" && done.confusion.flat().reduce((a, b) => a + b, 0),
      180,
      "the confusion matrix counts every test image",
    );
    // the last epoch's reported weights are the returned state dict
    const last = epochs.at(-1)!;
    assert.ok(last.kind === "epoch");
    for (const [k, t] of Object.entries(sd)) assert.deepEqual(Array.from(last.state[k]!.data), Array.from(t.storage), k);
    // and a model built from them reads the data set's digits: most of the first 50 right
    const model = modelFrom(last.state, 8, 10);
    const { x, y } = readDigits(csv);
    let right = 0;
    for (let i = 0; i < 50; i++) {
      const p = predict(model, x.select(0, i));
      assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      if (p.predicted === y.storage[i]) right++;
    }
    assert.ok(right >= 40, `${right} of the first 50 digits predicted right`);
  });

  it("stops before the next batch once the page cancels, mid-epoch, still returning the weights", once, async () => {
    const reports: DigitsReport[] = [];
    const abort = new AbortController();
    let batches = 0;
    // 720 training images: 12 batches an epoch; cancel after the third
    const progressCallback = () => ({
      onBatchEnd: () => {
        if (++batches === 3) abort.abort();
      },
    });
    const sd = await trainForPage(
      { signal: abort.signal, report: (r) => void reports.push(r), progressCallback },
      { csv: head, label: "label", epochs: 5, seed: 1 },
    );
    assert.equal(batches, 3, "no batch after the cancel");
    assert.equal(reports.filter((r) => r.kind === "epoch").length, 0, "the unfinished epoch is not reported");
    assert.equal(reports.at(-1)!.kind, "done");
    assert.deepEqual(Object.keys(sd).sort(), ["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc.bias", "fc.weight"]);
  });

  it("shows the first layer's filters and feature maps: relu(conv1(image))", () => {
    tl.manualSeed(3);
    const { x } = readDigits(csv);
    const model = modelFrom(plainState(new DigitsCnn(8, 10)), 8, 10);
    const p = predict(model, x.select(0, 0));
    assert.equal(p.filters.length, 16);
    assert.deepEqual([p.filters[0]!.length, p.filters[0]![0]!.length], [3, 3]);
    assert.equal(p.featureMaps.length, 16);
    const want = tl.F.conv2d(x.narrow(0, 0, 1), model.conv1.weight, model.conv1.bias, { padding: 1 })
      .relu()
      .select(0, 0)
      .select(0, 3)
      .toArray();
    assert.deepEqual(p.featureMaps[3], want);
  });

  it("takes the label column by name, else the last column, and refuses images that are not square", () => {
    assert.equal(labelColumn("p0,p1,label,other\n1,2,3,4\n"), "label");
    assert.equal(labelColumn("a,b,c,d,digit\n"), "digit");
    assert.throws(() => readDigits("a,b,c,label\n1,2,3,0\n1,2,3,1\n1,2,3,0\n"), /do not form a square image/);
  });
});
