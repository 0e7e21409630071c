import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: "es2022",
  // web3 libraries are peer dependencies: never bundled
  external: ["@coral-xyz/anchor", "@solana/web3.js", "@solana/spl-token"],
  onSuccess: "mkdir -p dist/idl && cp src/idl/*.json dist/idl/",
});
