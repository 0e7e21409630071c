// One mocha run = one VM (LUMORA_VM=bankrun|litesvm, default bankrun). tests/harness/hooks.ts is the
// root hook: it starts the chain once with the built .so files and exports the named actors.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  require: ["tests/harness/hooks.ts"],
  spec: ["tests/**/*.spec.ts"],
  // files run in path order; no suite depends on it: suites that need the config call ensureConfig(),
  // the config suite runs on a chain of its own
  sort: true,
  timeout: 120000,
  slow: 2000,
};
