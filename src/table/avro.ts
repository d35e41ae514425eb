import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type avro from 'avsc';
// Loads in half the time of the full package, and every command that reads a table needs it.
import avroTypes from 'avsc/etc/browser/avsc-types.js';
import { InvalidInput } from '../errors.js';
import { buf as toBuffer, compareBytes, concatBytes, u8 } from './bytes.js';

/**
 * A small Avro object-container writer and reader over avsc's record codec. We write the
 * container ourselves so the header carries the schema JSON exactly as given: avsc would
 * re-export it and drop the `field-id`, `element-id` and `logicalType: map` attributes that
 * Iceberg readers resolve columns by. Longs are bigints (snapshot ids exceed 2^53).
 */

export type AvroSchema = string | readonly AvroSchema[] | { readonly [key: string]: unknown };

const BigLong = avroTypes.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: (n: unknown) => BigInt(n as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isSafeInteger(n)),
  compare: (a: bigint, b: bigint) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0),
});

const LONG = avroTypes.Type.forSchema('long');
const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const HEADER = avroTypes.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const RECORDS_PER_BLOCK = 4096;

/** Types made from schemas, by the schema's text: a table's files share a few schemas, and making a type costs more than decoding a small file. */
const TYPES = new Map<string, avro.Type>();
const TYPES_LIMIT = 256;

function typeOf(schema: AvroSchema, text = JSON.stringify(schema)): avro.Type {
  let type = TYPES.get(text);
  if (!type) {
    type = avroTypes.Type.forSchema(schema as avro.Schema, {
      typeHook: (s: avro.Schema) =>
        s === 'long' || (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'long') ? BigLong : undefined,
    });
    if (TYPES.size >= TYPES_LIMIT) TYPES.delete(TYPES.keys().next().value as string);
    TYPES.set(text, type);
  }
  return type;
}

/** Encodes records into an Avro container file with the deflate codec. */
export function writeAvro(schema: AvroSchema, records: readonly unknown[], meta: Record<string, string>): Uint8Array {
  const type = typeOf(schema);
  const sync = randomBytes(16);
  const metaBytes: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema), 'utf8'),
    'avro.codec': Buffer.from('deflate', 'utf8'),
  };
  for (const [k, v] of Object.entries(meta)) metaBytes[k] = Buffer.from(v, 'utf8');
  const parts: Uint8Array[] = [u8(HEADER.toBuffer({ magic: MAGIC, meta: metaBytes, sync }))];
  for (let i = 0; i < records.length; i += RECORDS_PER_BLOCK) {
    const chunk = records.slice(i, i + RECORDS_PER_BLOCK);
    const data = deflateRawSync(concatBytes(chunk.map((r) => u8(type.toBuffer(r)))));
    parts.push(u8(LONG.toBuffer(chunk.length)), u8(LONG.toBuffer(data.length)), u8(data), u8(sync));
  }
  return concatBytes(parts);
}

/** Where an Avro container's header (magic, metadata, sync marker) ends; negative when truncated. */
export function avroHeaderEnd(bytes: Uint8Array): number {
  return HEADER.decode(toBuffer(bytes), 0).offset;
}

export interface AvroFile {
  /** The writer schema exactly as stored in the header. */
  schema: AvroSchema;
  meta: Record<string, string>;
  records: Record<string, unknown>[];
}

export function readAvro(bytes: Uint8Array, what: string): AvroFile {
  const buf = toBuffer(bytes);
  const fail = (why: string): never => {
    throw new InvalidInput(`avro: ${what}: ${why}`);
  };
  if (buf.length < 4 || compareBytes(u8(buf.subarray(0, 4)), u8(MAGIC)) !== 0) fail('not an Avro container file');
  const head = HEADER.decode(buf, 0);
  if (head.offset < 0) fail('truncated header');
  const header = head.value as { meta: Record<string, Buffer>; sync: Buffer };
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(header.meta)) meta[k] = v.toString('utf8');
  const codec = meta['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') fail(`codec ${codec} is not supported (null and deflate are)`);
  const text = meta['avro.schema'] ?? fail('no avro.schema in the header');
  const schema = JSON.parse(text) as AvroSchema;
  const type = typeOf(schema, text);
  const records: Record<string, unknown>[] = [];
  let pos = head.offset;
  while (pos < buf.length) {
    const count = LONG.decode(buf, pos);
    const size = count.offset < 0 ? count : LONG.decode(buf, count.offset);
    if (size.offset < 0) fail('truncated block header');
    const end = size.offset + Number(size.value);
    if (end + 16 > buf.length) fail('truncated block');
    const raw = buf.subarray(size.offset, end);
    const data = codec === 'deflate' ? inflateRawSync(u8(raw)) : raw;
    let at = 0;
    for (let i = 0; i < Number(count.value); i++) {
      const r = type.decode(data, at);
      if (r.offset < 0) fail('truncated record');
      records.push(r.value as Record<string, unknown>);
      at = r.offset;
    }
    if (compareBytes(u8(buf.subarray(end, end + 16)), u8(header.sync)) !== 0) fail('sync marker mismatch');
    pos = end + 16;
  }
  return { schema, meta, records };
}
