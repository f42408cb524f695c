"""Word output: documents built in code on a reference .docx, words from Jinja text templates.

Why this shape: Jinja tags inside Word files break when Word splits a
tag across runs and do not escape ``<`` and ``&``; text templates diff cleanly in
git and a clerk edits them without Python. The reference .docx holds what Word is
good at (page setup, styles, letterhead in headers); :mod:`.builder` fills in the
body from the small block markup of :mod:`.markup`.

Nothing here imports click; docx and jinja2 are imported only by the modules that
build documents, which the CLI imports only inside its commands.
"""
