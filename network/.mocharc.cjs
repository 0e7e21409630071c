// Network suites: real libp2p peers on loopback (no mocks). Sized for 2-core CI: each suite bounds its own waits.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["test/**/*.test.ts"],
  timeout: 120000,
  slow: 5000,
  exit: true,
};
