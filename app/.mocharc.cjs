// The dApp's suites: unit checks of the page's pure modules, then the whole path in Debian's Chromium
// (playwright-core) against `./lumora app`'s server — the embedded chain, lumora-node processes, the
// gateway — with a Wallet Standard test wallet that really signs. Sized for 2-core CI.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["tests/**/*.test.ts"],
  timeout: 600000,
  slow: 10000,
  exit: true,
};
