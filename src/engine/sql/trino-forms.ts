/** Athena's (Presto/Trino) SQL forms, rewritten to what DuckDB runs. */
export function trinoForms(sql: string): string {
  return sql;
}
