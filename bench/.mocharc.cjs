// The bench gates' own suites (no chain): the scale model, its budget gate (bench/check-scale.ts) fed
// synthetic CU files, and the economic simulation. tools/test.sh runs them as the suite `bench`.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["bench/test/**/*.test.ts"],
  timeout: 60000,
  slow: 5000,
};
