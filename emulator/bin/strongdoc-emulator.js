#!/usr/bin/env node
// Launcher for the compiled emulator CLI (emulator/dist is produced by `npm run build`).
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const entry = join(__dirname, "../dist/emulator/src/cli.js");
if (!existsSync(entry)) {
  process.stderr.write(
    "strongdoc-emulator: not built yet — run `npm run build` in the repository root " +
      "(or start it from source with `npx tsx emulator/src/cli.ts`).\n",
  );
  process.exit(1);
}
require(entry)
  .main()
  .catch((e) => {
    process.stderr.write(`strongdoc-emulator: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 1;
  });
