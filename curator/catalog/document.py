"""A catalog file's YAML read fast and within bounds: libyaml's events into plain values.

PyYAML's C parser (libyaml) reports events with their positions; one pass here turns them into
plain dicts, lists and scalars (see `scalars` for what a plain scalar means). When asked, the
same pass keeps where each node is written (`Node`), which validation's messages and export's
edits use; plain reading keeps nothing but the values.

Bounds: aliases may add at most `ALIAS_BUDGET` values to the document (a "billion laughs" file
gets a clear error at the alias that crosses it), collections nest at most `MAX_DEPTH` deep,
and a file is at most `MAX_CHARS` long. Duplicate keys are problems like any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import yaml
from yaml import events

from curator.catalog.scalars import MERGE_KEY, plain_value, tagged_value
from curator.errors import CatalogError, CatalogProblem

ALIAS_BUDGET = 100_000
"""How many values aliases may add to a document, all together."""
MAX_DEPTH = 64
MAX_CHARS = 128 * 1024 * 1024

Loc = Sequence[int | str]
# libyaml's parser when PyYAML was built with it (its wheels are), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(slots=True)
class Node:
    """Where a value is written: its span of the text, its line, and its children's nodes."""

    start: int
    """Index in the text where the node begins (for an item of a block list: after `- `)."""
    line: int
    """1-based line of `start`."""
    column: int
    end: int
    """Index just past the node: past a scalar's text (a block scalar's trailing line breaks
    included), past a flow collection's closing bracket, past a block collection's last value."""
    style: str | None
    """A scalar's style (None plain, `'`, `"`, `|`, `>`); `flow` or `block` for collections;
    `alias` for an alias."""
    keys: dict[str, Node] | None = None
    """A mapping's key nodes, by key."""
    values: dict[str, Node] | None = None
    """A mapping's value nodes, by key."""
    items: list[Node] | None = None
    """A list's item nodes."""

    @property
    def is_flow(self) -> bool:
        """True for a `{…}` mapping or a `[…]` list."""
        return self.style == "flow"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed catalog file: its values, its nodes (when kept) and its duplicate keys."""

    name: str
    text: str
    data: Any
    root: Node | None
    problems: tuple[CatalogProblem, ...] = ()

    def line_of(self, loc: Loc) -> int | None:
        """The line where the value at `loc` is written, else where its nearest parent is."""
        node = self.root
        if node is None:
            return None
        line: int | None = node.line
        for part in loc:
            if isinstance(part, str) and node.keys is not None and node.values is not None:
                if part not in node.keys:
                    break
                line = node.keys[part].line
                node = node.values[part]
            elif isinstance(part, int) and node.items is not None and 0 <= part < len(node.items):
                node = node.items[part]
                line = node.line
            else:
                break
        return line


_NO_KEY: Any = object()
_MERGE: Any = object()


class _Open:
    """A collection being read: its value, its node, and the key waiting for its value."""

    __slots__ = ("anchor", "first", "key", "key_node", "merges", "node", "value")

    def __init__(
        self, value: dict[str, Any] | list[Any], node: Node | None, anchor: str | None, first: int
    ) -> None:
        self.value = value
        self.node = node
        self.anchor = anchor
        self.first = first
        self.key: Any = _NO_KEY
        self.key_node: Node | None = None
        self.merges: list[Any] = []


def _at(name: str, mark: Any, problem: str) -> CatalogError:
    return CatalogError.single(name, mark.line + 1 if mark is not None else None, "", problem)


def read_text(name: str, text: str | TextIO, *, positions: bool = False) -> Document:
    """Parse `text` (the file `name`) into plain values; CatalogError for what stops reading.

    With `positions`, every node's place in the text is kept as well. `text` may be an open
    file, read a piece at a time (its reader's errors, such as UnicodeDecodeError, are
    raised as they are; the document keeps no text, nor positions then): the caller bounds
    its size.
    """
    if isinstance(text, str) and len(text) > MAX_CHARS:
        raise CatalogError.single(name, None, "", f"longer than {MAX_CHARS // 2**20} MiB")
    if not isinstance(text, str) and positions:
        raise ValueError("positions are kept for a text, not for an open file")
    reader = _Reader(name, positions)
    for _ in _parse(name, text, reader):
        pass
    kept = text if isinstance(text, str) else ""
    return Document(name, kept, reader.root, reader.root_node, tuple(reader.problems))


def _parse(name: str, text: str | TextIO, reader: _Reader) -> Iterator[tuple[int, Any]]:
    """Feed `reader` every event of `text`; yield the guides it hands out (when it streams)."""
    stack, positions = reader.stack, reader.positions
    scalar_event, plain = events.ScalarEvent, plain_value
    try:
        # The common event (an untagged, unanchored scalar in a collection) is handled inline:
        # this loop is most of the time a large catalog takes to read.
        for event in yaml.parse(text, Loader=_LOADER):
            if type(event) is scalar_event and event.tag is None and event.anchor is None and stack:
                top = stack[-1]
                if event.implicit[0]:
                    value = plain(event.value)
                    if value == MERGE_KEY:
                        reader.scalar(event)
                        continue
                else:
                    value = event.value
                reader.count += 1
                node = reader.node(event, event.style or None) if positions else None
                container = top.value
                if type(container) is list:
                    container.append(value)
                    if node is not None:
                        top.node.items.append(node)  # type: ignore[union-attr]
                    continue
                key = top.key
                if key is _NO_KEY:
                    top.key = (
                        "None" if value is None else value if type(value) is str else str(value)
                    )
                    top.key_node = node
                    continue
                if key is not _MERGE and key not in container:
                    top.key = _NO_KEY
                    container[key] = value
                    if node is not None:
                        top.node.keys[key] = top.key_node  # type: ignore[union-attr,index,assignment]
                        top.node.values[key] = node  # type: ignore[union-attr,index]
                    continue
                reader.add(event, value, node)
            else:
                reader.feed(event)
                if reader.ready:
                    yield from reader.ready
                    reader.ready.clear()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        column = f", column {mark.column + 1}" if mark is not None else ""
        problem = exc.problem or "not valid YAML"
        problem += f" ({exc.context})" if exc.context else ""
        raise _at(name, mark, f"YAML syntax error{column}: {problem}") from None
    except yaml.YAMLError as exc:
        raise CatalogError.single(name, None, "", f"YAML error: {exc}") from None


class _Reader:
    """Builds values (and nodes) from events, one event at a time."""

    def __init__(self, name: str, positions: bool, *, streams: bool = False) -> None:
        self.name = name
        self.positions = positions
        self.streams = streams
        """Hand out each item of the top level's `guides` list once it is read (`ready`),
        leaving None in its place."""
        self.ready: list[tuple[int, Any]] = []
        self.handed = 0
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int | None]] = {}
        self.problems: list[CatalogProblem] = []
        self.root: Any = None
        self.root_node: Node | None = None
        self.documents = 0
        self.count = 0  # values so far, an alias counted as the values it stands for
        self.from_aliases = 0

    def feed(self, event: Any) -> None:
        """Take one event."""
        kind = type(event)
        if kind is events.ScalarEvent:
            self.scalar(event)
        elif kind is events.MappingStartEvent:
            self.open(event, {})
        elif kind is events.SequenceStartEvent:
            self.open(event, [])
        elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
            self.close(event)
        elif kind is events.AliasEvent:
            self.alias(event)
        elif kind is events.DocumentStartEvent:
            self.document(event)

    def node(self, event: Any, style: str | None) -> Node | None:
        if not self.positions:
            return None
        mark = event.start_mark
        return Node(mark.index, mark.line + 1, mark.column, event.end_mark.index, style)

    def scalar(self, event: Any) -> None:
        self.count += 1
        tag = event.tag
        merge = False
        if tag is None and event.implicit[0]:
            value = plain_value(event.value)
            top = self.stack[-1] if self.stack else None
            merge = value == MERGE_KEY and top is not None and top.key is _NO_KEY
            merge = merge and isinstance(top.value, dict) if top is not None else False
        elif tag is None or tag == "!":
            value = event.value
        else:
            try:
                value = tagged_value(tag, event.value)
            except ValueError as exc:
                raise _at(self.name, event.start_mark, str(exc)) from None
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self.add(event, _MERGE if merge else value, self.node(event, event.style or None))

    def open(self, event: Any, value: dict[str, Any] | list[Any]) -> None:
        self.count += 1
        mapping = isinstance(value, dict)
        if len(self.stack) >= MAX_DEPTH:
            raise _at(self.name, event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        tag = event.tag
        if not (tag is None or tag == "!" or tag == (_MAP_TAG if mapping else _SEQ_TAG)):
            raise _at(
                self.name, event.start_mark, f"the YAML tag {tag} is not supported in a catalog"
            )
        node = self.node(event, "flow" if event.flow_style else "block")
        if node is not None:
            if mapping:
                node.keys, node.values = {}, {}
            else:
                node.items = []
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, None)  # None: still open
        self.add(event, value, node)
        self.stack.append(_Open(value, node, event.anchor, self.count))

    def close(self, event: Any) -> None:
        closed = self.stack.pop()
        if closed.merges and isinstance(closed.value, dict):
            _merge(closed.value, closed.merges)
        node = closed.node
        if node is not None:
            node.end = event.end_mark.index if node.is_flow else _last_end(node)
        if closed.anchor is not None:
            self.anchors[closed.anchor] = (closed.value, self.count - closed.first + 1)
        if self.streams:
            self.hand_out(closed.value)

    def hand_out(self, closed: Any) -> None:
        """When `closed` is an item of the top level's `guides` list, or that list: the items
        read so far (a guide written as a scalar or an alias goes out with the next one)."""
        stack = self.stack
        guides: list[Any]
        if len(stack) == 2 and self.is_guides(stack[1].value):
            guides = stack[1].value  # type: ignore[assignment]
        elif len(stack) == 1 and self.is_guides(closed):
            guides = closed
        else:
            return
        for index in range(self.handed, len(guides)):
            self.ready.append((index, guides[index]))
            guides[index] = None
        self.handed = len(guides)

    def is_guides(self, value: Any) -> bool:
        """True for the list the top-level mapping holds as `guides`."""
        root = self.stack[0].value if self.stack else None
        return type(value) is list and type(root) is dict and root.get("guides") is value

    def alias(self, event: Any) -> None:
        anchor = event.anchor
        target = self.anchors.get(anchor) if anchor is not None else None
        if target is None:
            raise _at(self.name, event.start_mark, f"unknown alias *{anchor}")
        value, size = target
        if size is None:
            raise _at(self.name, event.start_mark, f"the alias *{anchor} is inside its own anchor")
        self.count += size
        self.from_aliases += size
        if self.from_aliases > ALIAS_BUDGET:
            raise _at(
                self.name,
                event.start_mark,
                f"aliases expand to more than {ALIAS_BUDGET:,} values (at *{anchor}); "
                "write the values out instead",
            )
        self.add(event, value, self.node(event, "alias"))

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _at(self.name, event.start_mark, "a second YAML document; a catalog is one")
        if event.version is not None and tuple(event.version) != (1, 2):
            version = ".".join(str(v) for v in event.version)
            raise _at(
                self.name,
                event.start_mark,
                f"YAML {version} is not supported; remove the %YAML line (catalogs are YAML 1.2)",
            )

    def add(self, event: Any, value: Any, node: Node | None) -> None:
        """Put a value (a finished scalar or alias, or a just opened collection) in its place."""
        if not self.stack:
            self.root, self.root_node = value, node
            return
        top = self.stack[-1]
        container = top.value
        if isinstance(container, list):
            container.append(value)
            if top.node is not None and top.node.items is not None and node is not None:
                top.node.items.append(node)
            return
        if top.key is _NO_KEY:
            if isinstance(value, dict | list):
                raise _at(self.name, event.start_mark, "a mapping key must be plain text")
            top.key = value if value is _MERGE else "None" if value is None else str(value)
            top.key_node = node
            return
        key, top.key = top.key, _NO_KEY
        if key is _MERGE:
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merged):
                raise _at(self.name, event.start_mark, "<< merges a mapping or a list of mappings")
            top.merges.append(value)
            return
        if key in container:
            self.duplicate(top, key, event)
            return
        container[key] = value
        if top.node is not None and top.node.keys is not None and top.node.values is not None:
            if top.key_node is not None and node is not None:
                top.node.keys[key] = top.key_node
                top.node.values[key] = node

    def duplicate(self, top: _Open, key: str, event: Any) -> None:
        first = None
        if top.node is not None and top.node.keys is not None and key in top.node.keys:
            first = top.node.keys[key].line
        line = top.key_node.line if top.key_node is not None else event.start_mark.line + 1
        where = f" (first at line {first})" if first is not None else ""
        self.problems.append(
            CatalogProblem(self.name, line, self.path(key), f"duplicate key{where}")
        )

    def path(self, last: str) -> str:
        """The field path of key `last` of the innermost open mapping."""
        parts: list[int | str] = []
        for index, opened in enumerate(self.stack):
            if index + 1 == len(self.stack):
                parts.append(last)
            elif isinstance(opened.value, list):
                parts.append(len(opened.value) - 1)
            else:
                parts.append(next(reversed(opened.value), ""))
        return field_path(parts)


class GuideStream:
    """A catalog file read a guide at a time: iterating gives each guide's index and plain
    values as soon as the guide is read (its place in the document left None); once it is
    done, `document` is the rest of the file and its problems."""

    def __init__(self, name: str, text: TextIO) -> None:
        self.name = name
        self._reader = _Reader(name, False, streams=True)
        self._events = _parse(name, text, self._reader)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return self._events

    @property
    def document(self) -> Document:
        """The file without its guides' values (read to the end first)."""
        for _ in self._events:
            pass
        reader = self._reader
        return Document(self.name, "", reader.root, None, tuple(reader.problems))


def field_path(loc: Loc) -> str:
    """('guides', 0, 'title') → 'guides[0].title'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _merge(mapping: dict[str, Any], merges: list[Any]) -> None:
    """`<<: *defaults`: keys the mapping does not give itself come from the merged ones."""
    sources: list[Any] = []
    for merged in merges:
        sources.extend(merged if isinstance(merged, list) else [merged])
    for source in sources:
        if isinstance(source, dict):
            for key, value in source.items():
                mapping.setdefault(key, value)


def _last_end(node: Node) -> int:
    """Where a block collection's content ends: the end of its last value."""
    last: Node | None = None
    if node.items:
        last = node.items[-1]
    elif node.values:
        last = next(reversed(node.values.values()))
    return last.end if last is not None else node.start
