"""The Starlette application: server-rendered pages, each with a JSON twin at the same path + ``.json``.

Each request opens the SQLite file read-only and closes it at the end. Every template is
rendered with autoescaping on and no template marks data as safe: article text is scraped and
hostile. A Content-Security-Policy allowing only this site's own script and style is a second
line of defence.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import NotFoundError
from ..published import uncertainty
from ..store import Store, views
from ..store import listing as queries
from ..store.listing import ReadStore, StoryQuery
from . import panels, visits
from .visits import last_visit

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
POLL_SECONDS = 30
"""How often an open story page asks whether a watch added to it (``/stories/{id}/status.json``)."""
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def environment() -> Environment:
    env = Environment(loader=PackageLoader("storytrace.web", "templates"), autoescape=True)
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals["urlencode"] = urlencode
    return env


def create_app(db: str | Path, *, allowed_hosts: Sequence[str] | None = None) -> Starlette:
    """The web app over database ``db``, opened read-only (it must exist and be of this
    storytrace's schema version)."""
    path = Path(db)
    Store(path, read_only=True).close()  # a missing file or another schema version: one clear error
    templates = Jinja2Templates(env=environment())
    outlet_cache: dict[str, Any] = {"at": 0.0, "names": []}
    cache_lock = threading.Lock()

    @contextmanager
    def reading() -> Iterator[ReadStore]:
        store = ReadStore(path)
        try:
            yield store
        finally:
            store.close()

    def is_json(request: Request) -> bool:
        return request.url.path.endswith(".json")

    def render(request: Request, template: str, data: Any, **context: Any) -> Response:
        if is_json(request):
            return JSONResponse(data)
        return templates.TemplateResponse(request, template, {"data": data, **context})

    def outlet_names(store: ReadStore) -> list[str]:
        # For the filter's suggestions only: a minute old is fine, and it spares a scan per page.
        with cache_lock:
            if time.monotonic() - outlet_cache["at"] > 60:
                outlet_cache["names"] = queries.outlet_names(store.conn)
                outlet_cache["at"] = time.monotonic()
            return list(outlet_cache["names"])

    def stories_page(request: Request) -> Response:
        now = datetime.now(UTC)
        query = StoryQuery.parse(dict(request.query_params), now)
        with reading() as store:
            rows, has_next = queries.list_stories(store.conn, query)
            if is_json(request):
                return JSONResponse(rows, headers=_page_headers(request, query, has_next))
            members = queries.story_members(store.conn, [r["id"] for r in rows])
            names = outlet_names(store)
        sparks = {
            sid: panels.sparkline([m.published for m in found]) for sid, found in members.items()
        }
        visit, cookie = last_visit(request.cookies.get(visits.COOKIE), now)
        response = templates.TemplateResponse(
            request,
            "stories.html",
            {
                "data": rows,
                "query": query,
                "has_next": has_next,
                "sparks": sparks,
                "outlet_names": names,
                "sorts": list(queries.SORTS),
                "visit": visit,
                # gained articles since the reader's last visit (ingest times, stored form)
                "fresh": {r["id"] for r in rows if visit and (r["updated"] or "") > visit},
            },
        )
        response.set_cookie(
            visits.COOKIE, cookie, max_age=visits.MAX_AGE, httponly=True, samesite="strict"
        )
        return response

    def story_page(request: Request) -> Response:
        sid = int(request.path_params["sid"])
        since_query = StoryQuery.parse({"since": request.query_params.get("since", "")})
        with reading() as store:
            detail = views.story_detail(store, sid)
            if detail["id"] != sid:  # merged into another story: go to the one it lives on
                suffix = ".json" if is_json(request) else ""
                target = f"/stories/{detail['id']}{suffix}"
                if request.url.query:
                    target += f"?{request.url.query}"
                return RedirectResponse(target, status_code=307)
            extra = panels.story_panels(store, detail)
            ids = [a["id"] for a in detail["articles"]]
            removed = queries.removed_of(store.conn, ids)
            pair, problem = _pair(request, detail, ids)
            comparison = None
            if pair:
                texts = queries.article_rows(store.conn, list(pair))
                comparison = panels.compare(store.conn, texts[pair[0]], texts[pair[1]])
                comparison["a_article"], comparison["b_article"] = texts[pair[0]], texts[pair[1]]
        since = since_query.since
        for a in detail["articles"]:  # added by an ingest (a watch) since the given time
            a["new"] = bool(since) and (a["added"] or "") >= since
        data = {
            **detail,
            "since": since or None,
            "provenance": extra["provenance"],
            "panels_from": extra["source"],
            "quotes": extra["quotes"],
            "entities": extra["entities"],
            "numbers": extra["numbers"],
            "removed": {str(k): v for k, v in removed.items()},
            "compare": None
            if comparison is None
            else {
                "a": comparison["a"],
                "b": comparison["b"],
                "passages": comparison["passages"],
                "computed": comparison["computed"],
            },
        }
        return render(
            request,
            "story.html",
            data,
            panels=extra,
            comparison=comparison,
            removed=removed,
            problem=problem,
            since_problems=since_query.problems,
            by_id={a["id"]: a for a in detail["articles"]},
            follow=request.query_params.get("follow") == "1",
            poll_seconds=POLL_SECONDS,
        )

    def story_status(request: Request) -> Response:
        sid = int(request.path_params["sid"])
        with reading() as store:
            status = queries.story_status(store.conn, sid)
        if status is None:
            raise NotFoundError(f"no story {sid}")
        return JSONResponse(status)

    def article_page(request: Request) -> Response:
        aid = int(request.path_params["aid"])
        raw = request.query_params.get("raw") in ("1", "true", "yes")
        with reading() as store:
            detail = views.article_detail(store, aid, raw=raw)
            passages = queries.passages_of(store.conn, aid)
        for p in passages:  # a stored link's direction is a guess when both share a day
            p["order"] = uncertainty(detail["published"], p["published"])
        data = {**detail, "passages": passages}
        spans = [{**p, "start": p["start"], "end": p["end"]} for p in passages]
        return render(
            request, "article.html", data, segments=panels.segments(detail["text"], spans), raw=raw
        )

    def outlets_page(request: Request) -> Response:
        with reading() as store:
            data = queries.list_outlets(store.conn)
        return render(request, "outlets.html", data)

    def outlet_page(request: Request) -> Response:
        name = str(request.path_params["name"])
        page = StoryQuery.parse(dict(request.query_params)).page
        with reading() as store:
            data = queries.outlet_detail(store.conn, name, page=page)
        if data is None:
            raise HTTPException(404, f"no outlet {name!r} in this database")
        return render(request, "outlet.html", data)

    async def not_found(request: Request, exc: Exception) -> Response:
        message = str(getattr(exc, "detail", "") or exc) or "Not found"
        if isinstance(exc, NotFoundError):  # drop the server's file path from the message
            message = message.split(" in ")[0]
        if isinstance(exc, HTTPException) and exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        if is_json(request):
            return JSONResponse({"error": message, "status": 404}, status_code=404)
        return templates.TemplateResponse(
            request, "error.html", {"status": 404, "message": message}, status_code=404
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path, exc_info=exc)
        message = "the server could not build this page; the log has the details"
        if is_json(request):
            return JSONResponse({"error": message, "status": 500}, status_code=500)
        return templates.TemplateResponse(
            request, "error.html", {"status": 500, "message": message}, status_code=500
        )

    routes = [
        Route("/", stories_page),
        Route("/.json", stories_page),
        Route("/index.json", stories_page),
        Route("/stories.json", stories_page),
        Route("/stories", stories_page),
        Route("/stories/{sid:int}/status.json", story_status),
        Route("/stories/{sid:int}.json", story_page),
        Route("/stories/{sid:int}", story_page),
        Route("/articles/{aid:int}.json", article_page),
        Route("/articles/{aid:int}", article_page),
        Route("/outlets.json", outlets_page),
        Route("/outlets", outlets_page),
        Route("/outlets/{name:path}.json", outlet_page),
        Route("/outlets/{name:path}", outlet_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            404: not_found,
            NotFoundError: not_found,
            500: server_error,
            Exception: server_error,
        },
    )


def _pair(
    request: Request, detail: dict[str, Any], ids: list[int]
) -> tuple[tuple[int, int] | None, str]:
    """The two articles to compare: ?a=&b= when both belong to the story, else a default pair."""
    try:
        a, b = int(request.query_params["a"]), int(request.query_params["b"])
    except (KeyError, ValueError):
        a = b = 0
    if a in ids and b in ids and a != b:
        return (a, b), ""
    problem = "" if "a" not in request.query_params else "pick two different articles of this story"
    if detail["reprints"]:
        link = detail["reprints"][0]
        return (int(link["a"]), int(link["b"])), problem
    return ((ids[0], ids[1]) if len(ids) > 1 else None), problem


def _page_headers(request: Request, query: StoryQuery, has_next: bool) -> dict[str, str]:
    links = []
    base = request.url.path
    if has_next:
        links.append(f'<{base}?{urlencode(query.params(page=query.page + 1))}>; rel="next"')
    if query.page > 1:
        links.append(f'<{base}?{urlencode(query.params(page=query.page - 1))}>; rel="prev"')
    headers = {
        "X-Page": str(query.page),
        "X-Per-Page": str(query.per_page),
        "X-Has-Next": "true" if has_next else "false",
    }
    if links:
        headers["Link"] = ", ".join(links)
    if query.problems:
        headers["X-Problems"] = "; ".join(query.problems).encode("ascii", "replace").decode()
    return headers
