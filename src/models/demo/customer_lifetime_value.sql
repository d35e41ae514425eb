-- One row per customer: orders, payments and lifetime value (paid amounts of orders that were kept).
-- silt: materialized = table
-- silt: expect not_null(customer_id), expect unique(customer_id)
-- silt: expect range(orders, 0, null), expect range(lifetime_value, 0, null)
-- silt: expect sql('first_order_date IS NULL OR first_order_date <= last_order_date')
WITH order_totals AS (
  SELECT
    customer_id,
    count(*) AS orders,
    count(*) FILTER (WHERE status IN ('cancelled', 'returned')) AS orders_cancelled_or_returned,
    min(CAST(order_ts AS DATE)) AS first_order_date,
    max(CAST(order_ts AS DATE)) AS last_order_date
  FROM silver.orders
  GROUP BY customer_id
),
paid AS (
  SELECT o.customer_id, sum(p.amount) AS paid_amount
  FROM silver.payments AS p
  JOIN silver.orders AS o ON o.order_id = p.order_id
  WHERE o.status NOT IN ('cancelled', 'returned')
  GROUP BY o.customer_id
)
SELECT
  c.customer_id,
  c.name,
  c.country,
  c.segment,
  c.signup_date,
  coalesce(t.orders, 0) AS orders,
  coalesce(t.orders_cancelled_or_returned, 0) AS orders_cancelled_or_returned,
  t.first_order_date,
  t.last_order_date,
  coalesce(paid.paid_amount, 0) AS lifetime_value,
  CAST(coalesce(paid.paid_amount, 0) / nullif(t.orders - t.orders_cancelled_or_returned, 0) AS DECIMAL(12, 2)) AS avg_order_value
FROM silver.customers AS c
LEFT JOIN order_totals AS t ON t.customer_id = c.customer_id
LEFT JOIN paid ON paid.customer_id = c.customer_id
