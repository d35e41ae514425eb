export { generateDemoData, DEMO_SOURCES, TRUTH_PATH, type DemoOptions } from './generate.js';
export type { GeneratedFile, Progress as DemoProgress } from './file-series.js';
export { demoSizes, type DemoSizes, ROWS_PER_FILE, MAX_ROWS } from './sizes.js';
export type {
  CustomersTruth, DemoTruth, OrdersTruth, PaymentsTruth, SensorsTruth, SourceTruth, WebEventsTruth,
} from './truth.js';
export { WINDOW_START, WINDOW_END } from './calendar.js';
export { DEMO_RULES } from './rules.js';
export { createDemoProject, type DemoProject } from './create-project.js';
export { demoSummary, type DemoSummary } from './summary.js';
export { placeDemo } from './place.js';
