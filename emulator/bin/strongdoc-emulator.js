#!/usr/bin/env node
// Launcher for the compiled emulator CLI (build first: `npm run build`).
"use strict";
require("../dist/emulator/src/cli.js")
  .main()
  .catch((e) => {
    process.stderr.write(`strongdoc-emulator: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 1;
  });
