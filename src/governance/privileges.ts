import type { GrantRow } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';

/** A column's tags (see column-tags.ts). */
export type TagsOf = (namespace: string, table: string, column: string) => readonly string[];

/** SELECT reads; MODIFY inserts, updates and deletes rows; CREATE makes tables (and namespaces, on the catalog); ALTER and DROP change or drop them. */
export const PRIVILEGES = ['SELECT', 'MODIFY', 'CREATE', 'ALTER', 'DROP'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

/** What a grant is on: the whole catalog, a namespace, a table, a column, or every column carrying a tag. */
export type Securable =
  | { kind: 'catalog' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'table'; namespace: string; table: string }
  | { kind: 'column'; namespace: string; table: string; column: string }
  | { kind: 'tag'; tag: string };

/** Words that name a privilege in GRANT/REVOKE: INSERT, UPDATE and DELETE are MODIFY. */
const WORDS: Readonly<Record<string, Privilege>> = { SELECT: 'SELECT', MODIFY: 'MODIFY', INSERT: 'MODIFY', UPDATE: 'MODIFY', DELETE: 'MODIFY', CREATE: 'CREATE', ALTER: 'ALTER', DROP: 'DROP' };

export function privilegeOf(word: string, where: string): Privilege {
  const p = WORDS[word.toUpperCase()];
  if (!p) throw new InvalidInput(`${where}: unknown privilege ${JSON.stringify(word)}; expected ${[...PRIVILEGES, 'INSERT', 'UPDATE', 'DELETE', 'ALL'].join(', ')}`);
  return p;
}

/** Which privileges make sense on which securable: a column or tag is only read; CREATE makes things inside a namespace or the catalog. */
export function checkPrivilegeOn(privilege: Privilege, on: Securable, where: string): void {
  if ((on.kind === 'column' || on.kind === 'tag') && privilege !== 'SELECT') {
    throw new InvalidInput(`${where}: only SELECT is granted on a ${on.kind}; grant ${privilege} on its table, namespace or the catalog`);
  }
  if (on.kind === 'table' && privilege === 'CREATE') {
    throw new InvalidInput(`${where}: CREATE is granted on a namespace (tables in it) or the catalog (namespaces and tables), not on a table`);
  }
}

export function securableText(on: Securable): string {
  switch (on.kind) {
    case 'catalog':
      return 'catalog';
    case 'namespace':
      return `namespace ${on.namespace}`;
    case 'table':
      return `table ${on.namespace}.${on.table}`;
    case 'column':
      return `column ${on.namespace}.${on.table}.${on.column}`;
    case 'tag':
      return `tag ${on.tag}`;
  }
}

/** The stored row's key parts of a securable ('' where it has none). */
export function securableKey(on: Securable): Pick<GrantRow, 'securable' | 'namespace' | 'table' | 'column'> {
  switch (on.kind) {
    case 'catalog':
      return { securable: 'catalog', namespace: '', table: '', column: '' };
    case 'namespace':
      return { securable: 'namespace', namespace: on.namespace, table: '', column: '' };
    case 'table':
      return { securable: 'table', namespace: on.namespace, table: on.table, column: '' };
    case 'column':
      return { securable: 'column', namespace: on.namespace, table: on.table, column: on.column };
    case 'tag':
      return { securable: 'tag', namespace: '', table: '', column: on.tag };
  }
}

export function securableOfRow(g: Pick<GrantRow, 'securable' | 'namespace' | 'table' | 'column'>): Securable {
  switch (g.securable) {
    case 'catalog':
      return { kind: 'catalog' };
    case 'namespace':
      return { kind: 'namespace', namespace: g.namespace };
    case 'table':
      return { kind: 'table', namespace: g.namespace, table: g.table };
    case 'column':
      return { kind: 'column', namespace: g.namespace, table: g.table, column: g.column };
    case 'tag':
      return { kind: 'tag', tag: g.column };
  }
}

/**
 * Whether a grant on `held` reaches `target`: the catalog reaches everything, a namespace its
 * tables and their columns, a table its columns; a tag reaches the columns that carry it
 * (`tagsOf` gives a column's tags).
 */
export function reaches(held: Securable, target: Securable, tagsOf: TagsOf): boolean {
  switch (held.kind) {
    case 'catalog':
      return true;
    case 'namespace':
      return target.kind !== 'catalog' && target.kind !== 'tag' && target.namespace === held.namespace;
    case 'table':
      return (target.kind === 'table' || target.kind === 'column') && target.namespace === held.namespace && target.table === held.table;
    case 'column':
      return target.kind === 'column' && target.namespace === held.namespace && target.table === held.table && target.column === held.column;
    case 'tag':
      return (target.kind === 'tag' && target.tag === held.tag) || (target.kind === 'column' && tagsOf(target.namespace, target.table, target.column).includes(held.tag));
  }
}
