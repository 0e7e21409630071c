/**
 * Which IP addresses the executor may connect to (the SSRF rule, docs/scraping.md). The rule is shared
 * with the relay provider and lives in `@lumora/network` (`relay/address.ts`); re-exported here.
 * @module
 */
export { parseIp, forbiddenReason, parseHost, parseLooseIpv4, type ParsedIp, type AddressPolicy, type ParsedHost } from "@lumora/network";
