// float32 matmul, 512³ and 1024³: ms and GFLOP/s (2·n³ / time) for tensorloom-wasm on every core
// and on one thread (tl.setNumThreads), tensorloom-reference, TF.js cpu and wasm, in one process.
//   npm run bench:matmul         (add -- --quick for one run per cell)
// tensorloom-reference is about 1 GFLOP/s: its 1024³ cell takes about 2 s and runs once.
// TF.js results are forced with dataSync() and disposed.
// The workloads are exported for bench/all.ts.

import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import {
  type Impl,
  type Workload,
  context,
  cores,
  footnotes,
  gflopsTable,
  isMain,
  measureAll,
  parseArgs,
  printTable,
  tensorloomImpl,
  tfjsImpl,
} from "./harness.js";

export const MATMUL_SIZES = [512, 1024] as const;

export function matmulWorkloads(): Workload[] {
  return MATMUL_SIZES.map((n) => ({
    key: `matmul ${n}`,
    label: `matmul ${n}×${n}×${n} (float32)`,
    flops: 2 * n * n * n,
    tensorloom: () => {
      tl.manualSeed(0);
      const a = tl.randn([n, n]),
        b = tl.randn([n, n]);
      return { run: () => void tl.matmul(a, b) };
    },
    tfjs: () => {
      const a = tf.randomNormal([n, n]),
        b = tf.randomNormal([n, n]);
      return {
        run: () => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  }));
}

/** tensorloom-wasm on one thread, as an extra column (matmul only in bench/all.ts). */
export function wasmOneThread(only?: string[]): Impl[] {
  if (!tl.availableBackends().includes("wasm")) return [];
  return [{ ...tensorloomImpl("wasm", 1, "tensorloom-wasm-1t"), ...(only ? { only } : {}) }];
}

if (isMain(import.meta.url)) {
  const o = parseArgs(5);
  const impls: Impl[] = [...tl.availableBackends().map((b) => tensorloomImpl(b)), ...wasmOneThread(), tfjsImpl("cpu"), tfjsImpl("wasm")];
  // wasm first, then its 1-thread column, then the rest
  impls.sort((a, b) => order(a.column) - order(b.column));
  const ws = matmulWorkloads();
  const { rows, counts } = await measureAll(ws, impls, o);
  const names = impls.map((i) => i.column);
  console.log(context("matmul benchmark", o));
  console.log(
    `tensorloom-wasm: ${cores} thread(s) (tl.setNumThreads(os.availableParallelism())); tensorloom-wasm-1t: tl.setNumThreads(1).\n`,
  );
  printTable(rows, names, names.includes("tensorloom-wasm") ? "tensorloom-wasm" : names[0]!);
  console.log("");
  console.log(gflopsTable(ws, rows, names));
  for (const n of footnotes(ws, counts, o)) console.log(`\n${n}`);
}

function order(column: string): number {
  const i = ["tensorloom-wasm", "tensorloom-wasm-1t", "tensorloom-reference", "tfjs-cpu", "tfjs-wasm"].indexOf(column);
  return i < 0 ? 99 : i;
}
