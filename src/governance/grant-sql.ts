import { InvalidInput } from '../errors.js';
import { checkPrivilegeOn, PRIVILEGES, privilegeOf, type Privilege, type Securable } from './privileges.js';

/** A GRANT or REVOKE, as SQL or the API says it. */
export interface AccessChange {
  verb: 'grant' | 'revoke';
  privileges: Privilege[];
  /** Column-level SELECT (`GRANT SELECT (a, b) ON TABLE t`) becomes one column securable each. */
  on: Securable[];
  grantees: string[];
  /** GRANT … WITH GRANT OPTION; REVOKE GRANT OPTION FOR … (the privilege stays, the option goes). */
  grantOption: boolean;
}

/** Whether a statement is a GRANT or REVOKE (which Silt runs itself, not DuckDB). */
export function isAccessStatement(sql: string): boolean {
  return /^\s*(GRANT|REVOKE)\b/i.test(stripComments(sql));
}

const WORD = /^[A-Za-z_][A-Za-z0-9_.@-]*/;

/**
 * `GRANT privileges ON securable TO grantee[, …] [WITH GRANT OPTION]` and
 * `REVOKE [GRANT OPTION FOR] privileges ON securable FROM grantee[, …]`, where privileges are
 * `ALL [PRIVILEGES]` or a list of SELECT [(columns)], MODIFY, INSERT, UPDATE, DELETE, CREATE,
 * ALTER, DROP, and the securable is `CATALOG`, `NAMESPACE ns` (or `SCHEMA ns`), `[TABLE] ns.t`,
 * `COLUMN ns.t.c` or `TAG name`. A grantee may be written `USER x`, `GROUP x` or just `x`.
 */
export function parseAccessStatement(sql: string): AccessChange {
  const tokens = tokenize(stripComments(sql).trim().replace(/;\s*$/, ''));
  let i = 0;
  const where = (): string => `query: ${tokens[0]?.toUpperCase() ?? 'GRANT'}`;
  const peek = (): string | undefined => tokens[i];
  const isWord = (w: string): boolean => peek()?.toUpperCase() === w;
  const take = (what: string): string => {
    const t = tokens[i++];
    if (t === undefined) throw new InvalidInput(`${where()}: expected ${what} at the end of the statement`);
    return t;
  };
  const expect = (w: string): void => {
    const t = take(w);
    if (t.toUpperCase() !== w) throw new InvalidInput(`${where()}: expected ${w}, found ${JSON.stringify(t)}`);
  };
  const name = (what: string): string => {
    const t = take(what);
    if (t.startsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
    if (!WORD.test(t) || WORD.exec(t)![0] !== t) throw new InvalidInput(`${where()}: expected ${what}, found ${JSON.stringify(t)}`);
    return t.toLowerCase();
  };
  const verbWord = take('GRANT or REVOKE').toUpperCase();
  if (verbWord !== 'GRANT' && verbWord !== 'REVOKE') throw new InvalidInput(`query: expected GRANT or REVOKE, found ${JSON.stringify(verbWord)}`);
  const verb = verbWord === 'GRANT' ? 'grant' : 'revoke';
  let grantOption = false;
  if (verb === 'revoke' && isWord('GRANT')) {
    i++;
    expect('OPTION');
    expect('FOR');
    grantOption = true;
  }
  const privileges: Privilege[] = [];
  let columns: string[] | undefined;
  const all = isWord('ALL');
  if (all) {
    i++;
    if (isWord('PRIVILEGES')) i++;
    privileges.push(...PRIVILEGES);
  } else {
    for (;;) {
      const p = privilegeOf(take('a privilege'), where());
      if (!privileges.includes(p)) privileges.push(p);
      if (peek() === '(') {
        if (p !== 'SELECT') throw new InvalidInput(`${where()}: only SELECT takes a column list`);
        i++;
        columns = [];
        for (;;) {
          columns.push(name('a column name'));
          const t = take('`)`');
          if (t === ')') break;
          if (t !== ',') throw new InvalidInput(`${where()}: expected , or ) in the column list, found ${JSON.stringify(t)}`);
        }
      }
      if (peek() !== ',') break;
      i++;
    }
  }
  expect('ON');
  let on: Securable[];
  const kind = peek()?.toUpperCase();
  if (kind === 'CATALOG') {
    i++;
    on = [{ kind: 'catalog' }];
  } else if (kind === 'NAMESPACE' || kind === 'SCHEMA' || kind === 'DATABASE') {
    i++;
    on = [{ kind: 'namespace', namespace: name('a namespace') }];
  } else if (kind === 'TAG') {
    i++;
    on = [{ kind: 'tag', tag: name('a tag') }];
  } else if (kind === 'COLUMN') {
    i++;
    const parts = name('a column as namespace.table.column').split('.');
    if (parts.length !== 3) throw new InvalidInput(`${where()}: a column is written namespace.table.column, found ${JSON.stringify(parts.join('.'))}`);
    on = [{ kind: 'column', namespace: parts[0]!, table: parts[1]!, column: parts[2]! }];
  } else {
    if (kind === 'TABLE') i++;
    const parts = name('a table as namespace.table').split('.');
    if (parts.length !== 2) throw new InvalidInput(`${where()}: a table is written namespace.table, found ${JSON.stringify(parts.join('.'))}`);
    const [namespace, table] = parts as [string, string];
    on = columns ? columns.map((column) => ({ kind: 'column', namespace, table, column })) : [{ kind: 'table', namespace, table }];
  }
  if (columns && on[0]?.kind !== 'column') throw new InvalidInput(`${where()}: a column list needs ON TABLE namespace.table`);
  expect(verb === 'grant' ? 'TO' : 'FROM');
  const grantees: string[] = [];
  for (;;) {
    if (isWord('USER') || isWord('GROUP') || isWord('ROLE') || isWord('PRINCIPAL')) i++;
    grantees.push(name('a principal or group'));
    if (peek() !== ',') break;
    i++;
  }
  if (verb === 'grant' && isWord('WITH')) {
    i++;
    expect('GRANT');
    expect('OPTION');
    grantOption = true;
  }
  if (i < tokens.length) throw new InvalidInput(`${where()}: unexpected ${JSON.stringify(tokens[i])} after the grantees`);
  // ALL means every privilege the securable can have (SELECT on a column, no CREATE on a table).
  if (!all) for (const p of privileges) for (const s of on) checkPrivilegeOn(p, s, where());
  return { verb, privileges: all ? privileges.filter((p) => on.every((s) => fits(p, s))) : privileges, on, grantees, grantOption };
}

function fits(p: Privilege, s: Securable): boolean {
  try {
    checkPrivilegeOn(p, s, '');
    return true;
  } catch {
    return false;
  }
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_.@-]*|[(),]|\S)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1]!);
  return out;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}
