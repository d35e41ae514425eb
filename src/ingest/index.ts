export { loadFiles, type LoadOptions, type LoadResult } from './load.js';
