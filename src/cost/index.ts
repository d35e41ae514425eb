export { costReport, DAYS_PER_MONTH, GIB, MIB, TIB, type CostLine, type CostReport, type CostSection } from './report.js';
export { pricesSchema, projectPrices, type Prices } from './prices.js';
