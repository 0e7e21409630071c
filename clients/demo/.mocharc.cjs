// The demo at reduced size, its JSON report asserted.

module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["test/**/*.test.ts"],
  timeout: 120000,
  slow: 5000,
  exit: true,
};
