import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InvalidInput, NotFound } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { layersOf, layersProblem, type Layers } from './layers.js';
import { projectSchema, type ProjectFile } from './schema.js';
import { keysOf, schemaAt } from './schema-walk.js';

export const PROJECT_FILE = 'silt.yaml';

/** A validated project: the parsed file plus absolute locations. Frozen. */
export interface ProjectConfig {
  readonly file: string;
  readonly dir: string;
  readonly name: string;
  /** Absolute folder, or an s3:// URI. */
  readonly storageLocation: string;
  /** How to reach an s3:// location (`storage.s3`): endpoint, region, path-style addressing. */
  readonly storageS3: {
    readonly endpoint?: string;
    readonly region?: string;
    readonly pathStyle?: boolean;
    /** `storage.s3.if_match: false`: the server ignores If-Match, so the store says it cannot swap objects. */
    readonly ifMatch?: boolean;
    /** `storage.s3.server_side_encryption`: what S3 is asked to encrypt each written object with. */
    readonly serverSideEncryption?: { readonly algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; readonly kmsKeyId?: string; readonly bucketKey?: boolean };
  };
  /** Absolute SQLite file path, or a postgresql:// URI. */
  readonly catalogUri: string;
  readonly engine: { readonly memoryLimit?: string; readonly threads?: number };
  /** The namespaces of bronze, silver and gold (`layers:`). */
  readonly layers: Layers;
  readonly raw: ProjectFile;
  /**
   * Validates a section that a service owns (`sources`, `silver`, `gold`) with the service's
   * schema; errors name the file, line and key like any other config error.
   */
  section<S extends z.ZodType>(key: SectionKey, schema: S): z.output<S> | undefined;
}

export type SectionKey = 'sources' | 'landing' | 'silver' | 'gold' | 'lineage' | 'alerts' | 'serve' | 'schedules' | 'policies' | 'access' | 'retention' | 'exports' | 'prices' | 'maintenance' | 'encryption' | 'trino';

/** The folder holding silt.yaml: `explicit` if given, else the nearest one from `from` upward. */
export function findProjectDir(from: string, explicit?: string): string {
  if (explicit) {
    const dir = path.resolve(explicit);
    if (!existsSync(path.join(dir, PROJECT_FILE))) {
      throw new NotFound(`config: no ${PROJECT_FILE} in ${dir}; run \`silt init ${explicit}\` to create a project there`);
    }
    return dir;
  }
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, PROJECT_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new NotFound(
        `config: no ${PROJECT_FILE} in ${path.resolve(from)} or any folder above it; run \`silt init\` or pass --project DIR`,
      );
    }
    dir = parent;
  }
}

export function loadProject(dir: string): ProjectConfig {
  const file = path.join(dir, PROJECT_FILE);
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const rel = PROJECT_FILE;
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lines.linePos(err.pos[0]);
    throw new InvalidInput(`config: ${rel} line ${pos.line}: ${err.message.split('\n')[0]}`);
  }
  const data = dropEmptySections(doc.toJS());
  const parsed = projectSchema.safeParse(data);
  if (!parsed.success) {
    // An unknown key usually explains a missing one (a typo), so report it first.
    const issues = [...parsed.error.issues].sort((a, b) => rank(a) - rank(b));
    throw new InvalidInput(describeIssue(rel, doc, lines, issues[0]!, data, projectSchema, []));
  }
  const raw = parsed.data;
  const layerClash = layersProblem(raw.layers ?? {});
  if (layerClash) throw new InvalidInput(`config: ${rel}${lineOf(doc, lines, ['layers', layerClash.key])}: layers.${layerClash.key}: ${layerClash.problem}`, { details: { key: `layers.${layerClash.key}` } });
  const sections = new Map<string, unknown>();
  const section = <S extends z.ZodType>(key: SectionKey, schema: S): z.output<S> | undefined => {
    const value = (data as Record<string, unknown>)[key];
    if (value === undefined) return undefined;
    if (!sections.has(key)) {
      const result = schema.safeParse(value);
      if (!result.success) {
        const issues = [...result.error.issues].sort((a, b) => rank(a) - rank(b));
        throw new InvalidInput(describeIssue(rel, doc, lines, issues[0]!, value, schema, [key]));
      }
      sections.set(key, result.data);
    }
    return sections.get(key) as z.output<S>;
  };
  return Object.freeze({
    file,
    dir,
    name: raw.name,
    storageLocation: resolveLocation(dir, raw.storage.location),
    storageS3: Object.freeze({ endpoint: raw.storage.s3?.endpoint, region: raw.storage.s3?.region, pathStyle: raw.storage.s3?.path_style, ifMatch: raw.storage.s3?.if_match, serverSideEncryption: sse(raw.storage.s3?.server_side_encryption) }),
    catalogUri: resolveLocation(dir, typeof raw.catalog === 'string' ? raw.catalog : raw.catalog.uri),
    engine: Object.freeze({ memoryLimit: raw.engine.memory_limit, threads: raw.engine.threads }),
    layers: layersOf(raw.layers),
    raw,
    section,
  });
}

function sse(s: { algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; kms_key_id?: string | undefined; bucket_key?: boolean | undefined } | undefined) {
  if (!s) return undefined;
  return Object.freeze({ algorithm: s.algorithm, ...(s.kms_key_id ? { kmsKeyId: s.kms_key_id } : {}), ...(s.bucket_key !== undefined ? { bucketKey: s.bucket_key } : {}) });
}

/** A section whose keys are all commented out parses as null; treat it as absent. */
function dropEmptySections(data: unknown): unknown {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== null)
      // `storage: s3://bucket/prefix` says only where: the location.
      .map(([k, v]) => (k === 'storage' && typeof v === 'string' ? [k, { location: v }] : [k, v])),
  );
}

function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1;
}

function resolveLocation(dir: string, location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : path.resolve(dir, location);
}

function describeIssue(
  file: string,
  doc: Document,
  lines: LineCounter,
  issue: z.core.$ZodIssue,
  data: unknown,
  root: z.core.$ZodType,
  prefix: string[],
): string {
  let local = issue.path.map(String);
  // A single value a list key takes as a one-item list (`key: a b`) fails as `key.0`: name `key`.
  const reached = reachable(data, local);
  if (reached < local.length && local[reached] === '0') local = local.slice(0, reached);
  const keyPath = [...prefix, ...local];
  let where = keyPath.join('.') || '(top level)';
  let problem: string;
  if (issue.code === 'unrecognized_keys') {
    const unknownKey = issue.keys[0]!;
    where = [...keyPath, unknownKey].join('.');
    const known = keysOf(schemaAt(root, local, data));
    const hint = didYouMean(unknownKey, known);
    problem = `unknown key${hint ? ` (did you mean \`${hint}\`?)` : ''}; expected one of: ${known.join(', ')}`;
    return `config: ${file}${lineOf(doc, lines, [...keyPath, unknownKey])}: ${where}: ${problem}`;
  }
  const found = valueAt(data, local);
  const choices = issue.code === 'invalid_value' ? issue.values.map(String) : issue.code === 'invalid_union' && 'options' in issue ? (issue.options as unknown[]).map(String) : [];
  const hint = typeof found === 'string' ? didYouMean(found, choices) : undefined;
  if (found === undefined) {
    problem = `missing; expected ${expectation(issue)}`;
  } else {
    problem = `expected ${expectation(issue)}, found ${JSON.stringify(found)}${hint ? ` (did you mean \`${hint}\`?)` : ''}`;
  }
  return `config: ${file}${lineOf(doc, lines, keyPath)}: ${where}: ${problem}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    // YAML words, not JavaScript ones: a user writes mappings, not records or objects.
    if (issue.expected === 'record') return 'a mapping of `name: …` entries';
    if (issue.expected === 'object') return 'a mapping of `key: value` settings';
    if (issue.expected === 'int') return 'a whole number';
    return `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const side = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'above') : issue.inclusive ? 'at most' : 'below';
    return `a number ${side} ${String(bound)}`;
  }
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
    // Each member failed on its type: say which types would do (`a string or an array`).
    const types = issue.errors.map((branch) => branch.find((i) => i.code === 'invalid_type' && i.path.length === 0));
    if (types.every((t) => t !== undefined)) return [...new Set(types.map((t) => expectation(t!)))].join(' or ');
  }
  return issue.message.replace(/^Invalid string: /, '');
}

function lineOf(doc: Document, lines: LineCounter, keyPath: string[]): string {
  for (let n = keyPath.length; n > 0; n--) {
    const node = doc.getIn(keyPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const pair = n > 0 ? findKeyNode(doc, keyPath.slice(0, n)) : undefined;
    const offset = pair ?? node?.range?.[0];
    if (offset !== undefined) return ` line ${lines.linePos(offset).line}`;
  }
  return '';
}

function findKeyNode(doc: Document, keyPath: string[]): number | undefined {
  const parent = keyPath.length === 1 ? doc.contents : doc.getIn(keyPath.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const item = parent.items.find((p) => String((p.key as { value?: unknown })?.value) === keyPath[keyPath.length - 1]);
  return (item?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
}

/** How many keys of `keyPath` lead into objects or lists of `data`. */
function reachable(data: unknown, keyPath: readonly string[]): number {
  let cur = data;
  for (let i = 0; i < keyPath.length; i++) {
    if (cur === null || typeof cur !== 'object') return i;
    cur = (cur as Record<string, unknown>)[keyPath[i]!];
  }
  return keyPath.length;
}

function valueAt(data: unknown, keyPath: string[]): unknown {
  let cur = data;
  for (const k of keyPath) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

