"""Bulk operations: `action|delete|update <plural> --query QUERY …` over every object a search finds.

The objects are found with one engine search, then the one-object operation runs for each,
at most `--parallel N` at a time. On a terminal-like text output each object gets its line as
it finishes, then a summary; json/xml/csv get one document listing every object's result.
The exit status is OK when all succeeded, the common status when all failed the same way,
and PARTIAL otherwise.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtshell.result import Result
from ovirtshell.status import CommandError, ExitStatus, ShellError, UsageError

if TYPE_CHECKING:
    from ovirtshell.language import Command
    from ovirtshell.locate import Target
    from ovirtshell.shell import Shell

#: The options bulk operations add to action, delete and update.
BULK_OPTIONS = ("query", "parallel", "dry-run", "yes")
DEFAULT_PARALLEL = 4
MAX_PARALLEL = 32

#: Actions that stop, remove or disturb what runs: refused in bulk without --yes.
DESTRUCTIVE_ACTIONS = frozenset(
    {
        "stop", "shutdown", "reboot", "reset", "suspend", "detach", "maintenance", "deactivate",
        "fence", "commit_snapshot", "preview_snapshot", "undo_snapshot", "restore", "undeploy",
        "force_remove", "destroy", "remove",
    }
)


@dataclass
class Outcome:
    """What happened to one object; `status` is OK on success."""

    id: str
    name: str
    status: ExitStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status == ExitStatus.OK

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": self.id, "name": self.name, "ok": self.ok,
                               "status": int(self.status), "status_name": self.status.name}
        doc["message" if self.ok else "error"] = self.message
        return doc


@dataclass
class Plan:
    """One bulk command: what it does to each object, and how it is named in lines."""

    verb: str  # "start", "delete", "update" — the word used in lines and the summary
    target: Target
    apply: Callable[[str, dict[str, Any]], str]  # (object path, object data) -> success message
    destructive: bool


def requested(command: Command) -> bool:
    """A bulk operation: --query on action, delete or update."""
    return any(name == "query" for name, _ in command.options)


def begin(shell: Shell, command: Command) -> tuple[Command, dict[str, str | None]]:
    """A bulk command checked for its plural type, split into the model's options and the
    bulk options' values."""
    check_plural(shell, command)
    if any(name == "curl" for name, _ in command.options):
        raise UsageError("--curl prints one request; for a bulk operation, --dry-run lists the objects")
    return command.split_off(BULK_OPTIONS)


def parallelism(value: str | None) -> int:
    if value is None:
        return DEFAULT_PARALLEL
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_PARALLEL:
        raise UsageError(f"--parallel needs a number from 1 to {MAX_PARALLEL}, not {value!r}")
    return n


def check_plural(shell: Shell, command: Command) -> None:
    """`--query` selects many objects, so the type is written in the plural (`vms`)."""
    index = shell.require_connection().index
    word = command.args[0] if command.args else ""
    name = index.resolve(word)
    if name is not None and word != index.plural(name):
        raise UsageError(
            f"--query selects many objects: write the type in the plural, "
            f"{command.verb} {index.plural(name)} --query … (see help {command.verb})"
        )


def select(shell: Shell, t: Target, query: str | None) -> list[dict[str, Any]]:
    """The objects the engine's search finds."""
    from ovirtshell.api.codec import decode_list

    if not query:
        raise UsageError("--query needs a search, e.g. --query \"cluster=Default and status=down\"")
    if not t.resource.searchable:
        raise UsageError(f"--query is not available for {t.resource.plural}: the engine cannot search them")
    xml = t.connection.client.get(t.collection, {"search": query})
    return decode_list(t.connection.index.model, t.resource.item_type, xml)


def execute(
    shell: Shell,
    command: Command,
    plan: Plan,
    own: dict[str, str | None],
    chosen: tuple[list[dict[str, Any]], str] | None = None,
) -> Result:
    """Run `plan` for every object the query finds (or the objects `chosen` gives, with the
    words that say how they were chosen); report per object, then the summary."""
    t = plan.target
    parallel = parallelism(own.get("parallel"))
    objects, how = chosen or (select(shell, t, own.get("query")), f"match {own.get('query')!r}")
    plural = t.resource.plural
    fmt = shell.current_format or shell.settings.output
    lines = _LineSink(shell, command, stream=fmt in ("text", "table"))
    if not objects:
        return Result(message=f"{plan.verb}: no {plural} {how}")
    names = ", ".join(_name(o) for o in objects)
    if "dry-run" in own:
        for obj in objects:
            lines.write(f"would {plan.verb} {t.resource.name} {_name(obj)} ({obj.get('id')})")
        docs = [{"id": o.get("id"), "name": _name(o), "dry_run": True, "operation": plan.verb} for o in objects]
        return lines.finish(docs, f"dry run: {plan.verb} {len(objects)} {plural}; nothing was sent")
    if plan.destructive and "yes" not in own:
        raise CommandError(f"refusing to {plan.verb} {len(objects)} {plural} without --yes: {names}")
    if shell.interactive:
        lines.write(f"{plan.verb} {len(objects)} {plural}: {names}")
    outcomes = _run_all(plan, objects, parallel, lambda o: lines.write(_line(t.resource.name, o)))
    order = {str(o.get("id")): i for i, o in enumerate(objects)}
    outcomes.sort(key=lambda o: order.get(o.id, 0))  # documents list them in the search's order
    return _summary(plan, plural, outcomes, lines)


def _run_all(plan: Plan, objects: list[dict[str, Any]], parallel: int, done: Callable[[Outcome], None]) -> list[Outcome]:
    """At most `parallel` at once; each outcome is reported as it arrives. Ctrl-C stops
    starting new ones and says which were already sent (they go on in the engine)."""
    outcomes: list[Outcome] = []
    collection = plan.target.collection
    stop = threading.Event()

    def one(obj: dict[str, Any]) -> Outcome:
        name, oid = _name(obj), str(obj.get("id"))
        if stop.is_set():
            return Outcome(oid, name, ExitStatus.INTERRUPTED, "not started")
        try:
            return Outcome(oid, name, ExitStatus.OK, plan.apply(f"{collection}/{oid}", obj))
        except ShellError as exc:
            return Outcome(oid, name, exc.status, str(exc))
        except Exception as exc:  # noqa: BLE001 - one object's bug must not lose the others' results
            return Outcome(oid, name, ExitStatus.UNKNOWN_ERROR, f"unexpected error: {type(exc).__name__}: {exc}")

    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="bulk")
    pending: set[Future[Outcome]] = {pool.submit(one, obj) for obj in objects}
    try:
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                outcomes.append(future.result())
                done(outcomes[-1])
    except KeyboardInterrupt:
        stop.set()
        started = len(outcomes) + sum(1 for f in pending if f.running())
        pool.shutdown(wait=False, cancel_futures=True)
        raise ShellError(
            f"interrupted after {len(outcomes)} of {len(objects)} {plan.target.resource.plural}; "
            f"{started - len(outcomes)} already sent go on in the engine",
            ExitStatus.INTERRUPTED,
        ) from None
    pool.shutdown(wait=True)
    return outcomes


def _summary(plan: Plan, plural: str, outcomes: list[Outcome], lines: _LineSink) -> Result:
    failed = [o for o in outcomes if not o.ok]
    docs = [o.document() for o in outcomes]
    total = len(outcomes)
    if not failed:
        return lines.finish(docs, f"{plan.verb}: {total} of {total} {plural} succeeded")
    statuses = Counter(o.status for o in failed)
    if len(failed) == total and len(statuses) == 1:
        status = failed[0].status
    else:
        status = ExitStatus.PARTIAL
    which = ", ".join(o.name for o in failed)
    text = f"{plan.verb}: {total - len(failed)} of {total} {plural} succeeded, {len(failed)} failed ({which})"
    result = lines.finish(docs, None)
    result.status, result.error = status, text
    return result


def _name(obj: dict[str, Any]) -> str:
    """How an object is named in lines: its name, else its natural label (a snapshot's
    description), else its id."""
    return str(obj.get("name") or obj.get("description") or obj.get("id"))


def _line(type_name: str, outcome: Outcome) -> str:
    if outcome.ok:
        return f"{type_name} {outcome.name}: {outcome.message}"
    return f"{type_name} {outcome.name}: failed ({outcome.status.name}): {outcome.message}"


class _LineSink:
    """Per-object lines: written at once for a plain terminal or stream, else kept for the
    result (a pipe or redirection gets them with the summary; structured formats get none)."""

    def __init__(self, shell: Shell, command: Command, *, stream: bool):
        self.shell = shell
        self.text_output = stream
        self.stream = stream and command.pipe is None and command.redirect is None
        self.kept: list[str] = []

    def write(self, line: str) -> None:
        if not self.text_output:
            return
        if self.stream:
            self.shell.env.stdout.write(line + "\n")
            self.shell.env.stdout.flush()
        else:
            self.kept.append(line)

    def finish(self, docs: list[dict[str, Any]], summary: str | None) -> Result:
        if not self.text_output:
            return Result(data=docs, kind="bulk", message=summary)
        text = "\n".join([*self.kept, summary] if summary else self.kept)
        return Result(message=text or None)
