// SDK unit suites: pure TypeScript, no chain (run once, not per VM). Chain suites live in ../tests.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["test/**/*.test.ts"],
  timeout: 300000,
  slow: 2000,
};
