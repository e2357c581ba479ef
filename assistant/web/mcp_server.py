"""The Model Context Protocol endpoint (``/mcp``, streamable HTTP): ``ask``, ``quote`` and
``reports`` as tools, when the ``mcp`` setting is on.

The tools answer with the command line's JSON (as the REST API does) and are held to the same
logins: with a users file, a client must send HTTP Basic credentials (or the page's login
cookie); without one, an app on loopback answers only requests addressed to this computer.

Built on the ``mcp`` package directly rather than Gradio's ``mcp_server=True``: in Gradio 6.31
that endpoint lists its tools to anyone, fails every call once the app has logins, and returns
Python ``repr`` text instead of JSON.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from assistant.web.access import BASIC_CHALLENGE, Access, loopback_request, request_user
from assistant.web.errors import public_error
from assistant.web.login import TooManyAttemptsError
from assistant.web.schemas import (
    MAX_QUOTES,
    MAX_TEXT_CHARS,
    AskRequest,
    HistoryTurn,
    QuoteRequest,
    ReportsQuery,
)
from assistant.web.service import Service

MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Answers and verbatim quotes from published inspection reports (Ofsted children's "
    "services, HM Inspectorate of Constabulary). Every [n] in an answer is a verified quote; "
    "cite its `citation` line. An answer with `abstained: true` means the reports do not say."
)

_Subject = Annotated[
    str | None, Field(description="Local authority or police force, e.g. Norfolk.")
]
_Report = Annotated[str | None, Field(description="Only this report (a report_id).")]
_From = Annotated[date | None, Field(description="Inspections ending on or after (YYYY-MM-DD).")]
_To = Annotated[date | None, Field(description="Inspections starting on or before (YYYY-MM-DD).")]


T = TypeVar("T")
A = TypeVar("A")


async def _call(fn: Callable[[A], T], arg: A, where: str) -> T:
    """Run a service call off the event loop; an unexpected failure is reported to the client
    as a generic error with a reference id (the details go to the log)."""
    try:
        return await anyio.to_thread.run_sync(fn, arg)
    except ValueError:
        raise  # a bad request (an unknown grade): its message is for the user
    except Exception as exc:
        raise ToolError(public_error(exc, f"mcp {where}")) from None


def make_tools(service: Service) -> FastMCP:
    """The MCP server with its three tools over one assistant."""
    server = FastMCP(
        "Inspection Assistant",
        instructions=INSTRUCTIONS,
        stateless_http=True,
        streamable_http_path=MCP_PATH,
        # The host checks are ours (``McpEndpoint``): the library's would refuse every host
        # name but localhost, also for an app served to the network with logins.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    @server.tool()
    async def ask(
        question: Annotated[str, Field(description="The question.", max_length=MAX_TEXT_CHARS)],
        subject: _Subject = None,
        inspectorate: Annotated[str | None, Field(description="Ofsted or HMIC.")] = None,
        report: _Report = None,
        date_from: _From = None,
        date_to: _To = None,
        history: Annotated[
            list[HistoryTurn] | None,
            Field(description="Earlier answers of this conversation, oldest first."),
        ] = None,
    ) -> dict[str, Any]:
        """Answer a question from the indexed inspection reports, with verified verbatim
        citations (report, date, page, paragraph); the `ask --json` object."""
        req = AskRequest(
            question=question,
            subject=subject,
            inspectorate=inspectorate,
            report=report,
            date_from=date_from,
            date_to=date_to,
            history=history or [],
        )
        return await _call(service.ask, req, "ask")

    @server.tool()
    async def quote(
        topic: Annotated[
            str, Field(description="What the quotes are about.", max_length=MAX_TEXT_CHARS)
        ],
        subject: _Subject = None,
        report: _Report = None,
        k: Annotated[int, Field(description="How many quotes.", ge=1, le=MAX_QUOTES)] = 5,
    ) -> dict[str, Any]:
        """Ranked verbatim quotes from the reports with paste-ready citation lines; the
        `quote --json` object."""
        req = QuoteRequest(topic=topic, subject=subject, report=report, k=k)
        return await _call(service.quote, req, "quote")

    @server.tool()
    async def reports(
        subject: _Subject = None,
        grade: Annotated[str | None, Field(description="e.g. inadequate, good.")] = None,
        judgement: Annotated[str | None, Field(description="e.g. overall, leadership.")] = None,
        date_from: _From = None,
        date_to: _To = None,
    ) -> list[dict[str, Any]]:
        """The catalogue of indexed reports and their graded judgements, filtered; the
        `reports --json` list."""
        query = ReportsQuery(
            subject=subject, grade=grade, judgement=judgement, date_from=date_from, date_to=date_to
        )
        return await _call(service.reports, query, "reports")

    server.streamable_http_app()  # creates the session manager that ``McpEndpoint`` serves
    return server


class McpEndpoint:
    """The ASGI endpoint at ``/mcp``: the app's logins first, then the MCP transport.

    Args:
        server: The MCP server (``make_tools``).
        access: Logins and roles (every tool is a reader's).
    """

    def __init__(self, server: FastMCP, access: Access) -> None:
        self.server = server
        self.access = access

    def session(self):
        """The transport's lifetime: enter it in the app's lifespan."""
        return self.server.session_manager.run()

    async def _refusal(self, request: Request) -> Response | None:
        access = self.access
        if access.users is None:
            if access.admin_without_auth and not loopback_request(request):
                return PlainTextResponse("This app only answers on this computer.", 403)
            return None
        try:
            user = await request_user(request, access)
        except TooManyAttemptsError as exc:
            return exc.response()
        if access.role_of(user) is None:
            return PlainTextResponse("Please sign in.", 401, {"WWW-Authenticate": BASIC_CHALLENGE})
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self._refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.server.session_manager.handle_request(scope, receive, send)
