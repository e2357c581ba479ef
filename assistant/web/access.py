"""Who may do what: roles from the users file, and which hosts count as this computer only.

Readers chat, fetch quotes and list reports; admins also upload and re-index. Without a users
file there is no login: everyone is an admin when the app only answers on loopback, a reader
when it is reachable from the network.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
from starlette.requests import Request

from assistant.auth import UserStore

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_loopback(host: str) -> bool:
    """True for a host name or address that only this computer can reach."""
    return host in LOOPBACK or host.startswith("127.")


@dataclass
class Access:
    """Who may do what.

    Attributes:
        users: The users file (None: no login).
        admin_without_auth: Without login, whether everyone is an admin (True on loopback).
    """

    users: UserStore | None = None
    admin_without_auth: bool = True

    def role_of(self, username: str | None) -> str | None:
        """The role of a user ("reader", "admin"), None when not signed in or unknown."""
        if self.users is None:
            return "admin" if self.admin_without_auth else "reader"
        return self.users.role(username)

    def role(self, request: gr.Request | None) -> str | None:
        """The role of the request's user ("reader", "admin"), None when not signed in."""
        return self.role_of(getattr(request, "username", None) if request else None)

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
