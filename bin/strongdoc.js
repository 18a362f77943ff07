#!/usr/bin/env node
// The `strongdoc` command: runs the compiled CLI (dist/src/cli/main.js, built by `npm run build`).
"use strict";
require("../dist/src/cli/main.js")
  .runCli(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
