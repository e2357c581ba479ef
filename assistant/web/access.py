"""Who may do what: roles from the users file, and which hosts count as this computer only.

Readers chat, fetch quotes and list reports; admins also upload and re-index. Without a users
file there is no login: a request from this computer (a loopback client that also names a
loopback host) is an admin's when the app only answers on loopback; every other request is a
reader's.

A request over HTTP (the REST API, MCP, report files) is signed in by the page's login cookie
(``POST /login`` sets it) or, for scripts, by HTTP Basic credentials of the same users file,
held to the same rate limit and revocation (``assistant.web.login``).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import gradio as gr
from starlette.requests import Request

from assistant.auth import UserStore
from assistant.settings import Settings
from assistant.web.login import Gatekeeper, client_address

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BASIC_CHALLENGE = 'Basic realm="Inspection Assistant"'  # the WWW-Authenticate of a 401


def is_loopback(host: str) -> bool:
    """True for a host name or address that only this computer can reach: ``localhost`` or a
    loopback address (``127.0.0.5``, ``::1``); a name such as ``127.example.com`` is not."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def host_of(host_header: str) -> str:
    """The host name of a ``Host`` header, lower case, without port or brackets."""
    return (urlsplit(f"//{host_header.strip()}").hostname or "").rstrip(".")


def local_request(request: object) -> bool:
    """True for a request from this computer to this computer: a loopback client address and
    a loopback ``Host`` (a request relayed by a proxy on this computer names another host).

    Args:
        request: A Starlette or Gradio request.
    """
    client = getattr(request, "client", None)
    headers = getattr(request, "headers", None) or {}
    return bool(
        client is not None
        and is_loopback(str(getattr(client, "host", "") or ""))
        and is_loopback(host_of(headers.get("host", "")))
    )


@dataclass
class Access:
    """Who may do what.

    Attributes:
        users: The users file (None: no login).
        admin_without_auth: Without login, whether everyone is an admin (True on loopback).
        gate: Rate limit, password checks and sessions of the users file (made from the
            default settings when not given).
    """

    users: UserStore | None = None
    admin_without_auth: bool = True
    gate: Gatekeeper | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.users is not None and self.gate is None:
            self.gate = Gatekeeper(self.users, Settings())

    def role_of(self, username: str | None, local: bool = True) -> str | None:
        """The role of a user ("reader", "admin"), None when not signed in or unknown.

        Args:
            username: The signed-in user (None without logins).
            local: Without logins, whether the request came from this computer to this
                computer (only then is it an admin's).
        """
        if self.users is None:
            return "admin" if self.admin_without_auth and local else "reader"
        return self.users.role(username)

    def role(self, request: gr.Request | None) -> str | None:
        """The role of the request's user ("reader", "admin"), None when not signed in."""
        if request is None:
            return self.role_of(None, local=False)
        return self.role_of(getattr(request, "username", None), local_request(request))

    def require(self, request: gr.Request | None, role: str) -> None:
        """Raise a visible error unless the user has the role (admins may do everything)."""
        have = self.role(request)
        if have is None or (role == "admin" and have != "admin"):
            raise gr.Error(f"This needs the {role} role." if have else "Please sign in.")


def signed_in_user(request: Request) -> str | None:
    """The Gradio login of an HTTP request to the app (the same cookie check as Gradio's own
    routes); None when not signed in."""
    gradio_app = getattr(request.app.state, "gradio", None)
    if gradio_app is None:
        return None
    cid = gradio_app.cookie_id
    token = request.cookies.get(f"access-token-{cid}") or request.cookies.get(
        f"access-token-unsecure-{cid}"
    )
    return gradio_app.tokens.get(token) if token else None


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        name, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if sep else None


async def request_user(request: Request, access: Access) -> str | None:
    """The user of an HTTP request: the page's login cookie, or HTTP Basic credentials that
    match the users file; None when neither.

    Raises:
        TooManyAttemptsError: Basic credentials from a client or for a user name over the
            login rate limit.
    """
    user = signed_in_user(request)
    if user:
        return user
    creds = _basic_credentials(request.headers.get("authorization"))
    if creds is None or access.gate is None:
        return None
    return await access.gate.basic(*creds, client_address(request))


def loopback_request(request: Request) -> bool:
    """True when the request names this computer as its host (``Host: 127.0.0.1:7860``).

    Without logins, an app on loopback only answers such requests: a web page elsewhere cannot
    reach it through a name that resolves to this computer (DNS rebinding).
    """
    return is_loopback(host_of(request.headers.get("host", "")))
