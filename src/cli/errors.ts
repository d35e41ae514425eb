import { AlreadyExists, Cancelled, CommitConflict, EnvironmentFault, InvalidInput, LimitExceeded, NotFound, RunFailed } from '../errors.js';

/** Exit codes: scripts can tell "fix your input" from "not there" from "try again" from "fix the machine". */
export const EXIT = { ok: 0, invalid: 1, usage: 2, notFound: 3, conflict: 4, runFailed: 5, environment: 6, internal: 70 } as const;

export function exitCodeOf(e: unknown): number {
  if (e instanceof NotFound) return EXIT.notFound;
  if (e instanceof CommitConflict) return EXIT.conflict;
  if (e instanceof RunFailed) return EXIT.runFailed;
  if (e instanceof EnvironmentFault) return EXIT.environment;
  if (e instanceof InvalidInput || e instanceof AlreadyExists || e instanceof LimitExceeded || e instanceof Cancelled) return EXIT.invalid;
  return EXIT.internal;
}

/** One line on stderr and an exit code; a stack trace only with SILT_DEBUG=1. */
export function reportError(e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  const code = exitCodeOf(e);
  if (code === EXIT.internal) {
    process.stderr.write(`silt: internal error: ${message.split('\n')[0]}\n`);
    if (process.env['SILT_DEBUG']) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    else process.stderr.write('silt: this is a bug in Silt; rerun with SILT_DEBUG=1 to see where it happened\n');
  } else {
    process.stderr.write(`silt: ${message}\n`);
  }
  return code;
}
