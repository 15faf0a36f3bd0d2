"""Which registry answers for a domain: IANA's RDAP bootstrap file for DNS (RFC 9224).

A snapshot ships as package data (`data/rdap-dns.json`), the way tldextract ships its
public-suffix list, so curator never fetches it while checking. `CURATOR_RDAP_BOOTSTRAP`
names another file in the same format (private registries, tests). Refresh the shipped one
from IANA with

    python -m curator.registration.bootstrap [--output PATH] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

from curator.errors import SettingsError

IANA_DNS_BOOTSTRAP = "https://data.iana.org/rdap/dns.json"
BUNDLED = "rdap-dns.json"
MAX_BOOTSTRAP_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """Registry base URLs by DNS label suffix ("com", "co.uk"), as the bootstrap file lists."""

    services: dict[str, tuple[str, ...]]
    source: str
    """Where the file came from (the bundled snapshot or a path), for messages."""
    publication: str | None = None

    def servers(self, domain: str) -> tuple[str, ...]:
        """The RDAP base URLs for `domain` (longest matching suffix), https first; () if none."""
        labels = domain.lower().rstrip(".").split(".")
        for start in range(len(labels)):
            found = self.services.get(".".join(labels[start:]))
            if found:
                return tuple(sorted(found, key=lambda url: not url.startswith("https://")))
        return ()


def parse_bootstrap(document: object, source: str) -> Bootstrap:
    """A bootstrap file's content (RFC 9224); SettingsError naming `source` and the entry."""
    if not isinstance(document, dict) or not isinstance(document.get("services"), list):
        raise SettingsError(f"{source}: not an RDAP bootstrap file (no 'services' list)")
    services: dict[str, tuple[str, ...]] = {}
    for index, entry in enumerate(document["services"]):
        if (
            not isinstance(entry, list)
            or len(entry) < 2
            or not all(isinstance(v, list) for v in entry[:2])
            or not all(isinstance(s, str) for s in [*entry[0], *entry[1]])
        ):
            raise SettingsError(f"{source}: services[{index}]: must be [[labels…], [base URLs…]]")
        urls = tuple(u if u.endswith("/") else u + "/" for u in entry[1])
        if any(not u.startswith(("https://", "http://")) for u in urls):
            raise SettingsError(f"{source}: services[{index}]: base URLs must be http(s)")
        for label in entry[0]:
            services[label.lower().strip(".")] = urls
    publication = document.get("publication")
    return Bootstrap(services, source, publication if isinstance(publication, str) else None)


def load_bootstrap(path: Path | None = None) -> Bootstrap:
    """The bootstrap file at `path`, else the bundled snapshot; SettingsError if unusable."""
    if path is None:
        text = resources.files("curator.registration").joinpath("data", BUNDLED).read_text()
        return parse_bootstrap(json.loads(text), f"bundled {BUNDLED}")
    try:
        raw = path.read_bytes()[: MAX_BOOTSTRAP_BYTES + 1]
    except OSError as exc:
        raise SettingsError(f"CURATOR_RDAP_BOOTSTRAP: cannot read {path}: {exc}") from None
    if len(raw) > MAX_BOOTSTRAP_BYTES:
        raise SettingsError(f"{path}: larger than {MAX_BOOTSTRAP_BYTES} bytes")
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise SettingsError(f"{path}: not JSON ({exc})") from None
    return parse_bootstrap(document, str(path))


def bundled_path() -> Path:
    """Where the bundled snapshot lives in the installed package."""
    return Path(str(resources.files("curator.registration").joinpath("data", BUNDLED)))


def refresh(output: Path, *, url: str = IANA_DNS_BOOTSTRAP, timeout: float = 30.0) -> Bootstrap:
    """Download the bootstrap file from `url`, check it parses, write it to `output`."""
    with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=True) as client:
        response = client.get(url)
        response.raise_for_status()
        content = response.content[: MAX_BOOTSTRAP_BYTES + 1]
    if len(content) > MAX_BOOTSTRAP_BYTES:
        raise SettingsError(f"{url}: larger than {MAX_BOOTSTRAP_BYTES} bytes")
    try:
        bootstrap = parse_bootstrap(json.loads(content), url)
    except ValueError as exc:
        raise SettingsError(f"{url}: not JSON ({exc})") from None
    output.write_bytes(content)
    return bootstrap


def main(argv: list[str] | None = None) -> int:
    """Replace the bundled snapshot (or `--output`) with IANA's current file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=None, help="default: the bundled file")
    parser.add_argument("--url", default=IANA_DNS_BOOTSTRAP)
    args = parser.parse_args(argv)
    output = args.output or bundled_path()
    try:
        bootstrap = refresh(output, url=args.url)
    except (httpx.HTTPError, SettingsError, OSError) as exc:
        print(f"RDAP bootstrap not refreshed: {exc}", file=sys.stderr)
        return 4
    print(
        f"{output}: {len(bootstrap.services)} domain suffixes "
        f"(published {bootstrap.publication or 'unknown'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
