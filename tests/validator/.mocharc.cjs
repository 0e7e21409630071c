// The validator suites (tests/validator): agave's solana-test-validator (tools/validator, built by
// `./lumora setup --validator`) next to the embedded chain's facade. Real processes, real time (no warp).
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["tests/validator/**/*.test.ts"],
  timeout: 180000,
  slow: 10000,
  exit: true,
};
