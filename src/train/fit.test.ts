import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tl from "../index.js";
import { addMemoryPressureProbe, deviceMemoryPressed } from "../tensor/storage.js";

const { nn, F, optim, data, train } = tl;

function problem() {
  tl.manualSeed(0);
  const x = tl.randn([64, 3]);
  const y = x.matmul(tl.tensor([[1], [-2], [0.5]])).add(0.3);
  const model = new nn.Linear(3, 1);
  return { x, y, model, loader: new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true }) };
}

describe("fit", () => {
  it("runs the plain loop: the loss falls, history has one entry per epoch, evaluate feeds metrics", async () => {
    const { x, y, model, loader } = problem();
    const history = await train.fit({
      model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      train: loader,
      val: [[x, y]],
      epochs: 8,
      loss: ([xb, yb]: tl.Tensor[]) => F.mseLoss(model.forward(xb!), yb!),
      evaluate: () => ({ mae: tl.metrics.mae(model.forward(x), y) }),
    });
    assert.equal(history.length, 8);
    assert.ok(history[7]!.trainLoss < history[0]!.trainLoss / 10);
    assert.ok(history[7]!.metrics.mae! < 0.1);
    assert.equal(model.training, false);
  });
  it("yields a task between batches while a backend's collected-only memory is pressed, and not otherwise", async () => {
    /** Per batch, whether a task queued before fit had run by then. */
    const run = async (): Promise<boolean[]> => {
      const { model, loader } = problem();
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      const seen: boolean[] = [];
      await train.fit({
        model,
        optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
        train: loader,
        epochs: 1,
        loss: ([xb, yb]: tl.Tensor[]) => {
          seen.push(ran);
          return F.mseLoss(model.forward(xb!), yb!);
        },
      });
      await new Promise((r) => setImmediate(r));
      return seen;
    };
    assert.equal(deviceMemoryPressed(), false, "no backend memory is pressed by this file's small tensors");
    assert.deepEqual(await run(), [false, false, false, false], "without pressure a batch never yields");
    const remove = addMemoryPressureProbe(() => true);
    try {
      // the first batch yields after its step (nothing has yielded yet), so the second sees the task
      assert.deepEqual((await run()).slice(0, 2), [false, true]);
    } finally {
      remove();
    }
    assert.equal(deviceMemoryPressed(), false, "the probe is removed");
  });
  it("earlyStopping stops after `patience` epochs without improvement and restores the best weights", async () => {
    const { x, y, model, loader } = problem();
    const stop = train.earlyStopping({ patience: 2 });
    // lr 0: the loss never improves after the first epoch
    const history = await train.fit({
      model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0 }),
      train: loader,
      val: [[x, y]],
      epochs: 20,
      loss: ([xb, yb]: tl.Tensor[]) => F.mseLoss(model.forward(xb!), yb!),
      callbacks: [stop],
    });
    assert.equal(history.length, 3);
    assert.equal(stop.bestEpoch, 1);
  });
  it("checkpoint saves a safetensors file when the monitored value improves; a diverging loss is an error", async () => {
    const { x, y, model, loader } = problem();
    const path = join(mkdtempSync(join(tmpdir(), "tensorloom-fit-")), "best.safetensors");
    await train.fit({
      model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }),
      train: loader,
      val: [[x, y]],
      epochs: 2,
      loss: ([xb, yb]: tl.Tensor[]) => F.mseLoss(model.forward(xb!), yb!),
      callbacks: [train.checkpoint(path)],
    });
    assert.ok(existsSync(path));
    assert.deepEqual(Object.keys(await tl.io.loadSafetensors(path)).sort(), ["bias", "weight"]);
    await assert.rejects(
      train.fit({
        model,
        optimizer: new optim.SGD(model.parameters(), { lr: 1e6 }),
        train: loader,
        epochs: 5,
        loss: ([xb, yb]: tl.Tensor[]) => F.mseLoss(model.forward(xb!), yb!),
      }),
      /fit: the loss became (Infinity|NaN) at epoch \d, batch \d+\. Lower the learning rate/,
    );
  });
});
