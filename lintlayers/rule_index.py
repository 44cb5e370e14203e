# ruff: noqa: E501
"""The built-in rules' metadata, read by the registry without importing the rules.

Generated from the rule classes by ``python scripts/rule_index.py``; tests check it is
current. Fields: ``registry.INDEX_FIELDS``. Do not edit by hand.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.registry import IndexRow

# fmt: off
RULES: dict[str, IndexRow] = {
    'lintlayers.rules.parse_error:ParseErrorRule': ('LL001', 'parse-error', 'correctness', 'error', 'The Dockerfile has a syntax error BuildKit would refuse', (), ('buildkit', 'classic'), False, False, ()),
    'lintlayers.rules.template_file:TemplateFile': ('LL002', 'template-file', 'correctness', 'info', 'The file is a template, not a Dockerfile (off unless selected by its code)', (), ('buildkit', 'classic'), True, True, ()),
    'lintlayers.rules.broad_copy_before_install:BroadCopyBeforeInstall': ('LL101', 'broad-copy-before-install', 'cache', 'warning', 'COPY of the whole context before a dependency install that needs only manifests', (), ('buildkit', 'classic'), False, False, (('RUN', 'COPY'), ('RUN', 'ADD'))),
    'lintlayers.rules.volatile_variable_early:VolatileVariableEarly': ('LL102', 'volatile-variable-early', 'cache', 'warning', 'A per-build ARG/ENV early in a stage re-runs every later RUN', (), ('buildkit', 'classic'), False, False, ('ARG', 'ENV')),
    'lintlayers.rules.apt_get_update_alone:AptGetUpdateAlone': ('LL103', 'apt-get-update-alone', 'cache', 'warning', 'apt-get update in a RUN without an install after it', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.add_url_without_checksum:AddUrlWithoutChecksum': ('LL104', 'add-url-without-checksum', 'cache', 'warning', 'ADD of a URL or Git ref that no checksum or commit SHA pins', (), ('buildkit', 'classic'), False, False, ('ADD',)),
    'lintlayers.rules.suboptimal_step_order:SuboptimalStepOrder': ('LL105', 'suboptimal-step-order', 'cache', 'info', "Another safe order of the stage's steps would re-run less work per commit", (), ('buildkit', 'classic'), False, False, ()),
    'lintlayers.rules.mergeable_runs:MergeableRuns': ('LL106', 'mergeable-runs', 'cache', 'info', 'Consecutive RUNs that always miss the cache together could be one layer', ('DL3059',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.install_without_cache_mount:InstallWithoutCacheMount': ('LL107', 'install-without-cache-mount', 'cache', 'info', 'A dependency install BuildKit could serve from a cache mount', (), ('buildkit',), False, False, ('RUN',)),
    'lintlayers.rules.maintainer_deprecated:MaintainerDeprecated': ('LL201', 'maintainer-deprecated', 'metadata', 'warning', 'MAINTAINER is deprecated: use LABEL maintainer=... instead', ('DL4000',), ('buildkit', 'classic'), False, False, ('MAINTAINER',)),
    'lintlayers.rules.metadata_before_layers:MetadataBeforeLayers': ('LL202', 'metadata-before-layers', 'metadata', 'warning', 'Metadata that changes per build or release before RUN/COPY re-runs them (classic)', (), ('classic',), False, False, ()),
    'lintlayers.rules.apt_lists_not_removed:AptListsNotRemoved': ('LL301', 'apt-lists-not-removed', 'size', 'warning', 'apt-get install keeps /var/lib/apt/lists in the layer', ('DL3009',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.apt_install_recommends:AptInstallRecommends': ('LL302', 'apt-install-recommends', 'size', 'warning', 'apt-get install without --no-install-recommends installs extra packages', ('DL3015',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.apk_add_cache:ApkAddCache': ('LL303', 'apk-add-without-no-cache', 'size', 'warning', 'apk add without --no-cache keeps the package index in the layer', ('DL3019',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.pip_cache_kept:PipCacheKept': ('LL304', 'pip-cache-kept', 'size', 'warning', 'pip install without --no-cache-dir keeps the pip cache in the layer', ('DL3042',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.node_package_cache_kept:NodePackageCacheKept': ('LL305', 'node-package-cache-kept', 'size', 'warning', 'yarn/npm install keeps the package cache in the layer', ('DL3060',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.cleanup_in_later_layer:CleanupInLaterLayer': ('LL306', 'cleanup-in-later-layer', 'size', 'warning', 'A later RUN deletes files an earlier layer keeps', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.recursive_chown_after_copy:RecursiveChownAfterCopy': ('LL307', 'recursive-chown-after-copy', 'size', 'warning', 'chown -R/chmod -R after COPY stores every copied file twice', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.archive_kept_after_extract:ArchiveKeptAfterExtract': ('LL308', 'archive-kept-after-extract', 'size', 'warning', 'A downloaded archive is extracted but stays in the layer', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.context_bloat:ContextBloat': ('LL309', 'context-bloat', 'size', 'warning', 'COPY/ADD brings in .git, node_modules, build outputs or caches from the context', (), ('buildkit', 'classic'), False, False, ('COPY', 'ADD')),
    'lintlayers.rules.secret_in_build_variable:SecretInBuildVariable': ('LL310', 'secret-in-build-variable', 'correctness', 'error', 'ARG/ENV named like a password, token or key: the value stays in the image', (), ('buildkit', 'classic'), False, False, ('ARG', 'ENV')),
    'lintlayers.rules.secret_file_copied:SecretFileCopied': ('LL311', 'secret-file-copied', 'correctness', 'error', 'COPY/ADD puts a secret file (.env, private key, token) into an image layer', (), ('buildkit', 'classic'), False, False, ('COPY', 'ADD')),
    'lintlayers.rules.build_tools_in_final_stage:BuildToolsInFinalStage': ('LL312', 'build-tools-in-final-stage', 'size', 'warning', 'Compilers and -dev packages installed in the final stage stay in the image', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.useradd_high_uid:UseraddHighUid': ('LL313', 'useradd-high-uid', 'size', 'warning', 'useradd with a high UID and without --no-log-init writes huge log files', ('DL3046',), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.whole_filesystem_copy:WholeFilesystemCopy': ('LL314', 'whole-filesystem-copy', 'size', 'warning', 'COPY --from of a whole root filesystem onto a base image stores it twice', ('DL3067',), ('buildkit', 'classic'), False, False, ('COPY',)),
    'lintlayers.rules.gem_documentation:GemDocumentation': ('LL315', 'gem-documentation', 'size', 'warning', 'gem install without --no-document stores documentation nothing reads', (), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.package_cache_kept:PackageCacheKept': ('LL316', 'package-cache-kept', 'size', 'warning', 'yum/dnf/zypper/pacman/conda install keeps its package cache in the layer', ('DL3032', 'DL3040', 'DL3036'), ('buildkit', 'classic'), False, False, ('RUN',)),
    'lintlayers.rules.image_wasted_bytes:ImageWastedBytes': ('LL390', 'image-wasted-bytes', 'size', 'warning', 'A built image stores bytes that a later layer overwrites or deletes', (), ('buildkit', 'classic'), False, False, ()),
}
# fmt: on
