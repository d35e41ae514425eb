export type { ColumnInput, ColumnLineage, Layer, LineageKind, TableLineage } from './lineage-types.js';
export { lakehouseLineage, type LakehouseLineage } from './build-lineage.js';
export { selectLineage } from './select-lineage.js';
export { traceLineage, type Direction, type LineageNode, type LineageTrace } from './trace.js';
export { parseLineageTarget, projectLineage } from './project-lineage.js';
export { lineageTreeText } from './tree-text.js';
export { runWithLineage } from './openlineage-emit.js';
export { lineageSectionSchema } from './openlineage-config.js';
export { stepRunEvent, stepRunUuid } from './openlineage-events.js';
