// The live-views part of `npm run test:browser`: bundles test/browser/views.ts, serves it on its
// own localhost server, opens it in the caller's Chromium and checks that the DOM of every
// tl.report view reflects the data appended over several animation frames, redrawn at most once
// per frame, as the pure chart functions draw it. Run alone: `npx tsx test/browser/viewsCheck.ts`.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { chromium, type BrowserContext } from "playwright-core";
import type { ViewsReport } from "./views.js";

const html = `<!doctype html><meta charset="utf-8"><title>tensorloom views</title><body></body><script type="module" src="/views.js"></script>`;

/** Opens the views page in `context` and asserts what it reports. */
export async function checkViews(context: BrowserContext, timeoutMs = 60_000): Promise<void> {
  const js = (
    await build({
      entryPoints: ["test/browser/views.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    })
  ).outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === "/views.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
    else if (req.url === "/") res.writeHead(200, { "Content-Type": "text/html" }).end(html);
    else res.writeHead(req.url === "/favicon.ico" ? 204 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    const { port } = server.address() as { port: number };
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => "tensorloomViews" in globalThis, undefined, { timeout: timeoutMs });
    const r = await page.evaluate(
      () => (globalThis as unknown as { tensorloomViews: Promise<ViewsReport | { error: string }> }).tensorloomViews,
    );
    if ("error" in r) throw new Error(`test:browser: the views page threw: ${r.error}`);
    const { line, heatmap, confusion, images, gates } = r;
    console.log(
      `live views: renders over ${line.frames} frames of appends: line ${line.renders}, heatmap ${heatmap.renders}, confusion ${confusion.renders}, images ${images.renders}, gates ${gates.renders}; 100 appends in one frame -> ${r.burstRenders} redraw(s)`,
    );
    console.log(
      `  one redraw (median of 5: chart function, innerHTML, layout): ${Object.entries(r.redrawMs)
        .map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`)
        .join("; ")}`,
    );
    for (const [name, v] of Object.entries({ line, heatmap, confusion, images, gates })) {
      assert.ok(v.sameAsPure, `${name}: the mounted view shows the pure chart function's SVG of the same data`);
      assert.ok(v.width > 100, `${name}: the SVG is laid out (width ${v.width})`);
      assert.ok(
        v.renders >= 2 && v.renders <= v.frames + 2,
        `${name}: redrawn as data arrived, at most once per frame (${v.renders} renders over ${v.frames} frames)`,
      );
    }
    assert.equal(r.burstRenders, 1, "100 appends within one frame cost one redraw");
    assert.deepEqual(line.pathPoints, [8, 8], "the line chart shows the 8 points appended to each series");
    assert.equal(heatmap.cells, 5 * 8, "the heatmap has 5 time steps x 8 training-step columns");
    assert.ok(heatmap.texts.includes("0.001") && heatmap.texts.includes("1"), "the log colour bar has decade ticks");
    assert.equal(heatmap.hatched, 4 + 1, "steps 5-8 of t = 0 are hatched as cut, plus the key's swatch");
    assert.ok(heatmap.texts.includes("cut") && heatmap.texts.includes("8"), "the key says what hatching means; columns are labelled 1-8");
    assert.equal(confusion.cells, 9);
    // (step % 3, 2 step % 3) for steps 1..8: right at steps 3 and 6
    assert.ok(
      confusion.texts.includes("accuracy 25.0% (2 of 8)"),
      `the confusion matrix counted 8 samples: ${confusion.texts.filter((t) => t.startsWith("accuracy"))}`,
    );
    assert.equal(images.cells, 4 * 9, "four 3x3 filters");
    assert.deepEqual(gates.gateCells, { i: 18, f: 18, g: 18, o: 18 }, "each gate strip: 3 units x 6 time steps of the last forward");
    assert.deepEqual(errors, [], "no console errors on the views page");
  } finally {
    await page.close();
    server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const profile = mkdtempSync(join(tmpdir(), "tensorloom-views-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  try {
    await checkViews(context);
    console.log("live views: all checks passed");
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
