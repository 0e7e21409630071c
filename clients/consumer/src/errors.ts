/** The consumer's two kinds of failure (the CLI maps them to exit codes 2 and 1). */

/** Bad input the user can fix (exit code 2 in the CLI). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** The chain or a peer could not be reached or refused (exit code 1). */
export class ConsumerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsumerError";
  }
}
