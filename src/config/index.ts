export { PROJECT_FILE, findProjectDir, loadProject, type ProjectConfig, type SectionKey } from './load.js';
export { projectTemplate } from './template.js';
export { didYouMean } from './did-you-mean.js';
export { isDuration, parseDuration } from './duration.js';
export { parseSize, SIZE_UNITS } from './size.js';
export { cronProblem, scheduleCron } from './cron.js';
export { setCatalogUri, setStorage } from './edit.js';
export { DEFAULT_LAYERS, LAYER_PROPERTY, LAYER_ROLES, layersOf, type LayerRole, type Layers } from './layers.js';
