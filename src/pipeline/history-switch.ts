/**
 * Switching a silver table's type-2 history on or off (`history:` in its contract). On is done in
 * place: each row a latest-wins table holds becomes its key's current version. Off, or a new key
 * or order_by for a table keeping history, changes what its rows mean: only a full refresh (a
 * rebuild from all the source's rows) does that.
 */
import { PROJECT_FILE } from '../config/index.js';
import { currentScan, quoteIdent, replaceRows, scanSql, type Engine } from '../engine/index.js';
import type { ObjectStore } from '../storage/index.js';
import { currentSchema, type IcebergTypeInput, type Table } from '../table/index.js';
import { HISTORY_COLUMNS, type SilverContract } from '../transform/index.js';

/** The declared contract a silver table was last built with (JSON), so `silt plan` can show rule changes. */
export const CONTRACT_PROPERTY = 'silt.contract';

/** The contract the table was last built or applied with, if recorded. */
export function builtWith(table: Table): SilverContract | undefined {
  const text = table.metadata.properties[CONTRACT_PROPERTY];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as SilverContract;
  } catch {
    return undefined;
  }
}

/** A change of history the table needs: `in_place` (switching it on) or `refresh` (only a full refresh does it). */
export interface HistorySwitch {
  kind: 'in_place' | 'refresh';
  detail: string;
}

export function historySwitch(name: string, table: Table, contract: SilverContract): HistorySwitch | undefined {
  const before = builtWith(table);
  const was = !!before?.history;
  const refresh = `rebuild it from all of ${contract.source} with \`silt run --full-refresh ${table.name}\``;
  if (!was && !contract.history) return undefined;
  if (!was) return { kind: 'in_place', detail: `history off → on: each row becomes the current version of its key, valid from its ${contract.order_by}` };
  if (!contract.history) return { kind: 'refresh', detail: `history on → off cannot be done in place (the table holds every version of each key); ${refresh}` };
  const by = (c: SilverContract): string => `key ${c.key?.join(', ')}, order_by ${c.order_by}`;
  if (by(before!) !== by(contract)) return { kind: 'refresh', detail: `history by ${by(before!)} → ${by(contract)} changes what a version is and cannot be done in place; ${refresh}` };
  return undefined;
}

/** The error a run meets when silt.yaml switched history and nothing converted the table yet. */
export function switchPending(id: string, contract: SilverContract, sw: HistorySwitch): string {
  return sw.kind === 'in_place'
    ? `${id}: ${PROJECT_FILE} switches history on; \`silt apply\` converts the table in place (each row becomes its key's current version), or \`silt run --full-refresh ${id}\` rebuilds it from all of ${contract.source}; nothing was committed`
    : `${id}: ${sw.detail}; nothing was committed`;
}

/** Iceberg type of the history columns: the order_by column's. */
export function versionType(table: Table | undefined, contract: SilverContract): IcebergTypeInput {
  const ob = contract.order_by!.toLowerCase();
  const field = table ? currentSchema(table.metadata).fields.find((f) => f.name.toLowerCase() === ob) : undefined;
  return (field?.type as IcebergTypeInput | undefined) ?? 'timestamptz';
}

/** Switches history on in place, in one overwrite commit that also records `properties`. */
export async function convertToHistory(engine: Engine, store: ObjectStore, table: Table, contract: SilverContract, properties: Record<string, string>): Promise<void> {
  const type = versionType(table, contract);
  await table.evolveSchema([
    { kind: 'add', name: 'valid_from', type },
    { kind: 'add', name: 'valid_to', type },
    { kind: 'add', name: 'is_current', type: 'boolean' },
  ]);
  const ob = quoteIdent(contract.order_by!);
  const values: Record<(typeof HISTORY_COLUMNS)[number], string> = { valid_from: ob, valid_to: `CASE WHEN FALSE THEN ${ob} END`, is_current: 'TRUE' };
  const cols = currentSchema(table.metadata).fields.map((f) => `${values[f.name as keyof typeof values] ?? quoteIdent(f.name)} AS ${quoteIdent(f.name)}`);
  const scan = await scanSql(currentScan(table.metadata, table.name, (await table.planFiles()).files), store);
  await replaceRows(engine, table, store, `SELECT ${cols.join(', ')} FROM (${scan})`, { properties, commitEmpty: true });
}
