/**
 * The daemon's duties, one module each, each one pass per tick, each decided from chain state first and
 * journaled (chain.ts) when it sends: a restarted node re-derives what is left to do from the chain and
 * its SQLite state (state.ts, the only door to the store) and never sends a step twice. The daemon
 * (daemon.ts) only wires them and runs the tick loop.
 *
 *   liveness     all nodes: heartbeat every `heartbeatSecs`, keep the node key funded
 *   executor     bid on open tasks in their window · for tasks assigned to this node: fetch the spec
 *                (DHT, hash-checked), scrape, encrypt, store chunks, commit, reveal, serve the chunks ·
 *                release the data key once settled
 *   coordinator  finalize after bid windows · expire silent assignees · settle · settle each assignee ·
 *                open the current epoch, close ended ones after their credit window, distribute, sweep
 *   pob          verifier probes, roots; provider credits (Proof-of-Bandwidth v2)
 *   claims       claim this node's reward for each closed epoch it was credited in; after the claim
 *                window close its contribution (rent back)
 *   gossip       task announcements in (wake the loop) and out, health, the coordinator's network view
 */
export { type DutyContext, myNodeAddress, step } from "./context.js";
export { fundNodeKey, heartbeat } from "./liveness.js";
export { executor } from "./executor.js";
export { coordinator, distributeShard } from "./coordinator.js";
export { claimEpoch, claims } from "./claims.js";
export { Gossip, type GossipFigures, type GossipOptions } from "./gossip.js";
export { PobDuties, type PobDutyOptions } from "./pob.js";
