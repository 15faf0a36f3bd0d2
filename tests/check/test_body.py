"""Bounded bodies: raw bytes and decoded bytes both capped; bad encodings are facts."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import pytest

from curator.check.body import BoundedDecoder, DecodingError, content_encodings, read_body

HTML = b"<html><title>t</title><p>" + b"hello world " * 2000 + b"</p></html>"


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def endless(chunk: bytes) -> AsyncIterator[bytes]:
    while True:
        yield chunk


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODED = [
    ([], HTML),
    (["gzip"], gzip.compress(HTML)),
    (["deflate"], zlib.compress(HTML)),
    (["deflate"], raw_deflate(HTML)),
    (["gzip", "gzip"], gzip.compress(gzip.compress(HTML))),
    (["deflate", "gzip"], gzip.compress(zlib.compress(HTML))),
    (["gzip"], gzip.compress(HTML[:100]) + gzip.compress(HTML[100:])),
    (["gzip"], gzip.compress(HTML) + b"\x00\x00trailing junk"),
]


@pytest.mark.parametrize(
    ("encodings", "raw"),
    ENCODED,
    ids=[
        "identity",
        "gzip",
        "zlib-deflate",
        "raw-deflate",
        "gzip-gzip",
        "deflate-gzip",
        "two-members",
        "trailing-junk",
    ],
)
async def test_encoded_bodies_are_decoded(encodings: list[str], raw: bytes) -> None:
    body = await read_body(chunks(raw), encodings=encodings, max_bytes=1 << 20)
    assert body.data == HTML
    assert body.raw_bytes == len(raw)
    assert not body.truncated


async def test_a_gzip_bomb_costs_no_more_than_the_cap() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), 9)
    body = await read_body(chunks(bomb, 1024), encodings=["gzip"], max_bytes=100_000)
    assert len(body.data) == 100_000
    assert body.truncated
    assert body.raw_bytes < len(bomb)


async def test_a_stacked_bomb_is_capped_too() -> None:
    bomb = gzip.compress(gzip.compress(bytes(32 * 1024 * 1024), 9), 9)
    body = await read_body(chunks(bomb), encodings=["gzip", "gzip"], max_bytes=50_000)
    assert len(body.data) == 50_000 and body.truncated


async def test_an_endless_body_reads_exactly_the_cap_and_stops() -> None:
    body = await read_body(endless(b"a" * 65536), encodings=[], max_bytes=100_000)
    assert body.raw_bytes == 100_000 and len(body.data) == 100_000
    assert body.truncated


async def test_a_body_of_exactly_the_cap_is_not_truncated() -> None:
    body = await read_body(chunks(b"a" * 8192), encodings=[], max_bytes=8192)
    assert body.raw_bytes == 8192 and not body.truncated


@pytest.mark.parametrize(
    ("encodings", "raw", "message"),
    [
        (["gzip"], b"this is not gzip at all", "invalid gzip"),
        (["deflate"], b"\xff\xff\xff\xff not deflate", "invalid deflate"),
        (["br"], b"whatever", "unsupported content encoding br"),
        (["gzip"] * 4, b"", "4 stacked"),
    ],
    ids=["bad-gzip", "bad-deflate", "brotli", "too-deep"],
)
async def test_invalid_or_unsupported_encodings_are_decoding_errors(
    encodings: list[str], raw: bytes, message: str
) -> None:
    with pytest.raises(DecodingError, match=message):
        await read_body(chunks(raw), encodings=encodings, max_bytes=1 << 20)


async def test_a_decoding_error_says_how_much_was_read() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    valid = compressor.compress(HTML) + compressor.flush(zlib.Z_FULL_FLUSH)
    # A final block of the reserved type 3 after a valid, byte-aligned start.
    raw = valid + b"\x07" + b"\x00" * 100
    with pytest.raises(DecodingError, match="invalid block type") as raised:
        await read_body(chunks(raw, 64), encodings=["gzip"], max_bytes=1 << 20)
    assert raised.value.raw_bytes > len(valid)


def test_a_truncated_stream_yields_what_it_has() -> None:
    decoder = BoundedDecoder(["gzip"], 1 << 20)
    decoder.feed(gzip.compress(HTML)[:300])
    decoder.finish()
    out = decoder.take()
    assert HTML.startswith(out) and out


@pytest.mark.parametrize(
    ("values", "codings"),
    [
        ([], []),
        (["gzip"], ["gzip"]),
        (["GZIP, identity"], ["gzip"]),
        (["x-gzip"], ["gzip"]),
        (["deflate", "gzip"], ["deflate", "gzip"]),
        (["gzip,  br "], ["gzip", "br"]),
    ],
)
def test_content_encoding_headers_are_read_in_order(values: list[str], codings: list[str]) -> None:
    assert content_encodings(values) == codings
