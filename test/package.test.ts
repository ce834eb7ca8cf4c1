// The package as a stranger gets it: `npm pack` (its prepack script builds dist/ from scratch)
// on a copy of this working tree, `npm install` of the tarball into a fresh project, then an ESM
// script that trains a tiny model from "tensorloom" on a CSV read through "tensorloom/frame/node",
// and `tsc --strict` (module NodeNext) on a file importing all three entry points.
//
// Runs once per `npm test` (the wasm configuration; every configuration when run by hand would
// just repeat it), in a temporary directory it removes. cli-progress comes from the npm cache or
// the registry. ~15-25 s, most of it the build and npm's install.

import { it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUN_ONCE as once } from "./support/runOnce.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = process.env;

/** The child's environment: npm's per-run variables from an outer `npm test` would point npm at this repo. */
function childEnv(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|npm_config_prefix$|INIT_CWD$|TENSORLOOM_)/i.test(k)) continue;
    out[k] = v;
  }
  return out;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: childEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

// y = 2 x1 - x2 + 0.5 on 32 rows: a linear model fits it, so the loss must fall a long way
const csv =
  [
    "x1,x2,y",
    ...Array.from({ length: 32 }, (_, i) => {
      const x1 = ((i * 7) % 16) / 8 - 1;
      const x2 = ((i * 5) % 11) / 5.5 - 1;
      return `${x1},${x2},${2 * x1 - x2 + 0.5}`;
    }),
  ].join("\n") + "\n";

const trainScript = `
import * as tl from "tensorloom";
import { DataFrame } from "tensorloom/frame";
import { readCsvFile } from "tensorloom/frame/node";

const backend = await tl.ready();
const df = readCsvFile("data.csv");
if (!(df instanceof DataFrame)) throw new Error("readCsvFile did not give a tensorloom/frame DataFrame");
const x = df.toTensor(["x1", "x2"]);
const y = df.toTensor(["y"]);
tl.manualSeed(0);
const model = new tl.nn.Sequential(new tl.nn.Linear(2, 8), new tl.nn.Tanh(), new tl.nn.Linear(8, 1));
const opt = new tl.optim.Adam(model.parameters(), { lr: 0.05 });
const losses = [];
for (let step = 0; step < 40; step++) {
  opt.zeroGrad();
  const loss = tl.F.mseLoss(model.forward(x), y);
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
// a tiny conv too: the conv kernels and their gradients load from the installed package
const conv = new tl.nn.Conv1d(1, 2, 3, { padding: 1 });
const out = conv.forward(x.reshape([32, 1, 2]));
out.sum().backward();
console.log(JSON.stringify({ backend, backends: tl.availableBackends(), shape: df.shape, names: df.names, first: losses[0], last: losses.at(-1), convShape: out.shape, convGrad: conv.weight.grad.shape }));
`;

// strict, NodeNext, no skipLibCheck: the shipped declarations themselves must compile
const checkTs = `
import * as tl from "tensorloom";
import { DataFrame, Series, type Scalar } from "tensorloom/frame";
import { readCsvFile } from "tensorloom/frame/node";
import { toTensor, fromTensor } from "tensorloom/frame/ml";

const backend: tl.BackendName = await tl.ready();
const x: tl.Tensor = tl.tensor([[1, 2], [3, 4]], { dtype: "float32" });
const model = new tl.nn.Linear(2, 1);
const opt = new tl.optim.SGD(model.parameters(), { lr: 0.1 });
const loss: tl.Tensor = tl.F.mseLoss(model.forward(x), tl.zeros([2, 1]));
loss.backward();
opt.step();
const v: number = loss.item();
const positive: boolean = x.gt(0).all().itemBool();
// @ts-expect-error item() is a number (and the types are real, not any)
const wrong: boolean = loss.item();
const df: DataFrame = readCsvFile("data.csv");
const col: Series = df.col("x1");
const mean: number = col.mean();
const shape: [number, number] = df.shape;
const first: Scalar[] = col.head(1).toArray();
const t: tl.Tensor = df.toTensor(["x1", "x2"]);
const t2: tl.Tensor = toTensor(col, "float64");
const back: DataFrame = fromTensor(toTensor(df, ["x1"]));
const dims: readonly number[] = t.shape;
// @ts-expect-error there is no such column method
df.notAMethod();
console.log(backend, v, positive, wrong, mean, shape, first, dims, t2, back, new DataFrame({ a: [1, 2] }).shape);
`;

const tsconfig = {
  compilerOptions: {
    strict: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2022",
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  files: ["check.ts"],
};

it("npm pack builds dist/; the tarball installs, trains, reads a CSV and type-checks under tsc --strict", {
  skip: !once && "runs once, in the wasm configuration",
  timeout: 300_000,
}, () => {
  const tmp = mkdtempSync(join(tmpdir(), "tensorloom-pack-"));
  try {
    // a copy of the working tree without dist/ (a clean clone), sharing node_modules for the build
    const pkg = join(tmp, "pkg");
    for (const p of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "README.md",
      "LICENSE",
      "src",
      "bin",
      "data",
      "scripts",
    ]) {
      cpSync(join(root, p), join(pkg, p), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
    const packed = run(npm, ["pack", "--json", "--pack-destination", tmp], pkg);
    const info = JSON.parse(packed.slice(packed.lastIndexOf("\n[") + 1)) as {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string; size: number }[];
    }[];
    const files = new Map(info[0]!.files.map((f) => [f.path, f.size]));
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/frame/index.js",
      "dist/frame/ml/index.js",
      "dist/frame/io/node.js",
      "dist/frame/io/node.d.ts",
      "dist/backends/wasm/binary.js",
      "bin/tensorloom.mjs",
      "package.json",
      "README.md",
    ]) {
      assert.ok(files.has(f), `the tarball lacks ${f}`);
    }
    assert.deepEqual(
      [...files.keys()].filter((f) => /\.test\.|^src\/|^test\//.test(f)),
      [],
      "no tests or sources in the tarball",
    );
    // the declaration of the wasm bytes is `string`, not a 130 kB literal
    assert.ok(files.get("dist/backends/wasm/binary.d.ts")! < 1000, `binary.d.ts is ${files.get("dist/backends/wasm/binary.d.ts")} bytes`);
    const tarball = join(tmp, info[0]!.filename);
    console.log(`# tarball ${info[0]!.filename}: ${info[0]!.size} bytes, ${info[0]!.unpackedSize} unpacked, ${files.size} files`);

    const app = join(tmp, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "tensorloom-pack-check", private: true, type: "module" }, null, 2));
    writeFileSync(join(app, "data.csv"), csv);
    writeFileSync(join(app, "train.mjs"), trainScript);
    writeFileSync(join(app, "check.ts"), checkTs);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app);
    assert.ok(statSync(join(app, "node_modules/tensorloom/dist/index.js")).isFile());
    assert.ok(statSync(join(app, "node_modules/cli-progress")).isDirectory(), "the dependency cli-progress was installed");

    const result = JSON.parse(run(process.execPath, ["train.mjs"], app).trim().split("\n").at(-1)!) as Record<string, unknown>;
    assert.equal(result.backend, "wasm");
    assert.deepEqual(result.shape, [32, 3]);
    assert.deepEqual(result.names, ["x1", "x2", "y"]);
    assert.ok((result.last as number) < (result.first as number) / 4, `the loss fell from ${result.first} to ${result.last} only`);
    assert.deepEqual(result.convShape, [32, 2, 2]);
    assert.deepEqual(result.convGrad, [2, 1, 3]);

    const tsc = join(root, "node_modules/typescript/bin/tsc");
    run(process.execPath, [tsc, "-p", "tsconfig.json", "--strict"], app);
    // and the checker does look: a wrong type in the same setup fails it
    writeFileSync(join(app, "check.ts"), `import * as tl from "tensorloom";\nconst s: string = tl.tensor(1).item();\nconsole.log(s);\n`);
    assert.throws(() => run(process.execPath, [tsc, "-p", "tsconfig.json", "--strict"], app), /TS2322/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
