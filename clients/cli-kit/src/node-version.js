// The Node version Lumora's commands need, checked by each bin before anything else is loaded (plain
// JavaScript: it must run on any Node, even one too old for the rest). undici 8, the HTTP client of the
// scraper and of web3.js here, needs zlib's zstd (Node >= 22.19).
import path from "node:path";

export const MIN_NODE = [22, 19];

/** True when `version` ("22.23.3", process.versions.node) is at least MIN_NODE. */
export function nodeVersionOk(version = process.versions.node) {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** Exits 1 with how to run `command` on the project's bundled Node when the running Node is too old. */
export function requireNode(command) {
  if (nodeVersionOk()) return;
  const repo = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..", "..");
  process.stderr.write(
    `${command}: needs Node.js >= ${MIN_NODE.join(".")}, this is ${process.version} (${process.execPath}).\n` +
      `The project bundles one (the "node" devDependency, installed by \`npm install\` or \`./lumora setup\`):\n` +
      `  export PATH="${path.join(repo, "node_modules", ".bin")}:$PATH"   # then \`${command} …\` or \`npx ${command} …\`\n` +
      `  ${path.join(repo, "node_modules", ".bin", "node")} ${process.argv[1] ?? command} …\n`,
  );
  process.exit(1);
}
