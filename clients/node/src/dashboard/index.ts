/**
 * The node's local dashboard (issue 10): one self-contained page on 127.0.0.1 with live charts per
 * epoch, the bandwidth limit as a control, reputation and stake. See docs/node-dashboard.md.
 * @packageDocumentation
 */
export type { DashboardEarnings, DashboardEpoch, DashboardRelay, DashboardSource, DashboardStatus, DashboardTask, DashboardTrouble } from "./types.js";
export { ADVICE, type Advice, adviceFor, configTrouble, groupTrouble, MIN_PROVIDER_LIMIT_KBPS, relayTrouble, type TroubleEvent } from "./advice.js";
export {
  type DashboardEpochJson,
  type DashboardStatusJson,
  formatLmr,
  formatReputation,
  groupDigits,
  limitError,
  LMR_DECIMALS,
  MAX_LIMIT_KBPS,
  MIN_LIMIT_KBPS,
  statusToJson,
} from "./format.js";
export { type DashboardHandle, isLoopback, type StartDashboardOptions, startDashboard, TOKEN_HEADER } from "./server.js";
