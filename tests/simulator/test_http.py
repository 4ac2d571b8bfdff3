"""The wire format and faults, checked with a plain HTTP client."""

from __future__ import annotations

import base64
import ssl

import httpx
from lxml import etree

from ovirtsim.testing import SimulatorHandle, run_simulator

ZERO = "00000000-0000-0000-0000-000000000000"


def _xml(resp: httpx.Response) -> etree._Element:
    assert resp.headers["content-type"].startswith("application/xml"), resp.text
    return etree.fromstring(resp.content)


def _vm_id(client: httpx.Client, name: str) -> str:
    root = _xml(client.get("/vms", params={"search": f"name={name}"}))
    return root.find("vm").get("id")


def test_unauthenticated_is_401_html(sim: SimulatorHandle) -> None:
    resp = httpx.get(sim.url + "/vms")
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == 'Basic realm="RESTAPI"'
    assert resp.headers["content-type"].startswith("text/html")
    assert "<fault>" not in resp.text


def test_sso_token_and_errors(sim: SimulatorHandle) -> None:
    url = sim.base + "/ovirt-engine/sso/oauth/token"
    form = {"grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal",
            "password": sim.password}
    ok = httpx.post(url, data=form, headers={"Accept": "application/json"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "bearer" and body["exp"].isdigit()
    assert body["scope"].startswith("ovirt-app-api")
    api = httpx.get(sim.url, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert api.status_code == 200
    bad = httpx.post(url, params={**form, "password": "nope"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400
    assert bad.json() == {
        "error_code": "access_denied",
        "error": "Cannot authenticate user 'admin@internal': The username or password is "
                 "incorrect..",
    }
    noscope = httpx.post(url, data={**form, "scope": ""})
    assert noscope.status_code == 400
    logout = httpx.post(sim.base + "/ovirt-engine/services/sso-logout",
                        data={"scope": "ovirt-app-api", "token": body["access_token"]})
    assert logout.json() == {}
    again = httpx.get(sim.url, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert again.status_code == 401


def test_token_ttl_expires() -> None:
    with run_simulator(token_ttl=0.0) as handle:
        tok = httpx.post(handle.base + "/ovirt-engine/sso/oauth/token", data={
            "grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal",
            "password": handle.password}).json()["access_token"]
        resp = httpx.get(handle.url, headers={"Authorization": f"Bearer {tok}"})
        assert resp.status_code == 401


def test_root_document(client: httpx.Client) -> None:
    resp = client.get("")
    root = _xml(resp)
    rels = {ln.get("rel"): ln.get("href") for ln in root.findall("link")}
    assert rels["vms"] == "/ovirt-engine/api/vms"
    assert rels["vms/search"] == "/ovirt-engine/api/vms?search={query}"
    assert rels["datacenters"] == "/ovirt-engine/api/datacenters"
    assert root.findtext("product_info/version/major") == "4"
    assert root.find("special_objects/blank_template").get("id") == ZERO
    assert root.findtext("summary/vms/total") == "5"
    assert root.findtext("summary/vms/active") == "3"
    assert root.find("authenticated_user").get("id")
    assert "rel=vms" in resp.headers["link"]
    head = client.head("")
    assert head.status_code == 200 and head.content == b""
    v4 = _xml(client.get("/v4/vms"))
    assert v4.find("vm").get("href").startswith("/ovirt-engine/api/v4/vms/")


def test_summary_follows_state(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm2")
    client.post(f"/vms/{vid}/start", content="<action/>",
                headers={"Content-Type": "application/xml"})
    assert _xml(client.get("")).findtext("summary/vms/active") == "4"


def test_metadata_served(sim: SimulatorHandle, client: httpx.Client) -> None:
    public = httpx.get(sim.base + "/ovirt-engine/apidoc/model.json")
    assert public.status_code == 200 and public.json()["root"] == "system"
    assert httpx.get(sim.url + "/model.json").status_code == 401
    assert client.get("/model.json").json()["root"] == "system"


def test_vm_representation(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm0")
    resp = client.get(f"/vms/{vid}", headers={"Correlation-Id": "abc-123"})
    assert resp.headers["correlation-id"] == "abc-123"
    vm = _xml(resp)
    assert vm.tag == "vm" and vm.get("id") == vid
    assert vm.get("href") == f"/ovirt-engine/api/vms/{vid}"
    actions = {ln.get("rel") for ln in vm.find("actions")}
    assert {"start", "stop", "migrate", "cancelmigration", "ticket"} <= actions
    rels = {ln.get("rel"): ln.get("href") for ln in vm.findall("link")}
    assert rels["nics"] == f"/ovirt-engine/api/vms/{vid}/nics"
    assert "diskattachments" in rels and "graphicsconsoles" in rels
    cluster = vm.find("cluster")
    assert cluster.get("href") == f"/ovirt-engine/api/clusters/{cluster.get('id')}"
    assert [d.text for d in vm.find("os/boot/devices")] == ["hd"]
    assert vm.findtext("status") == "up"
    assert vm.findtext("stateless") == "false"
    assert vm.findtext("memory").isdigit()
    assert "T" in vm.findtext("creation_time")
    assert client.get("/vms").headers["correlation-id"]


def test_json_and_xml_agree(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm0")
    xml_vm = _xml(client.get(f"/vms/{vid}"))
    resp = client.get(f"/vms/{vid}", headers={"Accept": "application/json"})
    assert resp.headers["content-type"].startswith("application/json")
    js = resp.json()
    assert js["id"] == vid and js["name"] == xml_vm.findtext("name")
    assert js["memory"] == xml_vm.findtext("memory")  # integers are strings
    assert js["stateless"] == "false"
    assert isinstance(js["creation_time"], int)  # dates are epoch ms
    assert js["os"]["boot"]["devices"] == {"device": ["hd"]}
    assert js["cluster"]["id"] == xml_vm.find("cluster").get("id")
    assert {ln["rel"] for ln in js["actions"]["link"]} == {
        ln.get("rel") for ln in xml_vm.find("actions")}
    listed = client.get("/vms", params={"accept": "application/json"}).json()
    assert sorted(v["name"] for v in listed["vm"]) == ["vm0", "vm1", "vm2", "vm3", "vm4"]
    empty = client.get("/bookmarks", headers={"Accept": "application/json"}).json()
    assert empty == {}
    assert _xml(client.get("/bookmarks")).tag == "bookmarks"


def test_json_input(client: httpx.Client) -> None:
    resp = client.post("/vms", json={"name": "jsonvm", "cluster": {"name": "Default"},
                                     "template": {"name": "Blank"}, "memory": "1073741824"},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["name"] == "jsonvm" and resp.json()["status"] == "down"
    assert resp.headers["location"].endswith("/ovirt-engine/api/vms/" + resp.json()["id"])


def test_faults(client: httpx.Client) -> None:
    xml = {"Content-Type": "application/xml"}
    dup = client.post("/vms", headers=xml, content=(
        "<vm><name>vm0</name><cluster><name>Default</name></cluster>"
        "<template><name>Blank</name></template></vm>"))
    assert dup.status_code == 409
    fault = _xml(dup)
    assert fault.tag == "fault"
    assert fault.findtext("reason") == "Operation Failed"
    assert fault.findtext("detail") == ("[Cannot add VM. The VM name is already in use, please "
                                        "choose a unique name and try again.]")
    missing = client.post("/vms", headers=xml, content="<vm><cluster><name>Default</name>"
                          "</cluster><template><name>Blank</name></template></vm>")
    assert missing.status_code == 400
    assert _xml(missing).findtext("reason") == "Incomplete parameters"
    assert _xml(missing).findtext("detail") == "Vm [name] required for add"
    host = client.post("/hosts", headers=xml, content="<host/>")
    assert _xml(host).findtext("detail") == "Host [name, address] required for add"
    bad_xml = client.post("/vms", headers=xml, content="<vm><name>x</vm>")
    assert bad_xml.status_code == 400
    assert _xml(bad_xml).findtext("reason") == "Request syntactically incorrect."
    bad_enum = client.post("/vms", headers=xml, content=(
        "<vm><name>e</name><type>tiny</type><cluster><name>Default</name></cluster>"
        "<template><name>Blank</name></template></vm>"))
    assert bad_enum.status_code == 400
    assert _xml(bad_enum).findtext("detail") == "tiny is not a member of VmType"
    bad_bool = client.put(f"/vms/{_vm_id(client, 'vm2')}", headers=xml,
                          content="<vm><stateless>maybe</stateless></vm>")
    assert bad_bool.status_code == 400 and _xml(bad_bool).findtext("reason") == "Invalid value"
    unknown_cluster = client.post("/vms", headers=xml, content=(
        "<vm><name>u</name><cluster><name>Nope</name></cluster>"
        "<template><name>Blank</name></template></vm>"))
    assert unknown_cluster.status_code == 404
    assert "Nope" in _xml(unknown_cluster).findtext("detail")


def test_not_found_and_method_not_allowed(client: httpx.Client) -> None:
    nf = client.get("/vms/11111111-2222-3333-4444-555555555555")
    assert nf.status_code == 404 and nf.content == b""
    assert client.get("/vms/not-a-uuid").status_code == 404
    assert client.get("/nosuchcollection").status_code == 404
    assert client.get(f"/vms/{_vm_id(client, 'vm0')}/nosuch").status_code == 404
    assert client.put("/vms", content="<vms/>").status_code == 405
    assert client.delete("/vms").status_code == 405
    assert client.post(f"/vms/{_vm_id(client, 'vm0')}", content="<vm/>").status_code == 405


def test_unsimulated_action_is_501(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm2")
    resp = client.post(f"/vms/{vid}/screenshot", content="<action/>",
                       headers={"Content-Type": "application/xml"})
    assert resp.status_code == 501
    fault = _xml(resp)
    assert fault.findtext("reason") == "Not Implemented"
    assert "screenshot" in fault.findtext("detail")
    # signature methods are not URLs
    assert client.post(f"/vms/{vid}/toexportdomain", content="<action/>").status_code == 404
    assert client.post("/vms/fromscratch", content="<vm/>").status_code == 404


def test_action_failures_and_replies(client: httpx.Client) -> None:
    xml = {"Content-Type": "application/xml"}
    vid = _vm_id(client, "vm2")
    stop = client.post(f"/vms/{vid}/stop", content="<action/>", headers=xml)
    assert stop.status_code == 409
    body = _xml(stop)
    assert body.tag == "action" and body.findtext("status") == "failed"
    assert body.findtext("fault/detail") == "[Cannot stop VM. VM is not running.]"
    start = _xml(client.post(f"/vms/{vid}/start", content="<action><async>false</async></action>",
                             headers=xml))
    assert start.findtext("status") == "complete" and start.find("job").get("id")
    job = start.find("job").get("id")
    assert _xml(client.get(f"/jobs/{job}")).findtext("status") == "finished"
    remove = client.delete(f"/vms/{vid}")
    assert remove.status_code == 409
    assert "[Cannot remove VM. VM is running.]" in remove.text
    ticket = _xml(client.post(f"/vms/{vid}/ticket", content="<action/>", headers=xml))
    assert ticket.findtext("ticket/expiry") == "7200" and ticket.findtext("ticket/value")
    client.post(f"/vms/{vid}/stop", content="<action/>", headers=xml)
    removed = client.delete(f"/vms/{vid}")
    assert removed.status_code == 200
    assert _xml(removed).findtext("status") == "complete"


def test_correlation_id_finds_job(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm4")
    client.post(f"/vms/{vid}/start", content="<action/>",
                headers={"Content-Type": "application/xml", "Correlation-Id": "my-corr-1"})
    jobs = _xml(client.get("/jobs", params={"search": "correlation_id=my-corr-1"}))
    assert [j.findtext("description") for j in jobs] == ["Launching VM vm4"]


def test_migrate_and_host_maintenance(client: httpx.Client) -> None:
    xml = {"Content-Type": "application/xml"}
    hosts = {h.findtext("name"): h.get("id") for h in _xml(client.get("/hosts"))}
    vid = _vm_id(client, "vm0")
    assert _xml(client.get(f"/vms/{vid}")).find("host").get("id") == hosts["host0"]
    client.post(f"/vms/{vid}/migrate", headers=xml,
                content="<action><host><name>host2</name></host></action>")
    assert _xml(client.get(f"/vms/{vid}")).find("host").get("id") == hosts["host2"]
    deact = client.post(f"/hosts/{hosts['host2']}/deactivate", content="<action/>", headers=xml)
    assert deact.status_code == 200
    assert _xml(client.get(f"/hosts/{hosts['host2']}")).findtext("status") == "maintenance"
    vm = _xml(client.get(f"/vms/{vid}"))
    assert vm.findtext("status") == "up" and vm.find("host").get("id") != hosts["host2"]
    client.post(f"/hosts/{hosts['host2']}/activate", content="<action/>", headers=xml)
    assert _xml(client.get(f"/hosts/{hosts['host2']}")).findtext("status") == "up"


def test_snapshots_and_disks(client: httpx.Client) -> None:
    xml = {"Content-Type": "application/xml"}
    vid = _vm_id(client, "vm2")
    snap = client.post(f"/vms/{vid}/snapshots", headers=xml,
                       content="<snapshot><description>before</description></snapshot>")
    assert snap.status_code == 201
    assert _xml(snap).findtext("snapshot_status") == "ok"
    assert client.post(f"/vms/{vid}/snapshots", headers=xml,
                       content="<snapshot/>").status_code == 400
    sd = _xml(client.get("/storagedomains")).find("storage_domain").get("id")
    att = client.post(f"/vms/{vid}/diskattachments", headers=xml, content=(
        "<disk_attachment><bootable>false</bootable><interface>virtio_scsi</interface>"
        f"<disk><name>extra</name><provisioned_size>1073741824</provisioned_size>"
        f"<format>cow</format><storage_domains><storage_domain id=\"{sd}\"/></storage_domains>"
        "</disk></disk_attachment>"))
    assert att.status_code == 201, att.text
    did = _xml(att).get("id")
    assert _xml(client.get(f"/disks/{did}")).findtext("status") == "ok"
    assert len(_xml(client.get(f"/vms/{vid}/diskattachments"))) == 2
    client.delete(f"/vms/{vid}/diskattachments/{did}")
    assert len(_xml(client.get(f"/vms/{vid}/diskattachments"))) == 1
    assert client.get(f"/disks/{did}").status_code == 200  # detach only by default


def test_graphics_consoles(client: httpx.Client) -> None:
    xml = {"Content-Type": "application/xml"}
    vid = _vm_id(client, "vm0")
    consoles = _xml(client.get(f"/vms/{vid}/graphicsconsoles"))
    console = consoles.find("graphics_console")
    assert console.get("id") == "7370696365" and console.findtext("protocol") == "spice"
    assert console.findtext("address") is None
    current = _xml(client.get(f"/vms/{vid}/graphicsconsoles", params={"current": "true"}))
    assert current.find("graphics_console").findtext("port") == "5900"
    vv = _xml(client.post(f"/vms/{vid}/graphicsconsoles/7370696365/remoteviewerconnectionfile",
                          content="<action/>", headers=xml))
    text = vv.findtext("remote_viewer_connection_file")
    assert text.startswith("[virt-viewer]\ntype=spice\n") and "[ovirt]" in text
    assert f"vm-guid={vid}" in text
    down = _vm_id(client, "vm2")
    resp = client.post(f"/vms/{down}/graphicsconsoles/7370696365/remoteviewerconnectionfile",
                       content="<action/>", headers=xml)
    assert resp.status_code == 204


def test_filter_limits_user_view(sim: SimulatorHandle) -> None:
    with httpx.Client(base_url=sim.url, auth=("user@internal", "user")) as user:
        vms = _xml(user.get("/vms"))
        assert [v.findtext("name") for v in vms] == ["vm0"]
        other = _xml(httpx.get(sim.url + "/vms", params={"search": "name=vm1"},
                               auth=(sim.username, sim.password))).find("vm").get("id")
        assert user.get(f"/vms/{other}").status_code == 404
        denied = user.post("/vms", content="<vm><name>x</name></vm>",
                           headers={"Content-Type": "application/xml"})
        assert denied.status_code == 403
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password)) as admin:
        assert len(_xml(admin.get("/vms", headers={"Filter": "true"}))) == 5


def test_search_errors_and_paging(client: httpx.Client) -> None:
    bad = client.get("/vms", params={"search": "nosuchfield=1"})
    assert bad.status_code == 400
    assert _xml(bad).findtext("reason") == "Operation Failed"
    page = _xml(client.get("/vms", params={"search": "sortby name page 2", "max": "2"}))
    assert [v.findtext("name") for v in page] == ["vm2", "vm3"]
    by_cluster = _xml(client.get("/vms", params={"search": "cluster=Default and status=down"}))
    assert sorted(v.findtext("name") for v in by_cluster) == ["vm2", "vm4"]
    tagged = _xml(client.get("/vms", params={"search": "tag=production"}))
    assert sorted(v.findtext("name") for v in tagged) == ["vm0", "vm1"]


def test_subcollections_resolve(client: httpx.Client) -> None:
    vid = _vm_id(client, "vm0")
    for sub in ("nics", "diskattachments", "snapshots", "permissions", "tags", "statistics",
                "graphicsconsoles", "cdroms", "watchdogs", "reporteddevices"):
        assert client.get(f"/vms/{vid}/{sub}").status_code == 200, sub
    dc = _xml(client.get("/datacenters")).find("data_center").get("id")
    sds = _xml(client.get(f"/datacenters/{dc}/storagedomains"))
    assert sds.find("storage_domain").findtext("status") == "active"
    assert _xml(client.get(f"/datacenters/{dc}/clusters")).find("cluster").findtext("name") == \
        "Default"
    for top in ("clusterlevels", "operatingsystems", "roles", "tags", "users", "domains",
                "macpools", "schedulingpolicies", "networkfilters", "vnicprofiles"):
        assert client.get(f"/{top}").status_code == 200, top
    assert _xml(client.get("/operatingsystems")).tag == "operation_systems"
    perms = _xml(client.get(f"/vms/{vid}/permissions"))
    assert perms.find("permission").find("role").get("id")


def test_fault_injection_and_request_log(sim: SimulatorHandle, client: httpx.Client) -> None:
    vid = _vm_id(client, "vm2")
    r = httpx.post(sim.base + "/sim/faults", json={
        "method": "POST", "path_regex": "/vms/.*/start", "status": 409,
        "reason": "Operation Failed", "detail": "[Injected.]", "count": 1})
    assert r.status_code == 201
    first = client.post(f"/vms/{vid}/start", content="<action/>")
    assert first.status_code == 409 and "[Injected.]" in first.text
    second = client.post(f"/vms/{vid}/start", content="<action/>")
    assert second.status_code == 200
    sim.inject_fault(method="GET", path_regex="/hosts$", status=404, reason="", count=None)
    assert client.get("/hosts").status_code == 404
    assert client.get("/hosts").status_code == 404
    httpx.delete(sim.base + "/sim/faults")
    assert client.get("/hosts").status_code == 200
    log = httpx.get(sim.base + "/sim/requests").json()
    starts = [e for e in log if e["path"].endswith("/start")]
    assert [e["status"] for e in starts] == [409, 200]
    assert all("Authorization" not in str(e) and sim.password not in e.get("query", "") for e in log)
    httpx.post(sim.base + "/sim/reset")
    assert _xml(client.get(f"/vms/{vid}")).findtext("status") == "down"


def test_basic_auth_and_pki_without_tls(sim: SimulatorHandle) -> None:
    token = base64.b64encode(f"admin@internal:{sim.password}".encode()).decode()
    assert httpx.get(sim.url, headers={"Authorization": f"Basic {token}"}).status_code == 200
    pki = httpx.get(sim.base + "/ovirt-engine/services/pki-resource",
                    params={"resource": "ca-certificate", "format": "X509-PEM-CA"})
    assert pki.status_code == 404
    assert httpx.get(sim.base + "/ovirt-engine/services/pki-resource",
                     params={"resource": "bogus"}).status_code == 400


def test_tls_serves_own_ca() -> None:
    with run_simulator(tls=True) as handle:
        assert handle.url.startswith("https://127.0.0.1:")
        assert handle.ca_file
        trust = ssl.create_default_context(cafile=handle.ca_file)
        resp = httpx.get(handle.url, auth=(handle.username, handle.password), verify=trust)
        assert resp.status_code == 200
        pem = httpx.get(handle.base + "/ovirt-engine/services/pki-resource",
                        params={"resource": "ca-certificate", "format": "X509-PEM-CA"},
                        verify=trust)
        assert pem.status_code == 200 and "BEGIN CERTIFICATE" in pem.text
        with open(handle.ca_file) as f:
            assert f.read() == pem.text


def test_tls_with_sdk_ca_file() -> None:
    import ovirtsdk4 as sdk

    with run_simulator(tls=True) as handle:
        conn = sdk.Connection(url=handle.url, username=handle.username,
                              password=handle.password, ca_file=handle.ca_file)
        try:
            assert conn.system_service().get().product_info.version.major == 4
        finally:
            conn.close()


def test_concurrent_clients(sim: SimulatorHandle) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> tuple[int, int]:
        with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password), timeout=60) as c:
            created = c.post("/vms", headers={"Content-Type": "application/xml"}, content=(
                f"<vm><name>par{n}</name><cluster><name>Default</name></cluster>"
                "<template><name>Blank</name></template></vm>"))
            listed = c.get("/vms")
            return created.status_code, listed.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(24)))
    assert all(r == (201, 200) for r in results)
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password)) as c:
        names = [v.findtext("name") for v in _xml(c.get("/vms"))]
    assert len(names) == 5 + 24 and len(set(names)) == len(names)
