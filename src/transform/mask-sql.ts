/**
 * PII masks as SQL over a text value; NULL stays NULL.
 * - redact: `***`
 * - hash: lowercase hex sha256(secret || value), so equal values still join
 * - partial: email keeps the first character and the domain (`j***@example.com`); phone, card
 *   number, national id and untagged values keep the last 4 characters (`***4567`); a name keeps
 *   each word's initial (`J*** S***`); an address keeps what follows its last comma (`***, Springfield`).
 */
import { quoteLiteral } from '../engine/index.js';
import type { ColumnSpec } from './contract-schema.js';

export function maskSql(value: string, spec: Pick<ColumnSpec, 'mask' | 'pii'>, secret: string): string {
  switch (spec.mask) {
    case undefined:
      return value;
    case 'redact':
      return `CASE WHEN ${value} IS NULL THEN NULL ELSE '***' END`;
    case 'hash':
      return `sha256(${quoteLiteral(secret)} || ${value})`;
    case 'partial':
      return `CASE WHEN ${value} IS NULL THEN NULL ELSE ${partial(value, spec.pii)} END`;
  }
}

function partial(v: string, pii: ColumnSpec['pii']): string {
  switch (pii) {
    case 'email':
      return `CASE WHEN regexp_matches(${v}, '^[^@]+@[^@]*$') THEN left(${v}, 1) || '***@' || regexp_extract(${v}, '@([^@]*)$', 1) ELSE '***' END`;
    case 'name':
      return `array_to_string(list_transform(list_filter(string_split(${v}, ' '), lambda __silt_w: __silt_w <> ''), lambda __silt_w: left(__silt_w, 1) || '***'), ' ')`;
    case 'address':
      return `CASE WHEN strpos(${v}, ',') > 0 THEN '***,' || regexp_extract(${v}, ',([^,]*)$', 1) ELSE '***' END`;
    default:
      return `CASE WHEN length(${v}) > 4 THEN '***' || right(${v}, 4) ELSE '***' END`;
  }
}

/**
 * The mask used where values are reported rather than stored (quarantine `original`, reasons,
 * samples): the column's own mask, or `redact` for a PII-tagged column stored unmasked.
 */
export function reportMask(spec: Pick<ColumnSpec, 'mask' | 'pii'>): Pick<ColumnSpec, 'mask' | 'pii'> {
  return { pii: spec.pii, mask: spec.mask ?? (spec.pii ? 'redact' : undefined) };
}
