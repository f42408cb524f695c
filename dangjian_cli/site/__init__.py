"""`dangjian site`: a static overview of a county (plain HTML, CSS and inline SVG).

:mod:`.figures` gathers what the pages show from the records, through the same
library code the listings use (the obligations engine, the §12 ranking, the dues
statement, the roll), so every number on a page equals the CLI's for that org and
day. :mod:`.trends` reads older commits (``--rev`` machinery) for the quarterly
shares. :mod:`.pages` turns the figures into pages (jinja2, sandboxed, autoescaped)
and :mod:`.output` writes only the pages whose bytes changed.
"""
