"""The web app over one ``Assistant``: a Gradio page (chat, quotes, reports, timeline, admin),
a REST API and, optionally, MCP tools.

One job per module:

* ``sessions``: the page's login sessions (Gradio's token table), ending when idle, too old,
  or when their user is changed or removed.
* ``login``: ``POST /login`` and the HTTP Basic check, rate-limited per client and user name,
  the password checked off the event loop.
* ``access``: roles from the users file; loopback hosts; the signed-in user of a request.
* ``errors``: what users see of an unexpected failure (a reference id; details in the log).
* ``render``: the chat's HTML (answers, sources, quotes, banner, admin log), always escaped.
* ``reports_table``, ``timeline``: the Reports and Timeline tabs (grade and judgement names
  from ``assistant.vocabulary``).
* ``filters``: the filter choices and the user's picks as ``Filters``.
* ``files``: which report files may be opened, and the ``/report-file`` route.
* ``admin``: saving uploads and updating the index, one run at a time.
* ``schemas``: the REST API's and MCP tools' requests (pydantic models, limits).
* ``handlers``: what each button does (role check, call, render).
* ``reports_view``: the Reports tab's fixed columns, filters and a report's details.
* ``users_tab``: admins managing users (add, disable, reset a password, change a role).
* ``admin_tab``: the Admin tab: uploads, rescans, a prune shown and confirmed first, held
  files to accept, runs shown step by step, sources and users.
* ``layout``: the ``gr.Blocks`` page wired to the handlers.
* ``service``: the calls behind the API and MCP, answering in the command line's ``--json``
  shapes.
* ``api``: the REST routes under ``/api``; ``api_docs``: the ``/api/docs`` page.
* ``mcp_server``: the MCP tools at ``/mcp`` (with the ``mcp`` setting).
* ``guard``: requests refused before any route: unknown hosts, posts from other sites,
  uploads from non-admins.
* ``server``: the FastAPI app that mounts it all, and serving it.

A module imports only modules listed above it (``server`` uses them all).
"""
