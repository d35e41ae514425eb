import { AlreadyExists, CommitConflict, InvalidInput, NotFound, RunFailed } from '../errors.js';

/** Exit codes: scripts can tell "fix your input" from "not there" from "try again". */
export const EXIT = { ok: 0, invalid: 1, usage: 2, notFound: 3, conflict: 4, runFailed: 5, internal: 70 } as const;

/** One line on stderr and an exit code; a stack trace only with SILT_DEBUG=1. */
export function reportError(e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  const code =
    e instanceof NotFound
      ? EXIT.notFound
      : e instanceof CommitConflict
        ? EXIT.conflict
        : e instanceof RunFailed
          ? EXIT.runFailed
          : e instanceof InvalidInput || e instanceof AlreadyExists
            ? EXIT.invalid
            : EXIT.internal;
  if (code === EXIT.internal) {
    process.stderr.write(`silt: internal error: ${message.split('\n')[0]}\n`);
    if (process.env['SILT_DEBUG']) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    else process.stderr.write('silt: this is a bug in Silt; rerun with SILT_DEBUG=1 to see where it happened\n');
  } else {
    process.stderr.write(`silt: ${message}\n`);
  }
  return code;
}
