"""Never imported: its place in the bytecode cache is where ``lintlayers.bundle`` keeps the
bundle of the package's compiled modules.

pip's uninstall removes the cached bytecode of each source file it installed, but no
other file it finds there: a bundle under a name of its own would stay behind, and with
it a ``lintlayers`` folder that Python would import as an empty namespace package.
"""
