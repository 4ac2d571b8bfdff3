"""Option specs of one command line (verb × type × action) and turning given options into a request.

The specs themselves are derived from the model in `derive.py`; this module is the part the
commands, the help and the completer use: look an option up, suggest a spelling, show it in
help, and build the request body, query, parent references and shell settings.

Lookup rules (`OptionSet.get`): a leading `--` is ignored; the exact name or one of its aliases
wins; otherwise hyphens and underscores are interchangeable (`--case-sensitive`,
`--memory-policy-guaranteed`) when exactly one option matches that way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ovirtshell.metadata.request import Request
from ovirtshell.metadata.values import ask_secret, file_form, is_secret, looks_json, parse_value
from ovirtshell.status import UsageError


@dataclass(frozen=True)
class OptionSpec:
    """One option: its name (without "--"), what it takes, and where its value goes."""

    name: str
    kind: str  # string | integer | size (bytes) | boolean | decimal | date | enum | struct | json | id | name
    type: str  # model type name of the value ("integer", "vm_type", "custom_property", ...)
    target: str  # body | query (method parameters outside the body) | parent | shell
    path: tuple[str, ...]  # body: nested keys; query/shell: (key,); parent: (type, "id"|"name")
    is_list: bool = False  # repeatable; primitives also take a comma-separated list
    values: tuple[str, ...] = ()  # enum values
    fields: tuple[tuple[str, str], ...] = ()  # struct list element fields: (name, type)
    doc: str | None = None
    group: str = ""  # top-level attribute (or "parent", "shell"), for grouped help
    aliases: tuple[str, ...] = ()  # other accepted names (the original's spellings)
    pair: tuple[str, ...] = ()  # a reference's forms, e.g. ("id", "name"): one help line for both
    element: str = ""  # struct lists: the element type, accepted as a field prefix ("custom_property.")
    field_values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # enum fields of a struct list element
    lists: tuple[str, ...] = ()  # struct list element fields (dotted prefixes) that are lists themselves
    rank: int = 2  # from the input details: 0 required, 1 documented, 2 any other input
    hints: tuple[str, ...] = ()  # struct list fields the input details name, for help
    secret: bool = False  # a password: read from --NAME-file FILE or asked for (--NAME -), never literal

    def display(self) -> str:
        """The help form (DESIGN §4.3): `--memory`, `--cluster-id|name` for both forms of a
        reference; each spelling shown is one `OptionSet.get` accepts."""
        if self.pair:
            return f"--{self.name.rsplit('-', 1)[0]}-{'|'.join(self.pair)}"
        if self.secret:
            return f"--{self.name}-file"
        return f"--{self.name}"

    def spellings(self) -> tuple[str, ...]:
        """The option names `display()` stands for."""
        if self.pair:
            base = self.name.rsplit("-", 1)[0]
            return tuple(f"{base}-{form}" for form in self.pair)
        return (self.name,)

    @property
    def is_flag(self) -> bool:
        """Takes no value on the command line (a bare `--async` means true)."""
        return self.kind == "boolean" and not self.is_list


@dataclass(frozen=True)
class Need:
    """One way to satisfy a required input: an option, or a field of a struct list option."""

    option: str  # the option's name
    field: str = ""  # a struct list element's (or a JSON struct's) dotted field
    path: tuple[str, ...] = ()  # where the option's value lands
    target: str = "body"  # body | query

    def display(self, options: OptionSet) -> str:
        spec = options.get(self.option)
        shown = spec.display() if spec is not None else f"--{self.option}"
        return f"{shown} {self.field}=…" if self.field else shown


@dataclass(frozen=True)
class Requirement:
    """The mandatory groups of one input shape ("" when the method has only one)."""

    signature: str
    groups: tuple[tuple[Need, ...], ...]


def _norm(name: str) -> str:
    return name.replace("_", "-")


@dataclass(frozen=True)
class OptionSet:
    """The options valid for one command line; names and aliases are unique."""

    specs: tuple[OptionSpec, ...]
    requirements: tuple[Requirement, ...] = ()  # any one satisfied makes a request complete
    model: Any = field(default=None, repr=False, compare=False)  # types JSON values
    _by_name: dict[str, OptionSpec] = field(init=False, repr=False, compare=False)
    _by_norm: dict[str, tuple[OptionSpec, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, OptionSpec] = {}
        by_norm: dict[str, list[OptionSpec]] = {}
        for spec in self.specs:
            for name in (spec.name, *spec.aliases):
                if name in by_name:
                    raise ValueError(f"duplicate option --{name}")
                by_name[name] = spec
                bucket = by_norm.setdefault(_norm(name), [])
                if spec not in bucket:
                    bucket.append(spec)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_norm", {k: tuple(v) for k, v in by_norm.items()})

    def get(self, name: str) -> OptionSpec | None:
        key = name[2:] if name.startswith("--") else name
        spec = self._by_name.get(key)
        if spec is not None:
            return spec
        matches = self._by_norm.get(_norm(key), ())
        if len(matches) == 1:
            return matches[0]
        base = file_form(key)
        if base is not None:
            spec = self.get(base)
            return spec if spec is not None and spec.secret else None
        return None

    def names(self) -> list[str]:
        """Canonical option names, in help order."""
        return [s.name for s in self.specs]

    def all_names(self) -> list[str]:
        """Names and aliases: everything `get` accepts exactly."""
        return list(self._by_name)

    def ranked(self) -> list[OptionSpec]:
        """Required first, then the documented inputs, then the rest (each in help order)."""
        return sorted(self.specs, key=lambda s: s.rank)

    def by_target(self, target: str) -> list[OptionSpec]:
        return [s for s in self.specs if s.target == target]

    def displays(self) -> list[str]:
        """Help lines, one per option (a reference's id and name forms share one)."""
        seen: dict[str, None] = {}
        for spec in self.specs:
            seen.setdefault(spec.display(), None)
        return list(seen)

    def suggest(self, name: str) -> str | None:
        """The closest option name, for "did you mean --x?"."""
        key = name[2:] if name.startswith("--") else name
        import difflib

        close = difflib.get_close_matches(key, list(self._by_name), n=1, cutoff=0.6)
        if close:
            return self._by_name[close[0]].name
        close = difflib.get_close_matches(_norm(key), list(self._by_norm), n=1, cutoff=0.6)
        return self._by_norm[close[0]][0].name if close else None

    def unknown(self, name: str) -> UsageError:
        key = name[2:] if name.startswith("--") else name
        hint = self.suggest(key)
        return UsageError(f"unknown option --{key}" + (f" (did you mean --{hint}?)" if hint else ""))

    def parse(self, pairs: Iterable[tuple[str, str | None]]) -> Request:
        """Turn `[(name, raw), ...]` into a request; repeating a list option accumulates."""
        request = Request()
        given: set[str] = set()
        for name, raw in pairs:
            spec = self.get(name)
            if spec is None:
                raise self.unknown(name)
            if spec.secret:
                value = secret_value(spec, name, raw)
            elif spec.target == "parent":
                value = _parent_value(spec, raw)
            else:
                value = parse_value(spec, raw, self.model)
                if spec.kind == "json" or spec.kind == "struct" and looks_json(raw or ""):
                    _refuse_inline_secret(self, spec.path, value)
            if not spec.is_list and spec.name in given:
                raise UsageError(f"--{spec.name} given more than once")
            given.add(spec.name)
            if spec.target == "body":
                _put(request.body, spec.path, value, spec.is_list)
            elif spec.target == "parent":
                kind = spec.path[1]
                request.parents[spec.path[0]] = (kind, value)
            else:
                bucket = request.query if spec.target == "query" else request.shell
                key = spec.path[-1] if spec.target == "query" else spec.path[0]
                if spec.is_list:
                    bucket.setdefault(key, []).extend(value)
                else:
                    bucket[key] = value
        return request

    def missing(self, request: Request) -> list[list[str]] | None:
        """None when some input shape's mandatory groups are all given; else, per shape, the
        options still missing (one line per group, alternatives joined with "or")."""
        if not self.requirements:
            return None
        report: list[list[str]] = []
        for requirement in self.requirements:
            lacking = [g for g in requirement.groups if not any(_given(request, n) for n in g)]
            if not lacking:
                return None
            report.append(self.describe(lacking))
        return report

    def describe(self, groups: Iterable[tuple[Need, ...]]) -> list[str]:
        """One line per group, alternatives joined with "or"; the required fields of one
        struct list option share a line (`--bricks brick_dir=…,server_id=…`)."""
        return [line for line, _ in self.describe_needs(groups)]

    def describe_needs(self, groups: Iterable[tuple[Need, ...]]) -> list[tuple[str, tuple[Need, ...]]]:
        """`describe`, each line with the group it stands for."""
        lines: list[tuple[str, tuple[Need, ...]]] = []
        merged: dict[str, int] = {}
        for group in groups:
            if len(group) == 1 and group[0].field:
                need = group[0]
                if need.option in merged:
                    at = merged[need.option]
                    lines[at] = (f"{lines[at][0]},{need.field}=…", lines[at][1])
                    continue
                merged[need.option] = len(lines)
            lines.append((" or ".join(dict.fromkeys(n.display(self) for n in group)), group))
        return lines

    def check(self, request: Request, verb: str, type_name: str) -> None:
        """SYNTAX_ERROR naming the missing options, before anything is sent."""
        report = self.missing(request)
        if report is None:
            return
        from ovirtshell.metadata.inputs import describe

        shapes = []
        for requirement, lacking in zip(self.requirements, report, strict=True):
            text = ", ".join(lacking)
            shapes.append(f"{text} ({describe(requirement.signature)})" if requirement.signature else text)
        given = [len(r.groups) - len(lacking) for r, lacking in zip(self.requirements, report, strict=True)]
        best = min(range(len(report)), key=lambda i: (len(report[i]), -given[i]))
        if len(shapes) == 1:
            message = f"{verb} {type_name}: missing required options: {shapes[0]}"
        else:
            message = f"{verb} {type_name}: missing required options, one of: " + "; or ".join(
                [shapes[best], *(s for i, s in enumerate(shapes) if i != best)]
            )
        raise UsageError(message + f" (see help {verb} {type_name})")


def _refuse_inline_secret(options: OptionSet, path: tuple[str, ...], value: Any) -> None:
    """A password inside JSON would sit in argv too: where it has an option of its own, that
    option's file or prompt form is the one way to give it."""
    if isinstance(value, list):
        for item in value:
            _refuse_inline_secret(options, path, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if is_secret(key):
                own = options.get("-".join((*path, key)))
                if own is not None and own.secret:
                    raise UsageError(f"--{'-'.join(path)}: {key} is a secret and is never taken on the command line: "
                                     f"use --{own.name}-file FILE, or --{own.name} - to be asked for it")
                raise UsageError(f"--{'-'.join(path)}: {key} is a secret and is never taken on the command line: "
                                 f"give the fields as field=value with {key}-file=FILE, or {key}=- to be asked for it")
            _refuse_inline_secret(options, (*path, key), item)


def secret_value(spec: OptionSpec, given: str, raw: str | None) -> str:
    """A secret option's value: the first line of `--NAME-file FILE`, or asked for on a
    terminal for `--NAME -`. A literal value is refused without being repeated, so that it
    never has to be typed where argv, history or logs would keep it."""
    key = given[2:] if given.startswith("--") else given
    if file_form(key) is not None and key not in (spec.name, *spec.aliases):
        if raw is None or not raw.strip():
            raise UsageError(f"--{spec.name}-file needs a file name")
        from ovirtshell.config import read_password_file

        return read_password_file(raw)
    if raw != "-":
        raise UsageError(f"--{spec.name} is a secret and is never taken on the command line: "
                         f"use --{spec.name}-file FILE, or --{spec.name} - to be asked for it")
    return ask_secret(spec.name)


def _given(request: Request, need: Need) -> bool:
    if need.target == "query":
        return request.query.get(need.path[-1]) is not None
    node: Any = request.body
    path = list(need.path) + (need.field.split(".") if need.field else [])
    return _present(node, path)


def _present(node: Any, path: list[str]) -> bool:
    if not path:
        return node is not None and node != [] and node != {}
    if isinstance(node, list):
        return any(_present(item, path) for item in node)
    if not isinstance(node, dict) or path[0] not in node:
        return False
    return _present(node[path[0]], path[1:])


def _parent_value(spec: OptionSpec, raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise UsageError(f"--{spec.name} needs a value")
    return raw


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any, is_list: bool) -> None:
    node = body
    for segment in path[:-1]:
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            raise UsageError(f"conflicting options for {'-'.join(path)}")
        node = child
    if is_list:
        node.setdefault(path[-1], []).extend(value)
    elif isinstance(value, dict) and isinstance(node.get(path[-1]), dict):
        _merge(node[path[-1]], value)  # --cpu JSON beside --cpu-topology-cores
    else:
        node[path[-1]] = value


def _merge(into: dict[str, Any], value: dict[str, Any]) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item
