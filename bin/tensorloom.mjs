#!/usr/bin/env node
// The installed `tensorloom` command (runs the built CLI; in a clone, use `npm run demo` or `npx tsx src/cli/main.ts`).
import { main } from "../dist/cli/main.js";
process.exitCode = await main(process.argv.slice(2));
