"""The REST API under ``/api``: ask, quote, reports, status, and an admin re-index.

Answers are the JSON objects of the command line's ``--json`` output. The same logins and roles
as the page apply: send the page's login cookie (``POST /login`` with ``username`` and
``password`` as a form sets it) or HTTP Basic credentials. Without them, when the app has
logins, every route answers 401. Readers may ask, quote, list reports and read the status;
admins may also re-index. The schema is at ``/api/openapi.json``, a readable page at
``/api/docs``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import fastapi
from fastapi import Depends, HTTPException, Query
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from assistant.prune import PruneRefusedError
from assistant.web.access import (
    BASIC_CHALLENGE,
    Access,
    local_request,
    loopback_request,
    request_user,
)
from assistant.web.admin import IndexBusyError, IndexUpdater
from assistant.web.login import TooManyAttemptsError
from assistant.web.schemas import AskRequest, QuoteRequest, ReportsQuery, RescanRequest
from assistant.web.service import Service

PREFIX = "/api"
DESCRIPTION = """Cited answers and verbatim quotes from the indexed inspection reports.

Every answer is the JSON object of the matching command line call with `--json`
(`inspection-assistant ask --json`, `quote --json`, `reports --json`, `status --json`).

**Sign in** with the accounts of the web page: HTTP Basic credentials, or the page's login
cookie (`POST /login` with the form fields `username` and `password`). Readers may ask, quote,
list reports and read the status; admins may also re-index. Questions and topics are at most
1,000 characters."""

_basic = HTTPBasic(auto_error=False, realm="Inspection Assistant")


def caller(access: Access, role: str) -> Callable[..., str]:
    """A dependency that admits users with the role (admins may do everything).

    Raises (in the route):
        HTTPException: 401 when not signed in, 403 without the role or, without logins, for a
            request that does not name this computer while the app is on loopback; 429 for
            HTTP Basic credentials over the login rate limit.
    """

    async def check(
        request: fastapi.Request,
        _credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)] = None,
    ) -> str:
        if access.users is None:
            if access.admin_without_auth and not loopback_request(request):
                raise HTTPException(403, "This app only answers on this computer.")
            have = access.role_of(None, local_request(request))
        else:
            try:
                have = access.role_of(await request_user(request, access))
            except TooManyAttemptsError as exc:
                raise HTTPException(
                    429, str(exc), headers={"Retry-After": str(exc.retry_after)}
                ) from exc
        if have is None:
            raise HTTPException(
                401, "Please sign in.", headers={"WWW-Authenticate": BASIC_CHALLENGE}
            )
        if role == "admin" and have != "admin":
            raise HTTPException(403, f"This needs the {role} role.")
        return have or ""

    return check


def make_router(service: Service, updater: IndexUpdater, access: Access) -> fastapi.APIRouter:
    """The ``/api`` routes over one assistant.

    Args:
        service: The assistant's calls as JSON.
        updater: The index updater shared with the Admin tab.
        access: Logins and roles.
    """
    reader = [Depends(caller(access, "reader"))]
    admin = [Depends(caller(access, "admin"))]
    unauthorized = {
        401: {"description": "Not signed in"},
        403: {"description": "Not allowed"},
        429: {"description": "Too many failed logins: try again after Retry-After seconds"},
    }
    router = fastapi.APIRouter(prefix=PREFIX, responses=unauthorized)

    @router.post("/ask", dependencies=reader, tags=["answers"], summary="Answer a question")
    def ask(req: AskRequest) -> dict:
        """A cited answer from the indexed reports, or an abstention with the closest passages.

        The `ask --json` object: `question`, `answer` (with [n] markers), `abstained`,
        `citations` (verified verbatim quotes with report, page and paragraph), `passages`,
        `context`, `mode`, `notice`, `timings_ms`. Pass earlier answers as `history` for
        follow-up questions.
        """
        return service.ask(req)

    @router.post("/quote", dependencies=reader, tags=["answers"], summary="Find quotes")
    def quote(req: QuoteRequest) -> dict:
        """Ranked verbatim quotes with paste-ready citation lines (the `quote --json` object:
        `topic` and `quotes`)."""
        return service.quote(req)

    @router.get("/reports", dependencies=reader, tags=["catalogue"], summary="List reports")
    def reports(query: Annotated[ReportsQuery, Query()]) -> list[dict]:
        """The catalogue of live reports and their graded judgements (`reports --json`),
        filtered by subject, grade, judgement and inspection dates."""
        try:
            return service.reports(query)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc

    @router.get("/status", dependencies=reader, tags=["catalogue"], summary="Index status")
    def status() -> dict:
        """What the index holds (`status --json`): reports, files, chunks, failed files,
        size and embedding model."""
        return service.status()

    @router.post(
        "/admin/rescan",
        dependencies=admin,
        tags=["admin"],
        summary="Re-index the reports folder",
        responses={
            409: {
                "description": "An index update is already running, or the prune would "
                "remove more than a fifth of the index without `yes`"
            }
        },
    )
    def rescan(req: RescanRequest) -> dict:
        """Admins: index new and changed files of the reports folder (and with `prune` remove
        reports whose files are gone) while questions keep being answered. Returns the
        `ingest --json` summary."""
        try:
            return updater.run(prune=req.prune, force_prune=req.yes).as_dict()
        except (IndexBusyError, PruneRefusedError) as exc:
            raise HTTPException(409, str(exc)) from exc

    return router
