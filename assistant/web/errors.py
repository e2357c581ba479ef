"""What a user is told when something fails unexpectedly: a generic sentence with a reference
id; the details (exception, paths, SQL, stack trace) go to the server log under that id.

Used by every entry point: the page's handlers (``shielded``), the REST API and MCP tools
(``public_error``).
"""

from __future__ import annotations

import functools
import inspect
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

log = logging.getLogger("inspection_assistant.web")

F = TypeVar("F", bound=Callable[..., Any])


def public_error(exc: BaseException, where: str) -> str:
    """Log a failure with a new reference id, and the sentence to show instead of it.

    Args:
        exc: The exception (logged with its stack trace, never shown).
        where: What was being done ("ask", "quote", "upload").

    Returns:
        "Something went wrong (reference 3f9c2a1b). …": nothing from the exception itself.
    """
    ref = secrets.token_hex(4)
    log.error("%s failed (reference %s)", where, ref, exc_info=exc)
    return (
        f"Something went wrong (reference {ref}). Please try again; if it keeps happening, "
        "give the reference to your administrator."
    )


def shielded(fn: F) -> F:
    """A page handler whose unexpected exceptions reach the user only as ``public_error``
    (a ``gr.Error`` the handler raises on purpose is shown as it is)."""
    where = fn.__name__

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise gr.Error(public_error(exc, where)) from None

        return stream  # type: ignore[return-value]

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise gr.Error(public_error(exc, where)) from None

    return call  # type: ignore[return-value]
