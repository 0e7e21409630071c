// The browser build's gate (run by `npm run build` after tsup): fails when a Node built-in reaches
// dist/index.browser.js, directly or through any dependency, and reports the bundle size.
//   1. every import specifier in dist/index.browser.js must be a package, never `node:*` or a built-in;
//   2. esbuild bundles it for `platform: "browser"` with its dependencies and the web3 peers (as an app
//      would): a built-in anywhere in that graph fails resolution, and the metafile is scanned again;
//   3. sizes, minified and min+gzip, SDK alone (peers external) and SDK + peers, to stdout and to
//      dist/browser-size.json.
import { builtinModules } from "node:module";
import fs from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url);
// an argument checks another file (the suite proves the gate fails on a built-in that way)
const entry = process.argv[2] ?? new URL("index.browser.js", dist).pathname;
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// `buffer/index.js` names a file of the npm package `buffer` (bundlers and Node both read it so), not the built-in
const isBuiltin = (s) => s.startsWith("node:") || builtins.has(s) || (builtins.has(s.split("/")[0]) && s !== "buffer/index.js");
const fail = (msg) => {
  console.error(`check-browser: ${msg}`);
  process.exit(1);
};

const code = fs.readFileSync(entry, "utf8");
const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
const direct = specifiers.filter(isBuiltin);
if (direct.length > 0) fail(`dist/index.browser.js imports Node built-ins: ${[...new Set(direct)].join(", ")}`);
if (/\bprocess\.getBuiltinModule\b|\bworker_threads\b/.test(code)) fail("dist/index.browser.js refers to Node-only APIs (getBuiltinModule / worker_threads)");

const peers = ["@coral-xyz/anchor", "@solana/web3.js", "@solana/spl-token"];
async function bundle(external) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: "out", // nothing is written: a name for the output files
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external,
    metafile: true,
    splitting: true, // the brotli decoder is a dynamic import: a separate file, loaded on first use
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  }).catch((e) => fail(`the browser bundle does not build (a Node built-in or a missing package?):\n${e.message}`));
  const reached = Object.keys(r.metafile.inputs).filter((p) => isBuiltin(p.replace(/^.*node_modules\//, "")) && !p.includes("/"));
  if (reached.length > 0) fail(`Node built-ins in the browser bundle: ${reached.join(", ")}`);
  // first load: the entry's output and what it imports statically; the rest loads on first use
  const outputs = r.metafile.outputs;
  const entryOut = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined);
  const initial = new Set();
  const walk = (k) => {
    if (initial.has(k)) return;
    initial.add(k);
    for (const i of outputs[k].imports) if (i.kind === "import-statement" && outputs[i.path]) walk(i.path);
  };
  walk(entryOut);
  const size = (files) => ({
    minBytes: files.reduce((n, f) => n + f.contents.length, 0),
    gzipBytes: files.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0),
  });
  const js = r.outputFiles.filter((f) => f.path.endsWith(".js"));
  const rel = (f) => f.path.slice(f.path.lastIndexOf("/out/") + 1);
  return { firstLoad: size(js.filter((f) => initial.has(rel(f)))), lazy: size(js.filter((f) => !initial.has(rel(f)))) };
}

const sdkOnly = await bundle(peers);
const withPeers = await bundle([]);
const report = { sdkOnly, withPeers, note: "esbuild --minify --splitting, gzip -9; lazy = brotli's decoder, loaded on first use" };
if (process.argv[2] === undefined) fs.writeFileSync(new URL("browser-size.json", dist), JSON.stringify(report, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `check-browser: no Node built-in in the browser build. First load: SDK alone ${kb(sdkOnly.firstLoad.minBytes)} min, ` +
    `${kb(sdkOnly.firstLoad.gzipBytes)} min+gzip; with @solana/web3.js, @coral-xyz/anchor, @solana/spl-token ` +
    `${kb(withPeers.firstLoad.minBytes)} min, ${kb(withPeers.firstLoad.gzipBytes)} min+gzip. On first use: brotli decoder ` +
    `${kb(sdkOnly.lazy.minBytes)} min, ${kb(sdkOnly.lazy.gzipBytes)} min+gzip`,
);
