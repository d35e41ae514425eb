export { PROJECT_FILE, findProjectDir, loadProject, type ProjectConfig } from './load.js';
export { projectTemplate } from './template.js';
export { didYouMean } from './did-you-mean.js';
