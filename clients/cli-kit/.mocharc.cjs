// @lumora/cli-kit suites: the parser and help of every Lumora command, the bins through npm's links, the Node check.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["test/**/*.test.ts"],
  timeout: 60000,
  slow: 5000,
  exit: true,
};
