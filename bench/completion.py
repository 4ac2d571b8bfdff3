"""Completion latency per keystroke on the full oVirt 4.6 model.

Every prefix of a set of realistic command lines is completed, as if typed one key at a time:
`candidates(analyse(text))` with the full model index and 10,000 cached VM names. Printed: p50,
p95 and max in milliseconds, next to two references measured in the same run on the same
texts: the tokenizer alone, and a plain prompt_toolkit WordCompleter over the command words.

    python bench/completion.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib import resources

from prompt_toolkit.completion import CompleteEvent, WordCompleter
from prompt_toolkit.document import Document

from ovirtshell.commands import Registry
from ovirtshell.commands.set import VARIABLES
from ovirtshell.completer.engine import Context, analyse, candidates
from ovirtshell.completer.ptk import ShellCompleter
from ovirtshell.language import tokenize
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.model import Model

LINES = [
    "list vms --query 'name=web* and status=up' --max 20",
    "show vm web1234 --fields name,status",
    "create vm --name web9 --cluster-name Default --template-name Blank --display-type spice --memory 2GiB",
    "action vm web17 migrate --host-name host1 --wait",
    "list nics --parent-vm-name web1 --show-all",
    "create nic --parent-vm-name web1 --name nic2 --interface virtio",
    "update vm web3 --memory_policy-ballooning true --os-boot-devices hd",
    "delete vm web42 --yes",
    "set output json",
    "help create vm",
    "list vms > /tmp/vms.txt",
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(fn, texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    data = json.loads(resources.files("ovirtsim").joinpath("data/model.json").read_text())
    started = time.perf_counter()
    index = Index(Model.from_json(data))
    build_ms = (time.perf_counter() - started) * 1000

    registry = Registry()
    specs = {word: registry.get(word).SPEC for word in registry.words()}
    vm_names = tuple(f"web{i}" for i in range(10_000))
    names = {"vm": vm_names, "host": ("host0", "host1"), "cluster": ("Default",), "template": ("Blank",)}
    context = Context(
        specs=specs,
        index=index,
        names=lambda type_name, parents: names.get(type_name, ()),
        settings={name: info[2] for name, info in VARIABLES.items()},
    )
    texts = [line[:i] for line in LINES for i in range(len(line) + 1)]

    def engine(text: str) -> None:
        candidates(analyse(text, specs), context)

    # First pass: the index derives each (verb, type, action) option set on first use.
    cold = measure(engine, texts, 1)

    adapter = ShellCompleter(lambda: context)
    words = WordCompleter(sorted(specs))
    event = CompleteEvent(completion_requested=True)

    results = {
        "engine": measure(engine, texts, args.rounds),
        "adapter (prompt_toolkit Completion objects)": measure(
            lambda t: list(adapter.get_completions(Document(t), event)), texts, args.rounds
        ),
        "reference: tokenize only": measure(lambda t: tokenize(t, lenient=True), texts, args.rounds),
        "reference: WordCompleter(command words)": measure(
            lambda t: list(words.get_completions(Document(t), event)), texts, args.rounds
        ),
    }
    print(f"{len(texts)} partial lines x {args.rounds} rounds; model index built in {build_ms:.0f} ms; "
          f"first pass (option sets derived on first use): total {sum(cold):.0f} ms, "
          f"p95 {percentile(cold, 95):.3f} ms, max {max(cold):.3f} ms")
    print(f"{'':46} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, samples in results.items():
        print(f"{label:46} {statistics.median(samples):8.3f} {percentile(samples, 95):8.3f} {max(samples):8.3f}")
    p95 = percentile(results["engine"], 95)
    for label in ("reference: tokenize only", "reference: WordCompleter(command words)"):
        print(f"engine p95 / {label[11:]} p95 = {p95 / percentile(results[label], 95):.1f}x")
    print(f"target p95 < 10 ms: {'met' if p95 < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
