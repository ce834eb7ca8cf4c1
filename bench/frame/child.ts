// The frame benchmarks' process protocol: a parent runs each library in a child process of its
// own (the same script with --child ..., so memory and JIT state do not leak between libraries),
// and the child prints one `RESULT {json}` line. Flags are `--name value` pairs.

import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const args = process.argv.slice(2);

/** The value after flag `k`, or `d`. */
export function arg(k: string, d: string): string {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
}

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A child's report to its parent. */
export function report(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** The child's RESULT, or null (then `error` holds the end of its stderr). */
export function resultOf<T>(r: SpawnSyncReturns<string>): T | null {
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT "));
  return line ? (JSON.parse(line.slice(7)) as T) : null;
}

/** Why a child gave no RESULT: its spawn error or exit status, and the end of its stderr. */
export function childError(r: SpawnSyncReturns<string>, tail = 400): string {
  return `${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? "").slice(-tail)}`;
}

export interface ChildOptions {
  /** V8's heap limit (--max-old-space-size), MB. */
  heapMB: number;
  /** Run with --expose-gc (default true). */
  exposeGc?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cwd: string;
}

/** Run the script at `scriptUrl` (import.meta.url) again, through tsx, with `childArgs`. */
export function runScript(scriptUrl: string, childArgs: string[], o: ChildOptions): SpawnSyncReturns<string> {
  const flags = [...(o.exposeGc === false ? [] : ["--expose-gc"]), `--max-old-space-size=${o.heapMB}`, "--import", "tsx"];
  return spawnSync(process.execPath, [...flags, fileURLToPath(scriptUrl), ...childArgs], {
    cwd: o.cwd,
    encoding: "utf8",
    maxBuffer: 1 << 24,
    ...(o.env ? { env: o.env } : {}),
    ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
  });
}
