/** Turning bench/peer/pipeline.sql into statements: placeholders, gold models, stages. */
import path from 'node:path';

export interface Stage {
  name: string;
  statements: string[];
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

/** Statements end with `;` at the end of a line; `-- stage: NAME` starts a stage. */
export function splitStages(script: string): Stage[] {
  const stages: Stage[] = [];
  let current: string[] = [];
  for (const line of script.split('\n')) {
    const stage = /^-- stage: (\S+)/.exec(line);
    if (stage) {
      stages.push({ name: stage[1]!, statements: [] });
      continue;
    }
    if (/^\s*--/.test(line) || stages.length === 0) continue;
    current.push(line);
    if (/;\s*$/.test(line)) {
      stages.at(-1)!.statements.push(current.join('\n').trim());
      current = [];
    }
  }
  if (current.join('').trim() !== '') throw new Error('pipeline-duckdb: the script ends inside a statement (missing `;`)');
  return stages;
}
