"""Built-in commands: one module per verb, each exporting SPEC and run(shell, cmd)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ovirtshell.commands.spec import CommandSpec

# Module names in the order help lists them.
MODULES = (
    "action",
    "clear",
    "connect",
    "console",
    "create",
    "delete",
    "disconnect",
    "echo",
    "exit",
    "file",
    "help",
    "history",
    "info",
    "list",
    "ping",
    "refresh",
    "set",
    "shell",
    "show",
    "status",
    "summary",
    "update",
)


class Registry:
    """Maps command words (names and aliases) to their modules; one per Shell, never global."""

    def __init__(self, modules: tuple[str, ...] = MODULES):
        self._modules: dict[str, ModuleType] = {}
        self._words: dict[str, str] = {}
        for name in modules:
            try:
                module = importlib.import_module(f"ovirtshell.commands.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"ovirtshell.commands.{name}":
                    raise
                continue  # a command not built yet
            spec: CommandSpec = module.SPEC
            self._modules[spec.name] = module
            for word in (spec.name, *spec.aliases):
                self._words[word] = spec.name

    def get(self, word: str) -> ModuleType | None:
        name = self._words.get(word)
        return self._modules[name] if name else None

    def specs(self) -> list[CommandSpec]:
        return [m.SPEC for m in self._modules.values()]

    def words(self) -> list[str]:
        return sorted(self._words)
