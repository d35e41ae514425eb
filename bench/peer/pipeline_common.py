"""What the pandas and Polars peers share: arguments, the demo's contract rules, stage timing."""
import argparse
import json
import os
import sys
import time

# The demo's silt.yaml (src/demo/demo-config.ts) and the contract defaults (src/transform).
NULL_TOKENS = ['', 'N/A', 'null', 'NULL', 'none', '-']
ORDER_STATUSES = ['placed', 'shipped', 'delivered', 'cancelled', 'returned']
PAYMENT_METHODS = ['card', 'paypal', 'bank_transfer', 'gift_card']
EVENT_TYPES = ['page_view', 'add_to_cart', 'checkout', 'purchase']
AMOUNT_RANGE = (0, 100_000)
TEMPERATURE_RANGE = (-40, 85)
ORDER_TS_FORMATS = ['%Y-%m-%d %H:%M:%S', '%m/%d/%Y %H:%M']
CSV_SOURCES = ['customers', 'orders', 'payments']
JSON_SOURCES = ['sensors', 'web_events']


def parse_args(who):
    p = argparse.ArgumentParser(description=f'the demo pipeline by hand in {who}')
    for name in ('--landing', '--out', '--secret', '--run-id'):
        p.add_argument(name, required=True)
    p.add_argument('--threads', type=int, default=os.cpu_count())
    return p.parse_args()


def out_path(out, layer, table):
    folder = os.path.join(out, layer, table)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, 'data.parquet')


class Stages:
    """Wall time per stage, printed as one JSON line like the DuckDB peer's."""

    def __init__(self):
        self.ms = {}
        self._name = None
        self._at = 0.0

    def start(self, name):
        self._close()
        self._name, self._at = name, time.perf_counter()

    def _close(self):
        if self._name is not None:
            self.ms[self._name] = (time.perf_counter() - self._at) * 1000
            self._name = None

    def report(self, **extra):
        self._close()
        sys.stdout.write(json.dumps({'stages': self.ms, **extra}) + '\n')
