"""The bash grammar loads without the packages' slow __init__, and parses the same."""

from __future__ import annotations

import subprocess
import sys


def test_fast_load_skips_package_init_and_parses():
    code = (
        "import sys\n"
        "from lintlayers.shell.grammar import bash_parser\n"
        "tree = bash_parser().parse(b'apt-get update && apt-get install -y curl')\n"
        "print(tree.root_node.type, tree.root_node.child_count)\n"
        "print('tree_sitter' in sys.modules, 'tree_sitter_bash' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "program 1"
    assert out[1] == "False False"  # the packages' __init__ never ran


def test_fast_parser_agrees_with_the_documented_import():
    import tree_sitter
    import tree_sitter_bash

    from lintlayers.shell.grammar import bash_parser

    script = b'for f in *.txt; do cat "$f" | grep -v x > /dev/null; done\nmake && echo ok\n'
    fast = bash_parser().parse(script).root_node
    slow = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language())).parse(script)
    assert str(fast) == str(slow.root_node)
