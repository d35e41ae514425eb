export { openProject, withProject, type OpenOptions, type Project } from './open.js';
export { initProject } from './init.js';
export { readServerFile, removeServerFile, writeServerFile, type ServerFile } from './server-file.js';
export { moveCatalog, type MovedCatalog } from './move-catalog.js';
export { rotateMasterKey, type RotatedKey } from './rotate-keys.js';
export { MASTER_KEY_VARIABLE } from './encryption-section.js';
