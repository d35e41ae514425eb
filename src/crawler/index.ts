export { crawl, DEFAULT_NAMESPACE, type CrawlOptions, type CrawlTarget, type CrawlReport } from './crawl.js';
export type { CrawledTable } from './crawl-table.js';
export type { SkippedPath } from './discover.js';
