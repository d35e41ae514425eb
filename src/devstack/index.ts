export { DEV_BUCKET, DEV_KEYS, devDown, devStatus, devUp, envLines, readStack, servicesDir, yamlLines, type DevStack } from './stack.js';
export { putTrinoCatalog } from './trino-catalog.js';
