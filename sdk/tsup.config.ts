import path from "node:path";
import { defineConfig } from "tsup";
import type { Plugin } from "esbuild";

// web3 libraries are peer dependencies: never bundled
const external = ["@coral-xyz/anchor", "@solana/web3.js", "@solana/spl-token"];

/** Browser build: every import of the Node data layer (`data/index.js`) resolves to its WebCrypto twin. */
const browserDataLayer: Plugin = {
  name: "lumora-browser-data-layer",
  setup(build) {
    build.onResolve({ filter: /(^|\/)data\/index\.js$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}src${path.sep}`)) return undefined;
      return { path: path.resolve(args.resolveDir, args.path.replace(/index\.js$/, "index.browser.ts")) };
    });
  },
};

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: false, // `npm run build` empties dist first: the two builds run side by side
    treeshake: true,
    target: "es2022",
    external,
    onSuccess: "mkdir -p dist/idl && cp src/idl/*.json dist/idl/",
  },
  {
    // The `browser` condition of the exports map: ESM only, Node built-ins nowhere
    // (scripts/check-browser.mjs fails the build if one reaches it).
    entry: { "index.browser": "src/index.browser.ts" },
    format: ["esm"],
    platform: "browser",
    dts: true,
    sourcemap: true,
    clean: false,
    treeshake: true,
    target: "es2022",
    external,
    inject: ["src/buffer-shim.ts"],
    esbuildPlugins: [browserDataLayer],
  },
]);
