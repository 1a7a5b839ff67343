"""Serves the test PKI with certomancer: TSA, OCSP, CRLs and certificates.

Usage: python3 serve.py CONFIG PORT CLOCK_FILE

certomancer writes times with microseconds, which NSS (pdfsig) refuses in
OCSP responses, so the clock handed to it has whole seconds. A time in
CLOCK_FILE (ISO 8601, e.g. 2026-03-01T00:00:00+00:00) makes every answer as
of that moment: a responder of the past, for seals made before a
revocation. The file is read at each request, so the same server (and the
URLs its certificates name) can answer as of the past, then of the present:
a seal made then, renewed years later. Empty or missing: the present.
"""
import sys
from datetime import datetime, timezone

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertomancerConfig
from werkzeug.serving import run_simple

config = CertomancerConfig.from_file(sys.argv[1])
app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False, allow_time_override=True)
clock_file = sys.argv[3]


def fake_time():
    try:
        with open(clock_file, encoding="utf-8") as clock:
            return clock.read().strip()
    except FileNotFoundError:
        return ""


def whole_seconds(environ, start_response):
    now = fake_time() or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    environ["HTTP_X_CERTOMANCER_FAKE_TIME"] = now
    return app(environ, start_response)


run_simple("127.0.0.1", int(sys.argv[2]), whole_seconds, threaded=True)
