"""The simulator's search language, over plain dicts."""

from __future__ import annotations

import pytest

from ovirtsim.dispatch.search import (
    DEFAULT_PAGE_SIZE,
    Condition,
    Query,
    SearchError,
    apply,
    parse,
)

VMS = [
    {
        "name": "web1",
        "status": "up",
        "memory": 2048,
        "cluster": "Default",
        "tags": ["prod", "web"],
        "created": "2024-03-01T10:00:00.000+00:00",
        "description": "front end",
    },
    {
        "name": "web2",
        "status": "down",
        "memory": 1024,
        "cluster": "Default",
        "tags": ["web"],
        "created": "2024-03-02T09:30:00.000+00:00",
        "description": None,
    },
    {
        "name": "db1",
        "status": "up",
        "memory": 8192,
        "cluster": "Backend",
        "tags": [],
        "created": "2024-02-15T00:00:00.000+00:00",
        "description": "Main DB",
    },
    {
        "name": "Web3",
        "status": "suspended",
        "memory": 512,
        "cluster": "Default",
        "tags": ["test"],
        "created": "2024-03-02T23:59:00.000+00:00",
        "description": "web three",
    },
]
FIELDS = {"name", "status", "memory", "cluster", "tag", "created", "description", "vms.status"}


def values(item: dict, field: str) -> list | None:
    """A field_values callback: tags are multi-valued, unknown fields give None."""
    if field not in FIELDS:
        return None
    if field == "tag":
        return item["tags"]
    if field == "vms.status":
        return [vm["status"] for vm in item.get("vms", [])]
    return [item[field]]


def names(query: str, items: list[dict] = VMS, **kwargs) -> list[str]:
    return [i["name"] for i in apply(parse(query), items, values, **kwargs)]


# --- parse ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, groups",
    [
        ("name=web1", ((Condition("name", "=", "web1"),),)),
        ("NAME = web1", ((Condition("name", "=", "web1"),),)),
        ('name="my vm"', ((Condition("name", "=", "my vm"),),)),
        (
            "name=web* and status=up",
            ((Condition("name", "=", "web*"), Condition("status", "=", "up")),),
        ),
        (
            "name=web* status=up",
            ((Condition("name", "=", "web*"), Condition("status", "=", "up")),),
        ),
        (
            "status=down OR status=up",
            ((Condition("status", "=", "down"),), (Condition("status", "=", "up"),)),
        ),
        (
            "a=1 and b=2 or c=3 and d!=4",
            (
                (Condition("a", "=", "1"), Condition("b", "=", "2")),
                (Condition("c", "=", "3"), Condition("d", "!=", "4")),
            ),
        ),
        ("memory>=1024", ((Condition("memory", ">=", "1024"),),)),
        ("memory<=1024", ((Condition("memory", "<=", "1024"),),)),
        ("memory < 1024", ((Condition("memory", "<", "1024"),),)),
        ("memory>1024", ((Condition("memory", ">", "1024"),),)),
        ("Vms.Status=up", ((Condition("vms.status", "=", "up"),),)),
        ("Vms: name=web1", ((Condition("name", "=", "web1"),),)),
        ("Hosts:vms.status=up", ((Condition("vms.status", "=", "up"),),)),
        ("name=and", ((Condition("name", "=", "and"),),)),
        ("", ()),
        ("   ", ()),
        ("Vms:", ()),
    ],
)
def test_parse_conditions(text: str, groups: tuple) -> None:
    assert parse(text).groups == groups


def test_parse_values_keep_their_case_and_fields_do_not() -> None:
    assert parse("Name=Web1").groups == ((Condition("name", "=", "Web1"),),)


@pytest.mark.parametrize(
    "text, sort_by, descending, page",
    [
        ("name=a", None, False, None),
        ("name=a sortby name", "name", False, None),
        ("name=a SORTBY Memory DESC", "memory", True, None),
        ("name=a sortby memory asc page 2", "memory", False, 2),
        ("page 3", None, False, 3),
        ("sortby name desc", "name", True, None),
    ],
)
def test_parse_sort_and_page(
    text: str, sort_by: str | None, descending: bool, page: int | None
) -> None:
    query = parse(text)
    assert (query.sort_by, query.descending, query.page) == (sort_by, descending, page)


@pytest.mark.parametrize(
    "text, detail",
    [
        ("name web1", "name $web1$"),
        ("name=", "name$=$"),
        ("name==x", "name=$=$x"),
        ("name=web1 and", "name=web1 $and$"),
        ("name=web1 or or status=up", "name=web1 or $or$ status=up"),
        ("and name=web1", "$and$ name=web1"),
        ("name=web1 sortby", "name=web1 $sortby$"),
        ("name=web1 sortby name sideways", "name=web1 sortby name $sideways$"),
        ("page x", "page $x$"),
        ("page 0", "page $0$"),
        ("page", "$page$"),
        ("page 2 sortby name", "page 2 $sortby$ name"),
        ('name="web', 'name=$"web$'),
        ("name!web", "name$!$web"),
        ("=web", "$=$web"),
        ("na/me=web", "$na/me$=web"),
        ("Vms: name=web1 x", "Vms: name=web1 $x$"),
    ],
)
def test_parse_errors_mark_the_bad_token(text: str, detail: str) -> None:
    with pytest.raises(SearchError) as err:
        parse(text)
    assert str(err.value) == detail
    assert isinstance(err.value, ValueError)


# --- apply: filtering ------------------------------------------------------------------------


def test_empty_query_matches_everything_in_order() -> None:
    assert names("") == ["web1", "web2", "db1", "Web3"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("name=web1", ["web1"]),
        ("name=WEB1", ["web1"]),
        ("name=web*", ["web1", "web2", "Web3"]),
        ("name=*1", ["web1", "db1"]),
        ("name=w*b*", ["web1", "web2", "Web3"]),
        ("name=web", []),
        ("name!=web*", ["db1"]),
        ("name!=web1", ["web2", "db1", "Web3"]),
        ("status=up and cluster=Default", ["web1"]),
        ("status=up cluster=default", ["web1"]),
        ("status=down or status=suspended", ["web2", "Web3"]),
        ("status=up and cluster=Backend or name=web2", ["web2", "db1"]),
        ('description="front end"', ["web1"]),
        ("description=*db*", ["db1"]),
        ("description!=*e*", ["web2", "db1"]),
    ],
)
def test_text_conditions(query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_case_sensitive_text_and_wildcards() -> None:
    assert names("name=web*", case_sensitive=True) == ["web1", "web2"]
    assert names("name=Web3", case_sensitive=True) == ["Web3"]
    assert names("name=web3", case_sensitive=True) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ("memory>1024", ["web1", "db1"]),
        ("memory>=1024", ["web1", "web2", "db1"]),
        ("memory<1024", ["Web3"]),
        ("memory<=1024", ["web2", "Web3"]),
        ("memory=2048", ["web1"]),
        ("memory=2048.0", ["web1"]),
        ("memory!=2048", ["web2", "db1", "Web3"]),
        # numerically 512 < 8192, although "512" > "8192" as text
        ("memory<8192", ["web1", "web2", "Web3"]),
    ],
)
def test_numbers_compare_numerically(query: str, expected: list[str]) -> None:
    assert names(query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("created>2024-03-01T12:00:00Z", ["web2", "Web3"]),
        ("created<2024-03-01", ["db1"]),
        ("created=2024-03-02", ["web2", "Web3"]),
        ("created>=2024-03-02", ["web2", "Web3"]),
        ("created<=2024-03-01", ["web1", "db1"]),
        ("created>2024-03-02T10:00:00+02:00", ["web2", "Web3"]),
        ("created<2024-03-02T10:00:00+02:00", ["web1", "db1"]),
    ],
)
def test_dates_compare_as_dates(query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_text_ordering_operators_fall_back_to_text() -> None:
    assert names("name>web1") == ["web2", "Web3"]
    assert names("name<c") == []


def test_multivalued_fields_match_any_value_and_not_equal_means_none() -> None:
    assert names("tag=web") == ["web1", "web2"]
    assert names("tag=prod") == ["web1"]
    assert names("tag!=web") == ["db1", "Web3"]
    assert names("tag=*") == ["web1", "web2", "Web3"]  # db1 has no tag at all


def test_missing_value_never_equals_but_is_unequal() -> None:
    assert names("description=*") == ["web1", "db1", "Web3"]
    assert names("description!=x") == ["web1", "web2", "db1", "Web3"]


def test_cross_reference_fields_are_passed_through_dotted() -> None:
    hosts = [
        {"name": "h1", "vms": [{"status": "up"}, {"status": "down"}]},
        {"name": "h2", "vms": [{"status": "down"}]},
        {"name": "h3", "vms": []},
    ]
    assert names("vms.status=up", hosts) == ["h1"]
    assert names("vms.status!=up", hosts) == ["h2", "h3"]


def test_booleans_compare_as_true_false() -> None:
    items = [{"name": "a", "stateless": True}, {"name": "b", "stateless": False}]

    def lookup(item: dict, field: str) -> list | None:
        return [item[field]] if field in item else None

    assert [i["name"] for i in apply(parse("stateless=true"), items, lookup)] == ["a"]
    assert [i["name"] for i in apply(parse("stateless=FALSE"), items, lookup)] == ["b"]


def test_ordered_values_rank_enums() -> None:
    events = [{"name": s, "severity": s} for s in ("alert", "normal", "error", "warning")]

    def lookup(item: dict, field: str) -> list | None:
        return [item[field]] if field in item else None

    ranks = {"severity": ["normal", "warning", "error", "alert"]}
    found = apply(
        parse("severity>warning sortby severity desc"), events, lookup, ordered_values=ranks
    )
    assert [e["name"] for e in found] == ["alert", "error"]
    found = apply(parse("severity>=normal sortby severity"), events, lookup, ordered_values=ranks)
    assert [e["name"] for e in found] == ["normal", "warning", "error", "alert"]


# --- apply: errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, detail",
    [
        ("colour=red", "$colour$=red"),
        ("name=web1 and Colour=red", "name=web1 and $Colour$=red"),
        ("name=web* or colour=red", "name=web* or $colour$=red"),  # even where "or" short-circuits
        ("Vms: name=web1 sortby colour desc", "Vms: name=web1 sortby $colour$ desc"),
    ],
)
def test_unknown_field_is_a_search_error(query: str, detail: str) -> None:
    with pytest.raises(SearchError) as err:
        apply(parse(query), VMS, values)
    assert str(err.value) == detail


def test_unknown_field_in_hand_built_query_marks_the_field_name() -> None:
    query = Query(groups=((Condition("colour", "=", "red"),),))
    with pytest.raises(SearchError, match=r"^\$colour\$$"):
        apply(query, VMS, values)


def test_unknown_field_over_no_items_cannot_be_detected() -> None:
    assert apply(parse("colour=red"), [], values) == []


# --- apply: sorting and paging ---------------------------------------------------------------


def test_sortby_text_is_case_insensitive_and_stable() -> None:
    assert names("sortby name") == ["db1", "web1", "web2", "Web3"]
    assert names("sortby cluster") == ["db1", "web1", "web2", "Web3"]
    assert names("sortby cluster desc") == ["web1", "web2", "Web3", "db1"]


def test_sortby_numbers_and_dates() -> None:
    assert names("sortby memory") == ["Web3", "web2", "web1", "db1"]
    assert names("sortby memory desc") == ["db1", "web1", "web2", "Web3"]
    assert names("name=web* sortby created desc") == ["Web3", "web2", "web1"]


def test_sortby_puts_missing_values_last_both_ways() -> None:
    assert names("sortby description") == ["web1", "db1", "Web3", "web2"]
    assert names("sortby description desc") == ["Web3", "db1", "web1", "web2"]
    assert names("sortby tag") == ["web1", "Web3", "web2", "db1"]


def test_max_results_without_page_keeps_the_first() -> None:
    assert names("sortby name", max_results=2) == ["db1", "web1"]
    assert names("", max_results=0) == []
    assert names("", max_results=-1) == ["web1", "web2", "db1", "Web3"]


def test_page_with_max_results() -> None:
    assert names("sortby name page 1", max_results=3) == ["db1", "web1", "web2"]
    assert names("sortby name page 2", max_results=3) == ["Web3"]
    assert names("sortby name page 3", max_results=3) == []


def test_page_without_max_uses_the_default_page_size() -> None:
    items = [{"name": f"vm{n:03d}"} for n in range(DEFAULT_PAGE_SIZE + 5)]

    def lookup(item: dict, field: str) -> list | None:
        return [item[field]] if field in item else None

    first = apply(parse("page 1"), items, lookup)
    second = apply(parse("page 2"), items, lookup)
    assert len(first) == DEFAULT_PAGE_SIZE
    assert [i["name"] for i in second] == [
        f"vm{n:03d}" for n in range(DEFAULT_PAGE_SIZE, DEFAULT_PAGE_SIZE + 5)
    ]


def test_apply_accepts_any_iterable() -> None:
    assert [i["name"] for i in apply(parse("status=up"), iter(VMS), values)] == ["web1", "db1"]
