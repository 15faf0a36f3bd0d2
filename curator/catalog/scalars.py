"""YAML scalars both ways: what a plain scalar means, and how a value is written back.

Reading follows YAML 1.2's core schema as ruamel's round-trip loader applies it, so the fast
reader and the round-trip writer agree on every value: `yes` and `on` are text, `true` is a
boolean, `2026-06-01` a date, `~` and an empty value null. An impossible date such as
`2026-13-01` stays text, so validation can say the field must be a date.

Writing picks the plainest form that reads back as the same text (checked by reading it back),
else a double-quoted one; long single-line text is folded (`>-`) the way editors write it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# The first characters of a plain scalar that may be something other than text.
_MAYBE_NOT_TEXT = frozenset("-+0123456789.~nNtTfF<=")
_FLOAT = re.compile(
    r"""(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))\Z""",
    re.X,
)
_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)\Z")
_TIMESTAMP = re.compile(
    r"""(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?\Z""",
    re.X,
)
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MERGE_KEY = "<<"


def plain_value(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar under YAML 1.2's core schema."""
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _FLOAT.match(text):
        return _float(text)
    if _INT.match(text):
        return _int(text)
    match = _TIMESTAMP.match(text)
    if match is not None and (match["hour"] is not None or _DATE_ONLY.match(text)):
        return _timestamp(text, match)
    return text


def tagged_value(tag: str, text: str) -> Any:
    """The value of a scalar with an explicit core tag (`!!str 12`); ValueError for others."""
    name = tag.removeprefix("tag:yaml.org,2002:")
    if name == "str":
        return text
    value: Any = plain_value(text)
    kinds: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "float": (float, int),
        "bool": (bool,),
        "null": (type(None),),
        "timestamp": (dt.date,),
    }
    wanted = kinds.get(name)
    if wanted is None:
        raise ValueError(f"the YAML tag {tag} is not supported in a catalog")
    if isinstance(value, bool) and name != "bool" or not isinstance(value, wanted):
        raise ValueError(f"{text!r} is not a valid !!{name}")
    if name == "float" and isinstance(value, int | float):
        return float(value)
    return value


def _int(text: str) -> int | str:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    try:
        if digits.startswith(("0b", "0x", "0o")):
            return sign * int(digits[2:], {"b": 2, "x": 16, "o": 8}[digits[1]])
        return sign * int(digits, 10)
    except ValueError:
        return text  # "_" alone matches the pattern but is no number


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered.endswith(".nan"):
        return math.nan
    return float(text.replace("_", ""))


def _timestamp(text: str, match: re.Match[str]) -> Any:
    try:
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        if match["hour"] is None:
            return dt.date(year, month, day)
        fraction = (match["fraction"] or "")[:6].ljust(6, "0")
        return dt.datetime(
            year,
            month,
            day,
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
        )
    except ValueError:
        return text  # 2026-13-01: not a date; validation says so where a date is wanted


# --- writing ---------------------------------------------------------------------------------

FOLD_OVER = 72
"""Single-line text longer than this is written folded (`>-`) when it can be, wrapped at
FOLD_WIDTH as editors write it, so a file's lines stay within 100 characters."""
FOLD_WIDTH = 84
_PLAIN_FIRST_FORBIDDEN = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_INDICATORS = frozenset(",[]{}")
_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _printable(char: str) -> bool:
    """Characters YAML lets a plain or block scalar hold as they are."""
    code = ord(char)
    if code < 0x20:
        return char == "\t"
    return not (
        0x7F <= code <= 0x9F
        or code in (0xA0, 0x2028, 0x2029, 0xFEFF)
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
    )


def can_be_plain(text: str, *, in_flow: bool = False) -> bool:
    """True when `text` written unquoted reads back as the same text."""
    if not text or text[0] in _PLAIN_FIRST_FORBIDDEN or text[-1] in " \t:":
        return False
    if ": " in text or " #" in text or "\t" in text or not all(_printable(c) for c in text):
        return False
    if in_flow and any(c in _FLOW_INDICATORS for c in text):
        return False
    return plain_value(text) == text and isinstance(plain_value(text), str)


def double_quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar, escaping what must be escaped."""
    out = []
    for char in text:
        escape = _ESCAPES.get(char)
        if escape is not None:
            out.append(escape)
        elif not _printable(char):
            code = ord(char)
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _foldable(text: str) -> bool:
    """Text a folded block keeps exactly: one line, single spaces, no edge spaces."""
    return (
        "  " not in text
        and text == text.strip(" ")
        and not text.startswith(("#",))
        and all(_printable(c) and c != "\t" for c in text)
    )


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def scalar_text(value: Any, *, indent: int, in_flow: bool = False) -> str:
    """`value` written as the value of a key (or a list item) whose contents indent `indent`.

    Returns what follows `key: ` on the line; a folded block ends with its last line's
    newline left out (the caller ends the line).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if not in_flow and len(text) > FOLD_OVER and _foldable(text):
        pad = " " * indent
        return ">-\n" + "\n".join(pad + line for line in _wrapped(text, FOLD_WIDTH))
    if can_be_plain(text, in_flow=in_flow):
        return text
    if all(_printable(c) and c != "\t" for c in text):
        return "'" + text.replace("'", "''") + "'"
    return double_quoted(text)
