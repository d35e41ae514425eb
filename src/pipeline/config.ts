import path from 'node:path';
import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';
import { sourcesSchema, type SourceConfig } from '../ingest/index.js';
import { silverSectionSchema, type SilverContract } from '../transform/index.js';

const goldSectionSchema = z.strictObject({
  /** Folder of model SQL files, relative to silt.yaml. */
  models: z.string().min(1).default('models'),
});

/** The declared lakehouse: sources, silver contracts and the gold models folder. */
export interface PipelineConfig {
  sources: Record<string, SourceConfig>;
  silver: Record<string, SilverContract>;
  modelsDir: string;
}

export function pipelineConfig(config: ProjectConfig): PipelineConfig {
  const gold = config.section('gold', goldSectionSchema) ?? { models: 'models' };
  return {
    sources: config.section('sources', sourcesSchema) ?? {},
    silver: config.section('silver', silverSectionSchema) ?? {},
    modelsDir: path.resolve(config.dir, gold.models),
  };
}
