import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LAYERS, didYouMean, PROJECT_FILE, type Layers, type ProjectConfig } from '../config/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { landingSectionSchema, sourcesSchema, type SourceConfig } from '../ingest/index.js';
import { silverSectionSchema, type SilverContract } from '../transform/index.js';

const goldSectionSchema = z.strictObject({
  /** Folder of model SQL files, relative to silt.yaml. */
  models: z.string().min(1).default('models'),
});

/** The declared lakehouse: sources, silver contracts and the gold models folder. */
export interface PipelineConfig {
  /** Each source's `table` is set: when silt.yaml leaves it out, `<bronze layer>.<source name>`. */
  sources: Record<string, SourceConfig>;
  silver: Record<string, SilverContract>;
  modelsDir: string;
  /** Set by pipelineConfig(); absent (a graph built by hand) means the default names. */
  layers?: Layers;
}

export const layersIn = (config: PipelineConfig): Layers => config.layers ?? DEFAULT_LAYERS;

/** The bronze table a source writes, `ns.table`: its `table`, else `<bronze layer>.<source name>`. */
export const sourceTable = (config: PipelineConfig, name: string): string => config.sources[name]?.table ?? layersIn(config).table('bronze', name);

export function pipelineConfig(config: ProjectConfig): PipelineConfig {
  const gold = config.section('gold', goldSectionSchema);
  const modelsDir = path.resolve(config.dir, gold?.models ?? 'models');
  // Without a gold section a project may simply have no models; a declared folder must be there.
  if (gold && !existsSync(modelsDir)) {
    const folders = readdirSync(config.dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    const hint = didYouMean(gold.models, folders);
    throw new InvalidInput(
      `config: ${PROJECT_FILE}: gold.models: the folder ${gold.models} does not exist in ${config.dir}${hint ? ` (did you mean ${hint}?)` : ''}; create it or fix the path`,
    );
  }
  const landing = config.section('landing', landingSectionSchema);
  const sources = Object.entries(config.section('sources', sourcesSchema) ?? {}).map(([name, s]) => [name, withDefaults({ ...s, table: s.table ?? config.layers.table('bronze', name) }, landing)] as const);
  return {
    sources: Object.fromEntries(sources),
    silver: config.section('silver', silverSectionSchema) ?? {},
    modelsDir,
    layers: config.layers,
  };
}

/** A source's settings with the project's `landing:` defaults where it has none of its own. */
function withDefaults(source: SourceConfig, landing: { archive?: SourceConfig['archive'] } | undefined): SourceConfig {
  return source.archive === undefined && landing?.archive !== undefined ? { ...source, archive: landing.archive } : source;
}

/** The ingest steps for the named sources (all when none is named); NotFound naming the one meant for a source not declared. */
export function ingestSelection(config: PipelineConfig, names: readonly string[]): string[] {
  const all = Object.keys(config.sources);
  for (const s of names.filter((x) => !all.includes(x))) {
    const hint = didYouMean(s, all);
    throw new NotFound(`ingest: no source ${s} in ${PROJECT_FILE}${hint ? ` (did you mean ${hint}?)` : ''}; sources: ${all.join(', ') || 'none declared'}`, {
      code: 'source_not_found',
      details: { key: s },
    });
  }
  return (names.length ? names : all).map((s) => `ingest.${s}`);
}
