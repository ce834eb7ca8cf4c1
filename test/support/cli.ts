// The CLI as a user meets it, run in this process: main() with console output captured.
import assert from "node:assert/strict";
import { main } from "../../src/cli/main.js";

/** What a user sees from one command, and its exit code (-1: main let an error through, a stack trace). */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** main() in this process with console output captured: what a user sees, and the exit code. */
export async function cli(...args: string[]): Promise<CliRun> {
  const out: string[] = [],
    err: string[] = [];
  const log = console.log,
    error = console.error,
    write = process.stderr.write;
  console.log = (...a: unknown[]) => {
    out.push(a.join(" "));
  };
  console.error = (...a: unknown[]) => {
    err.push(a.join(" "));
  };
  // the progress bar writes to stderr: a run that reached training would show here
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } catch (e) {
    // an error main lets through is what a user sees as a stack trace
    return { code: -1, stdout: out.join("\n"), stderr: `uncaught ${(e as Error).stack}` };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

/** Exit code 2 and exactly one line on stderr matching `pattern`. */
export function userError(r: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^tensorloom: /);
  assert.match(lines[0]!, pattern);
}
