"""What a pricer may know: the synthesized stack (resources, references between them), the usage
profile and the price book; and how it reports a line item, a free resource or missing usage."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from aspects.tfjson import Resource
from cost_estimate.model import LineItem
from cost_estimate.prices import PriceBook, PriceError
from cost_estimate.profile import Profile
from tag_audit.static import ExpectedResource, Stack, expected_resources

_REFERENCE = re.compile(r"\$\{(?P<type>aws_\w+)\.(?P<name>[\w-]+)\.\w+")


class NoUsage(Exception):
    """The resource cannot be priced (no usage for it in the profile, a value only known at apply)."""


class Free(Exception):
    """The resource's configuration makes it free (an SSM parameter in the Standard tier)."""


def block(value: Any) -> Mapping[str, Any]:
    """A nested block as Terraform JSON holds it: an object, or a list of one object, or absent."""
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, Mapping) else {}


def references(value: Any) -> set[tuple[str, str]]:
    """Every ``${aws_type.name.attr}`` reference anywhere inside a configuration value."""
    if isinstance(value, str):
        return {(m.group("type"), m.group("name")) for m in _REFERENCE.finditer(value)}
    if isinstance(value, Mapping):
        return set().union(*(references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(references(v) for v in value)) if value else set()
    return set()


def literal(resource: Resource, key: str) -> str:
    """A string attribute known at synth (a name), or NoUsage naming it."""
    value = resource.config.get(key)
    if not isinstance(value, str) or "${" in value:
        raise NoUsage(f"{key} is not a literal at synth ({value!r}): cannot match it to the usage profile")
    return value


@dataclass
class StackView:
    """The resources of one synthesized stack with their effective tags (as the tag audit reads them)."""

    stack: Stack
    resources: list[ExpectedResource] = field(init=False)

    def __post_init__(self) -> None:
        self.resources = expected_resources(self.stack)
        self._by_type: dict[str, list[Resource]] = {}
        for expected in self.resources:
            self._by_type.setdefault(expected.resource.type, []).append(expected.resource)

    @property
    def name(self) -> str:
        return self.stack.name

    def of_type(self, type_: str) -> list[Resource]:
        return self._by_type.get(type_, [])

    def referring_to(self, target: Resource, type_: str, key: str) -> Iterator[Resource]:
        """Resources of ``type_`` whose ``key`` refers to ``target`` (by reference, or by its literal name)."""
        names = {v for k, v in target.config.items() if k in ("name", "bucket") and isinstance(v, str)}
        for resource in self.of_type(type_):
            value = resource.config.get(key)
            if (target.type, target.name) in references(value) or (isinstance(value, str) and value in names):
                yield resource


@dataclass
class Context:
    view: StackView
    profile: Profile
    prices: PriceBook
    _durations: dict[str, float | None] = field(default_factory=dict)

    def line(self, price_key: str, quantity: float, *, service: str, component: str, unit: str, basis: str) -> LineItem:
        """A priced line item, or an unpriced one (usd None) when the snapshot has no such price."""
        try:
            price = self.prices[price_key]
        except PriceError as error:
            return LineItem(service, component, quantity, unit, None, basis, reason=str(error))
        return LineItem(service, component, quantity, unit, price.cost(quantity), basis, rate=price.rate)

    def functions_matching(self, glob: str) -> list[Resource]:
        return [
            f
            for f in self.view.of_type("aws_lambda_function")
            if isinstance(f.config.get("function_name"), str) and fnmatchcase(f.config["function_name"], glob)
        ]
