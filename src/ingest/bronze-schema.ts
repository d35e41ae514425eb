import { InvalidInput } from '../errors.js';
import { buildSchema, mergeFields, type IcebergType, type IcebergTypeInput, type NewField, type PrimitiveType, type Schema, type SchemaChange } from '../table/index.js';

/** Columns bronze adds to every row. */
export const INGESTED_AT = '_ingested_at';
export const SOURCE_FILE = '_source_file';
export const SOURCE_LINE = '_source_line';
export const BATCH_ID = '_batch_id';

export const META_FIELDS: readonly NewField[] = [
  { name: INGESTED_AT, type: 'timestamptz' },
  { name: SOURCE_FILE, type: 'string' },
  { name: SOURCE_LINE, type: 'long' },
  { name: BATCH_ID, type: 'string' },
];

export const BRONZE_PARTITIONING = `day(${INGESTED_AT})`;

export interface ColumnConflict {
  column: string;
  detail: string;
  /** The column's type in the table when it is a primitive: values that convert to it can still load. */
  tableType?: PrimitiveType;
}

/**
 * The bronze schema as one batch of files shapes it. Each file is checked against the table's
 * columns plus those earlier files of the batch added: new columns are added, numbers widened
 * where Iceberg allows (mergeFields), and a column that does not fit is a conflict, which changes
 * nothing: values that convert to the table's type still load, the rest go to rejects row by row
 * (for a nested column, the whole file does).
 */
export class BronzeSchema {
  private readonly added: NewField[] = [];
  private readonly widened = new Map<string, PrimitiveType>();
  /** Changes inside struct columns the table already has (`parent.child`), in order. */
  private readonly nested: Extract<SchemaChange, { kind: 'add' | 'widen' }>[] = [];

  constructor(
    readonly tableName: string,
    private readonly base: Schema | undefined,
  ) {
    for (const meta of META_FIELDS) if (!this.find(meta.name)) this.added.push(meta);
  }

  /** Conflicts between a file's columns and the schema so far; nothing is recorded. */
  conflicts(fields: readonly NewField[]): ColumnConflict[] {
    const out: ColumnConflict[] = [];
    const working = this.working();
    for (const field of fields) {
      try {
        mergeFields(this.tableName, working, [field]);
      } catch (e) {
        if (!(e instanceof InvalidInput)) throw e;
        const existing = this.find(field.name);
        const has = existing ? typeText(existing.type) : '?';
        out.push({
          column: field.name,
          detail: `type conflict: column ${field.name} is ${has} in ${this.tableName}, file has ${typeText(field.type)}`,
          ...(existing && typeof existing.type === 'string' ? { tableType: existing.type as PrimitiveType } : {}),
        });
      }
    }
    return out;
  }

  /** Takes a file's columns into the schema; call only when `conflicts` found none (ignoring `skip`). */
  accept(fields: readonly NewField[], skip: ReadonlySet<string> = new Set()): void {
    for (const field of fields) {
      if (skip.has(field.name)) continue;
      for (const change of mergeFields(this.tableName, this.working(), [field])) {
        if ((change.kind === 'add' || change.kind === 'widen') && change.name.includes('.')) {
          this.acceptNested(change);
          continue;
        }
        if (change.kind === 'add') this.added.push({ name: change.name, type: change.type });
        else if (change.kind === 'widen') {
          const mine = this.added.findIndex((f) => f.name === change.name);
          if (mine >= 0) this.added[mine] = { name: change.name, type: change.type };
          else this.widened.set(change.name, change.type);
        }
      }
    }
  }

  /** A change inside a struct: folded into a column this batch adds, else kept for the table. */
  private acceptNested(change: Extract<SchemaChange, { kind: 'add' | 'widen' }>): void {
    const [top, ...rest] = change.name.split('.') as [string, ...string[]];
    const mine = this.added.findIndex((f) => f.name === top);
    if (mine >= 0) this.added[mine] = { ...this.added[mine]!, type: withNested(this.added[mine]!.type, rest, change) as IcebergTypeInput };
    else this.nested.push(change);
  }

  /** Data columns first, then the bronze columns (for creating the table). */
  fieldsForCreate(): NewField[] {
    const meta = new Set(META_FIELDS.map((f) => f.name));
    return [...this.added.filter((f) => !meta.has(f.name)), ...this.added.filter((f) => meta.has(f.name))];
  }

  /** The changes that bring an existing table to this schema. */
  changes(): SchemaChange[] {
    return [
      ...this.added.map((f): SchemaChange => ({ kind: 'add', name: f.name, type: f.type })),
      ...[...this.widened].map(([name, type]): SchemaChange => ({ kind: 'widen', name, type })),
      ...this.nested,
    ];
  }

  /** Names of data columns this batch adds (the bronze columns excluded). */
  newColumns(): string[] {
    const meta = new Set(META_FIELDS.map((f) => f.name));
    return this.added.filter((f) => !meta.has(f.name)).map((f) => f.name);
  }

  private find(name: string): { name: string; type: IcebergType | IcebergTypeInput } | undefined {
    const own = this.added.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (own) return own;
    const fields = this.base?.fields ?? [];
    const f = fields.find((x) => x.name === name) ?? fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    return f ? { name: f.name, type: this.widened.get(f.name) ?? f.type } : undefined;
  }

  private working(): Schema {
    const baseFields = (this.base?.fields ?? []).map((f) => {
      const w = this.widened.get(f.name);
      let type: IcebergType | IcebergTypeInput = w ?? f.type;
      for (const c of this.nested) {
        const [top, ...rest] = c.name.split('.') as [string, ...string[]];
        if (top === f.name) type = withNested(type, rest, c);
      }
      return { ...f, type: type as IcebergType };
    });
    // Ids do not matter to mergeFields; keep the added ones clear of the base's.
    const extra = buildSchema(this.added, 1_000_000).schema.fields;
    return { type: 'struct', 'schema-id': this.base?.['schema-id'] ?? 0, fields: [...baseFields, ...extra] };
  }
}

/** Iceberg type as text: `long`, `list<string>`, `struct<a:long,b:string>`. */
export function typeText(t: IcebergType | IcebergTypeInput): string {
  if (typeof t === 'string') return t;
  if (t.type === 'list') return `list<${typeText(t.element)}>`;
  if (t.type === 'map') return `map<${typeText(t.key)},${typeText(t.value)}>`;
  return `struct<${t.fields.map((f) => `${f.name}:${typeText(f.type)}`).join(',')}>`;
}

/**
 * `type` with a field added or widened at `path` inside its structs. Only names and types matter
 * to the callers (ids are assigned when the table's schema evolves), so new fields carry id 0.
 */
function withNested(
  type: IcebergType | IcebergTypeInput,
  path: readonly string[],
  change: Extract<SchemaChange, { kind: 'add' | 'widen' }>,
): IcebergType | IcebergTypeInput {
  if (typeof type === 'string' || type.type !== 'struct') return type;
  const [head, ...rest] = path as [string, ...string[]];
  const fields = type.fields as readonly (NewField & { id?: number; required?: boolean })[];
  const at = fields.findIndex((f) => f.name === head);
  let next: (NewField & { id?: number; required?: boolean })[];
  if (rest.length > 0) {
    if (at < 0) return type;
    next = fields.map((f, i) => (i === at ? { ...f, type: withNested(f.type, rest, change) as IcebergTypeInput } : f));
  } else if (change.kind === 'add') {
    next = at >= 0 ? [...fields] : [...fields, { id: 0, name: head, required: false, type: change.type }];
  } else {
    next = fields.map((f, i) => (i === at ? { ...f, type: change.type } : f));
  }
  return { type: 'struct', fields: next } as IcebergTypeInput;
}
