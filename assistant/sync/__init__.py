"""New reports arriving by themselves: publication feeds, listing pages and watched folders.

``sources`` (the interface and one implementation per kind, built by ``make_source``),
``feeds`` (reading Atom, RSS and listing pages), ``http`` (the polite client), ``state`` (what
is remembered between syncs and the ``sync --json`` record), ``engine`` (one sync: fetch,
check, rename into place, ingest), ``schedule`` (syncs in the background of ``serve``, and the
folder watcher).
"""
