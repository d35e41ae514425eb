/**
 * Silver and gold steps on Trino. Trino computes the step's rows into a staging table through
 * Silt's REST catalog (CREATE TABLE … AS SELECT in namespace `silt_staging`); the step reads that
 * table into its DuckDB relation and goes on as on DuckDB: reconciliation, expectations, the
 * quarantine split and one commit, all or nothing. The staging table is dropped (with its files)
 * whatever happens, so a failing expectation or a Trino error leaves no table behind.
 */
import { z } from 'zod';
import { PROJECT_FILE, type ProjectConfig } from '../config/index.js';
import { currentScan, quoteIdent, scanSql } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { TrinoClient } from '../trino/index.js';
import type { StepContext, TrinoSteps } from './context.js';

/** The namespace of the tables Trino writes a step's rows into; none outlives its step. */
export const STAGING = 'silt_staging';

export type StepEngine = 'duckdb' | 'trino';

const trinoSection = z.strictObject({
  /** The coordinator, e.g. http://trino:8080. */
  url: z.string().regex(/^https?:\/\/[^/\s]+\/?$/, 'an http:// or https:// URL of the coordinator, e.g. http://127.0.0.1:8080'),
  /** Trino's name for the catalog on Silt's REST catalog (what `silt connect trino` names it). */
  catalog: z.string().min(1).default('silt'),
  user: z.string().min(1).default('silt'),
});

export function trinoSteps(config: ProjectConfig): TrinoSteps {
  const section = config.section('trino', trinoSection);
  return { ...(section ? { client: new TrinoClient(section) } : {}), everyStep: config.raw.engine.steps === 'trino' };
}

/** The Trino a step runs on (its own `engine`, else the project's `engine.steps`); undefined for DuckDB. */
export function stepTrino(ctx: StepContext, declared: StepEngine | undefined, where: string): TrinoClient | undefined {
  const engine = declared ?? (ctx.trino?.everyStep ? 'trino' : 'duckdb');
  if (engine === 'duckdb') return undefined;
  if (!ctx.trino?.client) {
    throw new InvalidInput(`${where}: engine trino needs the project's Trino: add \`trino: { url: http://HOST:8080, catalog: silt }\` to ${PROJECT_FILE} (the catalog Trino reaches Silt's REST catalog by; see \`silt connect trino\`)`);
  }
  return ctx.trino.client;
}

export interface TrinoStage {
  /** The table the step builds, `ns.name`: staging tables are named after it. */
  table: string;
  /** A SELECT in Trino's SQL. */
  sql: string;
  /** Whose SQL it is, for messages (a model's file, `silver.orders`). */
  what: string;
  /** The DuckDB temp table that receives the rows. */
  relation: string;
}

/** Runs `stage.sql` on Trino into a staging table and reads its rows into DuckDB temp table `stage.relation`. */
export async function stageOnTrino(ctx: StepContext, trino: TrinoClient, stage: TrinoStage): Promise<void> {
  const prefix = `${stage.table.replace('.', '__')}__`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await ctx.catalog.createNamespace(STAGING, {}, { ifNotExists: true });
  // A staging table of this table that a killed run left behind.
  for (const t of await ctx.catalog.listTables(STAGING)) if (t.name.startsWith(prefix)) await ctx.catalog.dropTable(STAGING, t.name);
  const name = `${prefix}${ctx.runId}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  try {
    ctx.progress(`${stage.what}: running on Trino (${trino.settings.url})`);
    await trino.run(`CREATE TABLE ${quoteIdent(STAGING)}.${quoteIdent(name)} AS\n${stage.sql}\n`, stage.what, ctx.signal);
    const staged = await ctx.catalog.loadTable(STAGING, name);
    const files = (await staged.planFiles()).files;
    await ctx.engine.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(stage.relation)} AS ${await scanSql(currentScan(staged.metadata, staged.name, files), ctx.store, { access: ctx.access })}`);
  } finally {
    if (await ctx.catalog.tableExists(STAGING, name)) await ctx.catalog.dropTable(STAGING, name);
  }
}
