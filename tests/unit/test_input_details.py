"""The input details over the whole 4.6 model: every documented input has an option that puts
its value at the right place of the request body, required inputs are checked client-side,
help pages lead with them, and every spelling a help page prints parses."""

from __future__ import annotations

import json
import re
import tempfile
from functools import cache, lru_cache

import pytest
from lxml import etree

from ovirtshell import helptext
from ovirtshell.api.codec import encode
from ovirtshell.bulk import BULK_OPTIONS
from ovirtshell.commands import Registry
from ovirtshell.commands.delete import RETENTION
from ovirtshell.follow import FOLLOW_OPTIONS
from ovirtshell.metadata import inputs
from ovirtshell.metadata.derive import need_for
from ovirtshell.metadata.loader import BUNDLED_MODEL, build_index
from ovirtshell.metadata.options import OptionSet
from ovirtshell.metadata.values import is_secret
from ovirtshell.status import UsageError

SAMPLES = {"string": "S1", "integer": "3", "size": "3", "boolean": "true", "decimal": "1.5",
           "date": "2024-05-01T12:00:00Z"}  # fmt: skip


@lru_cache(maxsize=1)
def index():
    return build_index(BUNDLED_MODEL.read_bytes())


def _places():
    """(service, method) -> (verb, type name, parents, action) for every writing method."""
    out: dict[tuple[str, str], tuple[str, str, tuple[str, ...], str | None]] = {}
    ix = index()
    for name in ix.all_names():
        for r in ix.resources(name):
            if r.can_add:
                out.setdefault((r.collection_service, "add"), ("create", name, r.parents, None))
            if r.can_update and r.entity_service:
                out.setdefault((r.entity_service, "update"), ("update", name, r.parents, None))
            for action in r.actions:
                out.setdefault((r.entity_service, action), ("action", name, r.parents, action))
    return out


def _model_type(method, path: str) -> str | None:
    """The model type a path ends at, or None when the model lacks the path."""
    model = index().model
    segments = path.replace("[]", "").split(".")
    param = method.parameter(segments[0])
    if param is None:
        return None
    type_name = param.type
    for segment in segments[1:]:
        type_ = model.types.get(type_name)
        member = type_.member(segment) if type_ is not None else None
        if member is None:
            return None
        type_name = member.type
    return type_name


def _sample(type_name: str) -> tuple[str, str]:
    """(raw option value, the text it becomes in the XML body)."""
    type_ = index().model.types[type_name]
    if type_.kind == "enum":
        return type_.values[0], type_.values[0]
    raw = SAMPLES[type_name]
    return raw, raw


def _documented_paths():
    for (service, method_name), place in sorted(_places().items()):
        for shape in inputs.signatures(service, method_name):
            for group in (*shape.mandatory, *shape.optional):
                for path in group:
                    yield service, method_name, place, path


def _body_relative(verb: str, method, path: str) -> str:
    if verb == "action":
        return path
    body = next(p for p in method.parameters if p.is_in and p.is_out)
    return path[len(body.name):].lstrip(".")


def _xml_has(root, relative: str, text: str) -> bool:
    """Whether the body has `text` at the path (`a.b[].c`: list elements are any child)."""
    nodes = [root]
    segments = relative.split(".") if relative else []
    for i, segment in enumerate(segments):
        is_list = segment.endswith("[]")
        name = segment[:-2] if is_list else segment
        last = i == len(segments) - 1
        found = []
        for node in nodes:
            if last and not is_list and node.get(name) == text:
                return True  # ids are XML attributes
            for child in node.findall(name):
                found.extend(list(child) if is_list else [child])
        nodes = found
    return any((node.text or "") == text for node in nodes)


def test_every_documented_input_has_an_option_that_lands_in_the_body():
    ix = index()
    checked = lacking = 0
    problems: list[str] = []
    for service, method_name, (verb, name, parents, action), path in _documented_paths():
        method = ix.method(service, "add" if verb == "create" else method_name)
        leaf = _model_type(method, path)
        if leaf is None:
            lacking += 1  # a slip of the sources: the model has no such input
            continue
        options = ix.options(verb, name, parents, action)
        relative = _body_relative(verb, method, path)
        need = need_for(options, relative)
        if need is None:
            problems.append(f"{service}.{method_name}: no option for {path}")
            continue
        spec = options.get(need.option)
        leaf_type = ix.model.types[leaf]
        if leaf_type.kind == "struct":  # a whole object: JSON in the model's names
            leaf_value, below, text = _json_leaf(leaf)
            if spec.kind == "struct" and not need.field and not relative.endswith("[]"):
                relative += "[]"  # a whole list: its elements
            relative = f"{relative}.{below}"
        else:
            raw, text = _sample(leaf)
            leaf_value = json.loads(raw) if leaf in ("integer", "decimal") else raw == "true" if leaf == "boolean" else raw
        if need.field and spec.kind == "struct" and need.field in dict(spec.fields) and leaf_type.kind != "struct":
            value = _field_given(spec, need.field) if is_secret(need.field.rsplit(".", 1)[-1]) else f"{need.field}={raw}"
            text = "s3cret" if is_secret(need.field.rsplit(".", 1)[-1]) else text
        elif need.field or leaf_type.kind == "struct":  # JSON in the model's names, any depth
            nested: object = leaf_value
            for segment in reversed(need.field.split(".") if need.field else []):
                nested = {segment: nested}
            value = json.dumps([nested] if spec.kind == "struct" else nested)
        else:
            value = raw
        parent_options = [(f"parent-{p}-identifier", "P") for p in parents]
        given = need.option
        if spec.secret:  # a secret comes from a file, never from the command line
            secret_file = tempfile.NamedTemporaryFile("w", suffix=".secret")
            secret_file.write(value + "\n")
            secret_file.flush()
            given, value = f"{need.option}-file", secret_file.name
        request = options.parse([*parent_options, (given, value)])
        if need.target == "query":
            assert request.query, path
            checked += 1
            continue
        body = encode(ix.model, "action" if verb == "action" else ix.resource(name, parents).item_type,
                      request.body, tag="action" if verb == "action" else None)
        if not _xml_has(etree.fromstring(body), relative, text):
            problems.append(f"{service}.{method_name}: {path} via --{need.option} {value!r} gave {body.decode()}")
        checked += 1
    assert problems == []
    # The sources' host.install slips (root_password, ssh.*) resolve against the merged
    # install method, whose signatures carry those parameters: nothing is lacking.
    assert checked > 1250 and lacking == 0


def _page_spellings(page: str) -> list[str]:
    return re.findall(r"(?<![\w-])--[a-z][\w-]*(?:\|[\w-]+)*(?: [\w.]+=…(?:,[\w.]+=…)*)?", page)


def _value_for(spec, fields: list[str]) -> str | None:
    if spec.kind == "boolean" and not spec.is_list:
        return None
    if spec.kind == "struct":
        shown = fields or [spec.fields[0][0]]
        return ",".join(_field_given(spec, f) for f in shown)
    if spec.values:
        return spec.values[0]
    return {"integer": "1", "size": "1GiB", "decimal": "1.5", "date": "2024-05-01"}.get(spec.kind, "x")


@cache
def _secret_file() -> str:
    """One file holding `s3cret` for the secret fields of list options, removed at exit."""
    import atexit
    import os

    handle = tempfile.NamedTemporaryFile("w", suffix=".secret", delete=False)
    handle.write("s3cret\n")
    handle.close()
    atexit.register(os.unlink, handle.name)
    return handle.name


def _field_given(spec, field: str) -> str:
    """`field=sample`; a secret field from a file (`password-file=F`), as help spells it."""
    if is_secret(field.rsplit(".", 1)[-1]):
        return f"{field}-file={_secret_file()}"
    return f"{field}={_field_sample(spec, field)}"


def _field_sample(spec, field: str) -> str:
    enums = dict(spec.field_values)
    if field in enums:
        return enums[field][0]
    kind = dict(spec.fields).get(field, "string")
    return {"integer": "1", "size": "1", "boolean": "true", "decimal": "1.5", "date": "2024-05-01"}.get(kind, "x")


def _json_leaf(type_name: str) -> tuple[dict, str, str]:
    """A JSON sample of a struct, the dotted path of its one scalar and that scalar's XML text."""
    sample = _json_sample(type_name)
    node, path = sample, []
    while isinstance(node, (dict, list)):
        if isinstance(node, list):
            node = node[0]
            path[-1] += "[]"
            continue
        key, node = next(iter(node.items()))
        path.append(key)
    return sample, ".".join(path), str(node).lower() if isinstance(node, bool) else str(node)


def _json_sample(type_name: str, depth: int = 0) -> dict:
    """The smallest JSON object of a struct: a scalar attribute, else a nested struct's."""
    model = index().model
    type_ = model.types[type_name]
    members = [*type_.attributes, *type_.links]
    for member in members:
        kind = model.types[member.type].kind
        if kind == "primitive" and not member.is_list:
            value = {"boolean": True, "integer": 1, "decimal": 1.5, "string": "x"}.get(member.type, "2024-05-01")
            return {member.name: value}
        if kind == "enum" and not member.is_list:
            return {member.name: model.types[member.type].values[0]}
    member = next((m for m in members if model.types[m.type].kind == "struct"), members[0])
    kind = model.types[member.type].kind
    if kind == "struct":
        inner: object = _json_sample(member.type, depth + 1)
    else:
        inner = model.types[member.type].values[0] if kind == "enum" else {"integer": 1, "boolean": True}.get(member.type, "x")
    return {member.name: [inner] if member.is_list else inner}


def _secret_parses(options: OptionSet, option: str) -> str | None:
    """A secret's help spelling is its file form, and its bare form (`--x -`) names it too."""
    with tempfile.NamedTemporaryFile("w", suffix=".secret") as handle:
        handle.write("s3cret\n")
        handle.flush()
        name = option if option.endswith("-file") else f"{option}-file"
        try:
            request = options.parse([(name, handle.name)])
        except UsageError as exc:
            return f"--{name}: {exc}"
    if "s3cret" not in json.dumps([request.body, request.query]):
        return f"--{name} did not land in the request"
    return None


def _parses(options: OptionSet, spelling: str, extra: tuple[str, ...]) -> str | None:
    """None when every option a help spelling stands for parses with a sample value."""
    head, _, fields = spelling.partition(" ")
    base = head[2:]
    names = [base]
    if "|" in base:
        first, *forms = base.split("|")
        stem = first.rsplit("-", 1)[0]
        names = [first, *(f"{stem}-{form}" for form in forms)]
    for option in names:
        if option in extra:
            continue
        spec = options.get(option)
        if spec is None:
            return f"--{option} is not an option"
        if spec.secret:
            return _secret_parses(options, option)
        if spec.kind == "json" or spec.kind == "struct" and not spec.fields:
            sample = json.dumps(_json_sample(spec.type))
        else:
            sample = _value_for(spec, [f[: -len("=…")] for f in fields.split(",")] if fields else [])
        samples = [sample]
        if spec.kind == "struct" and spec.fields:  # every field help lists (--all prints them all)
            samples += [_value_for(spec, [field]) for field, _ in spec.fields]
        for sample in samples:
            try:
                options.parse([(option, sample)])
            except UsageError as exc:
                return f"--{option} {sample!r}: {exc}"
    return None


def test_every_spelling_in_every_help_page_parses():
    ix = index()
    registry = Registry()
    problems: list[str] = []
    pages = spellings = 0
    for verb in ("create", "update", "delete", "action", "list", "show"):
        spec = registry.get(verb).SPEC
        extra = ("all", "help", *BULK_OPTIONS, *FOLLOW_OPTIONS, *RETENTION)  # the commands' own, outside the model
        for name in ix.type_names(verb):
            for resource in ix.resources(name):
                actions = resource.actions if verb == "action" else (None,)
                for action in actions:
                    try:
                        options = ix.options(verb, name, resource.parents, action)
                    except UsageError:
                        continue  # this place cannot do it (help shows the first place that can)
                    page = helptext.type_page(ix, verb, name, spec, resource.parents, action, everything=True)
                    pages += 1
                    for spelling in _page_spellings(page):
                        spellings += 1
                        if spelling.startswith(("--parent-",)) and spelling.split()[0][2:].split("|")[0] not in options.all_names():
                            continue  # another place's parents, listed as alternatives
                        problem = _parses(options, spelling, extra)
                        if problem:
                            problems.append(f"help {verb} {name} {action or ''}: {problem}")
    assert problems[:20] == []
    assert pages > 800 and spellings > 15000


def test_help_create_vm_fits_with_required_options_on_top():
    page = helptext.type_page(index(), "create", "vm", Registry().get("create").SPEC, width=98)
    lines = page.splitlines()
    assert len(lines) <= 115
    assert lines.index("REQUIRED OPTIONS") < lines.index("OPTIONS") < lines.index("COMMAND OPTIONS")
    required = lines[lines.index("REQUIRED OPTIONS"):lines.index("OPTIONS")]
    assert "  from scratch:" in required
    assert any(line.split()[:1] == ["--cluster-id|name"] for line in required)
    assert any(line.split()[:1] == ["--template-id|name"] for line in required)
    assert "  from snapshot: as from scratch, and" in required
    assert all(len(line) <= 98 for line in lines[: lines.index("EXAMPLES")])  # examples are not wrapped
    for output_only in ("--status_detail", "--next_run_configuration_exists", "--has_illegal_images"):
        assert output_only not in page
    assert "help create vm --all lists" in page
    everything = helptext.type_page(index(), "create", "vm", Registry().get("create").SPEC, everything=True)
    assert "OTHER OPTIONS" in everything and "--next_run_configuration_exists" in everything


def test_help_per_signature_and_without_a_parent():
    spec = Registry().get("create").SPEC
    disk = helptext.type_page(index(), "create", "disk", spec)
    required = disk[disk.index("REQUIRED OPTIONS"):disk.index("\nOPTIONS")]
    assert "  lun:" in required and "  on storage domain:" in required
    assert "--lun_storage-logical_units address=…,id=…,port=…,target=…" in required
    assert "--storage_domains" in disk[disk.index("\nOPTIONS"):]
    attachment = helptext.type_page(index(), "create", "diskattachment", spec)  # no parent given
    assert "--parent-vm-name|identifier" in attachment and "--disk-provisioned_size" in attachment
    volume = helptext.type_page(index(), "create", "glustervolume", spec, ("cluster",))
    assert "--bricks brick_dir=…,server_id=…" in volume
    export = helptext.type_page(index(), "action", "vm", Registry().get("action").SPEC, (), "export", width=100)
    required = export[export.index("REQUIRED OPTIONS"):export.index("\nOPTIONS")].splitlines()
    assert required[1:] == ["  to export domain:", "    --storage_domain-id|name            an id or a name",
                            "  to path on host:", "    --directory                         string",
                            "    --host-id|name                      an id or a name"]  # fmt: skip
    assert "help action vm export --all lists" in export


def test_required_inputs_are_checked_per_signature():
    ix = index()
    disk = ix.options("create", "disk")
    with pytest.raises(UsageError) as err:
        disk.check(disk.parse([("name", "d1"), ("provisioned_size", "1GiB")]), "create", "disk")
    assert str(err.value) == (
        "create disk: missing required options, one of: --format, --interface (on storage domain); or "
        "--format, --interface, --lun_storage-type, --lun_storage-logical_units address=…,id=…,port=…,target=… (lun)"
        " (see help create disk)"
    )
    disk.check(disk.parse([("provisioned_size", "1GiB"), ("format", "cow"), ("interface", "virtio")]), "create", "disk")
    role = ix.options("create", "role")
    with pytest.raises(UsageError, match=r"missing required options: --permits id=…"):
        role.check(role.parse([("name", "r")]), "create", "role")
    role.check(role.parse([("name", "r"), ("permits", "id=1"), ("permits", "id=4")]), "create", "role")
    vm = ix.options("create", "vm")  # a reference by name satisfies its id
    vm.check(vm.parse([("name", "a"), ("cluster-name", "c"), ("template-id", "t")]), "create", "vm")
    migrate = ix.options("action", "vm", (), "migrate")
    migrate.check(migrate.parse([]), "action", "vm migrate")  # nothing mandatory
    export = ix.options("action", "vm", (), "export")
    with pytest.raises(UsageError, match="export"):
        export.check(export.parse([]), "action", "vm export")


def test_ranks_order_completion_and_mark_the_inputs():
    vm = index().options("create", "vm")
    ranked = [s.name for s in vm.ranked()]
    assert ranked.index("name") < ranked.index("memory") < ranked.index("next_run_configuration_exists")
    assert vm.get("name").rank == 0 and vm.get("cluster-name").rank == 0 and vm.get("memory").rank == 1
    assert vm.get("next_run_configuration_exists").rank == 2


def test_list_links_reference_structs_and_json_at_any_depth():
    ix = index()
    storage = ix.options("create", "storagedomain").parse(
        [("storage-type", "nfs"), ("storage-address", "a"), ("storage-path", "/p"), ("host-name", "h")]
    )
    assert storage.body == {"storage": {"type": "nfs", "address": "a", "path": "/p"}, "host": {"name": "h"}}
    attachment = ix.options("create", "diskattachment", ["vm"]).parse(
        [("disk-name", "d2"), ("disk-provisioned_size", "10GiB"), ("disk-storage_domains", "name=data"),
         ("interface", "virtio"), ("bootable", "false")]
    )
    assert attachment.body == {"disk": {"name": "d2", "provisioned_size": 10 * 1024**3,
                                        "storage_domains": [{"name": "data"}]},
                               "interface": "virtio", "bootable": False}  # fmt: skip
    bricks = ix.options("create", "glustervolume", ["cluster"]).parse(
        [("bricks", "server_id=H,brick_dir=/b1"), ("bricks", "server_id=H,brick_dir=/b2")]
    )
    assert bricks.body == {"bricks": [{"server_id": "H", "brick_dir": "/b1"}, {"server_id": "H", "brick_dir": "/b2"}]}
    setup = ix.options("action", "host", (), "setup_networks")
    by_fields = setup.parse([("modified_bonds", "name=bond0,bonding.slaves.name=eth1,bonding.slaves.name=eth2")])
    by_json = setup.parse(
        [("modified_bonds", '{"name":"bond0","bonding":{"slaves":[{"name":"eth1"},{"name":"eth2"}]}}')]
    )
    expected = [{"name": "bond0", "bonding": {"slaves": [{"name": "eth1"}, {"name": "eth2"}]}}]
    assert by_fields.body == by_json.body == {"modified_bonds": expected}
    vm = ix.options("create", "vm")
    both = vm.parse([("cpu", '{"topology":{"sockets":2}}'), ("cpu-topology-cores", "4"), ("memory", "2GiB"),
                     ("memory_policy", '{"guaranteed":"1GiB"}')])  # fmt: skip
    assert both.body == {"cpu": {"topology": {"sockets": 2, "cores": 4}}, "memory": 2 * 1024**3,
                         "memory_policy": {"guaranteed": 1024**3}}  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("cpu", '{"topology":{"socks":2}}', "unknown attribute 'socks'"),
        ("cpu", '{"topology":{"sockets":"1KiB"}}', "expected an integer"),
        ("cpu", '{"mode":"turbo"}', "expected one of custom"),
        ("cpu", "[1]", "takes a JSON object of cpu attributes"),
        ("cpu", "{}", "expected a JSON object of cpu attributes"),
        ("custom_properties", '[{"name": 1.5}]', None),
        ("custom_properties", '{"name": ', "invalid JSON"),
        ("cpu-topology-sockets", "1KiB", "expected an integer"),
        ("cluster", "Default", "--cluster takes a JSON object of cluster attributes"),
    ],
)
def test_json_and_integer_values_are_checked_against_the_model(option, value, message):
    vm = index().options("create", "vm")
    if message is None:
        assert vm.parse([(option, value)]).body == {"custom_properties": [{"name": "1.5"}]}
        return
    with pytest.raises(UsageError, match=message):
        vm.parse([(option, value)])
