/** `silt … | head -1`: a reader that stops early ends the output quietly, never with a stack trace. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { SILT_MAIN } from '../../testing/silt-process.js';
import { makeProject, removeProject } from '../../testing/temp-project.js';

let dir: string;
before(async () => {
  dir = await makeProject();
});
after(async () => removeProject(dir));

/** Runs `silt ARGS | head -1` in bash with pipefail: silt's own exit code, head's line, both stderrs. */
function throughHead(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const quoted = [process.execPath, SILT_MAIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('bash', ['-c', `set -o pipefail; ${quoted} | head -1`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

for (const format of ['table', 'csv', 'json']) {
  test(`silt query --format ${format} | head -1 prints one line and exits 0 without a word on stderr`, async () => {
    // Far more than a pipe holds, so silt is still writing when head has gone.
    const r = await throughHead(['query', 'SELECT range AS n, repeat(\'x\', 50) AS pad FROM range(200000)', '--format', format, '--max-rows', '200000']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.split('\n').length, 2, r.stdout);
  });
}
