"""Reading Terraform JSON values: literals, expressions, blocks (pure Python, no cdktf).

A value Terraform computes (a reference, a function call, an interpolation) is :class:`Unknown` or is
detected with :func:`has_token`: a rule that meets one reports UNKNOWN, never a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

_SINGLE_EXPRESSION = re.compile(r"^\$\{(?P<expr>.*)\}$", re.DOTALL)


class Unknown:
    """A value only Terraform can compute (a reference, a function call, an interpolation)."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def __repr__(self) -> str:
        return f"Unknown({self.source!r})"


def has_token(value: Any) -> bool:
    """True when ``value`` is or contains a Terraform expression (``${...}``)."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(has_token(v) for v in value.values())
    if isinstance(value, list):
        return any(has_token(v) for v in value)
    return False


def expression(value: Any) -> str | None:
    """The expression inside a string that is exactly one ``${...}``, else None."""
    if isinstance(value, str):
        match = _SINGLE_EXPRESSION.match(value)
        if match and "${" not in match.group("expr"):
            return match.group("expr").strip()
        if match and value.startswith("${jsonencode("):
            return match.group("expr").strip()
    return None


def as_list(value: Any) -> list[Any]:
    """A block or argument that Terraform JSON may give as one value or a list of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def first_block(value: Any) -> dict[str, Any] | None:
    """Terraform JSON nests blocks in lists (``[{...}]``); return the first block, or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


def truthy(value: Any) -> bool | None:
    """Terraform bool semantics for literal values; None when the value is an expression."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if has_token(value):
            return None
        return value.lower() == "true"
    return bool(value) if value is not None else False


# --- jsonencode(...) -------------------------------------------------------------------------
# cdktf renders Fn.jsonencode(...) as ${jsonencode({"Key" = value, ...})}. The literal parts are
# parsed; references, function calls and interpolated strings become Unknown.


class _HclSyntaxError(ValueError):
    pass


class _HclParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise _HclSyntaxError(f"expected {char!r} at {self.pos}")
        self.pos += 1

    def parse(self) -> Any:
        value = self.value()
        if self._peek():
            raise _HclSyntaxError(f"trailing text at {self.pos}")
        return value

    def value(self) -> Any:
        char = self._peek()
        if char == "{":
            return self._object()
        if char == "[":
            return self._list()
        if char == '"':
            return self._string()
        return self._bare()

    def _object(self) -> dict[str, Any]:
        self._expect("{")
        result: dict[str, Any] = {}
        while self._peek() != "}":
            key = self.value()
            if self._peek() not in ("=", ":"):
                raise _HclSyntaxError(f"expected '=' at {self.pos}")
            self.pos += 1
            item = self.value()
            if isinstance(key, Unknown):
                raise _HclSyntaxError("computed object key")
            result[str(key)] = item
            if self._peek() == ",":
                self.pos += 1
        self._expect("}")
        return result

    def _list(self) -> list[Any]:
        self._expect("[")
        result = []
        while self._peek() != "]":
            result.append(self.value())
            if self._peek() == ",":
                self.pos += 1
        self._expect("]")
        return result

    def _string(self) -> str | Unknown:
        start = self.pos
        self.pos += 1
        chunks = []
        while True:
            if self.pos >= len(self.text):
                raise _HclSyntaxError("unterminated string")
            char = self.text[self.pos]
            if char == "\\":
                chunks.append(self.text[self.pos : self.pos + 2])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                break
            chunks.append(char)
            self.pos += 1
        raw = "".join(chunks)
        if "${" in raw:
            return Unknown(self.text[start : self.pos])
        return json.loads('"' + raw + '"')

    def _bare(self) -> Any:
        start = self.pos
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif char == '"':
                self._string()
                continue
            elif (char == "," and depth == 0) or (char in "=:" and depth == 0):
                break
            self.pos += 1
        token = self.text[start : self.pos].strip()
        if not token:
            raise _HclSyntaxError(f"empty value at {start}")
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        try:
            return json.loads(token)
        except ValueError:
            return Unknown(token)


def parse_jsonencode(value: str) -> Any:
    """Parse ``${jsonencode(<literal>)}``; references inside become :class:`Unknown`.

    Raises ValueError when ``value`` is not a jsonencode call of a parseable literal.
    """
    expr = expression(value)
    if not expr or not expr.startswith("jsonencode(") or not expr.endswith(")"):
        raise ValueError("not a jsonencode(...) expression")
    return _HclParser(expr[len("jsonencode(") : -1]).parse()


def values_at(config: Mapping[str, Any], path: str, label: str = "") -> Iterator[tuple[str, Any]]:
    """(label, value) of an argument given by a dotted path through nested blocks (each block may repeat)."""
    head, _, rest = path.partition(".")
    where = f"{label}.{head}" if label else head
    dynamic = config.get("dynamic")
    if rest and isinstance(dynamic, Mapping) and head in dynamic:
        yield where, Unknown(f'dynamic "{head}" blocks')
    value = config.get(head)
    if not rest:
        yield where, value
        return
    blocks = as_list(value)
    for index, block in enumerate(blocks):
        shown = where if len(blocks) == 1 else f"{where}[{index}]"
        if isinstance(block, Mapping):
            yield from values_at(block, rest, shown)
        else:
            yield shown, Unknown(f"{shown} is {block!r}")
