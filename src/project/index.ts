export { openProject, withProject, type OpenOptions, type Project } from './open.js';
export { initProject } from './init.js';
export { readServerFile, removeServerFile, writeServerFile, type ServerFile } from './server-file.js';
export { moveCatalog, type MovedCatalog } from './move-catalog.js';
