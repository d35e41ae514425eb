/**
 * What the generator knows it wrote. Every data line of a source is exactly one of: a clean
 * record (the latest version of a key that passes every check), an older superseded version, an
 * exact duplicate line, a malformed line, or a rejected row with one defect. So, per source:
 *
 *   lines = cleanRecords + supersededVersions + duplicateLines + malformedLines + rejectedRows
 *
 * and rejectedRows is the sum of that source's defect counters. "Quirk" counters (odd formats,
 * null tokens, non-canonical e-mails, gaps) describe values a contract should standardize; those
 * rows are still clean. Defects and quirks are never put into duplicated or superseded rows.
 */
export interface SourceTruth {
  files: number;
  /** Data lines written, excluding CSV headers. */
  lines: number;
  bytes: number;
  /** Distinct keys that should land in the silver table. */
  cleanRecords: number;
  /** Older versions of a key that a later line (later `updated_at`) replaces. */
  supersededVersions: number;
  /** Byte-identical repeats of an earlier line (the first copy is counted where it belongs). */
  duplicateLines: number;
  /** CSV: wrong number of columns. NDJSON: not valid JSON. */
  malformedLines: number;
  /** Well-formed rows a contract should quarantine; the sum of the source's defect counters. */
  rejectedRows: number;
}

export interface CustomersTruth extends SourceTruth {
  /** Quirk: e-mails with uppercase letters or surrounding whitespace. */
  nonCanonicalEmails: number;
  /** Quirk: cells in phone, city or segment holding '', 'N/A' or 'null'. */
  nullTokens: number;
}

export interface OrdersTruth extends SourceTruth {
  /** Defect: status not one of placed/shipped/delivered/cancelled/returned even after trim+lowercase. */
  invalidStatuses: number;
  /** Defect: order_ts that is no date at all ('2026-13-45', 'yesterday', ...). */
  malformedDates: number;
  /** Defect: amount '' or 'null'. */
  nullAmounts: number;
  /** Defect: amount negative or at least 1,000,000 (valid amounts are 0 < amount < 100,000). */
  outOfRangeAmounts: number;
  /** Defect: customer_id that no customer has. */
  unknownCustomerRefs: number;
  /** Quirk: status that is valid after trim+lowercase ('SHIPPED ', 'Delivered'). */
  statusNeedsNormalization: number;
  /** Quirk: order_ts as 'MM/DD/YYYY HH:MM' instead of 'YYYY-MM-DD HH:MM:SS'. */
  usFormatDates: number;
}

export interface PaymentsTruth extends SourceTruth {
  /** Defect: order_id that no order has. */
  unknownOrderRefs: number;
  /** Defect: method not one of card/paypal/bank_transfer/gift_card. */
  invalidMethods: number;
  /** Defect: amount '' or 'null'. */
  nullAmounts: number;
  /** PII present: non-empty card_number cells (card payments only). */
  cardNumbers: number;
}

export interface SensorsTruth extends SourceTruth {
  devices: number;
  /** Defect: temperature 999 or -273 (the sensor's valid range is -40..85). */
  outlierReadings: number;
  /** Quirk: readings with humidity, battery or location absent. */
  missingFields: number;
  /** Quirk: readings with humidity, battery or location null. */
  nullFields: number;
}

export interface WebEventsTruth extends SourceTruth {
  /** Defect: event_type not one of page_view/add_to_cart/checkout/purchase. */
  invalidEventTypes: number;
  /** Defect: customer_id that no customer has. */
  unknownCustomerRefs: number;
  /** Clean events without a customer (customer_id null). */
  anonymousEvents: number;
}

export interface DemoTruth {
  version: 1;
  seed: number;
  rows: number;
  /** The event-time window, ISO instants; end exclusive. */
  window: { start: string; end: string };
  customers: CustomersTruth;
  orders: OrdersTruth;
  payments: PaymentsTruth;
  sensors: SensorsTruth;
  webEvents: WebEventsTruth;
}

export function emptySource(): SourceTruth {
  return {
    files: 0, lines: 0, bytes: 0, cleanRecords: 0, supersededVersions: 0, duplicateLines: 0,
    malformedLines: 0, rejectedRows: 0,
  };
}
