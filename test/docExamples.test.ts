// Executed docs: every single-line `@example` in src/ runs here with `tl` and `F` in scope, and
// every ```ts snippet of README.md runs on its own (below).
// A trailing `// shape [..]` checks the result's shape, `// => text` its printed form.

import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tl from "../src/index.js";
import { transformSync } from "esbuild";
import { RUN_ONCE as once } from "./support/runOnce.js";
import { TESTBUILD } from "./support/tsEntry.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

const examples = sources("src").flatMap((file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, i) => {
      const m = /^\s*\*\s*@example\s+(.*)$/.exec(line);
      return m ? [{ where: `${file}:${i + 1}`, text: m[1]! }] : [];
    }),
);

it("there are examples to run", () => assert.ok(examples.length >= 10, `${examples.length} examples`));

// Examples may use `await` (tl.io.saveModel...): each runs as an async function body.
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

for (const ex of examples) {
  it(`${ex.where}: ${ex.text}`, async () => {
    const [code, comment] = ex.text.split(/\s\/\/\s/) as [string, string | undefined];
    tl.manualSeed(0);
    const result = await new AsyncFunction("tl", "F", `return (${code});`)(tl, tl.F);
    const shape = comment && /^shape (\[.*\])$/.exec(comment.trim());
    if (shape) assert.deepEqual((result as tl.Tensor).shape, JSON.parse(shape[1]!));
    const printed = comment && /^=> (.*)$/.exec(comment.trim());
    if (printed) assert.equal(String(result), printed[1]);
  });
}

// README.md: every ```ts snippet runs as its own ES module (a child process in an empty temporary
// folder, so files it writes land there), with "tensorloom" and "tensorloom/frame..." pointing at
// src/. Snippets must define their own data. ```sh blocks are commands and ```text blocks printed
// output; they are not run. The layout section must list every folder of the repository.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const ENTRY_SOURCES: Record<string, string> = {
  tensorloom: "src/index.ts",
  "tensorloom/frame": "src/frame/index.ts",
  "tensorloom/frame/node": "src/frame/io/node.ts",
  "tensorloom/frame/arrow": "src/frame/arrow.ts",
  "tensorloom/frame/ml": "src/frame/ml/index.ts",
  "tensorloom/frame/parquet": "src/frame/parquet.ts",
};
const snippets = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  code: m[2]!,
  line: README.slice(0, m.index).split("\n").length,
}));

it("README code blocks are ts (run), sh (commands), text (output) or the bare layout block", () => {
  const odd = snippets.filter((s) => !["ts", "sh", "text", ""].includes(s.lang)).map((s) => `README.md:${s.line} (${s.lang})`);
  assert.deepEqual(odd, []);
  assert.ok(snippets.filter((s) => s.lang === "ts").length >= 4, "README's ts snippets were not found");
});

for (const s of snippets.filter((b) => b.lang === "ts")) {
  it(`README.md:${s.line}: the snippet runs on its own`, { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "tensorloom-readme-"));
    try {
      // transpiled by the runner: the snippet becomes JS importing the transpiled library (tsx's
      // loader would transpile the library again in every child, ~1.5 s of CPU each)
      const entry = (spec: string) => {
        const source = ENTRY_SOURCES[spec]!;
        return TESTBUILD ? join(TESTBUILD, source.replace(/\.ts$/, ".js")) : join(ROOT, source);
      };
      const code = s.code.replace(
        /from "(tensorloom(?:\/frame(?:\/node|\/arrow|\/ml)?)?)"/g,
        (_, spec: string) => `from ${JSON.stringify(pathToFileURL(entry(spec)).href)}`,
      );
      assert.ok(!/from "tensorloom/.test(code), "a README import names an entry point the test does not map");
      let args: string[];
      if (TESTBUILD) {
        const file = join(dir, "snippet.mjs");
        writeFileSync(file, transformSync(code, { loader: "ts", format: "esm", target: "node20" }).code);
        args = ["--enable-source-maps", file];
      } else {
        const file = join(dir, "snippet.mts");
        writeFileSync(file, code);
        args = ["--import", pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href, file];
      }
      const r = spawnSync(process.execPath, args, { cwd: dir, env: process.env, encoding: "utf8", timeout: 170_000 });
      assert.equal(r.status, 0, `README.md:${s.line} failed:\n${r.stderr || r.stdout}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

it("README's layout lists every folder (git ls-files, two levels) and only folders that exist", {
  skip: !once && "runs once, in the wasm configuration",
}, (t) => {
  const git = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" });
  if (git.status !== 0) return t.skip("not a git checkout");
  const folders = new Set<string>();
  for (const f of git.stdout.split("\n")) {
    const parts = f.split("/");
    if (parts.length >= 2) folders.add(parts[0] + "/");
    if (parts.length >= 3) folders.add(parts[0] + "/" + parts[1] + "/");
  }
  const at = README.indexOf("## Layout\n");
  assert.ok(at >= 0, "README has no ## Layout section");
  const block = /```\n([\s\S]*?)```/.exec(README.slice(at))![1]!;
  const listed = new Set(block.split("\n").flatMap((l) => /^(\S+\/)\s/.exec(l)?.[1] ?? []));
  assert.deepEqual([...folders].filter((f) => !listed.has(f)).sort(), [], "folders missing from README's layout");
  assert.deepEqual([...listed].filter((f) => !existsSync(join(ROOT, f))).sort(), [], "README's layout lists folders that do not exist");
});
