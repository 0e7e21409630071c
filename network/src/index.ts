/**
 * `@lumora/network` — the Lumora P2P layer on js-libp2p (PROTOCOL.md §8): node-key identity, Kademlia
 * DHT, gossip, RTT proximity, chunk transfer and Proof-of-Bandwidth protocols. Node-only; the SDK stays
 * free of libp2p. See docs/network.md.
 * @packageDocumentation
 */
export * from "./identity.js";
export * from "./registry.js";
export * from "./bucket.js";
export * from "./rtt.js";
export * from "./frames.js";
export * from "./records.js";
export * from "./gossip.js";
export * from "./node.js";
export * from "./chunks.js";
export * from "./pob.js";
export * from "./relay/index.js";
