"""The demo's bronze -> silver -> gold work written by hand in pandas (peer of `silt run`).

Idiomatic pandas: read_csv (pyarrow engine, bad lines captured), NDJSON parsed line by line so
malformed lines become rejects, vectorized standardization and checks, drop_duplicates for
latest-wins, groupby for the gold models. Frames stay in memory between layers.
"""
import glob
import hashlib
import json
import os

import pandas as pd
import pyarrow as pa

from pipeline_common import (AMOUNT_RANGE, CSV_SOURCES, EVENT_TYPES, JSON_SOURCES, NULL_TOKENS, ORDER_STATUSES,
                             ORDER_TS_FORMATS, PAYMENT_METHODS, TEMPERATURE_RANGE, Stages, out_path, parse_args)

args = parse_args('pandas')
pa.set_cpu_count(args.threads)
NOW = pd.Timestamp.now(tz='UTC')


def write(df, layer, table):
    df.to_parquet(out_path(args.out, layer, table), index=False)


def with_lineage(df, path):
    return df.assign(_ingested_at=NOW, _source_file=path, _batch_id=args.run_id)


def read_csv_files(source):
    frames, rejects = [], []
    for path in sorted(glob.glob(os.path.join(args.landing, source, '*.csv'))):
        bad = []
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[''], engine='pyarrow',
                         on_bad_lines=lambda row: bad.append(row) or 'skip')
        frames.append(with_lineage(df, path))
        rejects += [{'file': path, 'line': r.number, 'error': f'expected {r.expected_columns} columns, found {r.actual_columns}', 'raw': r.text} for r in bad]
    return pd.concat(frames, ignore_index=True), pd.DataFrame(rejects, columns=['file', 'line', 'error', 'raw'])


def read_ndjson_files(source):
    frames, rejects = [], []
    for path in sorted(glob.glob(os.path.join(args.landing, source, '*.ndjson'))):
        records = []
        with open(path, encoding='utf-8') as f:
            for number, line in enumerate(f, 1):
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if isinstance(record, dict):
                    records.append(record)
                elif line.strip():
                    rejects.append({'file': path, 'line': number, 'error': 'malformed JSON', 'raw': line.rstrip('\n')})
        frames.append(with_lineage(pd.DataFrame.from_records(records), path))
    return pd.concat(frames, ignore_index=True), pd.DataFrame(rejects, columns=['file', 'line', 'error', 'raw'])


# ---- standardize, type, check ---------------------------------------------------------------

def n(s):
    """Null tokens (compared trimmed) become missing."""
    return s.mask(s.str.strip().isin(NULL_TOKENS))


def s_(s):
    t = s.str.strip()
    return t.mask(t.isin(NULL_TOKENS))


def to_long(s):
    v = pd.to_numeric(s, errors='coerce')
    return v.where(v == v.round()).astype('Int64')


def to_decimal(s):
    return pd.to_numeric(s, errors='coerce').round(2)


def to_ts(s, utc=False):
    return pd.to_datetime(s, errors='coerce', format='ISO8601', utc=utc)


def sha(s):
    return s.map(lambda v: hashlib.sha256((args.secret + v).encode()).hexdigest(), na_action='ignore')


def last4(s):
    return s.where(s.isna(), ('***' + s.str[-4:]).where(s.str.len() > 4, '***'))


def mask_name(s):
    return s.map(lambda v: ' '.join(w[:1] + '***' for w in v.split(' ') if w), na_action='ignore')


class Checks:
    """Row rules in order; a row is quarantined under its first failing rule, with every reason."""

    def __init__(self, df):
        self.df, self.flags, self.rules = df, {}, []

    def add(self, rule, col, failing, reason):
        key = f'{len(self.rules)}'
        self.flags[key] = failing.fillna(False).astype(bool)
        self.rules.append((key, rule, col, reason))

    def cast(self, col, norm, typed, type_name):
        self.add('type', col, norm.notna() & typed.isna(), lambda r: f'{col}: cannot read {norm[r.name]} as {type_name}')

    def split(self, raw, masked):
        flags = pd.DataFrame(self.flags)
        bad = flags.any(axis=1)
        q = flags[bad]
        first = q.idxmax(axis=1)
        rules = {k: (rule, col) for k, rule, col, _ in self.rules}
        rows = self.df[bad]
        reasons = [
            '; '.join(reason(row) for k, _, _, reason in self.rules if q.at[i, k])
            for i, row in rows.iterrows()
        ]
        original = raw[bad].assign(**{c: f(rows) for c, f in masked.items()})
        original = original.drop(columns=['_ingested_at', '_source_file', '_batch_id'], errors='ignore')
        quarantine = pd.DataFrame({
            'run_id': args.run_id, 'rule': first.map(lambda k: rules[k][0]), 'column': first.map(lambda k: rules[k][1]),
            'reason': reasons, 'original': original.to_json(orient='records', lines=True).splitlines() if len(rows) else [],
            '_source_file': rows['_source_file'], '_ingested_at': rows['_ingested_at'], 'quarantined_at': pd.Timestamp.now(tz='UTC'),
        })
        return self.df[~bad], quarantine


def latest(df, key, order_by=None):
    order = ([order_by] if order_by else []) + ['_ingested_at', '_source_file']
    return df.sort_values(order, na_position='first', kind='stable').drop_duplicates(key, keep='last')


LINEAGE = ['_ingested_at', '_source_file', '_batch_id']
stages = Stages()

# ---- bronze ---------------------------------------------------------------------------------
stages.start('bronze')
bronze = {}
for source in CSV_SOURCES + JSON_SOURCES:
    df, rejects = (read_csv_files if source in CSV_SOURCES else read_ndjson_files)(source)
    write(df, 'bronze', source)
    write(rejects, 'bronze', f'{source}_rejects')
    bronze[source] = df

# ---- silver ---------------------------------------------------------------------------------
stages.start('silver')
b = bronze['customers']
nid, ndate = s_(b.customer_id), s_(b.signup_date)
c = pd.DataFrame({
    'customer_id': to_long(nid), 'name': s_(b['name']), 'email': s_(b.email).str.lower(), 'phone': s_(b.phone),
    'country': s_(b.country).str.upper(), 'city': s_(b.city), 'signup_date': to_ts(ndate).dt.date, 'segment': s_(b.segment).str.lower(),
    **{k: b[k] for k in LINEAGE}})
chk = Checks(c)
chk.cast('customer_id', nid, c.customer_id, 'long')
chk.cast('signup_date', ndate, c.signup_date, 'date')
chk.add('required', 'customer_id', c.customer_id.isna(), lambda r: 'customer_id: key value is missing')
good, quarantine = chk.split(b, {'name': lambda r: mask_name(r['name']), 'email': lambda r: sha(r.email), 'phone': lambda r: last4(r.phone)})
email_warnings = int((~good.email.str.match(r'^[^@ ]+@[^@ ]+$', na=True)).sum())
customers = latest(good, ['customer_id'])
write(customers.assign(name=mask_name(customers['name']), email=sha(customers.email), phone=last4(customers.phone)), 'silver', 'customers')
write(quarantine, 'silver', 'customers_quarantine')

b = bronze['orders']
nid, ncust, nts, namount, nupd = s_(b.order_id), s_(b.customer_id), s_(b.order_ts), s_(b.amount), s_(b.updated_at)
ts = pd.to_datetime(nts, format=ORDER_TS_FORMATS[0], errors='coerce').fillna(pd.to_datetime(nts, format=ORDER_TS_FORMATS[1], errors='coerce'))
o = pd.DataFrame({
    'order_id': to_long(nid), 'customer_id': to_long(ncust), 'order_ts': ts, 'status': s_(b.status).str.lower(),
    'amount': to_decimal(namount), 'currency': s_(b.currency).str.upper(), 'email': s_(b.email).str.lower(), 'phone': s_(b.phone),
    'updated_at': to_ts(nupd), **{k: b[k] for k in LINEAGE}})
chk = Checks(o)
chk.cast('order_id', nid, o.order_id, 'long')
chk.cast('customer_id', ncust, o.customer_id, 'long')
chk.cast('order_ts', nts, o.order_ts, 'timestamp')
chk.cast('amount', namount, o.amount, 'decimal(12, 2)')
chk.cast('updated_at', nupd, o.updated_at, 'timestamp')
chk.add('required', 'order_id', o.order_id.isna(), lambda r: 'order_id: key value is missing')
chk.add('not_null', 'order_ts', o.order_ts.isna(), lambda r: 'order_ts: value is missing')
chk.add('not_null', 'status', o.status.isna(), lambda r: 'status: value is missing')
chk.add('allowed_values', 'status', o.status.notna() & ~o.status.isin(ORDER_STATUSES), lambda r: f'status: {r.status} is not one of {", ".join(ORDER_STATUSES)}')
chk.add('not_null', 'amount', o.amount.isna(), lambda r: 'amount: value is missing')
chk.add('range', 'amount', (o.amount < AMOUNT_RANGE[0]) | (o.amount > AMOUNT_RANGE[1]), lambda r: f'amount: {r.amount} is out of range')
chk.add('references', 'customer_id', o.customer_id.notna() & ~o.customer_id.isin(customers.customer_id),
        lambda r: f'customer_id: {r.customer_id} not found in silver.customers.customer_id')
good, quarantine = chk.split(b, {'email': lambda r: sha(r.email), 'phone': lambda r: last4(r.phone)})
orders = latest(good, ['order_id'], 'updated_at')
orders = orders.assign(email=sha(orders.email), phone=last4(orders.phone))
write(orders, 'silver', 'orders')
write(quarantine, 'silver', 'orders_quarantine')

b = bronze['payments']
nid, norder, npaid, namount = s_(b.payment_id), s_(b.order_id), s_(b.paid_at), s_(b.amount)
p = pd.DataFrame({
    'payment_id': to_long(nid), 'order_id': to_long(norder), 'paid_at': to_ts(npaid, utc=True), 'method': s_(b.method).str.lower(),
    'amount': to_decimal(namount), 'card_number': n(b.card_number), **{k: b[k] for k in LINEAGE}})
chk = Checks(p)
chk.cast('payment_id', nid, p.payment_id, 'long')
chk.cast('order_id', norder, p.order_id, 'long')
chk.cast('paid_at', npaid, p.paid_at, 'timestamptz')
chk.cast('amount', namount, p.amount, 'decimal(12, 2)')
chk.add('required', 'payment_id', p.payment_id.isna(), lambda r: 'payment_id: key value is missing')
chk.add('not_null', 'method', p.method.isna(), lambda r: 'method: value is missing')
chk.add('allowed_values', 'method', p.method.notna() & ~p.method.isin(PAYMENT_METHODS), lambda r: f'method: {r.method} is not one of {", ".join(PAYMENT_METHODS)}')
chk.add('not_null', 'amount', p.amount.isna(), lambda r: 'amount: value is missing')
chk.add('references', 'order_id', p.order_id.notna() & ~p.order_id.isin(orders.order_id), lambda r: f'order_id: {r.order_id} not found in silver.orders.order_id')
good, quarantine = chk.split(b, {'card_number': lambda r: last4(r.card_number)})
payments = latest(good, ['payment_id'])
write(payments.assign(card_number=last4(payments.card_number)), 'silver', 'payments')
write(quarantine, 'silver', 'payments_quarantine')

b = bronze['sensors']
nts = s_(b.ts)
location = b.location.map(lambda v: v if isinstance(v, dict) else {})
r = pd.DataFrame({
    'device_id': n(b.device_id), 'ts': to_ts(nts, utc=True), 'temperature': b.temperature.astype('float64'),
    'humidity': b.humidity.astype('float64'), 'battery': b.battery.astype('float64'),
    'location_lat': location.str.get('lat').astype('float64'), 'location_lon': location.str.get('lon').astype('float64'),
    **{k: b[k] for k in LINEAGE}})
chk = Checks(r)
chk.cast('ts', nts, r.ts, 'timestamptz')
chk.add('required', 'device_id', r.device_id.isna(), lambda x: 'device_id: key value is missing')
chk.add('required', 'ts', r.ts.isna(), lambda x: 'ts: key value is missing')
chk.add('range', 'temperature', (r.temperature < TEMPERATURE_RANGE[0]) | (r.temperature > TEMPERATURE_RANGE[1]), lambda x: f'temperature: {x.temperature} is out of range')
good, quarantine = chk.split(b, {})
sensors = latest(good, ['device_id', 'ts'])
write(sensors, 'silver', 'sensor_readings')
write(quarantine, 'silver', 'sensor_readings_quarantine')

b = bronze['web_events']
nts = s_(b.ts)
w = pd.DataFrame({
    'event_id': n(b.event_id), 'session_id': n(b.session_id), 'customer_id': b.customer_id.astype('Int64'),
    'event_type': s_(b.event_type).str.lower(), 'url': n(b.url), 'ts': to_ts(nts, utc=True), 'user_agent': n(b.user_agent),
    **{k: b[k] for k in LINEAGE}})
chk = Checks(w)
chk.cast('ts', nts, w.ts, 'timestamptz')
chk.add('required', 'event_id', w.event_id.isna(), lambda x: 'event_id: key value is missing')
chk.add('not_null', 'event_type', w.event_type.isna(), lambda x: 'event_type: value is missing')
chk.add('allowed_values', 'event_type', w.event_type.notna() & ~w.event_type.isin(EVENT_TYPES), lambda x: f'event_type: {x.event_type} is not one of {", ".join(EVENT_TYPES)}')
chk.add('references', 'customer_id', w.customer_id.notna() & ~w.customer_id.isin(customers.customer_id), lambda x: f'customer_id: {x.customer_id} not found in silver.customers.customer_id')
good, quarantine = chk.split(b, {})
write(latest(good, ['event_id']), 'silver', 'web_events')
write(quarantine, 'silver', 'web_events_quarantine')
del bronze, b, good

# ---- gold -----------------------------------------------------------------------------------
stages.start('gold')
o = orders.assign(order_date=orders.order_ts.dt.floor('D'))
kept = o[o.status != 'cancelled']
daily = kept.groupby('order_date').agg(orders=('order_id', 'size'), customers=('customer_id', 'nunique'), revenue=('amount', 'sum'),
                                       avg_order_value=('amount', 'mean')).reset_index()
daily['avg_order_value'] = daily.avg_order_value.round(2)
write(daily, 'gold', 'daily_sales')

by_status = o.groupby(['order_date', 'status']).agg(orders=('order_id', 'size'), amount=('amount', 'sum')).reset_index()
write(by_status, 'gold', 'orders_by_status')

o['cancelled_or_returned'] = o.status.isin(['cancelled', 'returned'])
totals = o.groupby('customer_id').agg(orders=('order_id', 'size'), orders_cancelled_or_returned=('cancelled_or_returned', 'sum'),
                                      first_order_date=('order_date', 'min'), last_order_date=('order_date', 'max'))
paid = payments.merge(o.loc[~o.cancelled_or_returned, ['order_id', 'customer_id']], on='order_id')
paid = paid.groupby('customer_id').amount.sum().rename('paid_amount')
cust = customers.assign(name=mask_name(customers['name']))[['customer_id', 'name', 'country', 'segment', 'signup_date']]
clv = cust.join(totals, on='customer_id').join(paid, on='customer_id')
clv['orders'] = clv.orders.fillna(0).astype('int64')
clv['orders_cancelled_or_returned'] = clv.orders_cancelled_or_returned.fillna(0).astype('int64')
clv['lifetime_value'] = clv.paid_amount.fillna(0)
kept_orders = (clv.orders - clv.orders_cancelled_or_returned).where(lambda x: x != 0)
clv['avg_order_value'] = (clv.lifetime_value / kept_orders).round(2)
write(clv.drop(columns=['paid_amount']), 'gold', 'customer_lifetime_value')

sr = sensors.assign(hour=sensors.ts.dt.floor('h'))
hourly = sr.groupby(['device_id', 'hour']).agg(
    readings=('ts', 'size'), avg_temperature=('temperature', 'mean'), min_temperature=('temperature', 'min'),
    max_temperature=('temperature', 'max'), avg_humidity=('humidity', 'mean'), min_battery=('battery', 'min')).reset_index()
write(hourly, 'gold', 'sensor_hourly_summary')
failing = int(clv.customer_id.isna().sum() + clv.customer_id.duplicated().sum() + ((clv.orders < 0) | (clv.lifetime_value < 0)).sum()
              + (daily.revenue < 0).sum() + (by_status.orders < 1).sum() + (hourly.readings < 1).sum())
stages.report(email_warnings=email_warnings, gold_failing=failing)
