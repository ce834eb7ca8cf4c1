// tensorloom/frame must bundle for browsers: no Node built-in reachable from src/frame/index.ts
// (file helpers live in io/node.ts, which only "tensorloom/frame/node" imports). The frame alone
// carries no tensor core (test/browserBundle.test.ts checks its size); tensors come with
// "tensorloom/frame/ml" (src/frame/ml/index.ts).

import { it } from "node:test";
import assert from "node:assert/strict";
import { bundleForBrowser } from "../../test/support/bundle.js";

it("src/frame/index.ts bundles for the browser and reads CSV there", async () => {
  const mod = await bundleForBrowser("src/frame/index.ts");
  const df = mod.readCsv("a,b\n1,x\n2,y\n");
  assert.equal(df.col("a").sum(), 3);
  // no tensor core in this bundle: toTensor says which import brings it
  assert.throws(() => df.toTensor(["a"]), /toTensor: the tensor core is not loaded.*"tensorloom\/frame\/ml".*import "tensorloom"/);
});

it("src/frame/ml/index.ts bundles for the browser and makes tensors of frames", async () => {
  const mod = await bundleForBrowser("src/frame/ml/index.ts");
  // fromTensor reads only a tensor's fields, so a plain object stands in for the first tensor
  const df = mod.fromTensor(
    mod.toTensor(mod.fromTensor({ ndim: 2, shape: [2, 1], dtype: "float64", storage: new Float64Array([1, 2]) }), undefined, "float64"),
  );
  assert.equal(String(mod.toTensor(df).sum()), "tensor(3.)");
  assert.equal(String(df.toTensor(["0"]).sum()), "tensor(3.)"); // the method works too once the core is in
});
