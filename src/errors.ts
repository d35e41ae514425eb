/**
 * The few error classes Silt raises, named for what the caller does next.
 * Each carries a stable `code` (a class's own, or a finer one such as `table_not_found`) and
 * optional `details` naming the file, line, column, table or key concerned. Faces turn them into
 * text once each: the CLI in `cli/errors.ts` (exit codes), HTTP in `errors-http.ts` (statuses).
 * Anything else thrown is a bug.
 */

/** What an error is about, as far as the thrower knows it. */
export interface ErrorDetails {
  /** A path or storage key the user can find. */
  file?: string;
  /** 1-based line in `file` (or in the statement, for SQL). */
  line?: number;
  /** 1-based column in that line. */
  column?: number;
  /** `namespace.table`. */
  table?: string;
  /** A config key, a column name, a snapshot id, a source name: what the message names. */
  key?: string;
  [more: string]: string | number | boolean | undefined;
}

export interface SiltErrorOptions extends ErrorOptions {
  /** A finer code than the class's own, in snake_case; stable once published. */
  code?: string;
  details?: ErrorDetails;
}

/** The part every Silt error shares; not thrown itself. */
export abstract class SiltError extends Error {
  /** The class's code: what a face maps to an exit code or an HTTP status. */
  abstract readonly kind: ErrorKind;
  readonly details: ErrorDetails;
  readonly #code: string | undefined;

  constructor(message: string, options: SiltErrorOptions = {}) {
    const { code, details, ...rest } = options;
    super(message, rest);
    this.#code = code;
    this.details = details ?? {};
  }

  /** Stable, snake_case: the class's kind or a finer code. */
  get code(): string {
    return this.#code ?? this.kind;
  }
}

export type ErrorKind = 'invalid_input' | 'not_found' | 'already_exists' | 'commit_conflict' | 'run_failed' | 'environment_fault';

/** The user gave something wrong (a file, a config key, a SQL statement). Fix the input and retry. */
export class InvalidInput extends SiltError {
  override readonly name = 'InvalidInput';
  readonly kind = 'invalid_input';
}

/** A named thing (namespace, table, snapshot, file) does not exist. */
export class NotFound extends SiltError {
  override readonly name = 'NotFound';
  readonly kind = 'not_found';
}

/** A named thing already exists. */
export class AlreadyExists extends SiltError {
  override readonly name = 'AlreadyExists';
  readonly kind = 'already_exists';
}

/** Someone else committed first; refresh and retry. Raised only after retries are exhausted. */
export class CommitConflict extends SiltError {
  override readonly name = 'CommitConflict';
  readonly kind = 'commit_conflict';
}

/** A data-quality rule with policy `fail`, or a reconciliation, stopped a run. Nothing was committed. */
export class RunFailed extends SiltError {
  override readonly name = 'RunFailed';
  readonly kind = 'run_failed';
}

/**
 * The machine or the files under Silt failed, not Silt and not the user's input: a full disk, a
 * read-only warehouse, a data or metadata file deleted or damaged, a catalog database that is
 * gone or corrupt. The message names the file or table and what to do.
 */
export class EnvironmentFault extends SiltError {
  override readonly name = 'EnvironmentFault';
  readonly kind = 'environment_fault';
}

/** The code of an EnvironmentFault raised because a service (the metadata store's server, the S3 endpoint) could not be reached or was restarting. */
export const UNREACHABLE = 'service_unreachable';

/** Whether `e` is such an outage: worth waiting out and trying again, unlike a refused login or a missing bucket. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof EnvironmentFault && e.code === UNREACHABLE;
}

/** A statement went past a limit it was given (rows returned, bytes scanned, wall time); nothing was committed. */
export class LimitExceeded extends SiltError {
  override readonly name = 'LimitExceeded';
  readonly kind = 'invalid_input';
  constructor(message: string, options: SiltErrorOptions = {}) {
    super(message, { code: 'limit_exceeded', ...options });
  }
}

/** The caller cancelled a statement; it stopped and committed nothing. */
export class Cancelled extends SiltError {
  override readonly name = 'Cancelled';
  readonly kind = 'invalid_input';
  constructor(message: string, options: SiltErrorOptions = {}) {
    super(message, { code: 'cancelled', ...options });
  }
}

/** The request carries no valid credential (a missing, unknown, expired or revoked token). */
export class Unauthenticated extends SiltError {
  override readonly name = 'Unauthenticated';
  readonly kind = 'invalid_input';
  constructor(message: string, options: SiltErrorOptions = {}) {
    super(message, { code: 'unauthenticated', ...options });
  }
}

/** The principal lacks a grant for what it asked; the message names the principal, the privilege and the securable. */
export class AccessDenied extends SiltError {
  override readonly name = 'AccessDenied';
  readonly kind = 'invalid_input';
  constructor(message: string, options: SiltErrorOptions = {}) {
    super(message, { code: 'access_denied', ...options });
  }
}

export type UserError = InvalidInput | NotFound | AlreadyExists | CommitConflict | RunFailed | EnvironmentFault | LimitExceeded | Cancelled | Unauthenticated | AccessDenied;

export function isUserError(e: unknown): e is UserError {
  return e instanceof SiltError;
}

/** The error as data, the same for every face: what HTTP sends as its body, what `SILT_ERRORS=json` prints. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetails };
}

/** `internal` for anything not a Silt error: a bug, whose message is not the user's business. */
export function errorBody(e: unknown): ErrorBody {
  if (e instanceof SiltError) return { error: { code: e.code, message: e.message, details: e.details } };
  return { error: { code: 'internal', message: 'internal error (a bug in Silt)', details: {} } };
}
