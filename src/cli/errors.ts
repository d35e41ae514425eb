import { errorBody, SiltError, type ErrorKind } from '../errors.js';

/** Exit codes: scripts can tell "fix your input" from "not there" from "try again" from "fix the machine". */
export const EXIT = { ok: 0, invalid: 1, usage: 2, notFound: 3, conflict: 4, runFailed: 5, environment: 6, internal: 70 } as const;

const EXIT_OF_KIND: Readonly<Record<ErrorKind | 'internal', number>> = {
  invalid_input: EXIT.invalid,
  already_exists: EXIT.invalid,
  not_found: EXIT.notFound,
  commit_conflict: EXIT.conflict,
  run_failed: EXIT.runFailed,
  environment_fault: EXIT.environment,
  internal: EXIT.internal,
};

export function exitCodeOfKind(kind: ErrorKind | 'internal'): number {
  return EXIT_OF_KIND[kind];
}

export function exitCodeOf(e: unknown): number {
  return exitCodeOfKind(e instanceof SiltError ? e.kind : 'internal');
}

/**
 * One line on stderr and an exit code; a stack trace only with SILT_DEBUG=1. With SILT_ERRORS=json
 * the line is `{"error":{"code":…,"message":…,"details":{…}}}`, for scripts.
 */
export function reportError(e: unknown): number {
  const code = exitCodeOf(e);
  if (process.env['SILT_ERRORS'] === 'json') {
    process.stderr.write(`${JSON.stringify(errorBody(e))}\n`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    if (code === EXIT.internal) process.stderr.write(`silt: internal error: ${message.split('\n')[0]}\n`);
    else process.stderr.write(`silt: ${message}\n`);
  }
  if (code === EXIT.internal) {
    if (process.env['SILT_DEBUG']) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    else if (process.env['SILT_ERRORS'] !== 'json') process.stderr.write('silt: this is a bug in Silt; rerun with SILT_DEBUG=1 to see where it happened\n');
  }
  return code;
}
