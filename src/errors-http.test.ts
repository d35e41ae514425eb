import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlreadyExists, CommitConflict, EnvironmentFault, InvalidInput, NotFound, RunFailed } from './errors.js';
import { toHttpError } from './errors-http.js';

test('each kind of error maps to its HTTP status and a body with its code, message and details', () => {
  const cases: [Error, number, string][] = [
    [new InvalidInput('bad'), 400, 'invalid_input'],
    [new NotFound('no table silver.x', { code: 'table_not_found', details: { table: 'silver.x' } }), 404, 'table_not_found'],
    [new AlreadyExists('there'), 409, 'already_exists'],
    [new CommitConflict('raced'), 409, 'commit_conflict'],
    [new RunFailed('rule failed'), 422, 'run_failed'],
    [new EnvironmentFault('disk full', { details: { file: 'lake/x.parquet' } }), 503, 'environment_fault'],
  ];
  for (const [e, status, code] of cases) {
    const r = toHttpError(e);
    assert.equal(r.status, status, e.message);
    assert.deepEqual(r.body, { error: { code, message: e.message, details: (e as InvalidInput).details } });
  }
});

test('anything else is a 500 that does not pass the internal message on', () => {
  const r = toHttpError(new TypeError('x is undefined at /some/path'));
  assert.equal(r.status, 500);
  assert.equal(r.body.error.code, 'internal');
  assert.doesNotMatch(r.body.error.message, /some\/path/);
});
