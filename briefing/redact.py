"""Secrets out of everything the tool writes or says: values under secret-named keys, bearer tokens and key-shaped
strings in text, user:password in URLs, key-like query parameters, and the configured API key wherever it occurs."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

#: Keys whose values are secrets wherever they appear in a request, a response or headers.
_SECRET_KEYS = {"authorization", "api_key", "api-key", "apikey", "x-api-key", "openai-organization",
                "openai-project", "cookie", "set-cookie", "password", "secret", "token", "access_token",
                "proxy-authorization"}
#: Secrets that can hide inside free text: bearer tokens and API-key shaped strings.
_SECRET_TEXT = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}|\b(?:sk|rk|pk)-[A-Za-z0-9_-]{12,}"
                          r"|\bhf_[A-Za-z0-9]{12,}|\bgsk_[A-Za-z0-9]{12,}")
_URL_USER = re.compile(r"(?<=://)[^/\s@]+@")
_SECRET_QUERY = {"key", "api_key", "apikey", "api-key", "token", "access_token", "sig", "signature"}


def scrub_url(url: str | None) -> str | None:
    """An endpoint without user:password and without key-like query parameters."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _SECRET_TEXT.sub(REDACTED, url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
    query = urlencode([(k, REDACTED if k.lower() in _SECRET_QUERY else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of ``value`` with secrets replaced by ``[REDACTED]``: values under secret-named keys, bearer tokens and
    key-shaped strings anywhere in text, and each of ``secrets`` (e.g. the configured API key) wherever it occurs."""
    known = [s for s in secrets if s and len(s) >= 4]

    def text(s: str) -> str:
        for secret in known:
            s = s.replace(secret, REDACTED)
        return _URL_USER.sub(REDACTED + "@", _SECRET_TEXT.sub(REDACTED, s))

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (REDACTED if str(k).lower() in _SECRET_KEYS and v[k] else walk(v[k])) for k in v}
        if isinstance(v, (list, tuple)):
            return [walk(x) for x in v]
        if isinstance(v, str):
            return text(v)
        return v

    return walk(value)
