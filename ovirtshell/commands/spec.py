"""The one description of a built-in command: parser flags, help, completion, man page and docs read it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OptionDoc:
    name: str  # without "--"
    help: str
    metavar: str | None = None  # None: a flag that takes no value
    values: tuple[str, ...] = ()  # fixed choices, for completion and help
    secret: bool = False  # never recorded in history (e.g. connect --password)

    @property
    def is_flag(self) -> bool:
        return self.metavar is None


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    usage: str
    description: str
    options: tuple[OptionDoc, ...] = ()
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    offline: bool = False  # works while disconnected
    typed: bool = False  # its first argument is a type from the engine's model
    local: bool = False  # a shell-local meta-command rather than an API verb
    extra: dict[str, str] = field(default_factory=dict)  # more help sections, title -> text

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(o.name for o in self.options if o.is_flag)

    def option(self, name: str) -> OptionDoc | None:
        for o in self.options:
            if o.name == name:
                return o
        return None


def reject_arguments(command) -> None:
    """For commands that take nothing: a stray word or option is an error, never ignored."""
    from ovirtshell.status import UsageError

    if command.args or command.options:
        raise UsageError(f"{command.verb} takes no arguments")
