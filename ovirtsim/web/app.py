"""The HTTP face of the simulator (starlette): SSO, metadata, the API, PKI and /sim control.

One catch-all route dispatches by path, so that the URL space is exactly the engine's
(plus ``/sim/...`` for tests) and no request can end in a traceback.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import secrets
import time
import uuid
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route

from ..core.errors import Fault
from ..core.registry import HANDLERS
from ..core.secrets import verify_password
from ..core.seed import INTERNAL_AUTHZ, NAMESPACE
from ..dispatch.dispatch import handle
from ..dispatch.gate import groups_of, is_admin
from ..engine import Engine
from .codec import esc, parse_query_bool
from .imageio import ImageIO
from .protocol import API, Reply, Request, clean_correlation

log = logging.getLogger("ovirtsim")

UNAUTHORIZED_HTML = (
    "<html><head><title>Error</title></head><body>Unauthorized</body></html>"
)
SSO_SCOPE = (
    "ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search "
    "ovirt-ext=token-info:validate ovirt-ext=token:password-access"
)
DEFAULT_TOKEN_TTL = 360000.0
MAX_BODY = 8 * 1024 * 1024
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


class ChunkedResponse(Response):
    """A body kept as chunks (a whole listing), sent one ASGI message each, with its length:
    asyncio writes a few megabytes at a time faster than one body of tens of megabytes."""

    def __init__(self, chunks: list[bytes], status: int, headers: dict[str, str],
                 media_type: str | None) -> None:
        super().__init__(b"", status, headers, media_type)
        self.chunks = [c for c in chunks if c]
        self.headers["content-length"] = str(sum(map(len, self.chunks)))

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})
        for chunk in self.chunks[:-1]:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body",
                    "body": self.chunks[-1] if self.chunks else b""})


def _json(status: int, data: object, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, separators=(",", ":")), status, headers,
                    media_type="application/json")


class SimApp:
    """The HTTP entry of one ``Engine``: authentication, SSO, PKI, control, then the API."""

    def __init__(self, sim: Engine) -> None:
        self.sim = sim
        self.imageio = ImageIO(sim)
        self.queue = asyncio.Semaphore(2)  # API requests handed to worker threads at once

    # ----- users and tokens --------------------------------------------------------------
    def check_password(self, username: str, password: str) -> dict | None:
        """The user for ``user@profile`` and password, or None."""
        principal, _, profile = username.rpartition("@")
        if not principal:
            principal, profile = username, "internal"
        if profile not in ("internal", "internal-authz", "internalsso"):
            return None
        if profile == "internalsso" and principal.endswith("@ovirt"):
            principal = principal[: -len("@ovirt")]
        store = self.sim.store
        with self.sim.lock:
            passwords = store.meta_get("passwords", {}) or {}
            user = next((u for u in store.items("users")
                         if u.get("principal") == principal), None)
            entry = store.get(f"domains/{INTERNAL_AUTHZ}/users", principal.encode().hex())
        if (user is None and entry is None) or not isinstance(passwords, dict):
            return None
        if not verify_password(principal, password, passwords.get(principal)):
            return None
        return user or self._first_login(entry or {})

    def _first_login(self, entry: dict) -> dict | None:
        """A directory user who is not an engine user yet becomes one at login, as on the
        engine, when a group of theirs holds a permission (else there is nothing to log in to)."""
        with self.sim.lock, self.sim.store.batch():
            store = self.sim.store
            known = next((u for u in store.items("users")
                          if u.get("principal") == entry.get("principal")), None)
            if known is not None:
                return known
            groups = groups_of(store, entry)
            if not any((p.get("group") or {}).get("id") in groups
                       for p in store.items("permissions")):
                return None
            uid = str(uuid.uuid5(NAMESPACE, f"user:{entry['domain']['id']}:{entry['principal']}"))
            return store.put("users", "user", {k: v for k, v in entry.items()
                                               if not k.startswith("_")} | {"id": uid})

    def issue_token(self, user: dict) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        ttl = self.sim.token_ttl if self.sim.token_ttl is not None else DEFAULT_TOKEN_TTL
        exp = time.time() + ttl
        self.sim.tokens[token] = (user["id"], exp)
        return token, int(exp * 1000)

    async def authenticate(self, request: HttpRequest) -> dict | None:
        """The user of a bearer token or of Basic credentials (hashed off the event loop)."""
        auth = request.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value:
            entry = self.sim.tokens.get(value.strip())
            if entry is None:
                return None
            uid, exp = entry
            if exp is not None and exp < time.time():
                self.sim.tokens.pop(value.strip(), None)
                return None
            return self.sim.store.get("users", uid)
        if scheme.lower() == "basic" and value:
            try:
                raw = base64.b64decode(value.strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return None
            username, _, password = raw.partition(":")
            return await run_in_threadpool(self.check_password, username, password)
        return None

    # ----- entry -------------------------------------------------------------------------
    async def __call__(self, request: HttpRequest) -> Response:
        method = request.method
        path = request.url.path
        try:
            response = await self.dispatch(request, method, path)
        except Exception:  # never a traceback on the wire
            log.exception("unexpected error on %s %s", method, path)
            response = Response(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<fault><detail>'
                "Internal simulator error</detail><reason>Operation Failed</reason></fault>",
                500, media_type="application/xml")
        entry = {"method": method, "path": path, "status": response.status_code}
        if path.startswith(API) and request.url.query:
            entry["query"] = request.url.query
        self.sim.request_log.append(entry)
        return response

    async def dispatch(self, request: HttpRequest, method: str, path: str) -> Response:
        if path.startswith("/sim/") or path == "/sim":
            return await self.control(request, method, path)
        rule = self.match_fault(method, path)
        if rule is not None:
            if rule.get("delay"):
                await asyncio.sleep(float(rule["delay"]))
            if rule.get("status"):
                return self.injected(request, rule)
        if path == "/ovirt-engine/sso/oauth/token":
            return await self.sso_token(request)
        if path in ("/ovirt-engine/services/sso-logout", "/ovirt-engine/sso/oauth/revoke"):
            return await self.sso_logout(request)
        if path in ("/ovirt-engine/apidoc/model.json", "/ovirt-engine/apidoc/model"):
            return Response(self.sim.model.raw_bytes, 200, media_type="application/json")
        if path == "/ovirt-engine/services/pki-resource":
            return self.pki(request)
        if path == API or path.startswith(API + "/"):
            return await self.api(request, method, path)
        if path.startswith("/images/"):
            return await self.imageio(request, path)
        return Response(b"", 404)

    # ----- fault injection ---------------------------------------------------------------
    def match_fault(self, method: str, path: str) -> dict | None:
        if not self.sim.fault_rules:
            # no rule (the usual case): answer without the engine's lock, which a worker
            # thread may hold for a long operation while this runs on the event loop
            return None
        with self.sim.lock:
            for rule in self.sim.fault_rules:
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if rule.get("path_regex") and not re.search(rule["path_regex"], path):
                    continue
                count = rule.get("count")
                if count is not None:
                    if count <= 0:
                        continue
                    rule["count"] = count - 1
                return rule
        return None

    def injected(self, request: HttpRequest, rule: dict) -> Response:
        status = int(rule["status"])
        if status == 401:
            return Response(UNAUTHORIZED_HTML, 401, {"WWW-Authenticate": 'Basic realm="RESTAPI"'},
                            media_type="text/html")
        if status == 404 and not rule.get("reason"):
            return Response(b"", 404)
        if "body" in rule:
            return Response(str(rule["body"]), status,
                            media_type=rule.get("content_type", "application/xml"))
        reason, detail = rule.get("reason", "Operation Failed"), rule.get("detail", "")
        if "json" in request.headers.get("accept", ""):
            return _json(status, {"detail": detail, "reason": reason})
        body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f"<fault><detail>{esc(detail)}</detail><reason>{esc(reason)}</reason></fault>")
        return Response(body, status, media_type="application/xml")

    async def control(self, request: HttpRequest, method: str, path: str) -> Response:
        sim = self.sim
        if path == "/sim/faults":
            if method == "GET":
                with sim.lock:
                    return _json(200, list(sim.fault_rules))
            if method == "POST":
                try:
                    rule = json.loads(await request.body())
                    if not isinstance(rule, dict):
                        raise ValueError
                    re.compile(rule.get("path_regex") or "")
                except (ValueError, re.error):
                    return _json(400, {"error": "expected a JSON object with a valid path_regex"})
                with sim.lock:
                    sim.fault_rules.append(rule)
                return _json(201, rule)
            if method == "DELETE":
                with sim.lock:
                    sim.fault_rules.clear()
                return _json(200, {})
        if path == "/sim/reset" and method == "POST":
            await asyncio.get_running_loop().run_in_executor(None, sim.reset)
            return _json(200, {})
        if path == "/sim/requests":
            if method == "GET":
                return _json(200, list(sim.request_log))
            if method == "DELETE":
                sim.request_log.clear()
                return _json(200, {})
        if path == "/sim/health":
            return _json(200, {"status": "ok"})
        parts = path.split("/")[2:]
        fn = HANDLERS.controls.get(parts[0]) if parts else None
        if fn is not None:
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                return _json(400, {"error": "expected a JSON object"})
            with sim.lock:
                status, data = fn(sim.context(None), method, parts[1:], body)
            return _json(status, data)
        return Response(b"", 404)

    # ----- SSO ---------------------------------------------------------------------------
    async def _params(self, request: HttpRequest) -> dict[str, str]:
        params = dict(request.query_params)
        body = await request.body()
        if body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    async def sso_token(self, request: HttpRequest) -> Response:
        if request.method not in ("POST", "GET"):
            return Response(b"", 405)
        p = await self._params(request)
        scope = p.get("scope", "")
        if "ovirt-app-api" not in scope.split():
            return _json(400, {"error": "invalid_scope",
                               "error_description": "The requested scope is invalid."})
        if p.get("grant_type") != "password":
            return _json(400, {"error_code": "unsupported_grant_type",
                               "error": "The authorization grant type is not supported."})
        username = p.get("username", "")
        if not username or "password" not in p:
            return _json(400, {"error_code": "invalid_request",
                               "error": "The request is missing a required parameter."})
        user = await run_in_threadpool(self.check_password, username, p.get("password", ""))
        if user is None:
            return _json(400, {"error_code": "access_denied",
                               "error": f"Cannot authenticate user '{username}': The username "
                                        "or password is incorrect.."})
        token, exp = self.issue_token(user)
        return _json(200, {"access_token": token, "scope": SSO_SCOPE, "exp": str(exp),
                           "token_type": "bearer"})

    async def sso_logout(self, request: HttpRequest) -> Response:
        p = await self._params(request)
        token = p.get("token")
        if not token:
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                token = auth[7:].strip()
        if token:
            self.sim.tokens.pop(token, None)
        return _json(200, {})

    # ----- PKI ---------------------------------------------------------------------------
    def pki(self, request: HttpRequest) -> Response:
        resource = request.query_params.get("resource")
        fmt = request.query_params.get("format", "X509-PEM-CA")
        if resource not in ("ca-certificate", "engine-certificate", "qemu-ca-certificate"):
            return Response("Unsupported resource", 400, media_type="text/plain")
        if fmt not in ("X509-PEM-CA", "X509-PEM", "OPENSSH-PUBKEY"):
            return Response("Unsupported format", 400, media_type="text/plain")
        pem = self.sim.ca_pem if resource != "engine-certificate" else self.sim.server_pem
        if not pem:
            return Response("No certificate: the simulator runs without --tls", 404,
                            media_type="text/plain")
        return Response(pem, 200, media_type="application/x-x509-ca-cert")

    # ----- API ---------------------------------------------------------------------------
    def _handle(self, req: Request) -> Reply:
        with self.sim.lock:
            if not is_admin(self.sim.store, req.user):
                req.filter = True  # a user who is not an administrator always sees filtered
        return handle(self.sim, req)

    async def api(self, request: HttpRequest, method: str, path: str) -> Response:
        rest = path[len(API):].strip("/")
        prefix = API
        segments = [s for s in rest.split("/") if s] if rest else []
        if segments and segments[0] == "v4":
            prefix = API + "/v4"
            segments = segments[1:]
        elif segments and re.fullmatch(r"v\d+", segments[0]):
            return Response("Unsupported API version", 400, media_type="text/plain")
        version = request.headers.get("version")
        if version and version.strip() not in ("4",):
            return Response("Unsupported API version", 400, media_type="text/plain")
        query = dict(request.query_params)
        clean: list[str] = []
        for seg in segments:
            name, *matrix = seg.split(";")
            for kv in matrix:
                k, _, v = kv.partition("=")
                query.setdefault(k, v)
            clean.append(name)
        user = await self.authenticate(request)
        if user is None:
            return Response(UNAUTHORIZED_HTML, 401, {"WWW-Authenticate": 'Basic realm="RESTAPI"'},
                            media_type="text/html")
        if clean and clean[0] in ("model", "model.json") and len(clean) == 1:
            return Response(self.sim.model.raw_bytes, 200, media_type="application/json")
        accept = query.get("accept") or request.headers.get("accept", "")
        fmt = "json" if "json" in accept else "xml"
        ctype = request.headers.get("content-type", "")
        input_fmt = "json" if "json" in ctype else "xml"
        headers = {k.lower(): v for k, v in request.headers.items()}
        headers["x-sim-scheme"] = request.url.scheme
        headers["x-sim-origin"] = f"{request.url.scheme}://{request.url.netloc}"
        try:
            want_filter = parse_query_bool(query["filter"]) if "filter" in query else \
                parse_query_bool(headers["filter"]) if "filter" in headers else False
        except Fault as f:
            return Response(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                            f"<fault><detail>{esc(f.detail or '')}</detail><reason>"
                            f"{esc(f.reason or '')}</reason></fault>", 400,
                            media_type="application/xml")
        corr = clean_correlation(query.get("correlation_id") or headers.get("correlation-id"))
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                            f"<fault><detail>The request body is larger than {MAX_BODY} bytes"
                            "</detail><reason>Request syntactically incorrect.</reason></fault>",
                            400, media_type="application/xml")
        req = Request(
            method=method, segments=clean, query=query, headers=headers,
            body=body, fmt=fmt, input_fmt=input_fmt, prefix=prefix, user=user,
            filter=want_filter, correlation_id=corr,
        )
        # In a worker thread: the event loop keeps answering (/sim/health, SSO, other
        # clients) whatever one request costs. The engine runs one request at a time under
        # its lock, which wakes its waiters in no particular order: under load some waited
        # seconds while later ones went first. Requests queue here instead, first come first
        # served, two in the pool so that the next one is ready when the lock is released.
        async with self.queue:
            reply: Reply = await run_in_threadpool(self._handle, req)
        out_headers = dict(reply.headers)
        out_headers["Correlation-Id"] = corr
        body = reply.body if reply.body is not None else b""
        if method == "HEAD":
            body = b""
        if isinstance(body, list):
            return ChunkedResponse(body, reply.status, out_headers, reply.content_type)
        return Response(body, reply.status, out_headers, media_type=reply.content_type)


def create_app(sim: Engine) -> Starlette:
    """The ASGI application serving one simulator."""
    handler = SimApp(sim)
    app = Starlette(routes=[Route("/{path:path}", handler.__call__, methods=METHODS)])
    app.state.sim = sim
    app.state.handler = handler
    return app
