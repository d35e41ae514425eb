export { runPipeline, buildGraph, type RunOptions, type RunResult, type StepResult, type Trigger } from './run.js';
export { ingestSelection, pipelineConfig, type PipelineConfig } from './config.js';
export { topoOrder, selectSteps, type StepNode } from './graph.js';
export { replayQuarantine } from './replay.js';
export { blockedPlan, planLakehouse, type PlanItem } from './plan.js';
export { CONTRACT_PROPERTY, PROCESSED_SNAPSHOT } from './silver-step.js';
export { findQuarantine, quarantineTables, rulePredicate, type QuarantineTable } from './quarantine-tables.js';
export { type MaintenanceTask, type RunRequest, type RunRequested, type RunRequester } from './run-request.js';
