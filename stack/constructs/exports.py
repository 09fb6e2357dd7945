"""SSM Parameter Store exports under ``/pipeline/<suffix>/`` plus matching Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tfcdk import Construct, Fn, TerraformOutput
from tfcdk.aws import load

_parameter = load("ssm_parameter")


class Exports(Construct):
    """``values`` become String parameters, ``lists`` StringList ones; keys are kebab-case names.

    Each parameter ``/pipeline/<suffix>/<name>`` has a Terraform output ``<name_with_underscores>``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        prefix: str,
        values: Mapping[str, str],
        lists: Mapping[str, Sequence[str]],
    ) -> None:
        super().__init__(scope, id_)
        self.prefix = prefix
        self.parameters: dict[str, object] = {}
        self._outputs = Construct(self, "outputs")
        for name, value in values.items():
            self._export(name, kind="String", value=value, output=value)
        for name, items in lists.items():
            self._export(name, kind="StringList", value=Fn.join(",", list(items)), output=list(items))

    def _export(self, name: str, *, kind: str, value: str, output: object) -> None:
        ident = name.replace("-", "_")
        self.parameters[name] = _parameter.SsmParameter(
            self,
            ident,
            name=f"{self.prefix}{name}",
            type=kind,
            value=value,
            description=f"Exported by the transaction pipeline stack: {name}",
        )
        TerraformOutput(
            self._outputs, ident, value=output, description=f"Also in SSM at {self.prefix}{name}", static_id=True
        )
