import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { findProjectDir } from '../../config/index.js';
import { devDown, devStatus, devUp, envLines, putTrinoCatalog, readStack, yamlLines } from '../../devstack/index.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { clientConfig, parseCredential } from '../client-config.js';
import { action, inProject, out } from '../context.js';
import { catalogPlaces } from './connect.js';
import { serviceCredential } from './dev-credential.js';

/** `.silt/dev` of the project found from here (or --project), else of the --project folder or the current one: where `up` puts a stack. */
function stackFolder(explicit: string | undefined): string {
  let dir: string;
  try {
    dir = findProjectDir(process.cwd(), explicit);
  } catch {
    dir = explicit === undefined ? process.cwd() : path.resolve(explicit);
  }
  return path.join(dir, '.silt', 'dev');
}

/**
 * Where the stack is: the first `.silt/dev` holding one, from the project (or the current folder)
 * up, so a project made inside the folder where `silt dev up` ran (as `silt demo` does) finds it.
 */
function upStackFolder(explicit: string | undefined): string {
  const first = stackFolder(explicit);
  for (let dir = path.dirname(path.dirname(first)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.silt', 'dev');
    if (existsSync(path.join(candidate, 'stack.json'))) return candidate;
    if (path.dirname(dir) === dir) return first;
  }
}

export function register(program: Command): void {
  const dev = program
    .command('dev')
    .description("the stack CI uses, on this machine: PostgreSQL, an S3 server (SeaweedFS) and, asked, Trino on 127.0.0.1, kept in the project's .silt/dev");
  const folderOf = (cmd: Command) => stackFolder(cmd.optsWithGlobals<{ project?: string }>().project);
  const foundOf = (cmd: Command) => upStackFolder(cmd.optsWithGlobals<{ project?: string }>().project);
  dev
    .command('up')
    .description('start it, then print the `export` lines that reach it (eval them) and, as comments, the silt.yaml lines that use it')
    .option('--trino', 'start a Trino coordinator too (fetched once with Maven; needs Java 22 or newer); `silt dev trino` then gives it the project\'s catalog')
    .action(
      action(async function (this: Command, opts: { trino?: boolean }) {
        const stack = await devUp(folderOf(this), (line) => process.stderr.write(`silt dev: ${line}\n`), { trino: opts.trino === true });
        for (const line of envLines(stack)) out(line);
        out('# silt.yaml lines for a project on this stack (or: silt demo --storage "$SILT_DEV_STORAGE" --catalog "$SILT_DEV_CATALOG"):');
        for (const line of yamlLines(stack)) out(`#   ${line}`);
        if (stack.trino) out('# Trino: with `silt serve` running in the project, `silt dev trino` gives Trino its catalog');
      }),
    );
  dev
    .command('trino')
    .description("give the stack's Trino a catalog that reaches this project through silt serve's REST catalog (serve must run), then print the silt.yaml lines that run steps on it")
    .option('--catalog <name>', "Trino's name for the catalog", 'silt')
    .option('--credential <principal:token>', 'the principal Trino acts as; default: service principal `trino`, made with every privilege on the catalog if missing, and a new token of it')
    .action(
      action(async function (this: Command, opts: { catalog: string; credential?: string }) {
        const stack = await readStack(foundOf(this));
        if (!stack?.trino) throw new NotFound('dev: no Trino in the stack; `silt dev down`, then `silt dev up --trino`');
        const given = opts.credential === undefined ? undefined : parseCredential(opts.credential);
        if (opts.credential !== undefined && !given) throw new InvalidInput('dev trino: --credential takes PRINCIPAL:TOKEN (silt token create PRINCIPAL makes a token)');
        const settings = await inProject(this, async (p) => {
          const credential = given ?? (await serviceCredential(p, 'trino', (line) => process.stderr.write(`silt dev: ${line}\n`)));
          return clientConfig('trino', 'rest', { ...catalogPlaces(p), credential })!.settings as Record<string, string>;
        });
        await putTrinoCatalog(stack.trino, opts.catalog, settings);
        out(`# Trino at ${stack.trino} has catalog ${opts.catalog}; silt.yaml lines that run steps on it (engine: {steps: trino}):`);
        out(`trino: { url: "${stack.trino}", catalog: ${opts.catalog} }`);
      }),
    );
  dev
    .command('status')
    .description('whether each service of the stack answers (exit 3 when no stack is up, 6 when one does not answer)')
    .action(
      action(async function (this: Command) {
        const folder = foundOf(this);
        const stack = await readStack(folder);
        if (!stack) throw new NotFound(`dev: no stack is up in ${folder}; \`silt dev up\` starts one`);
        const up = await devStatus(stack);
        out(`postgres ${stack.postgres} ${up.postgres ? 'up' : 'DOWN'}`);
        out(`s3 ${stack.s3.endpoint} bucket ${stack.s3.bucket} ${up.s3 ? 'up' : 'DOWN'}`);
        if (stack.trino) out(`trino ${stack.trino} ${up.trino ? 'up' : 'DOWN'}`);
        if (!up.postgres || !up.s3 || up.trino === false) process.exitCode = 6;
      }),
    );
  dev
    .command('down')
    .description('stop the stack and remove its data')
    .action(
      action(async function (this: Command) {
        const folder = foundOf(this);
        await devDown(folder);
        out(`stopped the stack in ${folder}`);
      }),
    );
}
