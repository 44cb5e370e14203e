"""Built-image analysis: which bytes of a saved image are wasted, and which line put them there.

``lintlayers image IMAGE`` reads a ``docker save``/``podman save``/``buildah push`` archive
(docker archive, OCI archive) or an OCI layout folder without unpacking it: the outer tar
and every layer tar are streamed member by member, nothing is hashed. Entry points:
``lintlayers.image.analysis.analyze_image`` (the analysis) and
``lintlayers.image.command.run_image`` (the command).
"""
