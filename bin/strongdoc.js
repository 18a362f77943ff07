#!/usr/bin/env node
// The `strongdoc` command: runs the compiled CLI (dist/src/cli/main.js, built by `npm run build`).
"use strict";
let cli;
try {
  cli = require("../dist/src/cli/main.js");
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes("dist/src/cli/main.js")) {
    process.stderr.write("strongdoc: not built: run `npm run build` (or `node --import tsx src/cli/main.ts` from a clone)\n");
    process.exit(2);
  }
  throw err;
}
cli.runCli(process.argv).then((code) => {
  process.exitCode = code;
});
