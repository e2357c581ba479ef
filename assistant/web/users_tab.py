"""The Admin tab's users: admins add users, disable and enable them, reset passwords and
change roles, in the users file the app logs in with (``serve --auth``).

An admin cannot disable, remove or demote themselves, and the last enabled admin stays one,
so that nobody locks the app's admins out by a slip.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.auth import ROLES, AuthError, UserStore
from assistant.web.access import Access
from assistant.web.render import esc


def users_html(store: UserStore | None) -> str:
    """The users table (name, role, enabled or disabled), no password hashes."""
    if store is None:
        return "<p>The app runs without logins (serve --auth USERS.json to have users).</p>"
    rows = "".join(
        f"<tr><td>{esc(a.name)}</td><td>{esc(a.role)}</td>"
        f"<td>{'disabled' if a.disabled else 'enabled'}</td></tr>"
        for a in store.accounts()
    )
    return (
        '<table class="ia-users"><thead><tr><th>User</th><th>Role</th><th>Status</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


@dataclass
class UsersControls:
    """The users section's components."""

    table: gr.HTML
    name: gr.Textbox
    role: gr.Dropdown
    password: gr.Textbox
    add: gr.Button
    disable: gr.Button
    enable: gr.Button
    reset: gr.Button
    change_role: gr.Button
    note: gr.HTML


class UsersActions:
    """What the users section's buttons do, for admins only.

    Args:
        access: Login and roles (``access.users`` is the users file, None without logins).
    """

    def __init__(self, access: Access) -> None:
        self.access = access

    def _store(self, request: gr.Request | None) -> UserStore:
        self.access.require(request, "admin")
        if self.access.users is None:
            raise gr.Error("The app runs without logins: there are no users to manage.")
        return self.access.users

    def _done(self, store: UserStore, message: str):
        return users_html(store), f"<p>{esc(message)}</p>", ""

    def _other_admins(self, store: UserStore, name: str) -> bool:
        return any(
            a.role == "admin" and not a.disabled and a.name != name for a in store.accounts()
        )

    def _guard(self, store: UserStore, name: str, request: gr.Request | None, what: str) -> None:
        if name == getattr(request, "username", None):
            raise gr.Error(f"You cannot {what} yourself.")
        if store.role(name) == "admin" and not self._other_admins(store, name):
            raise gr.Error(f"Cannot {what} the last enabled admin.")

    def table(self, request: gr.Request = None) -> str:
        """The users table."""
        self.access.require(request, "admin")
        return users_html(self.access.users)

    def add(self, name: str, role: str, password: str, request: gr.Request):
        """Add a user with a role and a first password."""
        store = self._store(request)
        try:
            store.add_user((name or "").strip(), password or "", role or "reader")
        except AuthError as exc:
            raise gr.Error(str(exc)) from exc
        return self._done(store, f"User {name.strip()} ({role}) added.")

    def set_disabled(self, name: str, disabled: bool, request: gr.Request):
        """Disable a user (their login and their signed-in pages stop working) or enable them."""
        store = self._store(request)
        name = (name or "").strip()
        if disabled:
            self._guard(store, name, request, "disable")
        try:
            store.set_disabled(name, disabled)
        except AuthError as exc:
            raise gr.Error(str(exc)) from exc
        return self._done(store, f"User {name} {'disabled' if disabled else 'enabled'}.")

    def disable(self, name: str, request: gr.Request):
        """Disable a user."""
        return self.set_disabled(name, True, request)

    def enable(self, name: str, request: gr.Request):
        """Enable a disabled user again."""
        return self.set_disabled(name, False, request)

    def reset_password(self, name: str, password: str, request: gr.Request):
        """Give a user a new password."""
        store = self._store(request)
        name = (name or "").strip()
        try:
            store.set_password(name, password or "")
        except AuthError as exc:
            raise gr.Error(str(exc)) from exc
        return self._done(store, f"Password of {name} reset.")

    def change_role(self, name: str, role: str, request: gr.Request):
        """Change a user's role."""
        store = self._store(request)
        name = (name or "").strip()
        if role != "admin":
            self._guard(store, name, request, "demote")
        try:
            store.set_role(name, role)
        except AuthError as exc:
            raise gr.Error(str(exc)) from exc
        return self._done(store, f"{name} is now {role}.")


def build_users_section() -> UsersControls:
    """The users section's components (call inside the Admin tab)."""
    with gr.Accordion("Users", open=False, elem_id="ia-users"):
        table = gr.HTML(elem_id="ia-users-table")
        with gr.Row():
            name = gr.Textbox(label="User name", elem_id="ia-user-name", scale=2)
            role = gr.Dropdown(
                label="Role", choices=list(ROLES), value="reader", elem_id="ia-user-role", scale=1
            )
            password = gr.Textbox(
                label="Password (new users, resets)",
                type="password",
                elem_id="ia-user-password",
                scale=2,
            )
        with gr.Row():
            add = gr.Button("Add user", size="sm", elem_id="ia-user-add")
            disable = gr.Button("Disable", size="sm", elem_id="ia-user-disable")
            enable = gr.Button("Enable", size="sm", elem_id="ia-user-enable")
            reset = gr.Button("Reset password", size="sm", elem_id="ia-user-reset")
            change_role = gr.Button("Change role", size="sm", elem_id="ia-user-change-role")
        note = gr.HTML(elem_id="ia-users-note")
    return UsersControls(
        table, name, role, password, add, disable, enable, reset, change_role, note
    )


def wire_users_section(c: UsersControls, access: Access, tab: gr.Tab) -> None:
    """Connect the users section's events."""
    actions = UsersActions(access)
    out = [c.table, c.note, c.password]
    private = {"api_visibility": "private"}
    c.add.click(actions.add, [c.name, c.role, c.password], out, **private)
    c.disable.click(actions.disable, [c.name], out, **private)
    c.enable.click(actions.enable, [c.name], out, **private)
    c.reset.click(actions.reset_password, [c.name, c.password], out, **private)
    c.change_role.click(actions.change_role, [c.name, c.role], out, **private)
    tab.select(actions.table, None, c.table, **private)
