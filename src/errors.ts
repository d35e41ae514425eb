/**
 * The few error classes Silt raises, named for what the caller does next.
 * Faces (CLI, HTTP) map them to exit codes and status codes; anything else is a bug.
 */

/** The user gave something wrong (a file, a config key, a SQL statement). Fix the input and retry. */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
}

/** A named thing (namespace, table, snapshot, file) does not exist. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

/** A named thing already exists. */
export class AlreadyExists extends Error {
  override readonly name = 'AlreadyExists';
}

/** Someone else committed first; refresh and retry. Raised only after retries are exhausted. */
export class CommitConflict extends Error {
  override readonly name = 'CommitConflict';
}

/** A data-quality rule with policy `fail`, or a reconciliation, stopped a run. Nothing was committed. */
export class RunFailed extends Error {
  override readonly name = 'RunFailed';
}

/**
 * The machine or the files under Silt failed, not Silt and not the user's input: a full disk, a
 * read-only warehouse, a data or metadata file deleted or damaged, a catalog database that is
 * gone or corrupt. The message names the file or table and what to do.
 */
export class EnvironmentFault extends Error {
  override readonly name = 'EnvironmentFault';
}

/** A statement went past a limit it was given (rows returned, bytes scanned, wall time); nothing was committed. */
export class LimitExceeded extends Error {
  override readonly name = 'LimitExceeded';
}

/** The caller cancelled a statement; it stopped and committed nothing. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

export type UserError = InvalidInput | NotFound | AlreadyExists | CommitConflict | RunFailed | EnvironmentFault | LimitExceeded | Cancelled;

export function isUserError(e: unknown): e is UserError {
  return (
    e instanceof InvalidInput ||
    e instanceof NotFound ||
    e instanceof AlreadyExists ||
    e instanceof CommitConflict ||
    e instanceof RunFailed ||
    e instanceof EnvironmentFault ||
    e instanceof LimitExceeded ||
    e instanceof Cancelled
  );
}
