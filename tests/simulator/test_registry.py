"""Registered handlers name things the API model has: a typo would leave a handler that
the dispatch path never calls."""

from __future__ import annotations

from ovirtsim import domain
from ovirtsim.core.model import load_model
from ovirtsim.core.registry import HANDLERS

domain.load()
MODEL = load_model()


def test_actions_exist_in_the_model() -> None:
    missing = [f"{svc}/{name}" for svc, name in HANDLERS.actions
               if svc not in MODEL.services
               or name not in {m.name for m in MODEL.services[svc].actions.values()}]
    assert HANDLERS.actions and missing == []


def test_hooks_and_extras_name_model_types() -> None:
    keys = [t for (_op, t) in [*HANDLERS.before, *HANDLERS.after]] + list(HANDLERS.extras)
    assert keys and [t for t in keys if not MODEL.members(t)] == []


def test_views_name_sub_collections_of_their_service() -> None:
    missing = [f"{svc}/{link}" for svc, link in HANDLERS.views
               if svc not in MODEL.services
               or link not in {loc for loc, _ in MODEL.services[svc].sub.values()}]
    assert HANDLERS.views and missing == []
