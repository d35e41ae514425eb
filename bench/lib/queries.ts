/** The full-table aggregate of the query bench, exactly as the issue states it. */
export const AGGREGATE = 'SELECT status, count(*), sum(amount), avg(qty), min(ts), max(ts) FROM bench.orders GROUP BY status';
