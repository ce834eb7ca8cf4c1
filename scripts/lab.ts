// tensorloom Lab's build and local server. `npm run build:lab` writes the static site to lab/dist;
// `npm run lab` builds it, rebuilds the pages' scripts on every change and serves it on localhost
// with the cross-origin isolation headers that the wasm backend's threads need.
// Pages are discovered, not listed: every folder lab/pages/NN-slug/ with an index.html and a
// main.ts is a page, and the Lab's front page is generated from each page's <title> and
// <meta name="description">, so adding a page touches no shared file.
//   tsx scripts/lab.ts build [--out=DIR]
//   tsx scripts/lab.ts serve [--port=N] [--plain]     (--plain: no COOP/COEP, single-threaded)
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname, extname, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, context, type BuildOptions, type Metafile } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const LAB = join(ROOT, "lab");
export const DIST = join(LAB, "dist");

/** A page of the Lab: its folder name (NN-slug), <title> and description. */
export interface LabPage {
  slug: string;
  title: string;
  description: string;
}

/** The text of the first element or attribute the pattern captures, HTML entities left as written. */
function capture(html: string, re: RegExp, what: string, file: string): string {
  const m = re.exec(html);
  if (!m)
    throw new Error(`lab: ${file} has no ${what}; every page's index.html needs a <title> and a <meta name="description" content="...">.`);
  return m[1]!.trim();
}

/** Every folder under lab/pages with an index.html and a main.ts, in name order (NN first). */
export function listPages(): LabPage[] {
  const dir = join(LAB, "pages");
  return readdirSync(dir)
    .filter(
      (slug) =>
        statSync(join(dir, slug)).isDirectory() && existsSync(join(dir, slug, "index.html")) && existsSync(join(dir, slug, "main.ts")),
    )
    .sort()
    .map((slug) => {
      const file = join("lab", "pages", slug, "index.html");
      const html = readFileSync(join(ROOT, file), "utf8");
      return {
        slug,
        title: capture(html, /<title>([^<]*)<\/title>/i, "<title>", file),
        description: capture(html, /<meta\s+name="description"\s+content="([^"]*)"/i, '<meta name="description">', file),
      };
    });
}

/** The front page: lab/index.html with its <!-- pages --> marker replaced by one link per page. */
export function frontPage(pages: readonly LabPage[]): string {
  const items = pages.map(
    (p) => `    <li><span class="num">${p.slug.slice(0, 2)}</span><a href="pages/${p.slug}/">${p.title}</a><p>${p.description}</p></li>`,
  );
  return readFileSync(join(LAB, "index.html"), "utf8").replace("<!-- pages -->", items.join("\n"));
}

function esbuildOptions(outDir: string, pages: readonly LabPage[], dev: boolean): BuildOptions {
  return {
    // main.ts, and any NAME.worker.ts a page starts as a Web Worker (new URL("./NAME.worker.js", import.meta.url))
    entryPoints: pages.flatMap((p) =>
      ["main.ts", ...readdirSync(join(LAB, "pages", p.slug)).filter((f) => f.endsWith(".worker.ts"))].map((f) =>
        join(LAB, "pages", p.slug, f),
      ),
    ),
    outbase: LAB,
    outdir: outDir,
    bundle: true,
    // one shared chunk holds tensorloom (and its wasm kernels): the browser fetches it once for every page
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: !dev,
    sourcemap: dev ? "inline" : false,
    metafile: true,
    logLevel: "warning",
  };
}

/**
 * A page's index.html as served. A page may hold only its own parts: its <title>, <meta
 * name="description"> and any <style> first, then its content from the <h1> on; the build puts
 * them in the Lab's document (viewport, stylesheet, script, the link back, the status footer) so
 * that frame lives once. A file that is already a whole document (it has <html>) is served as written.
 */
export function pageDocument(p: LabPage, source: string): string {
  if (/<html[\s>]/i.test(source)) return source;
  const at = source.search(/<h1[\s>]/i);
  if (at < 0) throw new Error(`lab: lab/pages/${p.slug}/index.html has no <h1>; a page's content starts at its heading.`);
  const indent = (t: string): string =>
    t
      .trim()
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
${indent(source.slice(0, at))}
  <link rel="stylesheet" href="../../shared/lab.css">
  <script type="module" src="main.js"></script>
</head>
<body>
<main>
  <nav class="crumbs"><a href="../../">tensorloom Lab</a> › ${Number(p.slug.slice(0, 2))}</nav>
${indent(source.slice(at))}
</main>
<footer class="status"></footer>
</body>
</html>
`;
}

/** Writes what is not bundled: the pages' HTML, shared CSS, the data sets, and the generated front page. */
function copyStatic(outDir: string, pages: readonly LabPage[]): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "index.html"), frontPage(pages));
  for (const p of pages) {
    mkdirSync(join(outDir, "pages", p.slug), { recursive: true });
    writeFileSync(
      join(outDir, "pages", p.slug, "index.html"),
      pageDocument(p, readFileSync(join(LAB, "pages", p.slug, "index.html"), "utf8")),
    );
  }
  mkdirSync(join(outDir, "shared"), { recursive: true });
  for (const f of readdirSync(join(LAB, "shared")).filter((f) => f.endsWith(".css")))
    copyFileSync(join(LAB, "shared", f), join(outDir, "shared", f));
  // the pages fetch the shipped data sets (data/*.csv, then the Lab's own lab/data/*.csv) from the site itself
  mkdirSync(join(outDir, "data"), { recursive: true });
  for (const dir of [join(ROOT, "data"), join(LAB, "data")].filter(existsSync)) {
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".csv"))) copyFileSync(join(dir, f), join(outDir, "data", f));
  }
}

/** A page script's download: its bytes with the chunks it imports, raw and gzipped (as a host serving compressed files sends them). */
export interface BundleSize {
  bytes: number;
  gzip: number;
}

/** Each page's script (and worker) with the chunks it imports: what a first visit to that page downloads. */
export function bundleSizes(meta: Metafile, outDir: string): Record<string, BundleSize> {
  const sizes: Record<string, BundleSize> = {};
  const rel = (p: string): string => relative(outDir, resolve(ROOT, p)).split(sep).join("/");
  const gzip = (file: string): number => gzipSync(readFileSync(resolve(ROOT, file))).length;
  const total = (file: string, seen: Set<string>): BundleSize => {
    if (seen.has(file)) return { bytes: 0, gzip: 0 };
    seen.add(file);
    const o = meta.outputs[file]!;
    return o.imports
      .filter((i) => i.kind === "import-statement")
      .reduce(
        (a, i) => {
          const t = total(i.path, seen);
          return { bytes: a.bytes + t.bytes, gzip: a.gzip + t.gzip };
        },
        { bytes: o.bytes, gzip: gzip(file) },
      );
  };
  const entries = Object.entries(meta.outputs)
    .filter(([, o]) => o.entryPoint)
    .map(([file]) => file);
  for (const file of entries.sort((a, b) => rel(a).localeCompare(rel(b)))) sizes[rel(file)] = total(file, new Set());
  return sizes;
}

/** Writes the static site to outDir (emptied first); returns the pages and each page's bundle size. */
export async function buildLab(outDir = DIST): Promise<{ pages: LabPage[]; sizes: Record<string, BundleSize> }> {
  const pages = listPages();
  rmSync(outDir, { recursive: true, force: true });
  copyStatic(outDir, pages);
  const r = await build(esbuildOptions(outDir, pages, false));
  return { pages, sizes: bundleSizes(r.metafile!, outDir) };
}

/** COOP/COEP: a cross-origin isolated page gets SharedArrayBuffer, so the wasm backend can run threads. */
export const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } as const;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".csv": "text/csv",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** A static file server for outDir on 127.0.0.1 (port 0: any free port), with or without the isolation headers. */
export function serveDir(outDir: string, opts: { port?: number; isolated?: boolean } = {}): Promise<Server> {
  const headers = opts.isolated === false ? {} : ISOLATION_HEADERS;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(outDir, path));
    if (!file.startsWith(outDir)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return void res.writeHead(path === "/favicon.ico" ? 204 : 404).end();
    res
      .writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache", ...headers })
      .end(readFileSync(file));
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, "127.0.0.1", () => done(server));
  });
}

const kb = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const [cmd = "serve", ...rest] = process.argv.slice(2);
  const flag = (name: string): string | undefined => rest.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (cmd === "build") {
    const out = resolve(flag("out") ?? DIST);
    const { pages, sizes } = await buildLab(out);
    console.log(`lab: ${pages.length} pages built into ${relative(process.cwd(), out) || "."}`);
    for (const [file, size] of Object.entries(sizes))
      console.log(`  ${file}  ${kb(size.bytes)} with its chunks (${kb(size.gzip)} gzipped)`);
    return;
  }
  if (cmd !== "serve") throw new Error(`lab: unknown command ${cmd}; use build or serve.`);
  const pages = listPages();
  copyStatic(DIST, pages);
  const ctx = await context({
    ...esbuildOptions(DIST, pages, true),
    // the front page and the pages' HTML are copied again after every rebuild
    plugins: [{ name: "lab-static", setup: (b) => b.onEnd(() => copyStatic(DIST, listPages())) }],
  });
  await ctx.watch();
  const isolated = !rest.includes("--plain");
  const server = await serveDir(DIST, { port: Number(flag("port") ?? 8080), isolated });
  const { port } = server.address() as { port: number };
  console.log(
    `lab: http://127.0.0.1:${port}/ (${isolated ? "cross-origin isolated: threads on" : "no COOP/COEP: single-threaded"}); rebuilding on change, Ctrl-C stops`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
