/**
 * Typed errors of the node store. Every refusal names what was refused, so the daemon can branch on
 * `instanceof` (or `code`) instead of parsing messages.
 * @module
 */

/** Base class of every error the store throws on purpose. */
export class StoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The database was written by a newer daemon (its `user_version` is above every migration known here). */
export class SchemaTooNewError extends StoreError {
  constructor(readonly found: number, readonly latest: number) {
    super("SchemaTooNew", `store schema version ${found} is newer than this daemon's ${latest}; refusing to open`);
  }
}

/** A migration list that is not numbered 1, 2, 3, … in order. */
export class MigrationOrderError extends StoreError {
  constructor(message: string) {
    super("MigrationOrder", message);
  }
}

/** An intent with this idempotency key was already planned: the step can never be planned twice. */
export class DuplicateIntentError extends StoreError {
  constructor(readonly key: string) {
    super("DuplicateIntent", `outbox: an intent with key "${key}" already exists`);
  }
}

/** `ensurePlanned` found the key already planned with a different kind or payload. */
export class IntentConflictError extends StoreError {
  constructor(readonly key: string) {
    super("IntentConflict", `outbox: key "${key}" is already planned with a different kind or payload`);
  }
}

/** No row with this key / id. */
export class NotFoundError extends StoreError {
  constructor(readonly what: string, readonly id: string) {
    super("NotFound", `${what} "${id}" not found`);
  }
}

/** A state-machine transition that is not allowed from the row's current state. */
export class IllegalTransitionError extends StoreError {
  constructor(
    readonly what: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super("IllegalTransition", `${what} "${id}": illegal transition ${from} -> ${to}`);
  }
}

/** `replan` while the signed transaction's blockhash may still be valid (it could still land). */
export class BlockhashStillValidError extends StoreError {
  constructor(
    readonly key: string,
    readonly observedBlockHeight: bigint,
    readonly lastValidBlockHeight: bigint,
  ) {
    super(
      "BlockhashStillValid",
      `outbox "${key}": cannot re-plan at block height ${observedBlockHeight}: the signed transaction stays valid until ${lastValidBlockHeight}`,
    );
  }
}

/** A transaction signature already used by another intent. */
export class DuplicateSignatureError extends StoreError {
  constructor(readonly signature: string) {
    super("DuplicateSignature", `outbox: signature ${signature} is already recorded for another intent`);
  }
}


/** A value out of the range the store can hold or the protocol allows. */
export class StoreRangeError extends StoreError {
  constructor(readonly field: string, message: string) {
    super("Range", `${field}: ${message}`);
  }
}

/** A task's data is missing for the requested phase (e.g. committing before the content hash is stored). */
export class TaskDataMissingError extends StoreError {
  constructor(readonly task: string, readonly phase: string, readonly missing: string) {
    super("TaskDataMissing", `task ${task}: cannot enter ${phase} without ${missing}`);
  }
}

/** An operator setting with an invalid value. */
export class InvalidSettingError extends StoreError {
  constructor(readonly setting: string, message: string) {
    super("InvalidSetting", `setting ${setting}: ${message}`);
  }
}
