"""The demo's bronze -> silver -> gold work written by hand in Polars (peer of `silt run`).

Lazy API throughout: NDJSON read as lines (scan_csv) so malformed lines become rejects and the
rest are decoded with a declared structure; each layer sinks to Parquet and the next scans it.
Polars' CSV reader cannot set malformed rows aside (ragged lines either fail the read or are
padded/truncated silently), so CSV files are read by pyarrow's reader, which reports them.
"""
import csv
import datetime as _dt
import glob
import hashlib
import os

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from pipeline_common import (AMOUNT_RANGE, CSV_SOURCES, EVENT_TYPES, NULL_TOKENS, ORDER_STATUSES, ORDER_TS_FORMATS,
                             PAYMENT_METHODS, TEMPERATURE_RANGE, Stages, out_path, parse_args)

args = parse_args('Polars')
pa.set_cpu_count(args.threads)
NOW = pl.lit(_dt.datetime.now(_dt.timezone.utc)).alias('_ingested_at')
LINEAGE = ['_ingested_at', '_source_file', '_batch_id']
REJECTS = {'file': pl.String, 'line': pl.Int64, 'error': pl.String, 'raw': pl.String}


def sink(lf, layer, table):
    lf.sink_parquet(out_path(args.out, layer, table))


def scan(layer, table):
    return pl.scan_parquet(os.path.join(args.out, layer, table, '*.parquet'))


def read_csv_files(source):
    frames, rejects = [], []
    for path in sorted(glob.glob(os.path.join(args.landing, source, '*.csv'))):
        bad = []
        opts = pacsv.ParseOptions(invalid_row_handler=lambda row: bad.append(row) or 'skip')
        with open(path, encoding='utf-8', newline='') as f:
            names = next(csv.reader(f))
        table = pacsv.read_csv(path, parse_options=opts, convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}))
        frames.append(pl.from_arrow(table).lazy().with_columns(NOW, pl.lit(path).alias('_source_file'), pl.lit(args.run_id).alias('_batch_id')))
        rejects += [{'file': path, 'line': r.number, 'error': f'expected {r.expected_columns} columns, found {r.actual_columns}', 'raw': r.text} for r in bad]
    return pl.concat(frames), pl.DataFrame(rejects, schema=REJECTS)


SENSOR = pl.Struct({'device_id': pl.String, 'ts': pl.String, 'temperature': pl.Float64, 'humidity': pl.Float64, 'battery': pl.Int64,
                    'location': pl.Struct({'lat': pl.Float64, 'lon': pl.Float64})})
EVENT = pl.Struct({'event_id': pl.String, 'session_id': pl.String, 'customer_id': pl.Int64, 'event_type': pl.String, 'url': pl.String,
                   'ts': pl.String, 'user_agent': pl.String,
                   'properties': pl.Struct({'page': pl.String, 'referrer': pl.String, 'duration_ms': pl.Int64, 'sku': pl.String, 'qty': pl.Int64,
                                            'price': pl.Float64, 'items': pl.Int64, 'cart_value': pl.Float64, 'revenue': pl.Float64,
                                            'currency': pl.String})})


def ingest_ndjson(source, dtype):
    lines = pl.scan_csv(os.path.join(args.landing, source, '*.ndjson'), has_header=False, separator='\x1f', quote_char=None,
                        schema={'line': pl.String}, include_file_paths='_source_file', row_index_name='_row')
    valid = pl.col('line').str.json_path_match('$').is_not_null()
    good = lines.filter(valid).select(pl.col('line').str.json_decode(dtype).struct.unnest(), NOW, '_source_file', pl.lit(args.run_id).alias('_batch_id'))
    sink(good, 'bronze', source)
    bad = lines.filter(~valid & (pl.col('line').str.strip_chars() != '')).select(
        file=pl.col('_source_file'), line=pl.lit(None, pl.Int64), error=pl.lit('malformed JSON'), raw=pl.col('line'))
    sink(bad, 'bronze', f'{source}_rejects')


# ---- standardize, type, check ---------------------------------------------------------------

def n(c):
    return pl.when(pl.col(c).str.strip_chars().is_in(NULL_TOKENS)).then(None).otherwise(pl.col(c))


def s_(c):
    t = pl.col(c).str.strip_chars()
    return pl.when(t.is_in(NULL_TOKENS)).then(None).otherwise(t)


def sha(e):
    secret = args.secret
    return e.map_batches(lambda s: pl.Series([None if v is None else hashlib.sha256((secret + v).encode()).hexdigest() for v in s]),
                         return_dtype=pl.String)


def last4(e):
    return pl.when(e.is_null()).then(None).when(e.str.len_chars() > 4).then('***' + e.str.slice(-4)).otherwise(pl.lit('***'))


def mask_name(e):
    return e.str.split(' ').list.eval(pl.element().filter(pl.element() != '').str.slice(0, 1) + '***').list.join(' ')


def contract(lf, columns, norms, rules, masked, key, order_by=None):
    """Types the rows, flags each rule, and returns (silver rows before masking, quarantine rows)."""
    raw = [c for c in lf.collect_schema().names() if c not in LINEAGE]
    typed = lf.with_columns(pl.struct(raw).alias('__raw'), **{f'__n_{c}': e for c, e in norms.items()}).with_columns(**columns)
    casts = [(f'{c}: cannot read ', c, pl.col(f'__n_{c}').is_not_null() & pl.col(c).is_null(), 'type') for c in norms]
    flags = [(f'{c}: rule failed', c, cond, label) for c, cond, label in rules]
    all_rules = [(reason, c, cond.fill_null(False), label) for reason, c, cond, label in casts + flags]
    checked = typed.with_columns(**{f'__f{i}': r[2] for i, r in enumerate(all_rules)})
    bad = pl.any_horizontal([pl.col(f'__f{i}') for i in range(len(all_rules))])
    first = lambda pick: pl.coalesce([pl.when(pl.col(f'__f{i}')).then(pl.lit(pick(r))) for i, r in enumerate(all_rules)])
    reason = pl.concat_str([pl.when(pl.col(f'__f{i}')).then(pl.lit(r[0]) + pl.col(r[1]).cast(pl.String).fill_null('NULL'))
                            for i, r in enumerate(all_rules)], separator='; ', ignore_nulls=True)
    original = pl.col('__raw').struct.with_fields(**{c: f for c, f in masked.items()}).struct.json_encode()
    quarantine = checked.filter(bad).select(
        run_id=pl.lit(args.run_id), rule=first(lambda r: r[3]), column=first(lambda r: r[1]), reason=reason, original=original,
        _source_file='_source_file', _ingested_at='_ingested_at', quarantined_at=pl.lit(_dt.datetime.now(_dt.timezone.utc)))
    order = ([order_by] if order_by else []) + ['_ingested_at', '_source_file']
    good = (checked.filter(~bad).select(*columns.keys(), *LINEAGE)
            .sort(order, descending=True, nulls_last=True).unique(subset=key, keep='first'))
    return good, quarantine


def to_long(c):
    return pl.col(f'__n_{c}').cast(pl.Int64, strict=False)


def to_decimal(c):
    return pl.col(f'__n_{c}').cast(pl.Float64, strict=False).round(2)


def to_tstz(c):
    return pl.col(f'__n_{c}').str.to_datetime(strict=False, time_zone='UTC', time_unit='us')


stages = Stages()
# ---- bronze ---------------------------------------------------------------------------------
stages.start('bronze')
for source in CSV_SOURCES:
    lf, rejects = read_csv_files(source)
    sink(lf, 'bronze', source)
    rejects.write_parquet(out_path(args.out, 'bronze', f'{source}_rejects'))
ingest_ndjson('sensors', SENSOR)
ingest_ndjson('web_events', EVENT)

# ---- silver ---------------------------------------------------------------------------------
stages.start('silver')
good, q = contract(
    scan('bronze', 'customers'),
    columns={'customer_id': to_long('customer_id'), 'name': s_('name'), 'email': s_('email').str.to_lowercase(), 'phone': s_('phone'),
             'country': s_('country').str.to_uppercase(), 'city': s_('city'), 'signup_date': pl.col('__n_signup_date').str.to_date(strict=False),
             'segment': s_('segment').str.to_lowercase()},
    norms={'customer_id': s_('customer_id'), 'signup_date': s_('signup_date')},
    rules=[('customer_id', pl.col('customer_id').is_null(), 'required')],
    masked={'name': mask_name(pl.col('name')), 'email': sha(pl.col('email')), 'phone': last4(pl.col('phone'))}, key=['customer_id'])
customers = good.collect()
email_warnings = customers.filter(~pl.col('email').str.contains('^[^@ ]+@[^@ ]+$')).height
sink(customers.lazy().with_columns(name=mask_name(pl.col('name')), email=sha(pl.col('email')), phone=last4(pl.col('phone'))), 'silver', 'customers')
sink(q, 'silver', 'customers_quarantine')
customer_ids = customers.get_column('customer_id').implode()

ts = pl.col('__n_order_ts')
good, q = contract(
    scan('bronze', 'orders'),
    columns={'order_id': to_long('order_id'), 'customer_id': to_long('customer_id'),
             'order_ts': pl.coalesce([ts.str.strptime(pl.Datetime('us'), f, strict=False) for f in ORDER_TS_FORMATS]),
             'status': s_('status').str.to_lowercase(), 'amount': to_decimal('amount'), 'currency': s_('currency').str.to_uppercase(),
             'email': s_('email').str.to_lowercase(), 'phone': s_('phone'),
             'updated_at': pl.col('__n_updated_at').str.to_datetime(strict=False, time_unit='us')},
    norms={c: s_(c) for c in ['order_id', 'customer_id', 'order_ts', 'amount', 'updated_at']},
    rules=[('order_id', pl.col('order_id').is_null(), 'required'), ('order_ts', pl.col('order_ts').is_null(), 'not_null'),
           ('status', pl.col('status').is_null(), 'not_null'), ('status', ~pl.col('status').is_in(ORDER_STATUSES), 'allowed_values'),
           ('amount', pl.col('amount').is_null(), 'not_null'), ('amount', (pl.col('amount') < AMOUNT_RANGE[0]) | (pl.col('amount') > AMOUNT_RANGE[1]), 'range'),
           ('customer_id', pl.col('customer_id').is_not_null() & ~pl.col('customer_id').is_in(customer_ids), 'references')],
    masked={'email': sha(pl.col('email')), 'phone': last4(pl.col('phone'))}, key=['order_id'], order_by='updated_at')
sink(good.with_columns(email=sha(pl.col('email')), phone=last4(pl.col('phone'))), 'silver', 'orders')
sink(q, 'silver', 'orders_quarantine')
order_ids = scan('silver', 'orders').select('order_id').collect().get_column('order_id').implode()

good, q = contract(
    scan('bronze', 'payments'),
    columns={'payment_id': to_long('payment_id'), 'order_id': to_long('order_id'), 'paid_at': to_tstz('paid_at'),
             'method': s_('method').str.to_lowercase(), 'amount': to_decimal('amount'), 'card_number': n('card_number')},
    norms={c: s_(c) for c in ['payment_id', 'order_id', 'paid_at', 'amount']},
    rules=[('payment_id', pl.col('payment_id').is_null(), 'required'), ('method', pl.col('method').is_null(), 'not_null'),
           ('method', ~pl.col('method').is_in(PAYMENT_METHODS), 'allowed_values'), ('amount', pl.col('amount').is_null(), 'not_null'),
           ('order_id', pl.col('order_id').is_not_null() & ~pl.col('order_id').is_in(order_ids), 'references')],
    masked={'card_number': last4(pl.col('card_number'))}, key=['payment_id'])
sink(good.with_columns(card_number=last4(pl.col('card_number'))), 'silver', 'payments')
sink(q, 'silver', 'payments_quarantine')

good, q = contract(
    scan('bronze', 'sensors').with_columns(location_lat=pl.col('location').struct.field('lat'), location_lon=pl.col('location').struct.field('lon')).drop('location'),
    columns={'device_id': n('device_id'), 'ts': to_tstz('ts'), 'temperature': pl.col('temperature'), 'humidity': pl.col('humidity'),
             'battery': pl.col('battery').cast(pl.Float64), 'location_lat': pl.col('location_lat'), 'location_lon': pl.col('location_lon')},
    norms={'ts': s_('ts')},
    rules=[('device_id', pl.col('device_id').is_null(), 'required'), ('ts', pl.col('ts').is_null(), 'required'),
           ('temperature', (pl.col('temperature') < TEMPERATURE_RANGE[0]) | (pl.col('temperature') > TEMPERATURE_RANGE[1]), 'range')],
    masked={}, key=['device_id', 'ts'])
sink(good, 'silver', 'sensor_readings')
sink(q, 'silver', 'sensor_readings_quarantine')

good, q = contract(
    scan('bronze', 'web_events'),
    columns={'event_id': n('event_id'), 'session_id': n('session_id'), 'customer_id': pl.col('customer_id'),
             'event_type': s_('event_type').str.to_lowercase(), 'url': n('url'), 'ts': to_tstz('ts'), 'user_agent': n('user_agent')},
    norms={'ts': s_('ts')},
    rules=[('event_id', pl.col('event_id').is_null(), 'required'), ('event_type', pl.col('event_type').is_null(), 'not_null'),
           ('event_type', ~pl.col('event_type').is_in(EVENT_TYPES), 'allowed_values'),
           ('customer_id', pl.col('customer_id').is_not_null() & ~pl.col('customer_id').is_in(customer_ids), 'references')],
    masked={}, key=['event_id'])
sink(good, 'silver', 'web_events')
sink(q, 'silver', 'web_events_quarantine')

# ---- gold -----------------------------------------------------------------------------------
stages.start('gold')
orders = scan('silver', 'orders').with_columns(order_date=pl.col('order_ts').dt.date())
sink(orders.filter(pl.col('status') != 'cancelled').group_by('order_date').agg(
    orders=pl.len(), customers=pl.col('customer_id').n_unique() - pl.col('customer_id').null_count().clip(0, 1),
    revenue=pl.col('amount').sum(), avg_order_value=pl.col('amount').mean().round(2)), 'gold', 'daily_sales')
sink(orders.group_by('order_date', 'status').agg(orders=pl.len(), amount=pl.col('amount').sum()), 'gold', 'orders_by_status')
cancelled = pl.col('status').is_in(['cancelled', 'returned'])
totals = orders.group_by('customer_id').agg(orders=pl.len(), orders_cancelled_or_returned=cancelled.sum(),
                                            first_order_date=pl.col('order_date').min(), last_order_date=pl.col('order_date').max())
paid = (scan('silver', 'payments').join(orders.filter(~cancelled).select('order_id', 'customer_id'), on='order_id')
        .group_by('customer_id').agg(paid_amount=pl.col('amount').sum()))
clv = (scan('silver', 'customers').select('customer_id', 'name', 'country', 'segment', 'signup_date')
       .join(totals, on='customer_id', how='left').join(paid, on='customer_id', how='left')
       .with_columns(orders=pl.col('orders').fill_null(0), orders_cancelled_or_returned=pl.col('orders_cancelled_or_returned').fill_null(0),
                     lifetime_value=pl.col('paid_amount').fill_null(0))
       .with_columns(avg_order_value=(pl.col('lifetime_value') / (pl.col('orders') - pl.col('orders_cancelled_or_returned')).replace(0, None)).round(2))
       .drop('paid_amount'))
sink(clv, 'gold', 'customer_lifetime_value')
sink(scan('silver', 'sensor_readings').group_by('device_id', hour=pl.col('ts').dt.truncate('1h')).agg(
    readings=pl.len(), avg_temperature=pl.col('temperature').mean(), min_temperature=pl.col('temperature').min(),
    max_temperature=pl.col('temperature').max(), avg_humidity=pl.col('humidity').mean(), min_battery=pl.col('battery').min()),
    'gold', 'sensor_hourly_summary')
gold_clv = scan('gold', 'customer_lifetime_value')
failing = gold_clv.select(pl.col('customer_id').is_null().sum() + pl.col('customer_id').is_duplicated().sum()
                          + ((pl.col('orders') < 0) | (pl.col('lifetime_value') < 0)).sum()).collect().item()
stages.report(email_warnings=email_warnings, gold_failing=int(failing))
