// Outputs allocated without their zero fill (op.ts unfilled, a backend's allocate with `zero`
// false) must be written whole by the kernel that fills them. The poison debug mode fills such
// outputs with NaN (int32 and bool with values no kernel writes), so this file runs every op that
// takes an unfilled output, forward and backward, with the poison on and off on every host
// backend, twice so that recycled host arrays and wasm blocks are reused, and requires the same
// bits: a kernel that left part of an output unwritten would show the poison.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { clearStoragePool, setPoisonUnfilled } from "../tensor/storagePool.js";
import { empty, unfilled } from "./op.js";

const F = tl.F;

/** Every op with an unfilled output, at sizes below and above the wasm backend's resident minimum (4 KiB). */
function workload(): { name: string; values: ArrayLike<number> }[] {
  tl.manualSeed(11);
  const out: { name: string; values: ArrayLike<number> }[] = [];
  const keep = (name: string, t: tl.Tensor | null) => {
    if (t) out.push({ name, values: t.data });
  };
  const leaf = (shape: number[]) => tl.randn(shape).requiresGrad_();
  const grads = (name: string, y: tl.Tensor, xs: tl.Tensor[]) => {
    keep(name, y);
    for (const x of xs) x.grad = null;
    y.mul(tl.randn(y.shape)).sum().backward();
    xs.forEach((x, i) => keep(`${name} grad ${i}`, x.grad));
  };

  for (const n of [1, 6]) {
    // convolutions: forward, both gradients (the fused backward), one gradient, transposed
    const x = leaf([n, 4, 9, 9]),
      w = leaf([6, 4, 3, 3]),
      b = leaf([6]);
    grads(`conv2d n=${n}`, F.conv2d(x, w, b, { padding: 1 }), [x, w, b]);
    grads(`conv2d stride n=${n}`, F.conv2d(x, w, null, { stride: 2, dilation: 2, padding: 2 }), [x, w]);
    const wg = leaf([6, 2, 3, 3]);
    grads(`conv2d groups n=${n}`, F.conv2d(x, wg, null, { groups: 2 }), [x, wg]);
    const wOnly = leaf([6, 4, 3, 3]);
    grads(`conv2d weight only n=${n}`, F.conv2d(x.detach(), wOnly, null, { padding: 1 }), [wOnly]);
    const xOnly = leaf([n, 4, 9, 9]);
    grads(`conv2d input only n=${n}`, F.conv2d(xOnly, w.detach(), null, { padding: 1 }), [xOnly]);
    const wt = leaf([4, 3, 3, 3]);
    grads(`convTranspose2d n=${n}`, F.convTranspose2d(x, wt, null, { stride: 2, padding: 1, outputPadding: 1 }), [x, wt]);
    const x1 = leaf([n, 3, 40]),
      w1 = leaf([5, 3, 5]);
    grads(`conv1d n=${n}`, F.conv1d(x1, w1, null, { padding: 2 }), [x1, w1]);
    const x3 = leaf([n, 2, 5, 6, 7]),
      w3 = leaf([3, 2, 2, 3, 2]);
    grads(`conv3d n=${n}`, F.conv3d(x3, w3, null, { stride: [1, 2, 1] }), [x3, w3]);

    // pooling: padding, ceil mode, indices, adaptive windows
    const [mp, idx] = F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, returnIndices: true });
    keep(`maxPool2d indices n=${n}`, idx);
    grads(`maxPool2d n=${n}`, mp, [x]);
    grads(`maxPool2d digits n=${n}`, F.maxPool2d(x.relu(), { kernelSize: 2 }), [x]);
    grads(`avgPool2d n=${n}`, F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x]);
    grads(`adaptiveAvgPool2d n=${n}`, F.adaptiveAvgPool2d(x, [4, 5]), [x]);
    grads(`adaptiveMaxPool1d n=${n}`, F.adaptiveMaxPool1d(x1, 7), [x1]);
  }

  // products: plain, transposed, batched and broadcast, with a fused bias, and an empty inner dim
  for (const [m, k, nn] of [
    [3, 5, 4],
    [70, 33, 40],
  ] as const) {
    const a = leaf([m, k]),
      bm = leaf([k, nn]),
      bias = leaf([nn]);
    grads(`mm ${m}`, a.matmul(bm), [a, bm]);
    grads(`linear ${m}`, F.linear(a, bm.t(), bias), [a, bm, bias]);
    const ba = leaf([3, m, k]);
    grads(`bmm broadcast ${m}`, ba.matmul(bm), [ba, bm]);
    grads(`mT ${m}`, a.t().matmul(leaf([m, nn])), [a]);
  }
  keep("mm k=0 small", tl.zeros([3, 0]).matmul(tl.zeros([0, 4])));
  keep("mm k=0 large", tl.zeros([40, 0]).matmul(tl.zeros([0, 50])));

  // maps, broadcasting binaries, comparisons (bool outputs), where, casts
  for (const size of [
    [5, 7],
    [40, 60],
  ] as const) {
    const a = leaf([...size]),
      row = leaf([size[1]]);
    grads(`add broadcast ${size}`, a.add(row), [a, row]);
    grads(`mul ${size}`, a.mul(a.exp()), [a]);
    grads(`relu ${size}`, a.relu(), [a]);
    grads(`sigmoid ${size}`, a.sigmoid().pow(2), [a]);
    keep(`gt ${size}`, a.gt(row));
    keep(`cast int ${size}`, a.mul(10).to("int32"));
    keep(`cast float ${size}`, a.mul(10).to("int32").to("float32"));
    grads(`where ${size}`, tl.where(a.gt(0), a, row), [a, row]);
    keep(`where bool ${size}`, tl.where(a.gt(0), a.lt(1), row.gt(0)));

    // reductions: adjacent and not, keepdim, arg*, bool, over a dim of size 0
    const c = leaf([size[0], 3, size[1]]);
    grads(`sum middle ${size}`, c.sum(1), [c]);
    grads(`sum outer ${size}`, c.sum([0, 2], true), [c]);
    grads(`sum rows ${size}`, c.sum(2), [c]);
    grads(`mean ${size}`, c.mean([0, 1]), [c]);
    grads(`max ${size}`, c.amax(1), [c]);
    keep(`argmax ${size}`, c.argmax(2));
    keep(`prod ${size}`, c.prod(1));
    keep(`any ${size}`, c.gt(1).any(1));
    keep(`sum empty dim ${size}`, tl.zeros([size[0], 0, size[1]]).sum(1));

    // softmax, loss, gather / indexSelect, slices and permutes
    grads(`logSoftmax ${size}`, a.logSoftmax(1), [a]);
    const y = tl.randint(0, size[1], [size[0]]);
    grads(`crossEntropy ${size}`, F.crossEntropy(a, y), [a]);
    grads(`gather ${size}`, a.gather(1, tl.randint(0, size[1], [size[0], 3])), [a]);
    grads(`indexSelect ${size}`, a.indexSelect(0, tl.tensor(Int32Array.from([2, 0, 2, 1]))), [a]);
    grads(`slice step ${size}`, a.slice(1, 1, size[1], 2), [a]);
    grads(`permute ${size}`, c.permute([2, 0, 1]).mul(2), [c]);
  }

  // a short training run of the digits CNN: the workload these outputs were made for
  const model = new tl.nn.Sequential(
    new tl.nn.Conv2d(1, 16, 3, { padding: 1 }),
    new tl.nn.ReLU(),
    new tl.nn.MaxPool2d(2),
    new tl.nn.Conv2d(16, 32, 3, { padding: 1 }),
    new tl.nn.ReLU(),
    new tl.nn.MaxPool2d(2),
    new tl.nn.Flatten(),
    new tl.nn.Linear(32 * 2 * 2, 10),
  );
  const opt = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
  const xb = tl.randn([64, 1, 8, 8]),
    yb = tl.randint(0, 10, [64]);
  for (let step = 0; step < 4; step++) {
    const loss = F.crossEntropy(model.forward(xb), yb);
    keep(`digits loss ${step}`, loss);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  for (const [i, p] of model.parameters().entries()) keep(`digits parameter ${i}`, p);
  return out;
}

function sameBits(name: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${name}: element ${i} is ${got[i]} with the poison on, ${want[i]} without`);
  }
}

function withPoison<T>(on: boolean, fn: () => T): T {
  const was = setPoisonUnfilled(on);
  try {
    return fn();
  } finally {
    setPoisonUnfilled(was);
  }
}

function onBackend<T>(name: tl.BackendName, fn: () => T): T {
  const was = tl.getBackend();
  tl.setBackend(name);
  try {
    return fn();
  } finally {
    tl.setBackend(was);
  }
}

const backends = tl.availableBackends().filter((b) => b !== "webgpu");

describe("unfilled outputs (poison debug mode)", () => {
  for (const backend of backends) {
    it(`${backend}: the poison reaches unfilled outputs and never empty() ones`, () => {
      onBackend(backend, () =>
        withPoison(true, () => {
          for (const n of [10, 5000]) {
            for (const dtype of ["float32", "int32", "bool", "float64"] as const) {
              const u = unfilled(dtype, [n]).data;
              const poisoned = Array.from(u).every((v) => (dtype === "int32" || dtype === "bool" ? v !== 0 && v !== 1 : Number.isNaN(v)));
              assert.ok(poisoned, `${backend}: unfilled(${dtype}, [${n}]) is poisoned`);
              assert.ok(
                Array.from(empty(dtype, [n]).data).every((v) => v === 0),
                `${backend}: empty(${dtype}, [${n}]) is zeros`,
              );
            }
          }
        }),
      );
    });

    it(`${backend}: a kernel that leaves part of an unfilled output unwritten shows it`, () => {
      onBackend(backend, () =>
        withPoison(true, () => {
          // a deliberate partial writer: copy into the first half of a fresh output only
          const x = tl.randn([4096]);
          const out = unfilled("float32", [8192]);
          out.storage.set(x.storage);
          assert.ok(Number.isNaN(out.data[5000]!), "the unwritten half reads as NaN");
        }),
      );
    });

    it(`${backend}: every op writes its unfilled outputs whole (same bits with the poison on)`, () => {
      onBackend(backend, () => {
        clearStoragePool();
        const want = withPoison(false, workload);
        for (let round = 0; round < 2; round++) {
          const got = withPoison(true, workload);
          assert.equal(got.length, want.length);
          for (const [i, w] of want.entries()) sameBits(`${backend} ${w.name} (round ${round})`, got[i]!.values, w.values);
        }
      });
    });
  }
});
