"""The web app: a Gradio page (chat, quotes, reports, timeline, admin) over one ``Assistant``.

One job per module:

* ``access``: roles from the users file; loopback hosts; the signed-in user of a request.
* ``render``: the chat's HTML (answers, sources, quotes, banner, admin log), always escaped.
* ``grades``, ``reports_table``, ``timeline``: the Reports and Timeline tabs.
* ``filters``: the filter choices and the user's picks as ``Filters``.
* ``files``: which report files may be opened, and the ``/report-file`` route.
* ``admin``: saving uploads and updating the index, one run at a time.
* ``handlers``: what each button does (role check, call, render).
* ``layout``: the ``gr.Blocks`` page wired to the handlers.
* ``server``: the FastAPI app that mounts it all, and starting it.
"""
