/** Turning bench/peer/pipeline.sql into statements: placeholders, gold models, stages. */
import path from 'node:path';

export interface Stage {
  name: string;
  statements: Statement[];
}

export interface Statement {
  sql: string;
  /** The table the script is working on: the last `-- ns.table` heading before it, if any. */
  section?: string;
}

/** Replaces `{{NAME}}`; a placeholder without a value is an error, not an empty string. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`pipeline-duckdb: no value for {{${name}}}`);
    return v;
  });
}

/** Each demo model as `COPY (model) TO <out>/gold/<name>/data.parquet;`. */
export function goldModelsSql(models: { name: string; sql: string }[], out: string): string {
  return models
    .map((m) => `COPY (\n${m.sql.trim()}\n) TO '${path.join(out, 'gold', m.name, 'data.parquet').replaceAll("'", "''")}' (FORMAT parquet);`)
    .join('\n');
}

/**
 * Statements end with `;` at the end of a line; `-- stage: NAME` starts a stage and
 * `-- silver.orders …` a section (the per-table timing of the silver bench).
 */
export function splitStages(script: string): Stage[] {
  const stages: Stage[] = [];
  let current: string[] = [];
  let section: string | undefined;
  for (const line of script.split('\n')) {
    const stage = /^-- stage: (\S+)/.exec(line);
    if (stage) {
      stages.push({ name: stage[1]!, statements: [] });
      section = undefined;
      continue;
    }
    const heading = /^-- (\w+\.\w+)(\s|$)/.exec(line);
    if (heading) section = heading[1]!;
    if (/^\s*--/.test(line) || stages.length === 0) continue;
    current.push(line);
    if (/;\s*$/.test(line)) {
      stages.at(-1)!.statements.push({ sql: current.join('\n').trim(), ...(section ? { section } : {}) });
      current = [];
    }
  }
  if (current.join('').trim() !== '') throw new Error('pipeline-duckdb: the script ends inside a statement (missing `;`)');
  return stages;
}
