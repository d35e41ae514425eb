import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../testing/silt-process.js';
import { removeProject } from '../../testing/temp-project.js';

/**
 * The README's shell blocks, in order. A block fenced ```sh runs; one fenced ```sh no-run is an
 * illustration (the test suite itself, a request to a running server). Any other word after `sh`
 * is refused, so that a typo cannot quietly keep a block from running.
 */
function readmeCommands(markdown: string): { run: string[]; skipped: number } {
  const run: string[] = [];
  let skipped = 0;
  for (const m of markdown.matchAll(/^```(sh|bash|shell|console)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const marker = m[2]!.trim();
    if (marker === 'no-run') skipped++;
    else if (marker === '' && m[1] === 'sh') run.push(m[3]!);
    else throw new Error(`README: a \`\`\`${m[1]}${m[2]} block: fence runnable commands as \`\`\`sh and illustrations as \`\`\`sh no-run`);
  }
  return { run, skipped };
}

test('the README marks its shell blocks as run or illustrative, and nothing else', () => {
  const { run, skipped } = readmeCommands('```sh\na\n```\n```sh no-run\nb\n```\n```yaml\nc: 1\n```\n');
  assert.deepEqual([run, skipped], [['a\n'], 1]);
  assert.throws(() => readmeCommands('```sh norun\nb\n```\n'), /```sh norun block/);
  assert.throws(() => readmeCommands('```bash\nb\n```\n'), /```bash block/);
});

/** PATH without any folder that already holds a `silt`, so that only the README's install step can put one there. */
function pathWithoutSilt(): string {
  return (process.env['PATH'] ?? '')
    .split(':')
    .filter((dir) => dir !== '' && !existsSync(path.join(dir, 'silt')))
    .join(':');
}

test('every command of the README runs as written, in order, in a clean folder standing for a fresh clone', async () => {
  const { run } = readmeCommands(await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.ok(run.length >= 2, 'the README has commands to run');
  const clone = await mkdtemp(path.join(os.tmpdir(), 'silt-readme-'));
  try {
    // The clone's parts the README's commands use; bin/silt finds the real checkout through its link.
    await symlink(path.join(REPO_ROOT, 'bin'), path.join(clone, 'bin'));
    await symlink(path.join(REPO_ROOT, 'package.json'), path.join(clone, 'package.json'));
    const prefix = path.join(clone, '.npm-global');
    await mkdir(prefix);
    const script = [
      'set -e -o pipefail',
      // Names the command that failed, with its exit code.
      `trap 'echo "README command failed (exit $?): $BASH_COMMAND" >&2' ERR`,
      '! command -v silt >/dev/null || { echo "silt is on the PATH before the install step" >&2; exit 1; }',
      ...run,
    ].join('\n');
    const env = {
      // Not npm's own variables of a surrounding `npm test` (its prefixes would point at the checkout).
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))),
      PATH: `${path.join(prefix, 'bin')}:${pathWithoutSilt()}`,
      npm_config_prefix: prefix, // `npm install -g` installs here, not into the machine
      SILT_DEMO_ROWS: '300', // the README names it: the demo's size
      SILT_NO_BUILD: '1', // the suite built dist/ already; other tests run it meanwhile
      SILT_NO_SERVER: '1',
    };
    const child = spawn('bash', ['-c', script], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `the README's commands stopped:\n${output.slice(-3000)}`);
    assert.doesNotMatch(output, /README command failed/);
    // What the reader was promised: the demo's gold table, time travel to the first load, a new project.
    assert.match(output, /^order_date\s+orders\s+customers\s+revenue/m);
    const firstLoad = /created raw\.orders: ([\d,]+) rows/.exec(output)?.[1];
    assert.ok(firstLoad, 'the first load created raw.orders');
    assert.match(output, new RegExp(`^count_star\\(\\)\\n-+\\n${firstLoad.replaceAll(',', '')}\\n`, 'm'), 'time travel sees the first load alone');
    assert.ok(existsSync(path.join(clone, 'shop', 'silt.yaml')), 'silt init made the project');
  } finally {
    await removeProject(clone);
  }
});
