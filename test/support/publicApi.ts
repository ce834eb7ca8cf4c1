// The public API of the package's entry points, read with the TypeScript compiler API (the
// TypeScript 7 `typescript/unstable/sync` client, which runs the repo's own compiler): every
// export of each entry point (namespaces such as `nn` or `optim` are walked into), the public
// members of every exported class, and the Tensor methods declared in the TensorMethods table
// (src/ops/methods.ts; `interface Tensor extends TensorMethods`, so their comments are what an
// editor shows on hover over `x.add`). Used by test/docs.test.ts and scripts/docCoverage.ts.

import { fileURLToPath } from "node:url";
import { API, ModifierFlags, SymbolFlags } from "typescript/unstable/sync";
import type { Checker, Symbol as TsSymbol } from "typescript/unstable/sync";
import { SyntaxKind } from "typescript/unstable/ast";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** package.json `exports` subpath -> the source file it is built from. */
export const ENTRY_POINTS: ReadonlyArray<readonly [string, string]> = [
  ["tensorloom", "src/index.ts"],
  ["tensorloom/frame", "src/frame/index.ts"],
  ["tensorloom/frame/node", "src/frame/io/node.ts"],
  ["tensorloom/frame/arrow", "src/frame/arrow.ts"],
  ["tensorloom/frame/ml", "src/frame/ml/index.ts"],
  ["tensorloom/frame/parquet", "src/frame/parquet.ts"],
];

export type ApiKind = "export" | "member" | "method";

export interface ApiItem {
  /** "tensorloom:nn.Linear", "tensorloom:Tensor#shape", "tensorloom:Tensor#add" ... */
  name: string;
  kind: ApiKind;
  documented: boolean;
  /** Source file of the first declaration, relative to the repo root. */
  file: string;
}

const SKIP_MEMBERS = new Set(["__constructor", "prototype", "__index", "__call", "__new"]);

function docOf(sym: TsSymbol, checker: Checker): string {
  return sym.getDocumentationComment(checker).trim();
}

function relFile(sym: TsSymbol): string {
  const d = sym.declarations[0];
  if (d === undefined) return "";
  const p = String(d.path);
  return p.startsWith(ROOT) ? p.slice(ROOT.length) : p;
}

/** Reads the public API of the entry points (one TypeScript project load, ~1-2 s). */
export function collectPublicApi(): ApiItem[] {
  const api = new API({ cwd: ROOT });
  try {
    const snap = api.updateSnapshot({ openProjects: [ROOT + "tsconfig.json"] });
    const project = snap.getProjects()[0];
    if (project === undefined) throw new Error("publicApi: tsconfig.json did not load");
    const checker = project.checker;
    const items: ApiItem[] = [];
    const seen = new Set<number>();

    const resolve = (s: TsSymbol): TsSymbol => (s.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
    const isPublicMember = (m: TsSymbol): boolean => {
      if (SKIP_MEMBERS.has(m.name) || m.name.startsWith("_") || m.name.startsWith("#")) return false;
      if (m.declarations.length === 0 || m.flags & SymbolFlags.TypeParameter) return false; // class symbols list their type parameters as members
      for (const h of m.declarations) {
        if (!String(h.path).startsWith(ROOT + "src/")) return false;
        const node = h.resolve(project) as { modifierFlags?: number } | undefined;
        const flags = node?.modifierFlags ?? 0;
        if (flags & (ModifierFlags.Private | ModifierFlags.Protected)) return false;
      }
      return true;
    };

    const addClassMembers = (cls: TsSymbol, qname: string): void => {
      const members = [...cls.getMembers().values()].map((m) => ({ m, sep: "#" }));
      const statics = [...cls.getExports().values()].map((m) => ({ m, sep: "." }));
      for (const { m, sep } of [...members, ...statics]) {
        if (!isPublicMember(m)) continue;
        items.push({ name: `${qname}${sep}${m.name}`, kind: "member", documented: docOf(m, checker) !== "", file: relFile(m) });
      }
    };

    const walk = (moduleSym: TsSymbol, prefix: string): void => {
      for (const e of checker.getExportsOfModule(moduleSym)) {
        const r = resolve(e);
        const qname = prefix + e.name;
        // `export * as nn from "./nn/index.js"`: a module; walk its exports instead.
        if ((r.flags & SymbolFlags.ValueModule) !== 0 && r.declarations.some((d) => d.kind === SyntaxKind.SourceFile)) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          walk(r, qname + ".");
          continue;
        }
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        items.push({ name: qname, kind: "export", documented: docOf(r, checker) !== "", file: relFile(r) });
        if (r.flags & SymbolFlags.Class) addClassMembers(r, qname);
      }
    };

    for (const [spec, file] of ENTRY_POINTS) {
      const sf = project.program.getSourceFile(ROOT + file);
      if (sf === undefined) throw new Error(`publicApi: ${file} is not in the project`);
      const mod = checker.getSymbolAtLocation(sf);
      if (mod === undefined) throw new Error(`publicApi: ${file} has no module symbol`);
      walk(mod, spec + ":");
    }

    // Tensor methods: the members of the TensorMethods interface (src/ops/methods.ts).
    const methodsFile = project.program.getSourceFile(ROOT + "src/ops/methods.ts");
    const methodsMod = methodsFile && checker.getSymbolAtLocation(methodsFile);
    const table = methodsMod && checker.getExportsOfModule(methodsMod).find((s) => s.name === "TensorMethods");
    if (table === undefined) throw new Error("publicApi: TensorMethods not found in src/ops/methods.ts");
    for (const m of table.getMembers().values()) {
      items.push({ name: `tensorloom:Tensor#${m.name}`, kind: "method", documented: docOf(m, checker) !== "", file: relFile(m) });
    }
    return items;
  } finally {
    api.close();
  }
}
