#!/usr/bin/env node
// lumora-node entry point: checks the Node version, then runs the TypeScript sources through tsx (the
// reference client is not bundled). It calls main() itself, so it works through npm's bin symlink too.
import { requireNode } from "@lumora/cli-kit/node-version";
requireNode("lumora-node");
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli.ts");
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code); // -1: `start` keeps running
