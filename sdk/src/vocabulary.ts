/**
 * One name and one predicate per protocol meaning, for every client: what a node's role bits, a task's
 * status and a node's standing mean. The numbers come from the programs' constants (`ROLES`,
 * `NODE_STATUS`, `TASK_STATUS`); clients compare through these, never against literals.
 * @module
 */
import { NODE_STATUS, ROLES } from "./registry-math.js";
import { TASK_STATUS } from "./tasks.js";

/** A role's name, by its bit (`ROLES`), in bit order. */
export const ROLE_NAMES = Object.freeze([
  [ROLES.PROVIDER, "provider"],
  [ROLES.EXECUTOR, "executor"],
  [ROLES.VERIFIER, "verifier"],
] as const);

/** The name of a role. */
export type RoleName = (typeof ROLE_NAMES)[number][1];

/** The names of the roles set in `roles` (bit order: provider, executor, verifier). */
export function roleNames(roles: number): RoleName[] {
  return ROLE_NAMES.filter(([bit]) => (roles & bit) !== 0).map(([, name]) => name);
}

/** The role bits of role names (unknown names throw a RangeError). */
export function roleBits(names: readonly string[]): number {
  let bits = 0;
  for (const n of names) {
    const hit = ROLE_NAMES.find(([, name]) => name === n);
    if (!hit) throw new RangeError(`unknown role ${JSON.stringify(n)}: one of ${ROLE_NAMES.map(([, x]) => x).join(", ")}`);
    bits |= hit[0];
  }
  return bits;
}

/** A task status's name. */
export type TaskStatusName = "open" | "assigned" | "settled" | "failed" | "cancelled";

const TASK_STATUS_NAMES: Readonly<Record<number, TaskStatusName>> = Object.freeze({
  [TASK_STATUS.OPEN]: "open",
  [TASK_STATUS.ASSIGNED]: "assigned",
  [TASK_STATUS.SETTLED]: "settled",
  [TASK_STATUS.FAILED]: "failed",
  [TASK_STATUS.CANCELLED]: "cancelled",
});

/** The name of a task status (`TASK_STATUS`); an unknown value throws a RangeError. */
export function taskStatusName(status: number): TaskStatusName {
  const name = TASK_STATUS_NAMES[status];
  if (!name) throw new RangeError(`unknown task status ${status}`);
  return name;
}

/** A task still in progress: open for bids or assigned (not settled, failed or cancelled). */
export function isTaskInProgress(task: { status: number }): boolean {
  return task.status === TASK_STATUS.OPEN || task.status === TASK_STATUS.ASSIGNED;
}

/**
 * A node is active while it is registered and not deregistered — the registry's `Node::is_active`
 * (heartbeats, stake changes and unjailing need it). Jailing is separate: see {@link isJailed}.
 */
export function isActive(node: { status: number }): boolean {
  return node.status === NODE_STATUS.ACTIVE;
}

/** A jailed node (it stays jailed until it unjails after its cooldown) — the registry's `Node::is_jailed`. */
export function isJailed(node: { jailed: number }): boolean {
  return node.jailed !== 0;
}
