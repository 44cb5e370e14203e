"""Built-in lintlayers rules, one module per rule.

Installed as ``lintlayers.rules``; each rule is registered through the
``lintlayers.rules`` entry-point group like any third-party plugin.
"""
