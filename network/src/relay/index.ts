/**
 * `/lumora/relay/1`: providers carry the executors' scraping connections (docs/relay.md). The provider
 * vets every destination itself, pins the resolved address, gives the relay only its owner's headroom,
 * and both ends sign what moved.
 * @module
 */
export * from "./address.js";
export * from "./protocol.js";
export * from "./attest.js";
export * from "./headroom.js";
export * from "./provider.js";
export * from "./client.js";
export * from "./proximity.js";
