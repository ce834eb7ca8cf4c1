// Import cycles among the .ts files under a folder (Tarjan's strongly connected components over
// value imports; `import type` and `export type` are erased by TypeScript and do not count).
//   node scripts/importCycles.mjs [src]   prints each cycle: its size, then its files
// test/importCycles.test.ts fails on any cycle of more than two files.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The import graph: file -> files it imports (values only), for every non-test .ts under dir. */
export function importGraph(dir) {
  const files = [];
  (function walk(d) {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.endsWith(".d.ts") && !p.includes("/assembly/")) files.push(resolve(p));
    }
  })(dir);
  const graph = new Map();
  for (const f of files) {
    const src = readFileSync(f, "utf8");
    const deps = [];
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"|(?:^|\n)\s*import\s+"(\.[^"]+)"/g)) {
      if (m[1]) continue; // type-only
      const t = resolve(dirname(f), (m[2] ?? m[3]).replace(/\.js$/, ".ts"));
      if (existsSync(t)) deps.push(t);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** Every strongly connected component of more than one file, largest first, paths relative to cwd. */
export function importCycles(dir) {
  const graph = importGraph(dir);
  let next = 0;
  const stack = [],
    onStack = new Set(),
    index = new Map(),
    low = new Map(),
    sccs = [];
  function visit(v) {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const c = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) sccs.push(c.map((f) => relative(process.cwd(), f)).sort());
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return sccs.sort((a, b) => b.length - a.length);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const c of importCycles(process.argv[2] ?? "src")) console.log(c.length, c.join(" "));
}
