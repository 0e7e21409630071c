#!/usr/bin/env node
// lumora-consumer entry point: runs the TypeScript sources through tsx (the reference client is not bundled).
import { register } from "tsx/esm/api";
register();
await import("../src/cli.ts");
