"""Editing a catalog file's text in place: only the spans that change, everything else kept.

Export changes a few values of a large file. Rather than load and re-write the whole file with
a round-trip YAML library, it works from the positions the fast reader keeps (`Node`) and
replaces, inserts or deletes just the text of the values that change. Comments, blank lines,
quoting and the order of keys stay exactly as the editor wrote them; a file with nothing to
change is left byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from curator.catalog.document import Node
from curator.catalog.scalars import scalar_text

INDENT = 2
"""How far a mapping's keys are indented under the `- ` of its list item (and lists under a
key), when there is nothing in the file to copy the indentation from."""


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str
    order: int
    """Between edits at the same place: lower first in the result."""


@dataclass
class TextPatch:
    """Edits to one text, applied together (none may overlap another)."""

    text: str
    edits: list[_Edit] = field(default_factory=list)

    def replace(self, start: int, end: int, text: str, *, order: int = 0) -> None:
        """Replace text[start:end]."""
        self.edits.append(_Edit(start, end, text, order))

    def insert(self, at: int, text: str, *, order: int = 0) -> None:
        """Insert text at `at`; `order` ranks insertions at the same place."""
        self.edits.append(_Edit(at, at, text, order))

    def apply(self) -> str:
        """The patched text (what was added ends its lines as the text does)."""
        crlf = "\r\n" in self.text
        parts = []
        end = len(self.text)
        for edit in sorted(self.edits, key=lambda e: (e.start, e.order), reverse=True):
            assert edit.end <= end, "edits overlap"
            parts.append(self.text[edit.end : end])
            parts.append(edit.text.replace("\n", "\r\n") if crlf else edit.text)
            end = edit.start
        parts.append(self.text[:end])
        return "".join(reversed(parts))

    # --- where things are ----------------------------------------------------------------

    def line_start(self, index: int) -> int:
        """The index where the line holding `index` begins."""
        return self.text.rfind("\n", 0, index) + 1

    def after_line(self, index: int) -> int:
        """The index just past the line break that ends the line holding `index`."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def content_end(self, node: Node) -> int:
        """Just past a node's last character that is not white space (a block scalar's span
        runs on over its trailing line breaks)."""
        end = node.end
        while end > node.start and self.text[end - 1] in " \t\r\n":
            end -= 1
        return end

    def end_of_node_line(self, node: Node) -> int:
        """Just past the line break of the line where `node` ends (its comment included)."""
        return self.after_line(self.content_end(node))

    def dash_index(self, item: Node) -> int | None:
        """Where the `- ` of a block list item is (it may be on an earlier line)."""
        index = item.start - 1
        while index >= 0 and self.text[index] in " \t\r\n":
            index -= 1
        return index if index >= 0 and self.text[index] == "-" else None

    def dash_column(self, item: Node) -> int:
        """The column of the `- ` of a block list item."""
        index = self.dash_index(item)
        return max(item.column - INDENT, 0) if index is None else index - self.line_start(index)

    def starts_line(self, node: Node) -> bool:
        """True when only spaces come before `node` on its line."""
        return not self.text[self.line_start(node.start) : node.start].strip()


# --- rendering -----------------------------------------------------------------------------


def flow_value(value: Any) -> str:
    """A value on one line: a scalar, `[a, b]` or `{k: v}`."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow_value(v)}" for k, v in value.items()) + "}"
    return scalar_text(value, indent=0, in_flow=True)


def value_text(value: Any, *, column: int) -> str:
    """What follows `key: ` for a key at `column`: lists flow, long text folded."""
    if isinstance(value, list | tuple | Mapping):
        return flow_value(value)
    return scalar_text(value, indent=column + INDENT)


def mapping_lines(values: Iterable[tuple[str, Any]], *, column: int) -> list[str]:
    """A block mapping's `key: value` lines for keys at `column` (the first without indent,
    as it follows `- ` or is placed by the caller)."""
    lines = []
    for index, (key, value) in enumerate(values):
        pad = "" if index == 0 else " " * column
        lines.append(f"{pad}{key}: {value_text(value, column=column)}")
    return lines


def list_item(values: Iterable[tuple[str, Any]], *, dash_column: int) -> str:
    """A list item holding a mapping, `- key: value` and the rest under it, with line breaks."""
    lines = mapping_lines(values, column=dash_column + INDENT)
    return " " * dash_column + "- " + "\n".join(lines) + "\n"


# --- edits of a mapping --------------------------------------------------------------------


def set_value(patch: TextPatch, mapping: Node, key: str, value: Any, *, order: int = 0) -> None:
    """Give `key` of a block mapping a new value (adding the key at the end if it is not there)."""
    assert mapping.keys is not None and mapping.values is not None
    if key in mapping.values:
        old = mapping.values[key]
        replacement = _replacement(patch, old, value, mapping.column)
        patch.replace(old.start, patch.content_end(old), replacement)
        return
    last = next(reversed(mapping.values.values()))
    line = " " * mapping.column + f"{key}: {value_text(value, column=mapping.column)}\n"
    at = patch.end_of_node_line(last)
    if at == len(patch.text) and not patch.text.endswith("\n"):
        line = "\n" + line.rstrip("\n")
    patch.insert(at, line, order=order)


def insert_before(patch: TextPatch, mapping: Node, before: str, key: str, value: Any) -> None:
    """Add `key` to a block mapping on its own line just before the key `before`."""
    assert mapping.keys is not None
    anchor = mapping.keys[before]
    text = f"{key}: {value_text(value, column=mapping.column)}\n" + " " * mapping.column
    patch.insert(anchor.start, text)


def delete_key(patch: TextPatch, mapping: Node, key: str) -> None:
    """Remove a key and its value from a block mapping (with its line, when it has one)."""
    assert mapping.keys is not None and mapping.values is not None
    keys = list(mapping.keys)
    key_node, value_node = mapping.keys[key], mapping.values[key]
    if patch.starts_line(key_node):
        patch.replace(patch.line_start(key_node.start), patch.end_of_node_line(value_node), "")
        return
    # The first key of a list item shares the line with `- `: the next key moves up to it.
    following = keys.index(key) + 1
    assert following < len(keys), "a mapping keeps at least one key"
    patch.replace(key_node.start, mapping.keys[keys[following]].start, "")


def _replacement(patch: TextPatch, old: Node, value: Any, column: int) -> str:
    """The new text of a value written at `old` (for a key at `column`), in the old one's form:
    a block list stays a block list, anything else is written as a new value would be."""
    if isinstance(value, list | tuple) and value and old.style == "block" and old.items:
        dash = patch.dash_column(old.items[0])
        separator = "\n" + " " * dash + "- "
        return "- " + separator.join(scalar_text(v, indent=dash + INDENT) for v in value)
    return value_text(value, column=column)
