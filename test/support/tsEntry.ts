// How a test starts one of the repository's TypeScript programs (the CLI, an example, a stress
// child) in a child process. Under scripts/runTests.mjs the test itself runs as the JS that
// scripts/buildTests.mjs transpiled into .testbuild/, and the child runs that JS too; run by hand
// (tsx), the child goes through tsx as well. tsx's loader costs about a second of CPU per child.
import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

// import.meta.resolve names the module this process loaded (.testbuild/... when transpiled),
// while import.meta.url names the .ts source either way (buildTests rewrites it)
const loaded = fileURLToPath(import.meta.resolve("./tsEntry.js"));
const marker = `${sep}.testbuild${sep}`;
/** The transpiled tree's root, or null when this process runs the .ts sources through tsx. */
export const TESTBUILD: string | null = loaded.includes(marker) ? loaded.slice(0, loaded.lastIndexOf(marker) + marker.length - 1) : null;

/**
 * Node's arguments that run `entry` (a .ts path relative to the repository root, as the child's
 * working directory is) followed by `args`: the transpiled .js when this process runs transpiled
 * and it exists, else the .ts through tsx.
 */
export function tsEntryArgs(entry: string, ...args: string[]): string[] {
  if (TESTBUILD) {
    const js = join(TESTBUILD, entry.replace(/\.ts$/, ".js"));
    if (existsSync(js)) return ["--enable-source-maps", js, ...args];
  }
  return ["--import", "tsx", entry, ...args];
}
