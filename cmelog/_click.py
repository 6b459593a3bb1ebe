"""Where click lives: Typer >= 0.29 vendors it as `typer._click`; older Typers depend on click.

Kept in one place so that a Typer upgrade is a one-file change.
"""

from __future__ import annotations

from typing import Any

try:
    from typer import _click as click
    from typer.exceptions import Abort, Exit
except ImportError:  # pragma: no cover - older Typer with click as a dependency
    import click  # type: ignore[no-redef]
    from click.exceptions import Abort, Exit  # type: ignore[no-redef, assignment, unused-ignore]

ClickException: Any = click.exceptions.ClickException
UsageError: Any = click.exceptions.UsageError
NoArgsIsHelpError: Any = getattr(click.exceptions, "NoArgsIsHelpError", None)

__all__ = ["Abort", "ClickException", "Exit", "NoArgsIsHelpError", "UsageError", "click"]


# ------------------------------------------------------------------ values without pydantic
def _plain_values() -> None:
    """Let plain text, flag and list-of-text values through without pydantic.

    Typer 0.29 checks every parameter's value with a pydantic TypeAdapter, building it (and
    importing pydantic, about 0.08 s) even for an option left at its default. cmelog's options
    are text, flags and repeated text: a value that already has its type is returned as is,
    exactly what the adapter returns for it; anything else still goes to Typer's own check.
    """
    try:
        from dataclasses import dataclass

        from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover - a Typer without the adapter layer
        return

    plain = {str: str, bool: bool, list[str]: str}

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = plain[self.annotation]
            if self.annotation == list[str]:
                if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                    return list(value)
            elif type(value) is kind:
                return value
            full = build_runtime_param(self.descriptor)
            return full._coerce_value(value, param=param, ctx=ctx)

    original = _TyperParameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            d = self.type_descriptor
            if (
                d.file_annotation is None
                and d.parameter_info.parser is None
                and d.annotation in plain
            ):
                self._runtime_param = PlainRuntimeParam(
                    parameter_info=d.parameter_info, annotation=d.annotation, descriptor=d
                )
        return original(self)

    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


_plain_values()
