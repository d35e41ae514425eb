-- Revenue and order count per day, over orders that were not cancelled.
-- silt: materialized = incremental, partition_by = "month(order_date)", unique_key = order_date
-- silt: expect not_null(order_date), expect unique(order_date), expect range(revenue, 0, null)
-- silt: expect range(orders, 1, null), expect sql('customers <= orders') policy=warn
SELECT
  CAST(order_ts AS DATE) AS order_date,
  count(*) AS orders,
  count(DISTINCT customer_id) AS customers,
  sum(amount) AS revenue,
  CAST(avg(amount) AS DECIMAL(12, 2)) AS avg_order_value
FROM silver.orders
WHERE status <> 'cancelled'
GROUP BY 1
