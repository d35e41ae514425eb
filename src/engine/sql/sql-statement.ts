/**
 * Classifies one Silt SQL statement and takes its parts apart. Queries go to DuckDB unchanged;
 * writes and DDL are recognised here so they become Iceberg commits. Anything that could reach
 * files or change the engine (COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, EXPORT, …) is refused.
 */
import { InvalidInput } from '../../errors.js';
import { isOp, isWord, matchParen, splitTopLevel, tokenize, type Token } from './sql-tokens.js';
import { nameOf, tableNameOf } from './time-travel.js';

export interface TableName {
  namespace: string;
  name: string;
}

export interface ColumnDef {
  name: string;
  typeText: string;
  required: boolean;
}

export type AlterAction =
  | { kind: 'add'; name: string; typeText: string; ifNotExists: boolean }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'drop'; name: string; ifExists: boolean }
  | { kind: 'widen'; name: string; typeText: string }
  | { kind: 'properties'; set: Record<string, string>; remove: string[] };

export interface Assignment {
  column: string;
  expr: string;
  /** `t` of `SET t.col = …` (MERGE only): must name the target. */
  qualifier?: string;
}

/**
 * One `WHEN … THEN …` of a MERGE. The whole row from the source: `name` (Spark's `UPDATE SET *` /
 * `INSERT *`, DuckDB's `BY NAME`) or `position` (DuckDB's bare `UPDATE` / `INSERT`, `BY POSITION`).
 */
export interface MergeClause {
  when: 'matched' | 'not-matched' | 'not-matched-by-source';
  condition?: string;
  action:
    | { kind: 'update'; assignments: Assignment[] | WholeRow }
    | { kind: 'delete' }
    | { kind: 'insert'; columns?: string[]; values: string[] | WholeRow }
    | { kind: 'nothing' };
}

export type WholeRow = 'name' | 'position';

export type Statement =
  /** `query` is the SELECT to check; `sql` is what runs (EXPLAIN/DESCRIBE/SUMMARIZE wrap it). */
  | { kind: 'query'; sql: string; query: string; /** EXPLAIN [ANALYZE] / DESCRIBE / SUMMARIZE before `query`, else ''. */ prefix: string }
  | { kind: 'create-as'; table: TableName; ifNotExists: boolean; partitionBy?: string; query: string }
  | { kind: 'create'; table: TableName; ifNotExists: boolean; partitionBy?: string; columns: ColumnDef[] }
  /** `overwrite`: INSERT OVERWRITE (the whole table, or the partitions the rows fall in). */
  | { kind: 'insert'; table: TableName; columns?: string[]; byName: boolean; query: string; overwrite?: boolean }
  | { kind: 'delete'; table: TableName; alias?: string; where?: string }
  | { kind: 'update'; table: TableName; alias?: string; assignments: Assignment[]; where?: string }
  | { kind: 'merge'; table: TableName; alias?: string; source: { table: TableName } | { query: string }; sourceAlias?: string; on: string; clauses: MergeClause[] }
  | { kind: 'alter'; table: TableName; action: AlterAction }
  | { kind: 'drop'; table: TableName; ifExists: boolean }
  /** `query` is the view's SQL as written. */
  | { kind: 'create-view'; view: TableName; orReplace: boolean; ifNotExists: boolean; query: string }
  | { kind: 'drop-view'; view: TableName; ifExists: boolean }
  /** Not a statement Silt runs (COPY, ATTACH, SET, …) — or not SQL at all; see rejectStatement. */
  | { kind: 'rejected'; verb: string };

const QUERY_START = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE']);

export function parseStatement(sql: string): Statement {
  const t = tokenize(sql);
  if (t.some((x) => isOp(x, ';') && x !== t[t.length - 1])) throw new InvalidInput('query: run one statement at a time');
  if (isOp(t[t.length - 1], ';')) t.pop();
  if (t.length === 0) throw new InvalidInput('query: empty statement');
  const p = new Parser(sql, t);
  const first = t[0]!;
  if (isOp(first, '(') || (first.kind === 'word' && QUERY_START.has(first.value))) {
    return { kind: 'query', sql: p.rest(0), query: p.rest(0), prefix: '' };
  }
  switch (first.kind === 'word' ? first.value : '') {
    case 'EXPLAIN':
    case 'DESCRIBE':
    case 'SUMMARIZE': {
      let i = 1;
      if (isWord(t[i], 'ANALYZE')) i++;
      const inner = p.rest(i);
      const isQuery = isOp(t[i], '(') || (t[i]?.kind === 'word' && QUERY_START.has(t[i]!.value));
      return { kind: 'query', sql, query: isQuery ? inner : `SELECT * FROM ${inner}`, prefix: t.slice(0, i).map((x) => x.value).join(' ') };
    }
    case 'CREATE':
      return p.create();
    case 'INSERT':
      return p.insert();
    case 'DELETE':
      return p.delete();
    case 'UPDATE':
      return p.update();
    case 'MERGE':
      return p.merge();
    case 'ALTER':
      return p.alter();
    case 'DROP':
      return p.drop();
  }
  return { kind: 'rejected', verb: first.kind === 'word' ? first.value : sql.slice(first.start, first.end) };
}

class Parser {
  i = 0;
  constructor(
    private readonly sql: string,
    private readonly t: Token[],
  ) {}

  rest(from: number): string {
    const tok = this.t[from];
    return tok ? this.sql.slice(tok.start, this.t[this.t.length - 1]!.end) : '';
  }

  private text(from: number, to: number): string {
    return from >= to ? '' : this.sql.slice(this.t[from]!.start, this.t[to - 1]!.end);
  }

  private expect(...words: string[]): void {
    const tok = this.t[this.i];
    if (!isWord(tok, ...words)) {
      const got = tok ? this.sql.slice(tok.start, tok.end) : 'end of statement';
      throw new InvalidInput(`query: expected ${words.join(' or ')}, found ${got}`);
    }
    this.i++;
  }

  private accept(...words: string[]): boolean {
    if (isWord(this.t[this.i], ...words)) {
      this.i++;
      return true;
    }
    return false;
  }

  private ident(what: string): string {
    const tok = this.t[this.i];
    if (!tok || (tok.kind !== 'word' && tok.kind !== 'ident')) {
      throw new InvalidInput(`query: expected ${what}, found ${tok ? this.sql.slice(tok.start, tok.end) : 'end of statement'}`);
    }
    this.i++;
    return nameOf(this.sql, tok);
  }

  /** A table's name part: unquoted, it is case-insensitive (catalog names are lower-case), as in DuckDB, Trino and Athena. */
  private tablePart(): string {
    const tok = this.t[this.i];
    this.ident('a table name');
    return tableNameOf(this.sql, tok!);
  }

  private tableName(): TableName {
    const first = this.tablePart();
    if (!isOp(this.t[this.i], '.')) throw new InvalidInput(`query: table ${first} needs its namespace: write namespace.${first}`);
    this.i++;
    const name = this.tablePart();
    if (isOp(this.t[this.i], '.')) throw new InvalidInput(`query: name tables as namespace.table`);
    return { namespace: first, name };
  }

  private ifExists(): boolean {
    if (!isWord(this.t[this.i], 'IF')) return false;
    this.i++;
    this.expect('EXISTS');
    return true;
  }

  private ifNotExists(): boolean {
    if (!isWord(this.t[this.i], 'IF')) return false;
    this.i++;
    this.expect('NOT');
    this.expect('EXISTS');
    return true;
  }

  private end(): void {
    const tok = this.t[this.i];
    if (tok) throw new InvalidInput(`query: unexpected ${this.sql.slice(tok.start, tok.end)}`);
  }

  /** `PARTITIONED BY (…)` → the text inside the parentheses. */
  private partitionedBy(): string | undefined {
    if (!isWord(this.t[this.i], 'PARTITIONED')) return undefined;
    this.i++;
    this.expect('BY');
    if (!isOp(this.t[this.i], '(')) throw new InvalidInput('query: PARTITIONED BY needs a parenthesised list, e.g. PARTITIONED BY (day(ts))');
    const close = matchParen(this.t, this.i);
    const text = this.text(this.i + 1, close);
    this.i = close + 1;
    return text;
  }

  create(): Statement {
    this.i = 1;
    const orReplace = isWord(this.t[1], 'OR') && isWord(this.t[2], 'REPLACE');
    if (isWord(this.t[orReplace ? 3 : 1], 'VIEW')) return this.createView(orReplace);
    if (isWord(this.t[1], 'OR')) throw new InvalidInput('query: CREATE OR REPLACE is supported for views only; for a table, DROP TABLE first');
    if (!isWord(this.t[1], 'TABLE')) {
      const what = this.t[1] ? this.sql.slice(this.t[1].start, this.t[1].end).toUpperCase() : '';
      throw new InvalidInput(`query: CREATE ${what} is not allowed: only CREATE TABLE namespace.table or CREATE [OR REPLACE] VIEW namespace.view`);
    }
    this.i = 2;
    const ifNotExists = this.ifNotExists();
    const table = this.tableName();
    if (isOp(this.t[this.i], '(')) {
      const close = matchParen(this.t, this.i);
      const columns = splitTopLevel(this.t, this.i + 1, close).map(([a, b]) => this.columnDef(a, b));
      this.i = close + 1;
      const partitionBy = this.partitionedBy();
      this.end();
      return { kind: 'create', table, ifNotExists, columns, ...(partitionBy ? { partitionBy } : {}) };
    }
    const partitionBy = this.partitionedBy();
    this.expect('AS');
    const query = this.rest(this.i);
    if (!query) throw new InvalidInput('query: CREATE TABLE … AS needs a query');
    return { kind: 'create-as', table, ifNotExists, query, ...(partitionBy ? { partitionBy } : {}) };
  }

  private createView(orReplace: boolean): Statement {
    this.i = orReplace ? 4 : 2;
    const ifNotExists = this.ifNotExists();
    if (orReplace && ifNotExists) throw new InvalidInput('query: CREATE OR REPLACE VIEW and IF NOT EXISTS contradict each other; use one');
    const view = this.tableName();
    if (isOp(this.t[this.i], '(')) throw new InvalidInput('query: CREATE VIEW with a column list is not supported; name the columns with aliases in its SELECT');
    this.expect('AS');
    const query = this.rest(this.i);
    if (!query) throw new InvalidInput('query: CREATE VIEW … AS needs a query');
    return { kind: 'create-view', view, orReplace, ifNotExists, query };
  }

  private columnDef(from: number, to: number): ColumnDef {
    const name = this.t[from];
    if (!name || (name.kind !== 'word' && name.kind !== 'ident') || to - from < 2) {
      throw new InvalidInput(`query: expected a column definition "name TYPE", found ${this.text(from, to) || 'nothing'}`);
    }
    let end = to;
    let required = false;
    if (isWord(this.t[end - 1], 'NULL')) {
      required = isWord(this.t[end - 2], 'NOT');
      end -= required ? 2 : 1;
    }
    const typeText = this.text(from + 1, end);
    if (/\b(PRIMARY|UNIQUE|CHECK|DEFAULT|REFERENCES|GENERATED|COLLATE)\b/i.test(typeText)) {
      throw new InvalidInput(`query: column ${nameOf(this.sql, name)}: constraints and defaults are not supported`);
    }
    return { name: nameOf(this.sql, name), typeText, required };
  }

  insert(): Statement {
    this.i = 1;
    const overwrite = this.accept('OVERWRITE');
    if (overwrite) this.accept('TABLE');
    else this.expect('INTO');
    const table = this.tableName();
    if (overwrite && isWord(this.t[this.i], 'PARTITION')) {
      throw new InvalidInput('query: INSERT OVERWRITE … PARTITION (…) is not supported: Silt replaces the partitions the new rows fall in; leave out PARTITION and filter the query instead');
    }
    let columns: string[] | undefined;
    let byName = false;
    if (this.accept('BY')) {
      this.expect('NAME');
      byName = true;
    } else if (isOp(this.t[this.i], '(') && !isWord(this.t[this.i + 1], 'SELECT', 'WITH', 'FROM', 'VALUES')) {
      columns = this.columnList();
    }
    const query = this.rest(this.i);
    if (!query) throw new InvalidInput(`query: INSERT${overwrite ? ' OVERWRITE' : ''} needs a query or VALUES`);
    return { kind: 'insert', table, byName, query, ...(columns ? { columns } : {}), ...(overwrite ? { overwrite } : {}) };
  }

  /** `(a, b, …)` at the current token: column names. */
  private columnList(): string[] {
    const close = matchParen(this.t, this.i);
    const columns = splitTopLevel(this.t, this.i + 1, close).map(([a, b]) => {
      if (b - a !== 1) throw new InvalidInput(`query: expected a column name, found ${this.text(a, b) || 'nothing'}`);
      return nameOf(this.sql, this.t[a]!);
    });
    this.i = close + 1;
    return columns;
  }

  private alias(): string | undefined {
    if (this.accept('AS')) return this.ident('an alias');
    const tok = this.t[this.i];
    if (tok && (tok.kind === 'ident' || (tok.kind === 'word' && !['WHERE', 'SET', 'USING', 'FROM', 'RETURNING', 'ON', 'WHEN'].includes(tok.value)))) {
      return this.ident('an alias');
    }
    return undefined;
  }

  /** Index of the first top-level word `word` at or after `from`, or -1. */
  private topLevel(word: string, from: number): number {
    let depth = 0;
    for (let k = from; k < this.t.length; k++) {
      const tok = this.t[k]!;
      if (isOp(tok, '(')) depth++;
      else if (isOp(tok, ')')) depth--;
      else if (depth === 0 && isWord(tok, word)) return k;
    }
    return -1;
  }

  private where(): string | undefined {
    if (!this.accept('WHERE')) {
      this.end();
      return undefined;
    }
    const text = this.rest(this.i);
    if (!text) throw new InvalidInput('query: WHERE needs a condition');
    if (this.topLevel('RETURNING', this.i) >= 0) throw new InvalidInput('query: RETURNING is not supported');
    return text;
  }

  delete(): Statement {
    this.i = 1;
    this.expect('FROM');
    const table = this.tableName();
    const alias = this.alias();
    if (isWord(this.t[this.i], 'USING')) throw new InvalidInput('query: DELETE … USING is not supported; use WHERE … IN (SELECT …)');
    const where = this.where();
    return { kind: 'delete', table, ...(alias ? { alias } : {}), ...(where ? { where } : {}) };
  }

  update(): Statement {
    this.i = 1;
    const table = this.tableName();
    const alias = this.alias();
    this.expect('SET');
    const whereAt = this.topLevel('WHERE', this.i);
    const setEnd = whereAt < 0 ? this.t.length : whereAt;
    if (this.topLevel('FROM', this.i) >= 0 && (this.topLevel('FROM', this.i) < setEnd)) {
      throw new InvalidInput('query: UPDATE … FROM is not supported; use a subquery in SET or WHERE');
    }
    const assignments = this.assignments(this.i, setEnd);
    this.i = setEnd;
    const where = this.where();
    return { kind: 'update', table, assignments, ...(alias ? { alias } : {}), ...(where ? { where } : {}) };
  }

  /** `column = expression, …` between tokens `from` and `to`; with `qualified`, a column may be written `alias.column` (Spark's MERGE). */
  private assignments(from: number, to: number, qualified = false): Assignment[] {
    return splitTopLevel(this.t, from, to).map(([a, b]) => {
      let qualifier: string | undefined;
      if (qualified && isOp(this.t[a + 1], '.') && isOp(this.t[a + 3], '=')) {
        qualifier = this.t[a]!.kind === 'string' ? undefined : nameOf(this.sql, this.t[a]!);
        a += 2;
      }
      if (b - a < 3 || !isOp(this.t[a + 1], '=')) {
        throw new InvalidInput(`query: expected "column = expression" in SET, found ${this.text(a, b) || 'nothing'}`);
      }
      const tok = this.t[a]!;
      if (tok.kind !== 'word' && tok.kind !== 'ident') throw new InvalidInput(`query: expected a column name in SET, found ${this.text(a, a + 1)}`);
      return { column: nameOf(this.sql, tok), expr: this.text(a + 2, b), ...(qualifier ? { qualifier } : {}) };
    });
  }

  /**
   * `MERGE INTO ns.t [[AS] a] USING ns.s | (query) [[AS] b] ON cond WHEN …`: each clause `WHEN
   * [NOT] MATCHED [BY SOURCE | BY TARGET] [AND cond] THEN UPDATE [SET … | BY NAME | BY POSITION] | DELETE |
   * INSERT [(cols) VALUES (…) | * | BY NAME | BY POSITION | DEFAULT VALUES] | DO NOTHING`.
   */
  merge(): Statement {
    this.i = 1;
    this.expect('INTO');
    const table = this.tableName();
    const alias = this.alias();
    this.expect('USING');
    let source: { table: TableName } | { query: string };
    if (isOp(this.t[this.i], '(')) {
      const close = matchParen(this.t, this.i);
      source = { query: this.text(this.i + 1, close) };
      if (!source.query) throw new InvalidInput('query: MERGE … USING ( ) needs a query');
      this.i = close + 1;
    } else source = { table: this.tableName() };
    const sourceAlias = this.alias();
    this.expect('ON');
    const whens = this.clauseWords('WHEN', this.i, this.t.length);
    if (whens.length === 0) throw new InvalidInput('query: MERGE needs at least one WHEN [NOT] MATCHED THEN … clause');
    const on = this.text(this.i, whens[0]!);
    if (!on) throw new InvalidInput('query: MERGE … ON needs a condition');
    const clauses = whens.map((w, k) => this.mergeClause(w, whens[k + 1] ?? this.t.length));
    return { kind: 'merge', table, source, on, clauses, ...(alias ? { alias } : {}), ...(sourceAlias ? { sourceAlias } : {}) };
  }

  private mergeClause(from: number, to: number): MergeClause {
    this.i = from + 1;
    let when: MergeClause['when'] = 'matched';
    if (!this.accept('MATCHED')) {
      this.expect('NOT');
      this.expect('MATCHED');
      when = 'not-matched';
      if (this.accept('BY')) {
        this.expect('SOURCE', 'TARGET');
        if (isWord(this.t[this.i - 1], 'SOURCE')) when = 'not-matched-by-source';
      }
    }
    let condition: string | undefined;
    if (this.accept('AND')) {
      const then = this.clauseWords('THEN', this.i, to)[0] ?? to;
      condition = this.text(this.i, then);
      if (!condition) throw new InvalidInput('query: WHEN … AND needs a condition');
      this.i = then;
    }
    this.expect('THEN');
    const verb = this.t[this.i];
    let action: MergeClause['action'];
    if (this.accept('UPDATE')) {
      const whole = this.wholeRow(to);
      if (!whole) this.expect('SET');
      const star = !whole && isOp(this.t[this.i], '*') && this.i + 1 === to;
      action = { kind: 'update', assignments: whole ?? (star ? 'name' : this.assignments(this.i, to, true)) };
      if (star) this.i++;
    } else if (this.accept('DELETE')) action = { kind: 'delete' };
    else if (this.accept('DO')) {
      this.expect('NOTHING');
      action = { kind: 'nothing' };
    } else if (this.accept('INSERT')) {
      const whole = this.wholeRow(to);
      if (whole) action = { kind: 'insert', values: whole };
      else if (isOp(this.t[this.i], '*')) {
        this.i++;
        action = { kind: 'insert', values: 'name' };
      } else if (this.accept('DEFAULT')) {
        this.expect('VALUES');
        action = { kind: 'insert', columns: [], values: [] };
      } else {
        const columns = isOp(this.t[this.i], '(') ? this.columnList() : undefined;
        this.expect('VALUES');
        if (!isOp(this.t[this.i], '(')) throw new InvalidInput('query: MERGE … INSERT … VALUES needs a parenthesised list of values');
        const close = matchParen(this.t, this.i);
        const values = splitTopLevel(this.t, this.i + 1, close).map(([a, b]) => this.text(a, b));
        this.i = close + 1;
        action = { kind: 'insert', values, ...(columns ? { columns } : {}) };
      }
    } else {
      const got = verb ? this.sql.slice(verb.start, verb.end) : 'end of statement';
      throw new InvalidInput(`query: MERGE: expected UPDATE SET, DELETE, INSERT or DO NOTHING after THEN, found ${got}`);
    }
    if (this.i < to && (action.kind !== 'update' || !Array.isArray(action.assignments))) {
      throw new InvalidInput(`query: MERGE: unexpected ${this.sql.slice(this.t[this.i]!.start, this.t[this.i]!.end)}; each clause starts with WHEN`);
    }
    const allowed = when === 'not-matched' ? ['insert', 'nothing'] : ['update', 'delete', 'nothing'];
    if (!allowed.includes(action.kind)) {
      const which = { matched: 'WHEN MATCHED', 'not-matched': 'WHEN NOT MATCHED', 'not-matched-by-source': 'WHEN NOT MATCHED BY SOURCE' }[when];
      throw new InvalidInput(`query: MERGE: ${which} can only ${allowed.map((a) => (a === 'nothing' ? 'DO NOTHING' : a.toUpperCase())).join(' or ')}`);
    }
    this.i = to;
    return { when, action, ...(condition ? { condition } : {}) };
  }

  /** DuckDB's `BY NAME` / `BY POSITION` after UPDATE or INSERT, or nothing at all (by position). */
  private wholeRow(to: number): WholeRow | undefined {
    if (this.i === to) return 'position';
    if (!this.accept('BY')) return undefined;
    this.expect('NAME', 'POSITION');
    return isWord(this.t[this.i - 1], 'NAME') ? 'name' : 'position';
  }

  /** Indices of the top-level `word`s in [from, to): outside parentheses and CASE … END. */
  private clauseWords(word: string, from: number, to: number): number[] {
    const out: number[] = [];
    let depth = 0;
    for (let k = from; k < to; k++) {
      const tok = this.t[k]!;
      if (isOp(tok, '(') || isWord(tok, 'CASE')) depth++;
      else if (isOp(tok, ')') || isWord(tok, 'END')) depth--;
      else if (depth === 0 && isWord(tok, word)) out.push(k);
    }
    return out;
  }

  alter(): Statement {
    this.i = 1;
    this.expect('TABLE');
    const table = this.tableName();
    const verb = this.t[this.i];
    let action: AlterAction;
    if (this.accept('ADD')) {
      this.accept('COLUMN');
      const ifNotExists = this.ifNotExists();
      const name = this.ident('a column name');
      action = { kind: 'add', name, typeText: this.typeToEnd(), ifNotExists };
    } else if (this.accept('RENAME')) {
      if (isWord(this.t[this.i], 'TO')) {
        const old = `${table.namespace}.${table.name}`;
        throw new InvalidInput(
          `query: a table cannot be renamed; copy it and drop the old one: CREATE TABLE ns.new_name AS SELECT * FROM ${old}, then DROP TABLE ${old}`,
        );
      }
      this.accept('COLUMN');
      const from = this.ident('a column name');
      this.expect('TO');
      action = { kind: 'rename', from, to: this.ident('a new column name') };
      this.end();
    } else if (this.accept('DROP')) {
      this.accept('COLUMN');
      const ifExists = this.ifExists();
      action = { kind: 'drop', name: this.ident('a column name'), ifExists };
      this.end();
    } else if (this.accept('ALTER')) {
      this.accept('COLUMN');
      const name = this.ident('a column name');
      if (this.accept('SET')) this.expect('DATA');
      this.expect('TYPE');
      action = { kind: 'widen', name, typeText: this.typeToEnd() };
    } else if (isWord(verb, 'SET', 'UNSET') && isWord(this.t[this.i + 1], 'TBLPROPERTIES')) {
      const unset = this.accept('UNSET');
      this.i += unset ? 1 : 2;
      action = unset ? { kind: 'properties', set: {}, remove: this.propertyList(false).map(([k]) => k) } : { kind: 'properties', set: Object.fromEntries(this.propertyList(true)), remove: [] };
      this.end();
    } else {
      const got = verb ? this.sql.slice(verb.start, verb.end) : 'end of statement';
      throw new InvalidInput(`query: ALTER TABLE supports ADD COLUMN, RENAME COLUMN, DROP COLUMN, ALTER COLUMN … TYPE and SET/UNSET TBLPROPERTIES, found ${got}`);
    }
    return { kind: 'alter', table, action };
  }

  /** `('k' = 'v', …)`, or `('k', …)` without values. */
  private propertyList(withValues: boolean): [string, string][] {
    const str = (what: string): string => {
      const tok = this.t[this.i];
      if (tok?.kind !== 'string') throw new InvalidInput(`query: TBLPROPERTIES: expected ${what} as a quoted string, found ${tok ? this.sql.slice(tok.start, tok.end) : 'end of statement'}`);
      this.i++;
      return tok.value;
    };
    const out: [string, string][] = [];
    if (!isOp(this.t[this.i], '(')) throw new InvalidInput("query: TBLPROPERTIES: expected ('key' = 'value', …)");
    do {
      this.i++;
      const key = str('a property name');
      let value = '';
      if (withValues) {
        if (!isOp(this.t[this.i], '=')) throw new InvalidInput(`query: TBLPROPERTIES: expected = after '${key}'`);
        this.i++;
        value = str(`the value of '${key}'`);
      }
      out.push([key, value]);
    } while (isOp(this.t[this.i], ','));
    if (!isOp(this.t[this.i], ')')) throw new InvalidInput('query: TBLPROPERTIES: expected ) after the last property');
    this.i++;
    return out;
  }

  private typeToEnd(): string {
    const text = this.rest(this.i);
    if (!text) throw new InvalidInput('query: expected a column type');
    this.i = this.t.length;
    return text;
  }

  drop(): Statement {
    this.i = 1;
    if (isWord(this.t[1], 'VIEW')) {
      this.i = 2;
      const ifExists = this.ifExists();
      const view = this.tableName();
      this.end();
      return { kind: 'drop-view', view, ifExists };
    }
    if (!isWord(this.t[1], 'TABLE')) {
      const what = this.t[1] ? this.sql.slice(this.t[1].start, this.t[1].end).toUpperCase() : '';
      throw new InvalidInput(`query: DROP ${what} is not allowed: only DROP TABLE namespace.table or DROP VIEW namespace.view`);
    }
    this.i = 2;
    const ifExists = this.ifExists();
    const table = this.tableName();
    this.end();
    return { kind: 'drop', table, ifExists };
  }
}
