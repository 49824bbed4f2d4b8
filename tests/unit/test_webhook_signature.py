"""The documented webhook signature: HMAC-SHA256 over "timestamp.body", hex, prefixed v1=."""

from __future__ import annotations

import hashlib
import hmac

from baton.notify.webhook import sign, verify

BODY = b'{"kind":"sla.miss"}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", "1700000000", BODY) == f"v1={expected}"


def test_verify_accepts_ours_and_refuses_tampering_wrong_secret_and_stale_timestamps():
    sig = sign("s3cret", "1700000000", BODY)
    assert verify("s3cret", "1700000000", sig, BODY, now=1700000100)
    assert not verify("s3cret", "1700000000", sig, BODY + b" ", now=1700000100)
    assert not verify("other", "1700000000", sig, BODY, now=1700000100)
    assert not verify("s3cret", "1700000000", sig, BODY, now=1700000000 + 301)
    assert not verify("s3cret", "not-a-time", sig, BODY, now=1700000000)
