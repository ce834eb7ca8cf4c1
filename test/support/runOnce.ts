// Whether a test that does not depend on the backend (it reads source, packs the package) runs in
// this configuration: the runner (scripts/runTests.mjs) repeats the suite per backend, and such a
// test runs once, in the default wasm configuration (or the run of files that load no backend),
// or when a file is run by hand.

const env = process.env;

/**
 * True without TENSORLOOM_BACKEND, in the plain wasm configuration (no TENSORLOOM_WASM_FMA), or in
 * the runner's run of the files that load no backend (TENSORLOOM_BACKEND "none (...)"), which is
 * itself once.
 */
export const RUN_ONCE =
  env.TENSORLOOM_BACKEND === undefined ||
  (env.TENSORLOOM_BACKEND === "wasm" && env.TENSORLOOM_WASM_FMA === undefined) ||
  env.TENSORLOOM_BACKEND.startsWith("none (");
