// One mocha run = one VM (LUMORA_VM=bankrun|litesvm, default bankrun). tests/harness/hooks.ts is the
// root hook: it starts the chain once with the built .so files and exports the named actors.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  require: ["tests/harness/hooks.ts"],
  spec: ["tests/**/*.spec.ts"],
  timeout: 120000,
  slow: 2000,
};
