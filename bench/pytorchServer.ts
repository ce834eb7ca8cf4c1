// PyTorch as a benchmark column: bench/pytorch.py --serve runs in a child process for the whole
// benchmark and measures one workload per request, so each workload's PyTorch time is taken
// right after tensorloom's and TF.js's (measureAll goes workload by workload). The child waits
// on stdin between requests and uses no CPU then.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Impl } from "./harness.js";

export interface PytorchColumn {
  impl: Impl;
  /** The "# ..." lines the script printed (versions, threads, runs). */
  info: string;
  close(): void;
}

/** Start the server; resolves to the column, or to a note saying why there is none. */
export function startPytorch(quick: boolean): Promise<PytorchColumn | string> {
  const script = fileURLToPath(new URL("./pytorch.py", import.meta.url));
  const python = process.env.TENSORLOOM_BENCH_PYTHON ?? "/usr/bin/python3"; // Debian's python3-torch
  const env = { ...process.env };
  // the protocol: these OpenBLAS overrides are unset for PyTorch's process only
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  process.stderr.write(`  pytorch: ${python} ${script} --serve${quick ? " --quick" : ""} ...\n`);
  const child = spawn(python, [script, "--serve", ...(quick ? ["--quick"] : [])], { env, stdio: ["pipe", "pipe", "pipe"] });
  const info: string[] = [];
  let lastErr = "";
  createInterface({ input: child.stderr }).on("line", (l) => {
    if (l.startsWith("  pytorch: ")) return; // its per-workload line: measureAll prints the result
    process.stderr.write(`${l}\n`);
    if (l.startsWith("# ")) info.push(l.slice(2));
    else if (l.trim()) lastErr = l.trim();
  });
  const waiting: ((line: string | null) => void)[] = [];
  let ready: ((ok: boolean) => void) | null = null;
  createInterface({ input: child.stdout }).on("line", (l) => {
    if (ready) {
      const r = ready;
      ready = null;
      r(l.trim() === "ready");
    } else {
      waiting.shift()?.(l);
    }
  });
  let exited = false;
  const onGone = () => {
    exited = true;
    ready?.(false);
    ready = null;
    for (const w of waiting.splice(0)) w(null);
  };
  child.on("exit", onGone);
  child.on("error", (e) => {
    lastErr = e.message;
    onGone();
  });

  return new Promise<boolean>((resolve) => {
    ready = resolve;
  }).then((ok) => {
    if (!ok) {
      child.kill();
      return `PyTorch not measured: ${python} bench/pytorch.py --serve did not start (${lastErr || "no output"}); no pytorch column.`;
    }
    const ask = (key: string): Promise<number | string> => {
      if (exited) return Promise.resolve(`error (pytorch.py exited: ${lastErr.slice(0, 60)})`);
      return new Promise((resolve) => {
        waiting.push((line) => {
          if (line === null) return resolve(`error (pytorch.py exited: ${lastErr.slice(0, 60)})`);
          try {
            const r = JSON.parse(line) as { ms?: number; error?: string };
            resolve(
              typeof r.ms === "number" ? r.ms : r.error?.startsWith("no such workload") ? "-" : `error (${(r.error ?? line).slice(0, 60)})`,
            );
          } catch {
            resolve(`error (${line.slice(0, 60)})`);
          }
        });
        child.stdin.write(`${key}\n`);
      });
    };
    return {
      impl: { column: "pytorch", lib: "external", enter: async () => {}, external: ask },
      info: info.join("; "),
      close: () => child.stdin.end(),
    };
  });
}
