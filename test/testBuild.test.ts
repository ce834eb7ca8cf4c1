// scripts/runTests.mjs runs the test files transpiled into .testbuild/ (scripts/buildTests.mjs).
// Paths that tests build from import.meta must still name the source file there, or a test
// looking for ../shared or its fixtures would look in the wrong place (and may skip, not fail).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

it("import.meta.url, dirname and filename name this .ts source file, transpiled or not", () => {
  const file = fileURLToPath(import.meta.url);
  assert.ok(file.endsWith(join("test", "testBuild.test.ts")), `import.meta.url names ${file}`);
  assert.ok(existsSync(file), `${file} does not exist`);
  assert.equal(import.meta.filename, file);
  assert.equal(import.meta.dirname, dirname(file));
});

it("import.meta.resolve names a module that this process can load", async () => {
  const url = import.meta.resolve("./support/gc.js");
  const mod = (await import(url)) as Record<string, unknown>;
  assert.equal(typeof mod.fullCollection, "function");
});
