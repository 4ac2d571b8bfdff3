"""Built-in commands: one module per verb, each exporting SPEC and run(shell, cmd)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ovirtshell.commands.spec import CommandSpec

# Module names in the order help lists them.
MODULES = (
    "action",
    "ca",
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
    """Maps command words (names and aliases) to their modules; one per Shell, never global.

    A command's module is imported when it is first asked for by name, so a one-shot command
    pays only for itself; aliases, help and completion load them all.
    """

    def __init__(self, modules: tuple[str, ...] = MODULES):
        self._names = modules
        self._modules: dict[str, ModuleType] = {}
        self._words: dict[str, str] = {}
        self._complete = False

    def _load(self, name: str) -> ModuleType | None:
        if name not in self._modules:
            try:
                module = importlib.import_module(f"ovirtshell.commands.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"ovirtshell.commands.{name}":
                    raise
                return None  # a command not built yet
            spec: CommandSpec = module.SPEC
            self._modules[spec.name] = module
            for word in (spec.name, *spec.aliases):
                self._words[word] = spec.name
        return self._modules.get(name)

    def _load_all(self) -> None:
        if not self._complete:
            for name in self._names:
                self._load(name)
            self._complete = True

    def get(self, word: str) -> ModuleType | None:
        if word in self._names:
            return self._load(word)
        self._load_all()
        name = self._words.get(word)
        return self._modules[name] if name else None

    def specs(self) -> list[CommandSpec]:
        self._load_all()
        return [self._modules[name].SPEC for name in self._names if name in self._modules]

    def words(self) -> list[str]:
        self._load_all()
        return sorted(self._words)
