// The JSON-RPC facade's suites: a real @solana/web3.js Connection (and the Lumora SDK) against the server, no mocks.
module.exports = {
  "node-option": ["import=tsx", "no-warnings=ExperimentalWarning"],
  spec: ["tools/chain/rpc/test/**/*.test.ts"],
  timeout: 60000,
  slow: 3000,
  exit: true,
};
