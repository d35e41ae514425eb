/**
 * Scalar functions that let DuckDB compute bucket and decimal-truncate partition values with
 * table/'s own transform code, so SQL-computed partitions match `applyTransform` exactly.
 */
import { BIGINT, BLOB, DuckDBBlobValue, DuckDBScalarFunction, INTEGER, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import { applyTransform, coerceLiteral, type DecimalValue, type PrimitiveType } from '../../table/index.js';
import type { Engine } from './duckdb.js';
import { decimalText } from './stat-values.js';

const registered = new WeakSet<Engine>();

/** Registers the `silt_*` transform functions on the engine's connection (once per engine). */
export function registerTransformFunctions(engine: Engine): void {
  if (registered.has(engine)) return;
  const add = (name: string, parameterTypes: DuckDBType[], returnType: DuckDBType, fn: (args: unknown[]) => unknown): void => {
    engine.connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name,
        parameterTypes,
        returnType,
        mainFunction: (info, input, output) => {
          try {
            const vectors = parameterTypes.map((_, i) => input.getColumnVector(i));
            for (let row = 0; row < input.rowCount; row++) {
              (output.setItem as (i: number, v: unknown) => void)(row, fn(vectors.map((v) => v.getItem(row))));
            }
            output.flush();
          } catch (e) {
            info.setError(e instanceof Error ? e.message : String(e));
          }
        },
      }),
    );
  };
  // Integers, dates, times and timestamps all hash as their 8-byte long value (spec Appendix B).
  add('silt_bucket_long', [BIGINT, INTEGER], INTEGER, ([v, n]) => applyTransform(`bucket[${n}]`, 'long', v));
  add('silt_bucket_text', [VARCHAR, INTEGER, VARCHAR], INTEGER, ([v, n, type]) => {
    const t = type as PrimitiveType;
    return applyTransform(`bucket[${n}]`, t, t === 'string' ? v : coerceLiteral(t, v as string));
  });
  add('silt_bucket_blob', [BLOB, INTEGER], INTEGER, ([v, n]) =>
    applyTransform(`bucket[${n}]`, 'binary', (v as DuckDBBlobValue).bytes),
  );
  add('silt_truncate_decimal', [VARCHAR, INTEGER, VARCHAR], VARCHAR, ([v, w, type]) => {
    const t = type as PrimitiveType;
    const out = applyTransform(`truncate[${w}]`, t, coerceLiteral(t, v as string)) as DecimalValue;
    return decimalText(out.unscaled, out.scale);
  });
  registered.add(engine);
}
