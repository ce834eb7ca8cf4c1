// Transpiles the TypeScript under src/, test/, examples/, lab/ and scripts/ to plain ESM in
// .testbuild/ (same layout) for scripts/runTests.mjs. Node's test runner starts one process per
// test file, and loading the library through tsx's off-thread loader hooks costs about a second
// of CPU per process (plain JS: about a third of that), paid 137 times per backend
// configuration. Type checking stays with tsc (npm test runs it first); this only strips types.
// `import.meta.url` (and `dirname`, `filename`) name the source file, so paths a test builds from
// them (fixtures, the repository root, ../shared) resolve exactly as they do under tsx. Files are rebuilt only when their
// source (or this script) is newer than the output.
//   node scripts/buildTests.mjs  ->  prints the output folder
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT = join(ROOT, ".testbuild");
const DIRS = ["src", "test", "examples", "lab", "scripts"];
const SKIP = new Set(["node_modules", "dist", "assembly"]);
// Outputs older than this script are rebuilt too: how files are transpiled may have changed.
const SELF = statSync(fileURLToPath(import.meta.url)).mtimeMs;

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

export async function buildTests() {
  const tsconfigRaw = { compilerOptions: JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")).compilerOptions };
  const files = DIRS.filter((d) => mtime(join(ROOT, d)) >= 0).flatMap((d) => walk(join(ROOT, d), []));
  const jobs = [];
  for (const src of files) {
    const rel = relative(ROOT, src);
    const isTs = src.endsWith(".ts") && !src.endsWith(".d.ts");
    // Plain JS modules beside the TypeScript (scripts/*.mjs) are imported by tests: they come
    // along, with the same import.meta.url. Data files stay where they are (read by path).
    if (!isTs && !/\.m?js$/.test(src)) continue;
    const out = join(OUT, isTs ? `${rel.slice(0, -3)}.js` : rel);
    if (mtime(out) >= Math.max(mtime(src), SELF)) continue;
    mkdirSync(dirname(out), { recursive: true });
    jobs.push(
      transform(readFileSync(src, "utf8"), {
        loader: isTs ? "ts" : "js",
        format: "esm",
        target: "node20",
        sourcemap: "inline",
        sourcefile: src,
        tsconfigRaw,
        define: {
          "import.meta.url": JSON.stringify(pathToFileURL(src).href),
          "import.meta.dirname": JSON.stringify(dirname(src)),
          "import.meta.filename": JSON.stringify(src),
        },
      }).then((r) => {
        // written aside, then renamed: a test process of another run never reads half a file
        const part = `${out}.${process.pid}.part`;
        writeFileSync(part, r.code);
        renameSync(part, out);
      }),
    );
  }
  await Promise.all(jobs);
  return { out: OUT, rebuilt: jobs.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { out, rebuilt } = await buildTests();
  console.log(`${out} (${rebuilt} files transpiled)`);
}
