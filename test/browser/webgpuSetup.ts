// Imported first by the webgpu page: top-level await, so every test module imported after it
// sees the webgpu backend already active (test/support/fixtures.ts picks its backends at import).
import * as tl from "../../src/index.js";

await tl.ready(); // the wasm backend (the CPU fallback, and what the checks compare against)
export const setupError: string | null = await tl.initWebGpu().then(
  () => {
    tl.setBackend("webgpu");
    return null;
  },
  (e: unknown) => String(e),
);
