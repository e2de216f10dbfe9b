"""URL canonicalisation: one spelling per page, so ids derived from URLs are stable."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Parameters that identify the click, not the page.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "ncid",
        "sr_share",
        "smid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DOT_SEGMENTS = re.compile(r"/\.(?=/|$)")


def canonicalize_url(url: str) -> str:
    """Return the canonical spelling of ``url``.

    Lowercases scheme and host, drops the fragment, default ports, tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ...) and a trailing slash (except
    the root path), and sorts the remaining query parameters. Text that is not an
    absolute URL is returned stripped but otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        host = f"{host}:{port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        host = f"{userinfo}@{host}"
    path = _DOT_SEGMENTS.sub("", parts.path) or "/"
    # Re-quote so that "%7E" and "~" (and friends) end up spelled one way.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query_items = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    query = urlencode(sorted(query_items), doseq=True)
    return urlunsplit((scheme, host, path, query, ""))


def resolve_http_url(base: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base``, or None unless that is a real http(s) URL.

    Template placeholders left unresolved (``{{base_url}}/a``), whitespace inside
    the address and non-web schemes (``file:``, ``javascript:``) give None: a
    bogus URL is worse than none, since ids and deduplication derive from it.
    """
    if not href:
        return None
    href = href.strip()
    if not href or any(mark in href for mark in ("{{", "}}", "{%", "%}")) or re.search(r"\s", href):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return joined
