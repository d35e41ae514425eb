export { openProject, withProject, type Project } from './open.js';
export { initProject } from './init.js';
