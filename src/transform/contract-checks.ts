/** Cross-field checks on a parsed contract; each issue has the key path it is about. */
import { isTemporal, parseColumnType, TYPE_EXPECTED, type ColumnType } from './column-type.js';
import type { SilverContract } from './contract-shape.js';
import { parseEnrichColumn } from './enrich-columns.js';
import { historyIssues } from './history.js';
import { childContract } from './explode.js';
import { INTERNAL_PREFIX, isLineage } from './lineage.js';

export interface ContractIssue {
  path: (string | number)[];
  message: string;
}

export function checkContract(c: SilverContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const add = (path: (string | number)[], message: string): void => void issues.push({ path, message });
  const types = new Map<string, ColumnType>();
  const seen = new Map<string, string>();
  const claim = (name: string, path: (string | number)[]): void => {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) add(path, `a column name not already used (${other} exists; names are case-insensitive)`);
    else if (name.startsWith(INTERNAL_PREFIX) || isLineage(name)) add(path, `a name that does not start with ${INTERNAL_PREFIX} and is not a lineage column (_ingested_at, _source_file, _source_line, _batch_id)`);
    seen.set(name.toLowerCase(), name);
  };

  for (const [name, col] of Object.entries(c.columns)) {
    claim(name, ['columns', name]);
    if (col.expr !== undefined) {
      for (const key of ['from', 'trim', 'case', 'formats', 'null_tokens'] as const) {
        if (col[key] !== undefined && col[key] !== false) add(['columns', name, key], `no ${key} on a derived column (${key} applies to a column read from the source; put it in the expression)`);
      }
      if (col.expr.includes(';')) add(['columns', name, 'expr'], 'one SQL expression (no `;`)');
      if (col.type === undefined) continue; // typed when bound (`bindContract`)
    }
    if (col.type === undefined) {
      add(['columns', name, 'type'], `missing; expected ${TYPE_EXPECTED} (or an expr for a derived column)`);
      continue;
    }
    const type = parseColumnType(col.type);
    if (!type) {
      add(['columns', name, 'type'], TYPE_EXPECTED);
      continue;
    }
    types.set(name, type);
    if (col.case && type.kind !== 'string') add(['columns', name, 'case'], `no case on a ${type.text} column (case applies to string columns)`);
    if (col.mask && type.kind !== 'string') add(['columns', name, 'mask'], `no mask on a ${type.text} column (masks apply to string columns)`);
    if (col.default !== undefined && type.kind === 'list') add(['columns', name, 'default'], `no default on a ${type.text} column (defaults are scalar values)`);
    if (col.formats && !isTemporal(type)) add(['columns', name, 'formats'], `no formats on a ${type.text} column (formats apply to date, time and timestamp columns)`);
  }
  const declared = [...types.keys()];
  const declaredList = Object.keys(c.columns).join(', ');
  const isDeclared = (n: string): boolean => n in c.columns;

  c.key?.forEach((k, i) => {
    if (!isDeclared(k)) add(['key', i], `a declared column (one of: ${declaredList})`);
    else if (c.columns[k]!.mask && c.columns[k]!.mask !== 'hash') add(['key', i], `a key column that is unmasked or masked with hash (${k} has mask ${c.columns[k]!.mask})`);
  });
  if (c.order_by !== undefined) {
    if (!isDeclared(c.order_by) && c.order_by !== '_ingested_at') add(['order_by'], `a declared column or _ingested_at (one of: ${declaredList})`);
    else if (c.columns[c.order_by]?.mask) add(['order_by'], 'an unmasked column');
  }

  const enriched = new Set<string>();
  c.enrich.forEach((e, i) => {
    e.on.forEach((o, j) => {
      if (!isDeclared(o)) add(['enrich', i, 'on', j], `a declared column (one of: ${declaredList})`);
    });
    e.columns.forEach((item, j) => {
      const parsed = parseEnrichColumn(item);
      if (!parsed) return add(['enrich', i, 'columns', j], 'a column name, or `name AS alias`');
      claim(parsed.as, ['enrich', i, 'columns', j]);
      enriched.add(parsed.as);
    });
  });

  const known = [...declared, ...enriched].join(', ');
  c.expectations.forEach((x, i) => {
    const at = (key: string): (string | number)[] => ['expectations', i, key];
    if (x.policy === 'fail' && (x.max_invalid_ratio !== undefined || x.max_invalid_rows !== undefined)) {
      add(at(x.max_invalid_ratio !== undefined ? 'max_invalid_ratio' : 'max_invalid_rows'), 'no threshold on a fail rule (it fails on its first row): use policy warn or drop with a threshold');
    }
    if (x.rule === 'sql') {
      if (x.predicate.includes(';')) add(at('predicate'), 'one SQL expression (no `;`)');
      return;
    }
    if (!isDeclared(x.column) && !enriched.has(x.column)) return add(at('column'), `a declared or enriched column (one of: ${known})`);
    const type = types.get(x.column);
    if (x.rule === 'range') {
      if (x.min === undefined && x.max === undefined) add(at('min'), 'min, max or both');
      if (typeof x.min === 'number' && typeof x.max === 'number' && x.min > x.max) add(at('max'), `a max >= min (${x.min})`);
      if (type?.kind === 'boolean' || type?.kind === 'list') add(at('column'), `a column with an order (${x.column} is ${type.text})`);
      if (type && isTemporal(type) && (typeof x.min === 'number' || typeof x.max === 'number')) {
        add(at(typeof x.min === 'number' ? 'min' : 'max'), `a ${type.text} written as a string, e.g. '2024-01-01'`);
      }
    }
    if (x.rule === 'length') {
      if (x.min === undefined && x.max === undefined) add(at('min'), 'min, max or both');
      if (x.min !== undefined && x.max !== undefined && x.min > x.max) add(at('max'), `a max >= min (${x.min})`);
      if (type && type.kind !== 'string' && type.kind !== 'list') add(at('column'), `a string or list column (${x.column} is ${type.text})`);
    }
    if (x.rule === 'regex') {
      try {
        new RegExp(x.pattern);
      } catch (e) {
        add(at('pattern'), `a valid regular expression (${(e as Error).message})`);
      }
    }
  });
  issues.push(...historyIssues(c));
  c.explode?.forEach((e, i) => {
    const at = (...path: (string | number)[]): (string | number)[] => ['explode', i, ...path];
    if (!c.key) return add(at('column'), 'a key on the table: each child row carries its parent\'s key');
    if (c.history) return add(at('column'), 'a table without history: true (children follow a parent\'s current row, not its versions)');
    const taken = new Map(c.key.map((k) => [k.toLowerCase(), `the key column ${k}`]));
    if (taken.has(e.position.toLowerCase())) add(at('position'), `a name other than ${taken.get(e.position.toLowerCase())}`);
    taken.set(e.position.toLowerCase(), `the position ${e.position}`);
    for (const n of Object.keys(e.columns)) {
      if (taken.has(n.toLowerCase())) add(at('columns', n), `a name other than ${taken.get(n.toLowerCase())} (the child table has it)`);
    }
    for (const issue of checkContract(childContract(c, e))) {
      if (issue.path[0] === 'columns' || issue.path[0] === 'expectations' || issue.path[0] === 'max_invalid_ratio' || issue.path[0] === 'max_invalid_rows') issues.push({ path: at(...issue.path), message: issue.message });
    }
  });
  return issues;
}
