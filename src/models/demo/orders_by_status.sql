-- Orders and amounts per day and status: the order funnel over time.
-- silt: materialized = incremental, incremental_by = order_date, partition_by = "month(order_date)"
-- silt: expect not_null(order_date), expect not_null(status)
-- silt: expect allowed_values(status, placed, shipped, delivered, cancelled, returned) policy=warn
-- silt: expect range(orders, 1, null), expect range(amount, 0, null)
SELECT
  CAST(order_ts AS DATE) AS order_date,
  status,
  count(*) AS orders,
  sum(amount) AS amount
FROM silver.orders
GROUP BY 1, 2
