"""moto's S3 server answering one request at a time: `python moto-serial.py HOST PORT`.

moto's own `moto_server` is threaded, and its PUT checks If-Match / If-None-Match and then writes
without a lock, so two conditional writes racing on one key can both succeed. S3 (and SeaweedFS)
let exactly one win; served one request at a time, moto does too, which Silt's contract tests need.
"""
import os
import signal
import sys

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

host, port = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("MOTO_PORT", str(port))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
run_simple(host, port, DomainDispatcherApplication(create_backend_app), threaded=False, request_handler=MotoRequestHandler)
