#!/usr/bin/env node
// lumora-consumer entry point: runs the TypeScript sources through tsx (the reference client is not bundled).
// Works through npm's bin symlink too (the CLI module's own guard only fires for `tsx src/cli.ts`).
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli.ts");
process.exit(await main(process.argv.slice(2)));
