// The dApp's build: Vite (Rollup + esbuild) with Preact's automatic JSX runtime. `@lumora/sdk` resolves to
// its browser build through the `browser` condition of its exports map. In `vite dev`, /rpc is proxied to
// LUMORA_RPC (HTTP and WebSocket) and /gateway to LUMORA_GATEWAY, as `./lumora app` serves them.
import { defineConfig } from "vite";

const rpc = process.env.LUMORA_RPC ?? "http://127.0.0.1:8899";
const gateway = process.env.LUMORA_GATEWAY ?? "http://127.0.0.1:8787";

export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  esbuild: { jsx: "automatic", jsxImportSource: "preact", keepNames: true },
  define: { global: "globalThis", "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "production") },
  // web3.js and anchor import `buffer`: the npm package (the SDK imports buffer/index.js itself)
  resolve: { alias: [{ find: /^buffer$/, replacement: "buffer/index.js" }] },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
  },
  server: {
    proxy: {
      "/rpc": { target: rpc, ws: true, rewrite: () => "/" },
      "/gateway": { target: gateway },
    },
  },
});
