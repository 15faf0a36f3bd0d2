"""What an address says by itself: its host, its registrable domain, deep link or home page.

Registrable domains come from tldextract's bundled public-suffix snapshot; curator never
fetches the list (the checker's only network code is the fetcher). What an address says never
changes, and the rules of one check ask it of the same few addresses many times: the answers
are remembered for the last few thousand addresses.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from curator.check.quirks import is_home_path

if TYPE_CHECKING:
    import tldextract


@functools.cache
def _extract() -> tldextract.TLDExtract:
    """The suffix list's reader, made on first use: importing tldextract costs about 0.1 s
    (it brings requests and filelock along), and many runs never ask for a domain."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=4096)
def host(url: str) -> str:
    """The lower-case host name of `url` ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@functools.lru_cache(maxsize=4096)
def registrable_domain(name: str) -> str:
    """The domain a registrant owns: "www.police.uk" stays, "a.b.co.uk" → "b.co.uk".

    IP addresses are their own domain; a name under a suffix the list does not know
    (".test", ".internal") is taken to be registered one level below its last label.
    """
    name = name.lower().rstrip(".")
    try:
        ipaddress.ip_address(name.strip("[]"))
        return name
    except ValueError:
        pass
    parts = _extract()(name)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    labels = [label for label in name.split(".") if label]
    return ".".join(labels[-2:])


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


def is_local_name(name: str) -> bool:
    """True for an IP address, `localhost` or a name that only a local network knows."""
    name = name.lower().rstrip(".").strip("[]")
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return name == "localhost" or "." not in name or name.endswith(_LOCAL_SUFFIXES)


@functools.lru_cache(maxsize=4096)
def _path(url: str) -> tuple[str, str]:
    try:
        split = urlsplit(url)
    except ValueError:
        return "", ""
    return split.path, split.query


def is_home(url: str) -> bool:
    """True when `url` is a site's home page ("/", "/index.html", "/en/"), no query."""
    path, query = _path(url)
    return is_home_path(path) and not query


def is_deep_link(url: str) -> bool:
    """True when `url` names a page below the home page (a path or a query)."""
    path, query = _path(url)
    return bool(query) or not is_home_path(path)


def _normal(url: str) -> tuple[str, str, str, str]:
    try:
        split = urlsplit(url)
    except ValueError:
        return url, "", "", ""
    default = {"http": 80, "https": 443}.get(split.scheme)
    netloc = (split.hostname or "").rstrip(".")
    if split.port is not None and split.port != default:
        netloc += f":{split.port}"
    return split.scheme.lower(), netloc, split.path.rstrip("/") or "/", split.query


def same_url(a: str, b: str) -> bool:
    """True when two addresses name the same page (case of host, default port, fragment,
    trailing slash aside)."""
    return _normal(a) == _normal(b)


def is_https_upgrade(old: str, new: str) -> bool:
    """True when `new` is `old` moved from http to https on the same host and path (a
    non-default port may change with the scheme)."""
    a, b = _normal(old), _normal(new)
    same_host = host(old) == host(new)
    return a[0] == "http" and b[0] == "https" and same_host and a[2:] == b[2:]
