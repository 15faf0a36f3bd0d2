"""Reading a response body with hard bounds: raw bytes on the wire and decoded bytes out.

httpx would decode gzip/deflate for us, with no limit on how much a small compressed body
expands to. So the fetcher reads the raw stream and decodes it here, where every
`decompress` call is given a `max_length` and a gzip bomb costs no more than the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass

from curator.errors import CuratorError

MAX_STACKED_ENCODINGS = 3
_STEP = 64 * 1024
"""Largest output of one decompress call in a stage that feeds another stage."""
_ENCODING_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate"}


class DecodingError(CuratorError):
    """A body's content encoding is invalid or one curator does not decode."""

    raw_bytes: int = 0
    """How many raw bytes had been read when decoding failed."""


@dataclass(frozen=True, slots=True)
class Body:
    """A body as read: decoded bytes (at most the cap) and how much came off the wire."""

    data: bytes
    raw_bytes: int
    truncated: bool
    """True when a cap stopped reading (raw bytes or decoded bytes)."""


def content_encodings(values: Sequence[str]) -> list[str]:
    """The codings of Content-Encoding header values, in the order they were applied."""
    codings: list[str] = []
    for value in values:
        for token in value.split(","):
            coding = token.strip().lower()
            coding = _ENCODING_ALIASES.get(coding, coding)
            if coding and coding != "identity":
                codings.append(coding)
    return codings


class _Inflater:
    """One gzip or deflate stage; output is bounded by the caller's `limit`."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._obj = self._new()
        self._started = False
        self._finished = False
        self.unconsumed = b""

    def _new(self, raw_deflate: bool = False) -> zlib._Decompress:
        if self._coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def decompress(self, data: bytes, limit: int) -> bytes:
        """Decompress at most `limit` bytes of output; leaves the rest in `unconsumed`."""
        if self._finished:
            self.unconsumed = b""
            return b""
        if self._obj.eof:
            # The next gzip member; anything else after the end of the stream is ignored,
            # as browsers do.
            if self._coding != "gzip":
                self._finished = True
                self.unconsumed = b""
                return b""
            self._obj = self._new()
            try:
                return self._run(data, limit)
            except zlib.error:
                self._finished = True
                self.unconsumed = b""
                return b""
        try:
            return self._run(data, limit)
        except zlib.error as exc:
            if self._coding == "deflate" and not self._started:
                # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
                self._obj = self._new(raw_deflate=True)
                try:
                    return self._run(data, limit)
                except zlib.error as raw_exc:
                    raise DecodingError(f"invalid deflate data ({raw_exc})") from raw_exc
            raise DecodingError(f"invalid {self._coding} data ({exc})") from exc

    def _run(self, data: bytes, limit: int) -> bytes:
        out = self._obj.decompress(data, limit)
        self._started = True
        self.unconsumed = self._obj.unconsumed_tail
        if self._obj.eof:
            self.unconsumed = self._obj.unused_data if self._coding == "gzip" else b""
        return out

    def flush(self, limit: int) -> bytes:
        """What is left inside the decompressor once all input has been given (bounded)."""
        if self._finished or self._obj.eof:
            return b""
        try:
            return self._obj.flush()[:limit]
        except zlib.error as exc:
            raise DecodingError(f"invalid {self._coding} data ({exc})") from exc


class BoundedDecoder:
    """Undoes a list of content codings, producing at most `limit` bytes in all."""

    def __init__(self, codings: Sequence[str], limit: int) -> None:
        unknown = [c for c in codings if c not in ("gzip", "deflate")]
        if unknown:
            raise DecodingError(f"unsupported content encoding {', '.join(unknown)}")
        if len(codings) > MAX_STACKED_ENCODINGS:
            raise DecodingError(f"{len(codings)} stacked content encodings (refused)")
        # The last coding applied is the first to undo.
        self._stages = [_Inflater(c) for c in reversed(codings)]
        self._limit = limit
        self._out = bytearray()

    @property
    def full(self) -> bool:
        """True once the output cap is reached."""
        return len(self._out) >= self._limit

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk into the output (never past the cap)."""
        self._push(0, chunk)

    def finish(self) -> None:
        """Decode what the stages still hold once the raw stream has ended."""
        for index, stage in enumerate(self._stages):
            if self.full:
                break
            self._push(index + 1, stage.flush(self._limit - len(self._out)))

    def take(self) -> bytes:
        """The decoded output so far (and forget it)."""
        data = bytes(self._out)
        self._out = bytearray()
        return data

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self._stages):
            room = self._limit - len(self._out)
            self._out += data if len(data) <= room else data[:room]
            return
        stage = self._stages[index]
        while data and not self.full:
            # Small steps: no single decompress call allocates more than _STEP bytes.
            limit = min(_STEP, self._limit - len(self._out))
            out = stage.decompress(data, limit)
            self._push(index + 1, out)
            if not out and len(stage.unconsumed) == len(data):
                break  # no progress possible (defensive: zlib always progresses)
            data = stage.unconsumed


async def read_body(
    chunks: AsyncIterable[bytes], *, encodings: Sequence[str], max_bytes: int
) -> Body:
    """Read raw `chunks` up to `max_bytes` and decode them to at most `max_bytes`."""
    decoder = BoundedDecoder(encodings, max_bytes) if encodings else None
    data = bytearray()
    raw = 0
    truncated = False
    try:
        async for chunk in chunks:
            if raw + len(chunk) > max_bytes:
                chunk = chunk[: max_bytes - raw]
                truncated = True
            raw += len(chunk)
            if decoder is None:
                data += chunk
            else:
                decoder.feed(chunk)
                truncated = truncated or decoder.full
            if truncated:
                break
        if decoder is not None:
            if not truncated:
                decoder.finish()
                truncated = decoder.full
            return Body(decoder.take(), raw, truncated)
    except DecodingError as exc:
        exc.raw_bytes = raw
        raise
    return Body(bytes(data), raw, truncated)
