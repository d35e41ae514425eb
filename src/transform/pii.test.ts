import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { withEngine } from '../engine/index.js';
import { scanPii } from './pii-scan.js';
import { bronze, expectation, runRaw } from './test-support.js';

const sha = (s: string): string => createHash('sha256').update(`s3cret${s}`).digest('hex');

const HEADER = ['id', 'email', 'contact', 'phone', 'card', 'name', 'address', 'ssn'];
const ROWS = [
  ['1', ' Ada@Example.com ', 'ada@example.com', '+1 555-123-4567', '4111 1111 1111 1111', 'Ada Lovelace', '12 Main St, Springfield', '123-45-6789'],
  ['2', null, 'bob@example.org', '555', null, 'Bob', 'Nowhere', null],
  ['3', 'not-an-email', 'eve@example.net', '0044 20 7946 0958', '5500005555555559', 'eve  moneypenny', '1 High Rd', '987-65-4321'],
];

const CONTRACT = {
  source: 'bronze.people', key: ['id'],
  columns: {
    id: { type: 'long' },
    email: { type: 'string', trim: true, case: 'lower', pii: 'email', mask: 'hash' },
    contact: { type: 'string', pii: 'email', mask: 'partial' },
    phone: { type: 'string', pii: 'phone', mask: 'partial' },
    card: { type: 'string', pii: 'card_number', mask: 'redact' },
    name: { type: 'string', pii: 'name', mask: 'partial' },
    address: { type: 'string', pii: 'address', mask: 'partial' },
    ssn: { type: 'string', pii: 'national_id' },
  },
};

test('PII masks: hash, redact and partial per kind; NULL stays NULL; rules see real values', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'people', HEADER, ROWS);
    const { merged, out } = await runRaw(engine, {
      ...CONTRACT,
      expectations: [{ rule: 'allowed_values', column: 'email', values: ['ada@example.com'], policy: 'warn' }],
    }, src);
    assert.deepEqual(merged.map((r) => [r['email'], r['contact'], r['phone'], r['card'], r['name'], r['address'], r['ssn']]), [
      [sha('ada@example.com'), 'a***@example.com', '***4567', '***', 'A*** L***', '***, Springfield', '123-45-6789'],
      [null, 'b***@example.org', '***', null, 'B***', '***', null],
      [sha('not-an-email'), 'e***@example.net', '***0958', '***', 'e*** m***', '***', '987-65-4321'],
    ]);
    // The rule compared real values (one row fails), and its sample is masked like the column.
    assert.equal(expectation(out, 'allowed_values').failing_rows, 1);
    assert.deepEqual(expectation(out, 'allowed_values').sample, [sha('not-an-email')]);
  });
});

test('quarantined originals and reasons do not leak PII', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'people', HEADER, ROWS);
    const { quarantine } = await runRaw(engine, {
      ...CONTRACT,
      expectations: [
        { rule: 'regex', column: 'email', pattern: '^[^@]+@[^@]+$', policy: 'drop' },
        { rule: 'length', column: 'ssn', max: 5, policy: 'drop' },
      ],
    }, src);
    assert.equal(quarantine.length, 2);
    const third = quarantine.find((q) => JSON.parse(q['original'] as string).id === '3')!;
    assert.equal(third['reason'], `email: "${sha('not-an-email')}" does not match ^[^@]+@[^@]+$; ssn: "***" has length 11; expected at most 5`);
    assert.deepEqual(JSON.parse(third['original'] as string), {
      id: '3', email: sha('not-an-email'), contact: 'e***@example.net', phone: '***0958', card: '***', name: 'e*** m***', address: '***', ssn: '***', _batch_id: 'b1',
    });
    const text = quarantine.map((q) => `${q['original']} ${q['reason']}`).join(' ');
    for (const secret of ['Ada', 'Lovelace', '4111', '5500', '123-45', '987-65', 'eve@', 'moneypenny']) assert.ok(!text.includes(secret), secret);
  });
});

test('scanPii finds the PII kinds in a sample and ignores ordinary columns', async () => {
  await withEngine({}, async (engine) => {
    await engine.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, 'ada@example.com', '+1 555-123-4567', '4111 1111 1111 1111', '123-45-6789', 'Ada Lovelace', '12 Main St, Springfield', 'placed', 'Berlin', {'mail': 'x@y.io'}),
      (2, 'bob@example.org', '(555) 987-6543', '5500005555555559', '987-65-4321', 'Bob Stone', '221B Baker Street', 'shipped', 'Paris', {'mail': 'z@y.io'}),
      (3, 'eve@example.net', '020 7946 0958', '4012888888881881', '111-22-3333', 'Eve Moneypenny', '1 High Rd', 'placed', 'Rome', {'mail': 'q@y.io'}),
      (4, NULL, NULL, '4111111111111112', NULL, NULL, NULL, 'cancelled', 'Oslo', NULL)
    ) v(id, email, phone, card, ssn, full_name, address, status, city, contact)`);
    const found = await scanPii(engine, 't');
    assert.deepEqual(found.map((f) => [f.column, f.kind, Number(f.matchRatio.toFixed(2))]), [
      ['email', 'email', 1],
      ['phone', 'phone', 1],
      ['card', 'card_number', 0.75],
      ['ssn', 'national_id', 1],
      ['full_name', 'name', 1],
      ['address', 'address', 1],
      ['contact_mail', 'email', 1],
    ]);
  });
});

test('scanPii takes dates and timestamps written as text for what they are, not phone numbers', async () => {
  await withEngine({}, async (engine) => {
    await engine.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      ('2025-03-14', '2025-03-14 10:22:05', '2025/03/14', '+1 555-123-4567'),
      ('2024-11-02', '2024-11-02T08:00:00Z', '2024/11/02', '(555) 987-6543')
    ) v(signup_date, updated_at, slashed, phone)`);
    assert.deepEqual((await scanPii(engine, 't')).map((f) => [f.column, f.kind]), [['phone', 'phone']]);
  });
});
