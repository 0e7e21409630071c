#!/usr/bin/env node
// lumora-consumer entry point: checks the Node version, then runs the TypeScript sources through tsx (the
// reference client is not bundled). It calls main() itself, so it works through npm's bin symlink too.
import { requireNode } from "@lumora/cli-kit/node-version";
requireNode("lumora-consumer");
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli.ts");
process.exit(await main(process.argv.slice(2)));
