import { DEMO_RULES } from './rules.js';

const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;

/** The pipeline sections of the demo's silt.yaml: five sources, five silver contracts, gold models. */
export function demoPipelineYaml(): string {
  const o = DEMO_RULES.orders;
  return `
# ---- the declared lakehouse (see \`silt plan\`) ----------------------------------------------

sources:                       # landing/<path> → bronze.<name>, partitioned by day of ingestion
  customers:  { path: customers/,  format: csv }
  orders:     { path: orders/,     format: csv }
  payments:   { path: payments/,   format: csv }
  sensors:    { path: sensors/,    format: ndjson }
  web_events: { path: web_events/, format: ndjson }

silver:                        # typed, standardized, deduplicated, validated; PII masked
  customers:
    source: bronze.customers
    key: customer_id
    columns:
      customer_id: { type: long, required: true }
      name:        { type: string, trim: true, pii: name, mask: partial }
      email:       { type: string, trim: true, case: lower, pii: email, mask: hash }
      phone:       { type: string, trim: true, pii: phone, mask: partial }
      country:     { type: string, trim: true, case: upper }
      city:        { type: string, trim: true }
      signup_date: { type: date }
      segment:     { type: string, trim: true, case: lower }
    expectations:
      - { rule: regex, column: email, pattern: '^[^@ ]+@[^@ ]+$', policy: warn }

  orders:
    source: bronze.orders
    key: order_id
    order_by: updated_at       # latest version of an order wins
    columns:
      order_id:    { type: long, required: true }
      customer_id: { type: long }
      order_ts:    { type: timestamp, formats: ['%Y-%m-%d %H:%M:%S', '%m/%d/%Y %H:%M'] }
      status:      { type: string, trim: true, case: lower }
      amount:      { type: 'decimal(12,2)' }
      currency:    { type: string, trim: true, case: upper }
      email:       { type: string, trim: true, case: lower, pii: email, mask: hash }
      phone:       { type: string, trim: true, pii: phone, mask: partial }
      updated_at:  { type: timestamp }
    expectations:
      - { rule: not_null, column: order_ts, policy: drop }
      - { rule: not_null, column: status, policy: drop }
      - { rule: allowed_values, column: status, values: ${list(o.statuses)}, policy: drop }
      - { rule: not_null, column: amount, policy: drop }
      - { rule: range, column: amount, min: ${o.amount.min}, max: ${o.amount.max}, policy: drop }
      - { rule: references, column: customer_id, table: silver.customers, to: customer_id, policy: drop }

  payments:
    source: bronze.payments
    key: payment_id
    columns:
      payment_id:  { type: long, required: true }
      order_id:    { type: long }
      paid_at:     { type: timestamptz }
      method:      { type: string, trim: true, case: lower }
      amount:      { type: 'decimal(12,2)' }
      card_number: { type: string, pii: card_number, mask: partial }
    expectations:
      - { rule: not_null, column: method, policy: drop }
      - { rule: allowed_values, column: method, values: ${list(DEMO_RULES.payments.methods)}, policy: drop }
      - { rule: not_null, column: amount, policy: drop }
      - { rule: references, column: order_id, table: silver.orders, to: order_id, policy: drop }

  sensor_readings:
    source: bronze.sensors
    key: [device_id, ts]
    columns:
      device_id:    { type: string, required: true }
      ts:           { type: timestamptz, required: true }
      temperature:  { type: double }
      humidity:     { type: double }
      battery:      { type: double }
      location_lat: { type: double }
      location_lon: { type: double }
    expectations:
      - { rule: range, column: temperature, min: ${DEMO_RULES.sensors.temperature.min}, max: ${DEMO_RULES.sensors.temperature.max}, policy: drop }

  web_events:
    source: bronze.web_events
    key: event_id
    columns:
      event_id:    { type: string, required: true }
      session_id:  { type: string }
      customer_id: { type: long }
      event_type:  { type: string, trim: true, case: lower }
      url:         { type: string }
      ts:          { type: timestamptz }
      user_agent:  { type: string }
    expectations:
      - { rule: not_null, column: event_type, policy: drop }
      - { rule: allowed_values, column: event_type, values: ${list(DEMO_RULES.webEvents.eventTypes)}, policy: drop }
      - { rule: references, column: customer_id, table: silver.customers, to: customer_id, policy: drop }

gold:
  models: models               # SQL files; each becomes gold.<file name>
`;
}
