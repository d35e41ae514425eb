import path from 'node:path';
import type { Command } from 'commander';
import { findProjectDir } from '../../config/index.js';
import { devDown, devStatus, devUp, envLines, readStack, yamlLines } from '../../devstack/index.js';
import { NotFound } from '../../errors.js';
import { action, out } from '../context.js';

/** `.silt/dev` of the project found from here (or --project), else of the current folder. */
function stackFolder(explicit: string | undefined): string {
  let dir: string;
  try {
    dir = findProjectDir(process.cwd(), explicit);
  } catch {
    dir = process.cwd();
  }
  return path.join(dir, '.silt', 'dev');
}

export function register(program: Command): void {
  const dev = program
    .command('dev')
    .description("the stack CI uses, on this machine: PostgreSQL and an S3 server (SeaweedFS) on 127.0.0.1, kept in the project's .silt/dev");
  const folderOf = (cmd: Command) => stackFolder(cmd.optsWithGlobals<{ project?: string }>().project);
  dev
    .command('up')
    .description('start it, then print the `export` lines that reach it (eval them) and, as comments, the silt.yaml lines that use it')
    .action(
      action(async function (this: Command) {
        const stack = await devUp(folderOf(this), (line) => process.stderr.write(`silt dev: ${line}\n`));
        for (const line of envLines(stack)) out(line);
        out('# silt.yaml lines for a project on this stack (or: silt demo --storage "$SILT_DEV_STORAGE" --catalog "$SILT_DEV_CATALOG"):');
        for (const line of yamlLines(stack)) out(`#   ${line}`);
      }),
    );
  dev
    .command('status')
    .description('whether each service of the stack answers (exit 3 when no stack is up, 6 when one does not answer)')
    .action(
      action(async function (this: Command) {
        const folder = folderOf(this);
        const stack = await readStack(folder);
        if (!stack) throw new NotFound(`dev: no stack is up in ${folder}; \`silt dev up\` starts one`);
        const up = await devStatus(stack);
        out(`postgres ${stack.postgres} ${up.postgres ? 'up' : 'DOWN'}`);
        out(`s3 ${stack.s3.endpoint} bucket ${stack.s3.bucket} ${up.s3 ? 'up' : 'DOWN'}`);
        if (!up.postgres || !up.s3) process.exitCode = 6;
      }),
    );
  dev
    .command('down')
    .description('stop the stack and remove its data')
    .action(
      action(async function (this: Command) {
        const folder = folderOf(this);
        await devDown(folder);
        out(`stopped the stack in ${folder}`);
      }),
    );
}
