"""``lintlayers server``: the language server (LSP over stdio, on pygls).

Only the ``server`` command imports this package's modules (and pygls with them), so
``lintlayers check`` starts as fast as before.

- ``protocol``: the pygls handlers and the server's state;
- ``documents``: the open documents and their text synchronisation;
- ``positions``: offsets and LSP positions (UTF-16 by default);
- ``folders``: settings and linters per folder, editor settings;
- ``contexts``: build contexts walked once, kept between keystrokes;
- ``linting``: the guarded lint of one document version;
- ``scheduler``: the lint worker, which coalesces changes;
- ``diagnostics``, ``actions``, ``hover``: what the client is sent.
"""
