import type { Command } from 'commander';
import { withProject, type OpenOptions, type Project } from '../project/index.js';
import { reportError } from './errors.js';
import { InvalidInput } from '../errors.js';

/** Wraps a command action (keeping commander's `this`): errors become one line on stderr and an exit code. */
export function action<A extends unknown[]>(
  fn: (this: Command, ...args: A) => Promise<void>,
): (this: Command, ...args: A) => Promise<void> {
  return async function (this: Command, ...args: A) {
    try {
      await fn.apply(this, args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

/**
 * Runs `fn` with the project named by the global --project option, or found from the cwd. When it
 * succeeds, what went wrong on the side (say a marker not removed on a full disk) follows as
 * `silt: warning: …` lines on stderr; when it fails, its error alone is reported.
 */
export async function inProject<T>(cmd: Command, fn: (p: Project) => Promise<T>, open: Pick<OpenOptions, 'ifLost'> = {}): Promise<T> {
  const opts = cmd.optsWithGlobals<{ project?: string }>();
  let warnings: readonly string[] = [];
  const value = await withProject({ projectDir: opts.project, ...open }, (p) => {
    warnings = p.catalog.warnings;
    return fn(p);
  });
  warnings.forEach(warn);
  return value;
}

/** A `silt: warning: …` line on stderr: something the user should know though nothing failed. */
export function warn(message: string): void {
  process.stderr.write(`silt: warning: ${message}\n`);
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** An option's value as a whole number of at least 1, or one line naming the command and option. */
export function positiveWhole(command: string, option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInput(`${command}: ${option} must be a positive whole number, found ${JSON.stringify(text)}`);
  return n;
}
