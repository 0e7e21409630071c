// lumora-consumer suites: real components only (the fixture site, in-process lumora-node daemons, libp2p peers, the
// embedded chain behind its JSON-RPC server). Sized for 2-core CI.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["test/**/*.test.ts"],
  timeout: 120000,
  slow: 5000,
  exit: true,
};
