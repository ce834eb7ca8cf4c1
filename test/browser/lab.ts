// `npm run test:lab`: tensorloom Lab in headless Chromium. Builds the Lab (scripts/lab.ts) into a
// temporary folder, serves it with the cross-origin isolation headers, and opens every page
// under lab/pages (and each once more from a server without those headers, where it must run
// single-threaded): no console errors, the page marks itself ready (lab/shared/ui.ts's startPage)
// with its main content drawn, nothing clips at 390 px, and moving a control by keyboard changes
// what the page shows. Pages with a check in CHECKS below are also driven control by control and
// their numbers compared with what the library computes here in Node. Screenshots of every page
// go to out/lab/ (test output, not compared). Needs Debian's Chromium at /usr/bin/chromium.
//   tsx test/browser/lab.ts [folder-name substrings...]
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildLab, serveDir, type LabPage } from "../../scripts/lab.js";
import { CHECKS } from "./labChecks.js";

const CHROMIUM = "/usr/bin/chromium";
const READY_TIMEOUT_MS = 60_000;
const NARROW = 390;
const SHOTS = join("out", "lab");

/** Launches Debian's Chromium headless with a throwaway profile. */
async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The page's <main> text, which every computed number on a Lab page is part of. */
const mainText = (page: Page): Promise<string> => page.locator("main").innerText();

/** Moves the first slider (else the first select, else the first button) by keyboard; returns what it moved. */
async function moveFirstControl(page: Page): Promise<string> {
  const slider = page.locator("main input[type=range]").first();
  if (await slider.count()) {
    const before = await slider.inputValue();
    await slider.focus();
    await page.keyboard.press(before === (await slider.getAttribute("max")) ? "ArrowLeft" : "ArrowRight");
    return `slider ${(await slider.evaluate((e) => e.closest("label")?.textContent ?? e.id)).trim()}: ${before} -> ${await slider.inputValue()}`;
  }
  const sel = page.locator("main select").first();
  if (await sel.count()) {
    await sel.focus();
    await page.keyboard.press("ArrowDown");
    return `select ${await sel.inputValue()}`;
  }
  const button = page.locator("main button").first();
  assert.ok(await button.count(), "the page has no control (slider, select or button) in <main>");
  await button.focus();
  await page.keyboard.press("Enter");
  return `button ${await button.innerText()}`;
}

async function checkPage(context: BrowserContext, base: string, p: LabPage): Promise<void> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(`${base}/pages/${p.slug}/`);
  await page.waitForSelector("html[data-lab-ready]", { timeout: READY_TIMEOUT_MS });
  const readyMs = Date.now() - t0;
  const renderedMs = Number(await page.locator("html").getAttribute("data-lab-ready-ms"));
  const text = await mainText(page);
  assert.ok((await page.locator("main h1").count()) === 1 && text.length > 200, `${p.slug}: <main> has its heading and content`);
  const moved = await moveFirstControl(page);
  await page
    .waitForFunction((before) => document.querySelector("main")!.innerText !== before, text, { timeout: 10_000 })
    .catch(() => assert.fail(`${p.slug}: moving the first control (${moved}) changed nothing in <main>`));

  await page.setViewportSize({ width: NARROW, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(
    overflow <= 0,
    `${p.slug}: at ${NARROW} px the page is ${overflow} px wider than the window (something clips or scrolls sideways)`,
  );
  await page.screenshot({ path: join(SHOTS, `${p.slug}-390px.png`), fullPage: true });
  await page.setViewportSize({ width: 1000, height: 900 });

  const check = CHECKS[p.slug.slice(0, 2)];
  const detail = check ? await check(page) : "no page-specific check";
  await page.screenshot({ path: join(SHOTS, `${p.slug}.png`), fullPage: true });
  assert.deepEqual(errors, [], `${p.slug}: console errors`);
  await page.close();
  console.log(
    `ok ${p.slug}: first render ${renderedMs} ms after navigation (${readyMs} ms as the test saw it); ${moved} changed the page; ${detail}; screenshot ${join(SHOTS, p.slug + ".png")}`,
  );
}

/** A page served without COOP/COEP (as a plain static host serves it): it loads and runs single-threaded, with no console error. */
async function checkPlain(context: BrowserContext, base: string, p: LabPage): Promise<void> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/pages/${p.slug}/`);
  await page.waitForSelector("html[data-lab-ready]", { timeout: READY_TIMEOUT_MS });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const footer = await page.locator("footer.status").innerText();
  await page.close();
  assert.equal(isolated, false);
  assert.match(
    footer,
    /1 thread \(the page is not cross-origin isolated, so it runs single-threaded\)/,
    `${p.slug}: the footer says it runs single-threaded`,
  );
  assert.deepEqual(errors, [], `${p.slug} without COOP/COEP: console errors or warnings`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`test:lab: no Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), "tensorloom-lab-"));
  const profile = mkdtempSync(join(tmpdir(), "tensorloom-chromium-"));
  mkdirSync(SHOTS, { recursive: true });
  const { pages, sizes } = await buildLab(dir);
  console.log(`test:lab: built ${pages.length} pages; bundle sizes (each page's script with its chunks, uncompressed):`);
  for (const [file, size] of Object.entries(sizes))
    console.log(`  ${file} ${(size.bytes / 1024).toFixed(0)} KiB (${(size.gzip / 1024).toFixed(0)} KiB gzipped)`);
  // `tsx test/browser/lab.ts 01 07` opens only the pages whose folder name contains an argument
  const only = process.argv.slice(2);
  const chosen = only.length ? pages.filter((p) => only.some((s) => p.slug.includes(s))) : pages;
  const server = await serveDir(dir, { isolated: true });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const context = await launch(profile);
  let failed = 0;
  try {
    const index = await context.newPage();
    await index.goto(`${base}/`);
    const links = await index.locator("ol.pages a").count();
    assert.equal(links, pages.length, "the front page links every page");
    await index.screenshot({ path: join(SHOTS, "index.png"), fullPage: true });
    await index.close();
    for (const p of chosen) {
      try {
        await checkPage(context, base, p);
      } catch (e) {
        failed++;
        console.log(`FAIL ${p.slug}: ${(e as Error).message}`);
      }
    }
    // the same site from a host that sends no isolation headers
    const plain = await serveDir(dir, { isolated: false });
    try {
      const plainBase = `http://127.0.0.1:${(plain.address() as { port: number }).port}`;
      for (const p of chosen) {
        try {
          await checkPlain(context, plainBase, p);
        } catch (e) {
          failed++;
          console.log(`FAIL ${p.slug} (no COOP/COEP): ${(e as Error).message}`);
        }
      }
      console.log(`without COOP/COEP: ${chosen.length} pages loaded single-threaded`);
    } finally {
      plain.close();
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) {
    console.log(`test:lab: ${failed} of ${chosen.length} pages failed`);
    process.exit(1);
  }
  console.log(`test:lab: all ${chosen.length} pages passed`);
}

await main();
