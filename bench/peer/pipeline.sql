-- The demo's bronze → silver → gold work written by hand in DuckDB SQL: the peer of `silt run`.
-- Same rules as the demo's silt.yaml (src/demo/demo-config.ts) and the four models of
-- src/models/demo/. {{LANDING}}, {{OUT}}, {{SECRET}} and {{RUN_ID}} are filled in by
-- pipeline-duckdb.ts; each `-- stage:` line starts a timed stage. Statements end with `;` at a
-- line end. Not done by hand (Silt does it): exact physical line numbers of CSV records.

-- stage: bronze
-- Ingest: every landing file as read (CSV as text), plus the ingestion columns; malformed lines to rejects
-- (reject tables of their own per source; DuckDB may report several errors for one line: one reject per line).
CREATE MACRO csv_bronze(src, errors, scans) AS TABLE
  SELECT * EXCLUDE (filename), now() AS _ingested_at, filename AS _source_file, '{{RUN_ID}}' AS _batch_id
  FROM read_csv(src, header = true, all_varchar = true, filename = true, ignore_errors = true, store_rejects = true,
    rejects_table = errors, rejects_scan = scans);
COPY (FROM csv_bronze('{{LANDING}}/customers/*.csv', 'customers_errors', 'customers_scans')) TO '{{OUT}}/bronze/customers/data.parquet' (FORMAT parquet);
COPY (SELECT DISTINCT ON (s.file_path, e.line) s.file_path AS file, e.line, e.error_message AS error, e.csv_line AS raw
  FROM customers_errors e JOIN customers_scans s USING (scan_id, file_id))
  TO '{{OUT}}/bronze/customers_rejects/data.parquet' (FORMAT parquet);
COPY (FROM csv_bronze('{{LANDING}}/orders/*.csv', 'orders_errors', 'orders_scans')) TO '{{OUT}}/bronze/orders/data.parquet' (FORMAT parquet);
COPY (SELECT DISTINCT ON (s.file_path, e.line) s.file_path AS file, e.line, e.error_message AS error, e.csv_line AS raw
  FROM orders_errors e JOIN orders_scans s USING (scan_id, file_id))
  TO '{{OUT}}/bronze/orders_rejects/data.parquet' (FORMAT parquet);
COPY (FROM csv_bronze('{{LANDING}}/payments/*.csv', 'payments_errors', 'payments_scans')) TO '{{OUT}}/bronze/payments/data.parquet' (FORMAT parquet);
COPY (SELECT DISTINCT ON (s.file_path, e.line) s.file_path AS file, e.line, e.error_message AS error, e.csv_line AS raw
  FROM payments_errors e JOIN payments_scans s USING (scan_id, file_id))
  TO '{{OUT}}/bronze/payments_rejects/data.parquet' (FORMAT parquet);

-- NDJSON: read lines as text; valid JSON objects are parsed to the source's structure, the rest are rejects.
CREATE MACRO ndjson_lines(src) AS TABLE
  SELECT filename AS _source_file, line
  FROM read_csv(src, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = chr(0), quote = '', escape = '', filename = true);
COPY (
  SELECT unnest(json_transform(line, '{"device_id":"VARCHAR","ts":"VARCHAR","temperature":"DOUBLE","humidity":"DOUBLE","battery":"BIGINT","location":{"lat":"DOUBLE","lon":"DOUBLE"}}')),
    now() AS _ingested_at, _source_file, '{{RUN_ID}}' AS _batch_id
  FROM ndjson_lines('{{LANDING}}/sensors/*.ndjson') WHERE json_valid(line)
) TO '{{OUT}}/bronze/sensors/data.parquet' (FORMAT parquet);
COPY (SELECT _source_file AS file, 'malformed JSON' AS error, line AS raw FROM ndjson_lines('{{LANDING}}/sensors/*.ndjson') WHERE NOT json_valid(line))
  TO '{{OUT}}/bronze/sensors_rejects/data.parquet' (FORMAT parquet);
COPY (
  SELECT unnest(json_transform(line, '{"event_id":"VARCHAR","session_id":"VARCHAR","customer_id":"BIGINT","event_type":"VARCHAR","url":"VARCHAR","ts":"VARCHAR","user_agent":"VARCHAR","properties":{"page":"VARCHAR","referrer":"VARCHAR","duration_ms":"BIGINT","sku":"VARCHAR","qty":"BIGINT","price":"DOUBLE","items":"BIGINT","cart_value":"DOUBLE","revenue":"DOUBLE","currency":"VARCHAR"}}')),
    now() AS _ingested_at, _source_file, '{{RUN_ID}}' AS _batch_id
  FROM ndjson_lines('{{LANDING}}/web_events/*.ndjson') WHERE json_valid(line)
) TO '{{OUT}}/bronze/web_events/data.parquet' (FORMAT parquet);
COPY (SELECT _source_file AS file, 'malformed JSON' AS error, line AS raw FROM ndjson_lines('{{LANDING}}/web_events/*.ndjson') WHERE NOT json_valid(line))
  TO '{{OUT}}/bronze/web_events_rejects/data.parquet' (FORMAT parquet);

-- stage: silver
-- Standardization: null tokens compare against the trimmed text; `s` also trims.
CREATE MACRO n(v) AS CASE WHEN trim(v) IN ('', 'N/A', 'null', 'NULL', 'none', '-') THEN NULL ELSE v END;
CREATE MACRO s(v) AS n(trim(v));
CREATE MACRO mask_hash(v) AS sha256('{{SECRET}}' || v);
CREATE MACRO mask_last4(v) AS CASE WHEN v IS NULL THEN NULL WHEN length(v) > 4 THEN '***' || right(v, 4) ELSE '***' END;
CREATE MACRO mask_name(v) AS CASE WHEN v IS NULL THEN NULL
  ELSE array_to_string(list_transform(list_filter(string_split(v, ' '), w -> w <> ''), w -> left(w, 1) || '***'), ' ') END;
-- Quarantine rows: the first failing rule, every reason, and the raw row (PII masked) as JSON.
CREATE MACRO quarantine_of(rel) AS TABLE
  SELECT '{{RUN_ID}}' AS run_id, reasons[1].rule AS rule, reasons[1].col AS "column",
    array_to_string(list_transform(reasons, r -> r.reason), '; ') AS reason, original,
    _source_file, _ingested_at, now() AS quarantined_at
  FROM query_table(rel) WHERE len(reasons) > 0;

-- silver.customers
CREATE TEMP TABLE customers_checked AS
SELECT * EXCLUDE (raw), CASE WHEN len(reasons) > 0 THEN to_json({customer_id: raw.customer_id, name: mask_name(s(raw.name)), email: mask_hash(lower(s(raw.email))), phone: mask_last4(s(raw.phone)),
      country: raw.country, city: raw.city, signup_date: raw.signup_date, segment: raw.segment})::VARCHAR END AS original
FROM (SELECT *, list_filter([
    CASE WHEN n_customer_id IS NOT NULL AND customer_id IS NULL THEN {rule: 'type', col: 'customer_id', reason: 'customer_id: cannot read ' || n_customer_id || ' as long'} END,
    CASE WHEN n_signup_date IS NOT NULL AND signup_date IS NULL THEN {rule: 'type', col: 'signup_date', reason: 'signup_date: cannot read ' || n_signup_date || ' as date'} END,
    CASE WHEN customer_id IS NULL THEN {rule: 'required', col: 'customer_id', reason: 'customer_id: key value is missing'} END
  ], r -> r IS NOT NULL) AS reasons
FROM (
  SELECT n_customer_id, TRY_CAST(n_customer_id AS BIGINT) AS customer_id, s(name) AS name, lower(s(email)) AS email, s(phone) AS phone,
    upper(s(country)) AS country, s(city) AS city, n_signup_date, TRY_CAST(n_signup_date AS DATE) AS signup_date, lower(s(segment)) AS segment,
    _ingested_at, _source_file, _batch_id, b AS raw
  FROM (SELECT *, s(customer_id) AS n_customer_id, s(signup_date) AS n_signup_date FROM read_parquet('{{OUT}}/bronze/customers/*.parquet')) b
));
COPY (
  SELECT customer_id, mask_name(name) AS name, mask_hash(email) AS email, mask_last4(phone) AS phone, country, city, signup_date, segment,
    _ingested_at, _source_file, _batch_id
  FROM customers_checked WHERE len(reasons) = 0
  QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY _ingested_at DESC, _source_file DESC) = 1
) TO '{{OUT}}/silver/customers/data.parquet' (FORMAT parquet);
COPY (FROM quarantine_of(customers_checked)) TO '{{OUT}}/silver/customers_quarantine/data.parquet' (FORMAT parquet);
-- expectation (warn): e-mails that do not look like one
SELECT count(*) AS failing FROM customers_checked WHERE len(reasons) = 0 AND NOT regexp_matches(email, '^[^@ ]+@[^@ ]+$');
DROP TABLE customers_checked;

-- silver.orders
CREATE TEMP TABLE orders_checked AS
SELECT * EXCLUDE (raw), CASE WHEN len(reasons) > 0 THEN to_json({order_id: raw.order_id, customer_id: raw.customer_id, order_ts: raw.order_ts, status: raw.status, amount: raw.amount, currency: raw.currency,
      email: mask_hash(lower(s(raw.email))), phone: mask_last4(s(raw.phone)), updated_at: raw.updated_at})::VARCHAR END AS original
FROM (SELECT *, list_filter([
    CASE WHEN n_order_id IS NOT NULL AND order_id IS NULL THEN {rule: 'type', col: 'order_id', reason: 'order_id: cannot read ' || n_order_id || ' as long'} END,
    CASE WHEN n_customer_id IS NOT NULL AND customer_id IS NULL THEN {rule: 'type', col: 'customer_id', reason: 'customer_id: cannot read ' || n_customer_id || ' as long'} END,
    CASE WHEN n_order_ts IS NOT NULL AND order_ts IS NULL THEN {rule: 'type', col: 'order_ts', reason: 'order_ts: cannot read ' || n_order_ts || ' as timestamp'} END,
    CASE WHEN n_amount IS NOT NULL AND amount IS NULL THEN {rule: 'type', col: 'amount', reason: 'amount: cannot read ' || n_amount || ' as decimal(12, 2)'} END,
    CASE WHEN n_updated_at IS NOT NULL AND updated_at IS NULL THEN {rule: 'type', col: 'updated_at', reason: 'updated_at: cannot read ' || n_updated_at || ' as timestamp'} END,
    CASE WHEN order_id IS NULL THEN {rule: 'required', col: 'order_id', reason: 'order_id: key value is missing'} END,
    CASE WHEN order_ts IS NULL THEN {rule: 'not_null', col: 'order_ts', reason: 'order_ts: value is missing'} END,
    CASE WHEN status IS NULL THEN {rule: 'not_null', col: 'status', reason: 'status: value is missing'} END,
    CASE WHEN status NOT IN ('placed', 'shipped', 'delivered', 'cancelled', 'returned') THEN {rule: 'allowed_values', col: 'status', reason: 'status: ' || status || ' is not one of placed, shipped, delivered, cancelled, returned'} END,
    CASE WHEN amount IS NULL THEN {rule: 'not_null', col: 'amount', reason: 'amount: value is missing'} END,
    CASE WHEN amount < 0 OR amount > 100000 THEN {rule: 'range', col: 'amount', reason: 'amount: ' || amount || ' is out of range 0..100000'} END,
    CASE WHEN customer_id NOT IN (SELECT customer_id FROM read_parquet('{{OUT}}/silver/customers/*.parquet')) THEN {rule: 'references', col: 'customer_id', reason: 'customer_id: ' || customer_id || ' not found in silver.customers.customer_id'} END
  ], r -> r IS NOT NULL) AS reasons
FROM (
  SELECT n_order_id, TRY_CAST(n_order_id AS BIGINT) AS order_id, n_customer_id, TRY_CAST(n_customer_id AS BIGINT) AS customer_id,
    n_order_ts, COALESCE(try_strptime(n_order_ts, '%Y-%m-%d %H:%M:%S'), try_strptime(n_order_ts, '%m/%d/%Y %H:%M')) AS order_ts,
    lower(s(status)) AS status, n_amount, TRY_CAST(n_amount AS DECIMAL(12, 2)) AS amount, upper(s(currency)) AS currency,
    lower(s(email)) AS email, s(phone) AS phone, n_updated_at, TRY_CAST(n_updated_at AS TIMESTAMP) AS updated_at,
    _ingested_at, _source_file, _batch_id, b AS raw
  FROM (SELECT *, s(order_id) AS n_order_id, s(customer_id) AS n_customer_id, s(order_ts) AS n_order_ts, s(amount) AS n_amount, s(updated_at) AS n_updated_at
        FROM read_parquet('{{OUT}}/bronze/orders/*.parquet')) b
));
COPY (
  SELECT order_id, customer_id, order_ts, status, amount, currency, mask_hash(email) AS email, mask_last4(phone) AS phone, updated_at,
    _ingested_at, _source_file, _batch_id
  FROM orders_checked WHERE len(reasons) = 0
  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC NULLS LAST, _ingested_at DESC, _source_file DESC) = 1
) TO '{{OUT}}/silver/orders/data.parquet' (FORMAT parquet);
COPY (FROM quarantine_of(orders_checked)) TO '{{OUT}}/silver/orders_quarantine/data.parquet' (FORMAT parquet);
DROP TABLE orders_checked;

-- silver.payments
CREATE TEMP TABLE payments_checked AS
SELECT * EXCLUDE (raw), CASE WHEN len(reasons) > 0 THEN to_json({payment_id: raw.payment_id, order_id: raw.order_id, paid_at: raw.paid_at, method: raw.method, amount: raw.amount,
      card_number: mask_last4(n(raw.card_number))})::VARCHAR END AS original
FROM (SELECT *, list_filter([
    CASE WHEN n_payment_id IS NOT NULL AND payment_id IS NULL THEN {rule: 'type', col: 'payment_id', reason: 'payment_id: cannot read ' || n_payment_id || ' as long'} END,
    CASE WHEN n_order_id IS NOT NULL AND order_id IS NULL THEN {rule: 'type', col: 'order_id', reason: 'order_id: cannot read ' || n_order_id || ' as long'} END,
    CASE WHEN n_paid_at IS NOT NULL AND paid_at IS NULL THEN {rule: 'type', col: 'paid_at', reason: 'paid_at: cannot read ' || n_paid_at || ' as timestamptz'} END,
    CASE WHEN n_amount IS NOT NULL AND amount IS NULL THEN {rule: 'type', col: 'amount', reason: 'amount: cannot read ' || n_amount || ' as decimal(12, 2)'} END,
    CASE WHEN payment_id IS NULL THEN {rule: 'required', col: 'payment_id', reason: 'payment_id: key value is missing'} END,
    CASE WHEN method IS NULL THEN {rule: 'not_null', col: 'method', reason: 'method: value is missing'} END,
    CASE WHEN method NOT IN ('card', 'paypal', 'bank_transfer', 'gift_card') THEN {rule: 'allowed_values', col: 'method', reason: 'method: ' || method || ' is not one of card, paypal, bank_transfer, gift_card'} END,
    CASE WHEN amount IS NULL THEN {rule: 'not_null', col: 'amount', reason: 'amount: value is missing'} END,
    CASE WHEN order_id NOT IN (SELECT order_id FROM read_parquet('{{OUT}}/silver/orders/*.parquet')) THEN {rule: 'references', col: 'order_id', reason: 'order_id: ' || order_id || ' not found in silver.orders.order_id'} END
  ], r -> r IS NOT NULL) AS reasons
FROM (
  SELECT n_payment_id, TRY_CAST(n_payment_id AS BIGINT) AS payment_id, n_order_id, TRY_CAST(n_order_id AS BIGINT) AS order_id,
    n_paid_at, TRY_CAST(n_paid_at AS TIMESTAMPTZ) AS paid_at, lower(s(method)) AS method, n_amount, TRY_CAST(n_amount AS DECIMAL(12, 2)) AS amount,
    n(card_number) AS card_number, _ingested_at, _source_file, _batch_id, b AS raw
  FROM (SELECT *, s(payment_id) AS n_payment_id, s(order_id) AS n_order_id, s(paid_at) AS n_paid_at, s(amount) AS n_amount
        FROM read_parquet('{{OUT}}/bronze/payments/*.parquet')) b
));
COPY (
  SELECT payment_id, order_id, paid_at, method, amount, mask_last4(card_number) AS card_number, _ingested_at, _source_file, _batch_id
  FROM payments_checked WHERE len(reasons) = 0
  QUALIFY row_number() OVER (PARTITION BY payment_id ORDER BY _ingested_at DESC, _source_file DESC) = 1
) TO '{{OUT}}/silver/payments/data.parquet' (FORMAT parquet);
COPY (FROM quarantine_of(payments_checked)) TO '{{OUT}}/silver/payments_quarantine/data.parquet' (FORMAT parquet);
DROP TABLE payments_checked;

-- silver.sensor_readings (location flattened)
CREATE TEMP TABLE sensors_checked AS
SELECT * EXCLUDE (raw), CASE WHEN len(reasons) > 0 THEN to_json({device_id: raw.device_id, ts: raw.ts, temperature: raw.temperature, humidity: raw.humidity, battery: raw.battery,
      location_lat: raw.location.lat, location_lon: raw.location.lon})::VARCHAR END AS original
FROM (SELECT *, list_filter([
    CASE WHEN n_ts IS NOT NULL AND ts IS NULL THEN {rule: 'type', col: 'ts', reason: 'ts: cannot read ' || n_ts || ' as timestamptz'} END,
    CASE WHEN device_id IS NULL THEN {rule: 'required', col: 'device_id', reason: 'device_id: key value is missing'} END,
    CASE WHEN ts IS NULL THEN {rule: 'required', col: 'ts', reason: 'ts: key value is missing'} END,
    CASE WHEN temperature < -40 OR temperature > 85 THEN {rule: 'range', col: 'temperature', reason: 'temperature: ' || temperature || ' is out of range -40..85'} END
  ], r -> r IS NOT NULL) AS reasons
FROM (
  SELECT n(device_id) AS device_id, n_ts, TRY_CAST(n_ts AS TIMESTAMPTZ) AS ts, temperature, humidity, CAST(battery AS DOUBLE) AS battery,
    location.lat AS location_lat, location.lon AS location_lon, _ingested_at, _source_file, _batch_id, b AS raw
  FROM (SELECT *, s(ts) AS n_ts FROM read_parquet('{{OUT}}/bronze/sensors/*.parquet')) b
));
COPY (
  SELECT device_id, ts, temperature, humidity, battery, location_lat, location_lon, _ingested_at, _source_file, _batch_id
  FROM sensors_checked WHERE len(reasons) = 0
  QUALIFY row_number() OVER (PARTITION BY device_id, ts ORDER BY _ingested_at DESC, _source_file DESC) = 1
) TO '{{OUT}}/silver/sensor_readings/data.parquet' (FORMAT parquet);
COPY (FROM quarantine_of(sensors_checked)) TO '{{OUT}}/silver/sensor_readings_quarantine/data.parquet' (FORMAT parquet);
DROP TABLE sensors_checked;

-- silver.web_events
CREATE TEMP TABLE web_events_checked AS
SELECT * EXCLUDE (raw), CASE WHEN len(reasons) > 0 THEN to_json({event_id: raw.event_id, session_id: raw.session_id, customer_id: raw.customer_id, event_type: raw.event_type, url: raw.url,
      ts: raw.ts, user_agent: raw.user_agent, properties: raw.properties})::VARCHAR END AS original
FROM (SELECT *, list_filter([
    CASE WHEN n_ts IS NOT NULL AND ts IS NULL THEN {rule: 'type', col: 'ts', reason: 'ts: cannot read ' || n_ts || ' as timestamptz'} END,
    CASE WHEN event_id IS NULL THEN {rule: 'required', col: 'event_id', reason: 'event_id: key value is missing'} END,
    CASE WHEN event_type IS NULL THEN {rule: 'not_null', col: 'event_type', reason: 'event_type: value is missing'} END,
    CASE WHEN event_type NOT IN ('page_view', 'add_to_cart', 'checkout', 'purchase') THEN {rule: 'allowed_values', col: 'event_type', reason: 'event_type: ' || event_type || ' is not one of page_view, add_to_cart, checkout, purchase'} END,
    CASE WHEN customer_id NOT IN (SELECT customer_id FROM read_parquet('{{OUT}}/silver/customers/*.parquet')) THEN {rule: 'references', col: 'customer_id', reason: 'customer_id: ' || customer_id || ' not found in silver.customers.customer_id'} END
  ], r -> r IS NOT NULL) AS reasons
FROM (
  SELECT n(event_id) AS event_id, n(session_id) AS session_id, customer_id, lower(s(event_type)) AS event_type, n(url) AS url,
    n_ts, TRY_CAST(n_ts AS TIMESTAMPTZ) AS ts, n(user_agent) AS user_agent, _ingested_at, _source_file, _batch_id, b AS raw
  FROM (SELECT *, s(ts) AS n_ts FROM read_parquet('{{OUT}}/bronze/web_events/*.parquet')) b
));
COPY (
  SELECT event_id, session_id, customer_id, event_type, url, ts, user_agent, _ingested_at, _source_file, _batch_id
  FROM web_events_checked WHERE len(reasons) = 0
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY _ingested_at DESC, _source_file DESC) = 1
) TO '{{OUT}}/silver/web_events/data.parquet' (FORMAT parquet);
COPY (FROM quarantine_of(web_events_checked)) TO '{{OUT}}/silver/web_events_quarantine/data.parquet' (FORMAT parquet);
DROP TABLE web_events_checked;

-- stage: gold
-- The four demo models as they are, over the silver Parquet files.
CREATE SCHEMA silver;
CREATE VIEW silver.customers AS FROM read_parquet('{{OUT}}/silver/customers/*.parquet');
CREATE VIEW silver.orders AS FROM read_parquet('{{OUT}}/silver/orders/*.parquet');
CREATE VIEW silver.payments AS FROM read_parquet('{{OUT}}/silver/payments/*.parquet');
CREATE VIEW silver.sensor_readings AS FROM read_parquet('{{OUT}}/silver/sensor_readings/*.parquet');
{{GOLD_MODELS}}
-- The models' expectations, counted over the written tables.
SELECT count(*) FILTER (WHERE customer_id IS NULL) + count(*) - count(DISTINCT customer_id) + count(*) FILTER (WHERE orders < 0 OR lifetime_value < 0)
  + count(*) FILTER (WHERE NOT (first_order_date IS NULL OR first_order_date <= last_order_date)) AS failing
FROM read_parquet('{{OUT}}/gold/customer_lifetime_value/*.parquet');
SELECT count(*) FILTER (WHERE order_date IS NULL) + count(*) - count(DISTINCT order_date) + count(*) FILTER (WHERE revenue < 0 OR orders < 1)
  + count(*) FILTER (WHERE customers > orders) AS failing
FROM read_parquet('{{OUT}}/gold/daily_sales/*.parquet');
SELECT count(*) FILTER (WHERE order_date IS NULL OR status IS NULL OR orders < 1 OR amount < 0
  OR status NOT IN ('placed', 'shipped', 'delivered', 'cancelled', 'returned')) AS failing
FROM read_parquet('{{OUT}}/gold/orders_by_status/*.parquet');
SELECT count(*) FILTER (WHERE device_id IS NULL OR hour IS NULL OR readings < 1 OR avg_temperature < -40 OR avg_temperature > 85
  OR min_battery < 0 OR min_battery > 100) AS failing
FROM read_parquet('{{OUT}}/gold/sensor_hourly_summary/*.parquet');
