"""As user@internal (UserRole on vm0 only): the gate refuses what the engine refuses; input
the engine would refuse is a 400; a wildcard search cannot freeze the server."""

from __future__ import annotations

import threading

import httpx
from lxml import etree

from ovirtsim.testing import SimulatorHandle

XML = {"Content-Type": "application/xml"}


def _ids(admin: httpx.Client, coll: str) -> dict[str, str]:
    root = etree.fromstring(admin.get(f"/{coll}").content)
    return {e.findtext("name"): e.get("id") for e in root}


def test_user_is_refused_outside_its_vm(sim: SimulatorHandle) -> None:
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password)) as admin, \
            httpx.Client(base_url=sim.url, auth=("user@internal", "user")) as user:
        vms, hosts = _ids(admin, "vms"), _ids(admin, "hosts")
        assert user.post(f"/vms/{vms['vm1']}/stop", content="<action/>", headers=XML).status_code == 404
        assert user.post(f"/vms/{vms['vm2']}/start", content="<action/>", headers=XML).status_code == 404
        assert user.post(f"/hosts/{hosts['host1']}/deactivate", content="<action/>",
                         headers=XML).status_code == 404
        for sub in ("nics", "diskattachments", "permissions"):
            assert user.get(f"/vms/{vms['vm1']}/{sub}").status_code == 404
        assert user.get(f"/vms/{vms['vm0']}/nics").status_code == 200
        names = [e.findtext("name") for e in etree.fromstring(user.get("/users").content)]
        assert names == ["user"]
        events = etree.fromstring(user.get("/events").content)
        assert all(e.find("vm") is not None and e.find("vm").get("id") == vms["vm0"] for e in events)
        # escalation: UserRole lacks manipulate_permissions, so no SuperUser for itself
        me = etree.fromstring(user.get("/").content).find("authenticated_user").get("id")
        grant = (f'<permission><role><name>SuperUser</name></role><user id="{me}"/></permission>')
        assert user.post(f"/vms/{vms['vm0']}/permissions", content=grant, headers=XML).status_code == 403
        assert len(etree.fromstring(user.get("/vms").content)) == 1
        # UserRole permits running vm0 but not editing it
        assert user.put(f"/vms/{vms['vm0']}", content="<vm><description>x</description></vm>",
                        headers=XML).status_code == 403


def test_custom_role_permits_decide(sim: SimulatorHandle) -> None:
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password)) as admin, \
            httpx.Client(base_url=sim.url, auth=("user@internal", "user")) as user:
        vms = _ids(admin, "vms")
        bad = admin.post("/roles", content='<role><name>bad</name><permits><permit id="99999"/>'
                         "</permits></role>", headers=XML)
        assert bad.status_code == 400
        made = admin.post("/roles", content='<role><name>starter</name><administrative>false'
                          '</administrative><permits><permit id="22"/><permit id="1300"/>'
                          "</permits></role>", headers=XML)
        assert made.status_code == 201, made.text
        rid = etree.fromstring(made.content).get("id")
        assert {p.findtext("name") for p in etree.fromstring(
            admin.get(f"/roles/{rid}/permits").content)} == {"run_vm", "login"}
        me = next(u.get("id") for u in etree.fromstring(admin.get("/users").content)
                  if u.findtext("name") == "user")
        assert admin.post(f"/vms/{vms['vm4']}/permissions", headers=XML, content=(
            f'<permission><role id="{rid}"/><user id="{me}"/></permission>')).status_code == 201
        assert user.post(f"/vms/{vms['vm4']}/start", content="<action/>", headers=XML).status_code == 200
        assert user.post(f"/vms/{vms['vm4']}/stop", content="<action/>", headers=XML).status_code == 403
        su = next(r.get("id") for r in etree.fromstring(admin.get("/roles").content)
                  if r.findtext("name") == "SuperUser")
        assert len(etree.fromstring(admin.get(f"/roles/{su}/permits").content)) > 50


def test_bad_input_is_400_and_listing_still_works(client: httpx.Client) -> None:
    json_h = {"Content-Type": "application/json"}
    base = '{"name": "%s", "cluster": {"name": "Default"}, "template": {"name": "Blank"}}'
    for name in ("\\ud800x", "a\\u001bb", "a\\u0000b"):
        assert client.post("/vms", content=base % name, headers=json_h).status_code == 400
    deep = b"[" * 100000 + b"]" * 100000
    assert client.post("/vms", content=deep, headers=json_h).status_code == 400
    assert client.get("/vms", headers={"Filter": "maybe"}).status_code == 400
    entity = ("<vm><name>A&e;B</name><cluster><name>Default</name></cluster>"
              "<template><name>Blank</name></template></vm>")
    assert client.post("/vms", content=entity, headers=XML).status_code == 400
    for extra in ('"memory": 18446744073709551616', '"cpu": {"topology": {"cores": -5}}'):
        body = base[:-1] % "r1" + ", " + extra + "}"
        assert client.post("/vms", content=body, headers=json_h).status_code == 400
    amp = client.post("/vms", content=entity.replace("&e;", "&amp;"), headers=XML)
    assert amp.status_code == 201 and etree.fromstring(amp.content).findtext("name") == "A&B"
    assert client.get("/vms").status_code == 200


def test_wildcard_search_does_not_freeze_the_server(sim: SimulatorHandle, client: httpx.Client) -> None:
    vm = etree.fromstring(client.get("/vms", params={"search": "name=vm2"}).content).find("vm")
    assert client.put(f"/vms/{vm.get('id')}", content=f"<vm><description>{'a' * 2000}"
                      "</description></vm>", headers=XML).status_code == 200
    results: list[int] = []

    def search() -> None:
        with httpx.Client(base_url=sim.url, auth=("user@internal", "user"), timeout=60) as u:
            r = u.get("/vms", params={"search": "description=*a*a*a*a*a*a*b"})
            results.append(len(etree.fromstring(r.content)))

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    with httpx.Client(base_url=sim.base, timeout=5) as other:
        assert other.get("/sim/health").status_code == 200
    assert client.get("/vms", params={"search": "description=*a*a*a"}).status_code == 200
    for t in threads:
        t.join(60)
    assert results == [0, 0, 0]
    hit = client.get("/vms", params={"search": "description=a*a*a"})
    assert [e.findtext("name") for e in etree.fromstring(hit.content)] == ["vm2"]
