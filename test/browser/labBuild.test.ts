// The Lab's build (scripts/lab.ts) in Node: page discovery, the page document, the front page,
// and a full build into a temporary folder. The pages themselves run in test/browser/lab.ts.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildLab, frontPage, listPages, pageDocument } from "../../scripts/lab.js";
import { RUN_ONCE } from "../support/runOnce.js";

const once = { skip: !RUN_ONCE && "runs once, in the wasm configuration" };

describe("lab build", once, () => {
  it("discovers every page folder with its title and description, in number order", () => {
    const pages = listPages();
    assert.ok(pages.length >= 7);
    assert.deepEqual(
      pages.map((p) => p.slug),
      [...pages.map((p) => p.slug)].sort(),
    );
    for (const p of pages) {
      assert.match(p.slug, /^\d\d-[a-z0-9-]+$/);
      assert.ok(p.title.length > 5 && p.description.length > 20, p.slug);
    }
    assert.equal(pages[0]!.title, "Convolution as a sliding kernel");
  });

  it("wraps a page's own parts in the Lab's document and passes a whole document through", () => {
    const page = { slug: "04-x", title: "t", description: "d" };
    const doc = pageDocument(page, `<title>t</title>\n<meta name="description" content="d">\n<h1>Hello</h1>\n<p>text</p>\n`);
    assert.match(doc, /^<!doctype html>/);
    assert.match(doc, /<head>[\s\S]*<title>t<\/title>[\s\S]*lab\.css[\s\S]*<script type="module" src="main\.js"><\/script>\n<\/head>/);
    assert.match(
      doc,
      /<main>\n {2}<nav class="crumbs"><a href="\.\.\/\.\.\/">tensorloom Lab<\/a> › 4<\/nav>\n {2}<h1>Hello<\/h1>\n {2}<p>text<\/p>\n<\/main>\n<footer class="status"><\/footer>/,
    );
    const whole = "<!doctype html><html><head><title>t</title></head><body><h1>x</h1></body></html>";
    assert.equal(pageDocument(page, whole), whole);
    assert.throws(() => pageDocument(page, "<title>t</title><p>no heading</p>"), /has no <h1>/);
  });

  it("lists every page on the front page", () => {
    const pages = listPages();
    const html = frontPage(pages);
    for (const p of pages) assert.ok(html.includes(`href="pages/${p.slug}/"`), p.slug);
    assert.ok(!html.includes("<!-- pages -->"));
  });

  it("builds a static site: pages, scripts, workers, styles and data, with no Node built-in in any bundle", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tensorloom-lab-build-"));
    try {
      const { pages, sizes } = await buildLab(dir);
      for (const f of ["index.html", "shared/lab.css", "data/digits.csv", "pages/07-digits-cnn/train.worker.js"])
        assert.ok(existsSync(join(dir, f)), f);
      for (const p of pages) {
        const js = readFileSync(join(dir, "pages", p.slug, "main.js"), "utf8");
        assert.doesNotMatch(js, /from\s*["']node:/, p.slug);
        assert.match(readFileSync(join(dir, "pages", p.slug, "index.html"), "utf8"), /<script type="module" src="main\.js">/, p.slug);
        const size = sizes[`pages/${p.slug}/main.js`]!;
        assert.ok(size.bytes > 1000 && size.gzip > 100 && size.gzip < size.bytes, `${p.slug}'s bundle size is reported`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
