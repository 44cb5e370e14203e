"""``lintlayers image``: layer analysis of saved images, hand-made and built with buildah.

The hand-made archives (docker archive, OCI archive, OCI layout) are written with
``tarfile`` so that every byte count is known. The buildah tests build one image whose waste
is known by construction and read it in all three formats. Builds in this module: the base
image and one more.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from typing import TYPE_CHECKING

import pytest

from lintlayers.cli import main
from lintlayers.image.analysis import analyze_image
from lintlayers.image.archive import ImageError
from lintlayers.image.command import parse_size
from lintlayers.image.history import parse_created_by

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from builder import Buildah


# -- writing images by hand ------------------------------------------------------------------


def layer_bytes(entries: list[tuple], compression: str | None = None) -> bytes:
    """A layer tar. Entries: ``("file", path, size)``, ``("dir", path)``,
    ``("link", path, target)`` (hard link), ``("sym", path, target)``, ``("wh", path)``
    (whiteout of path), ``("opq", folder)`` (opaque marker)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            kind, path = entry[0], entry[1]
            info = tarfile.TarInfo(path)
            data = None
            if kind == "file":
                info.size = entry[2]
                data = io.BytesIO(b"x" * entry[2])
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
            elif kind == "link":
                info.type = tarfile.LNKTYPE
                info.linkname = entry[2]
            elif kind == "sym":
                info.type = tarfile.SYMTYPE
                info.linkname = entry[2]
            elif kind == "wh":
                parent, _, name = path.rpartition("/")
                info.name = f"{parent}/.wh.{name}" if parent else f".wh.{name}"
            elif kind == "opq":
                info.name = f"{path}/.wh..wh..opq"
            tar.addfile(info, data)
    raw = buffer.getvalue()
    if compression == "gzip":
        return gzip.compress(raw, mtime=0)
    return raw


def history_of(created_by: list[str | tuple[str, bool]]) -> list[dict[str, object]]:
    """History entries; a ``(text, True)`` pair is an empty layer."""
    history = []
    for item in created_by:
        text, empty = (item, False) if isinstance(item, str) else item
        entry: dict[str, object] = {"created_by": text}
        if empty:
            entry["empty_layer"] = True
        history.append(entry)
    return history


def config_of(blobs: list[bytes], history: list[dict[str, object]] | None) -> bytes:
    diff_ids = ["sha256:" + hashlib.sha256(_raw(blob)).hexdigest() for blob in blobs]
    config: dict[str, object] = {
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    if history is not None:
        config["history"] = history
    return json.dumps(config).encode()


def _raw(blob: bytes) -> bytes:
    return gzip.decompress(blob) if blob[:2] == b"\x1f\x8b" else blob


def add_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def docker_archive(
    path: Path,
    layers: list[list[tuple]],
    history: list[dict[str, object]] | None = None,
    *,
    compression: str | None = None,
    symlinked: bool = False,
    damage: dict[int, Callable[[bytes], bytes]] | None = None,
) -> Path:
    """A docker archive (``manifest.json``, config, one tar per layer).

    With ``symlinked``, layers are ``<n>/layer.tar`` symlinks to ``<n>.tar`` as buildah
    writes them. ``damage`` rewrites some layer blobs after the config is made.
    """
    blobs = [layer_bytes(entries, compression) for entries in layers]
    config = config_of(blobs, history)
    for number, change in (damage or {}).items():
        blobs[number] = change(blobs[number])
    names = []
    with tarfile.open(path, "w") as tar:
        for number, blob in enumerate(blobs):
            name = f"{number:064x}.tar"
            add_member(tar, name, blob)
            if symlinked:
                link = tarfile.TarInfo(f"dir{number}/layer.tar")
                link.type = tarfile.SYMTYPE
                link.linkname = f"../{name}"
                tar.addfile(link)
                name = f"dir{number}/layer.tar"
            names.append(name)
        add_member(tar, "config.json", config)
        manifest = [{"Config": "config.json", "RepoTags": ["t:1"], "Layers": names}]
        add_member(tar, "manifest.json", json.dumps(manifest).encode())
    return path


def oci_files(
    layers: list[list[tuple]],
    history: list[dict[str, object]] | None = None,
    *,
    compression: str | None = "gzip",
    nested_index: bool = False,
) -> dict[str, bytes]:
    """The files of an OCI layout (path -> bytes)."""
    files: dict[str, bytes] = {"oci-layout": b'{"imageLayoutVersion": "1.0.0"}'}

    def blob(data: bytes, media_type: str) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        files[f"blobs/sha256/{digest}"] = data
        return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(data)}

    blobs = [layer_bytes(entries, compression) for entries in layers]
    layer_type = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compression else "")
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": blob(config_of(blobs, history), "application/vnd.oci.image.config.v1+json"),
        "layers": [blob(data, layer_type) for data in blobs],
    }
    descriptor = blob(json.dumps(manifest).encode(), manifest["mediaType"])
    descriptor["platform"] = {"os": "linux", "architecture": "amd64"}
    if nested_index:
        attestation = blob(b'{"schemaVersion": 2, "layers": []}', manifest["mediaType"])
        attestation["annotations"] = {"vnd.docker.reference.type": "attestation-manifest"}
        attestation["platform"] = {"os": "unknown", "architecture": "unknown"}
        inner = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [attestation, descriptor],
        }
        descriptor = blob(json.dumps(inner).encode(), inner["mediaType"])
    index = {"schemaVersion": 2, "manifests": [descriptor]}
    files["index.json"] = json.dumps(index).encode()
    return files


def oci_layout(folder: Path, layers: list[list[tuple]], **options: object) -> Path:
    for name, data in oci_files(layers, **options).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def oci_archive(path: Path, layers: list[list[tuple]], **options: object) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in oci_files(layers, **options).items():
            add_member(tar, name, data)
    return path


def run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["image", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- waste accounting on hand-made layers ----------------------------------------------------


def test_whiteout_wastes_the_deleted_copy_once(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [("dir", "opt"), ("file", "opt/keep", 10), ("file", "opt/big", 5_000_000)],
            [("wh", "opt/big")],
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.total_bytes == 5_000_010
    assert analysis.wasted_bytes == 5_000_000
    assert analysis.final_bytes == 10 == analysis.filesystem.final_bytes()
    assert analysis.efficiency == pytest.approx(10 / 5_000_010)
    first, second = analysis.layers
    assert (first.size, first.stats.files_added, first.stats.wasted_bytes) == (
        5_000_010,
        2,
        5_000_000,
    )
    assert (second.size, second.stats.files_removed, second.stats.hidden_lower_bytes) == (
        0,
        1,
        5_000_000,
    )
    [entry] = analysis.wasted_paths()
    assert (entry.path, entry.wasted_bytes, entry.final_layer) == ("/opt/big", 5_000_000, None)
    assert [(c.layer, c.hidden_by, c.how) for c in entry.copies] == [(0, 1, "deleted")]


def test_gzip_layers_and_buildah_style_symlinked_layers_give_the_same_figures(
    tmp_path: Path,
) -> None:
    layers = [
        [("file", "a", 1000), ("file", "b", 2000)],
        [("file", "a", 1500), ("wh", "b")],
    ]
    plain = analyze_image(str(docker_archive(tmp_path / "plain.tar", layers)))
    zipped = analyze_image(
        str(docker_archive(tmp_path / "gz.tar", layers, compression="gzip", symlinked=True))
    )
    for analysis in (plain, zipped):
        assert (analysis.total_bytes, analysis.wasted_bytes) == (4500, 3000)
        assert [layer.size for layer in analysis.layers] == [3000, 1500]
        assert [layer.stats.files_changed for layer in analysis.layers] == [0, 1]
    assert [layer.compression for layer in zipped.layers] == ["gzip", "gzip"]
    assert [layer.compression for layer in plain.layers] == ["none", "none"]
    assert zipped.layers[0].blob_size < plain.layers[0].blob_size
    assert zipped.layers[0].diff_id == plain.layers[0].diff_id


def test_each_lower_copy_of_an_overwritten_path_counts_once(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [[("file", "p", 100)], [("file", "p", 200)], [("file", "p", 50)]],
    )
    analysis = analyze_image(str(image))
    assert analysis.total_bytes == 350
    assert analysis.wasted_bytes == 300  # dive's wasted bytes: 350, every copy of the path
    [entry] = analysis.wasted_paths()
    assert entry.final_layer == 2
    assert entry.as_dict()["layers"] == [0, 1, 2]
    assert [(c.layer, c.size, c.hidden_by, c.how) for c in entry.copies] == [
        (0, 100, 1, "overwritten"),
        (1, 200, 2, "overwritten"),
    ]


def test_whiteout_of_a_folder_wastes_every_file_below_it(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [
                ("dir", "junk"),
                ("dir", "junk/deep"),
                ("file", "junk/deep/a", 70),
                ("file", "junk/b", 30),
            ],
            [("sym", "junk/deep/s", "a"), ("file", "other", 5)],
            [("wh", "junk")],
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.wasted_bytes == 100
    assert analysis.layers[2].stats.files_removed == 3  # two files and a symlink
    assert analysis.layers[0].stats.wasted_bytes == 100
    assert analysis.final_bytes == 5 == analysis.filesystem.final_bytes()
    assert analysis.filesystem.lookup("junk") is None


@pytest.mark.parametrize("marker_first", [True, False])
def test_opaque_folder_hides_lower_entries_but_not_its_own_layer(
    tmp_path: Path, marker_first: bool
) -> None:
    new = [("dir", "etc/app"), ("file", "etc/app/new.conf", 7)]
    marker = [("opq", "etc/app")]
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [
                ("dir", "etc"),
                ("dir", "etc/app"),
                ("file", "etc/app/old.conf", 40),
                ("file", "etc/app/x", 2),
            ],
            marker + new if marker_first else new + marker,
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.wasted_bytes == 42
    assert analysis.layers[1].stats.files_removed == 2
    assert sorted(path for path, _ in analysis.filesystem.final_files()) == ["/etc/app/new.conf"]
    assert {w.how for w in analysis.wastes} == {"deleted"}


def test_hard_links_are_one_copy_wasted_when_the_last_name_goes(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [("file", "bin/tool", 1000), ("link", "bin/alias", "bin/tool")],
            [("wh", "bin/tool")],
            [("wh", "bin/alias")],
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.total_bytes == 1000  # the link stores no data
    assert analysis.layers[1].stats.hidden_lower_bytes == 0  # still reachable as bin/alias
    assert analysis.layers[2].stats.hidden_lower_bytes == 1000
    assert [(w.path, w.size, w.layer, w.hidden_by) for w in analysis.wastes] == [
        ("/bin/alias", 1000, 0, 2)
    ]


def test_a_file_replaced_by_a_folder_and_a_folder_by_a_file(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [("file", "x", 10), ("dir", "y"), ("file", "y/inner", 20)],
            [("dir", "x"), ("file", "x/child", 1), ("file", "y", 3)],
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.wasted_bytes == 30
    assert sorted(w.path for w in analysis.wastes) == ["/x", "/y/inner"]
    assert {w.how for w in analysis.wastes} == {"overwritten"}
    assert analysis.final_bytes == 4 == analysis.filesystem.final_bytes()


def test_a_path_written_twice_in_one_layer_wastes_the_first_copy(tmp_path: Path) -> None:
    image = docker_archive(tmp_path / "i.tar", [[("file", "dup", 8), ("file", "dup", 9)]])
    analysis = analyze_image(str(image))
    assert (analysis.total_bytes, analysis.wasted_bytes) == (17, 8)
    assert analysis.layers[0].stats.files_added == 1


def test_archives_left_in_the_image_are_listed_but_not_wasted(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [
            [("file", "opt/sdk.tar.gz", 900), ("file", "usr/share/man/ls.1.gz", 50)],
            [("file", "opt/sdk/lib.so", 3000)],
        ],
    )
    analysis = analyze_image(str(image))
    assert analysis.wasted_bytes == 0
    assert analysis.kept_archives == [("/opt/sdk.tar.gz", 900, 0)]
    assert analysis.as_dict()["kept_archive_bytes"] == 900


# -- image layouts -----------------------------------------------------------------------------

LAYOUT_LAYERS = [
    [("dir", "app"), ("file", "app/a", 300), ("file", "app/b", 700)],
    [("dir", "app"), ("file", "app/a", 300), ("file", "app/b", 700)],
    [("wh", "app/b")],
]


@pytest.mark.parametrize("compression", ["gzip", None])
def test_oci_archive_and_layout_folder(tmp_path: Path, compression: str | None) -> None:
    history = history_of(
        [
            "COPY app /app # buildkit",
            ("ENV A=1", True),
            "RUN /bin/sh -c chown -R 1 /app # buildkit",
            "RUN /bin/sh -c rm /app/b # buildkit",
        ]
    )
    archive = oci_archive(
        tmp_path / "o.tar", LAYOUT_LAYERS, history=history, compression=compression
    )
    folder = oci_layout(
        tmp_path / "layout",
        LAYOUT_LAYERS,
        history=history,
        compression=compression,
        nested_index=True,
    )
    results = [analyze_image(str(archive)), analyze_image(str(folder))]
    assert [r.format for r in results] == ["oci-archive", "oci-layout"]
    for analysis in results:
        assert (analysis.total_bytes, analysis.wasted_bytes) == (2000, 1700)
        assert [layer.created_by for layer in analysis.layers] == [
            "COPY app /app # buildkit",
            "RUN /bin/sh -c chown -R 1 /app # buildkit",
            "RUN /bin/sh -c rm /app/b # buildkit",
        ]
        expected = "gzip" if compression else "none"
        assert [layer.compression for layer in analysis.layers] == [expected] * 3
    assert results[1].notes == []  # the attestation manifest is skipped silently


def test_history_pairs_with_layers_skipping_empty_entries_and_notes_a_mismatch(
    tmp_path: Path,
) -> None:
    history = history_of([("ENV A=1", True), "RUN /bin/sh -c one", ("LABEL x=y", True)])
    analysis = analyze_image(
        str(docker_archive(tmp_path / "i.tar", [[("file", "a", 1)], [("file", "b", 2)]], history))
    )
    assert [layer.created_by for layer in analysis.layers] == ["RUN /bin/sh -c one", None]
    assert any("1 entries with a layer for 2 layers" in note for note in analysis.notes)


# -- reading created_by and matching Dockerfile lines ----------------------------------------


@pytest.mark.parametrize(
    ("created_by", "expected"),
    [
        ("/bin/sh -c #(nop) COPY dir:ab12 in /app ", ("COPY", "dir:ab12 in /app")),
        ("/bin/sh -c rm /big.bin", ("RUN", "rm /big.bin")),
        ("|1 V=3 /bin/sh -c echo $V >  /v", ("RUN", "echo $V > /v")),
        ('/bin/sh -c ["/bin/busybox", "--install"]', ("RUN", '["/bin/busybox", "--install"]')),
        ("RUN /bin/sh -c apt-get update # buildkit", ("RUN", "apt-get update")),
        ("RUN |2 A=1 B=2 /bin/bash -o pipefail -c make all # buildkit", ("RUN", "make all")),
        (
            "RUN /bin/busybox --install -s /bin # buildkit",
            ("RUN", "/bin/busybox --install -s /bin"),
        ),
        ("COPY src/ ./ /app/ # buildkit", ("COPY", "src/ ./ /app/")),
        ("WORKDIR /app", ("WORKDIR", "/app")),
        ("/bin/sh -c #(nop)  ENV X=1", ("ENV", "X=1")),
        ("", ("", "")),
    ],
)
def test_created_by_reduces_to_keyword_and_text(created_by: str, expected: tuple[str, str]) -> None:
    keyword, _raw, body = parse_created_by(created_by)
    assert (keyword, body) == expected


BUILDKIT_DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM alpine:3.20 AS build
RUN apk add --no-cache gcc \\
    # a comment inside the continuation
    && make  all
FROM build AS final
WORKDIR /app
COPY --chown=1:1 ["src/", "/app/"]
RUN ["/bin/sh", "-c", "rm -rf /app/tests"]
ENV A=1
RUN rm /big
"""


def test_buildkit_history_maps_layers_to_lines_across_a_stage_chain(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(BUILDKIT_DOCKERFILE, encoding="utf-8")
    history = history_of(
        [
            "/bin/sh -c #(nop) ADD file:0123 in / ",  # the base image
            ('/bin/sh -c #(nop)  CMD ["/bin/sh"]', True),
            "RUN /bin/sh -c apk add --no-cache gcc     && make  all # buildkit",
            "WORKDIR /app",
            "COPY src/ /app/ # buildkit",
            "RUN /bin/sh -c rm -rf /app/tests # buildkit",
            ("ENV A=1", True),
            "RUN /bin/sh -c rm /big # buildkit",
        ]
    )
    layers = [[("file", f"l{n}", n)] for n in range(6)]
    analysis = analyze_image(
        str(docker_archive(tmp_path / "i.tar", layers, history)), str(dockerfile)
    )
    assert [layer.line for layer in analysis.layers] == [None, 3, 7, 8, 9, 11]
    assert analysis.from_instruction is not None
    assert analysis.from_instruction.start_line == 2  # the chain starts at the build stage
    assert analysis.as_dict()["layers"][1]["end_line"] == 5


def test_buildah_history_with_build_args_and_exec_form(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM base\nARG V=3\nCOPY f1 .\nRUN echo $V > /v && \\\n    echo   two\n"
        'RUN ["/bin/sh", "-c", "echo exec > /e"]\nCOPY f1 f2 /multi/\n',
        encoding="utf-8",
    )
    history = history_of(
        [
            "/bin/sh -c #(nop) COPY dir:ef7b in / ",
            ("/bin/sh -c #(nop) ARG V", True),
            "/bin/sh -c #(nop) COPY file:861a in . ",
            "|1 V=3 /bin/sh -c echo $V > /v &&     echo   two",
            '|1 V=3 /bin/sh -c ["/bin/sh", "-c", "echo exec > /e"]',
            "/bin/sh -c #(nop) COPY multi:25d8 in /multi/ ",
        ]
    )
    layers = [[("file", f"l{n}", 1)] for n in range(5)]
    analysis = analyze_image(
        str(docker_archive(tmp_path / "i.tar", layers, history)), str(dockerfile)
    )
    assert [layer.line for layer in analysis.layers] == [None, 3, 4, 6, 7]


# -- the command ------------------------------------------------------------------------------

WASTE_DOCKERFILE = "FROM base\nRUN make-big\nRUN rm /big\nCOPY app /app\nRUN chown -R 1 /app\n"


def waste_image(folder: Path) -> tuple[Path, Path]:
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(WASTE_DOCKERFILE, encoding="utf-8")
    history = history_of(
        [
            "/bin/sh -c #(nop) COPY dir:0 in / ",
            "/bin/sh -c make-big",
            "/bin/sh -c rm /big",
            "/bin/sh -c #(nop) COPY dir:1 in /app ",
            "/bin/sh -c chown -R 1 /app",
        ]
    )
    layers = [
        [("file", "etc/os", 100), ("file", "etc/motd", 20)],
        [("file", "big", 5000), ("file", "etc/motd", 25)],
        [("wh", "big")],
        [("dir", "app"), ("file", "app/a", 300), ("file", "app/b", 400)],
        [("dir", "app"), ("file", "app/a", 300), ("file", "app/b", 400)],
    ]
    return docker_archive(folder / "i.tar", layers, history), dockerfile


def test_json_report_has_totals_layers_lines_and_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, dockerfile = waste_image(tmp_path)
    code, out, err = run_cli(
        str(image), "--dockerfile", str(dockerfile), "--format", "json", capsys=capsys
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["total_bytes"], report["wasted_bytes"]) == (6545, 5720)
    assert report["efficiency"] == pytest.approx(825 / 6545)
    assert [layer["size"] for layer in report["layers"]] == [120, 5025, 0, 700, 700]
    assert [layer.get("line") for layer in report["layers"]] == [None, 2, 3, 4, 5]
    assert report["layers"][1]["created_by"] == "/bin/sh -c make-big"
    assert [w["path"] for w in report["layers"][3]["top_wasted"]] == ["/app/b", "/app/a"]
    findings = [(f["code"], f["location"]["line"], f["message"]) for f in report["findings"]]
    assert [(code, line) for code, line, _ in findings] == [
        ("LL390", 1),
        ("LL390", 2),
        ("LL390", 4),
    ]
    assert "20 bytes in 1 file of the base image" in findings[0][2]
    assert "overwritten by the RUN at line 2" in findings[0][2]
    assert findings[1][2].startswith("5,000 bytes (4.9 KiB) in 1 file written by this RUN")
    assert "deleted by the RUN at line 3" in findings[1][2]
    assert "700 bytes in 2 files written by this COPY" in findings[2][2]
    assert "overwritten by the RUN at line 5" in findings[2][2]


def test_sarif_and_github_formats_reuse_the_reporters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, dockerfile = waste_image(tmp_path)
    code, out, _ = run_cli(
        str(image), "--dockerfile", str(dockerfile), "--format", "sarif", capsys=capsys
    )
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["LL390"]
    assert run["tool"]["driver"]["rules"][0]["properties"]["category"] == "size"
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
    assert lines == [1, 2, 4]
    code, out, _ = run_cli(
        str(image), "--dockerfile", str(dockerfile), "--format", "github", capsys=capsys
    )
    assert out.startswith(f"::warning file={dockerfile},line=1,")
    assert out.count("title=LL390 image-wasted-bytes") == 3


def test_inline_suppression_silences_a_waste_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, dockerfile = waste_image(tmp_path)
    dockerfile.write_text(
        WASTE_DOCKERFILE.replace("RUN make-big\n", "# lintlayers: ignore=LL390\nRUN make-big\n"),
        encoding="utf-8",
    )
    _, out, _ = run_cli(
        str(image), "--dockerfile", str(dockerfile), "--format", "json", capsys=capsys
    )
    assert [f["location"]["line"] for f in json.loads(out)["findings"]] == [1, 5]


def test_text_report_without_a_terminal_is_a_plain_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, dockerfile = waste_image(tmp_path)
    code, out, _ = run_cli(str(image), "--dockerfile", str(dockerfile), capsys=capsys)
    assert code == 0
    assert "\x1b[" not in out
    header = out.splitlines()[1].split()
    assert header[:8] == ["#", "size", "blob", "added", "changed", "removed", "wasted", "line"]
    assert "total 6,545 bytes (6.4 KiB) in 5 layers; wasted 5,720 bytes" in out
    assert "5,000  /big  (layer 1 deleted by 2)" in out
    assert "Dockerfile:2:1: LL390 [warning] image-wasted-bytes" in out


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        ([], 0, None),
        (["--max-wasted-bytes", "5720"], 0, None),
        (["--max-wasted-bytes", "5719"], 1, "wasted bytes 5,720 exceed --max-wasted-bytes 5,719"),
        (["--max-wasted-bytes", "5kB"], 1, "exceed --max-wasted-bytes 5,000"),
        (["--max-wasted-percent", "88"], 0, None),
        (["--max-wasted-percent", "87"], 1, "87.39% of the total, over --max-wasted-percent 87"),
        (["--min-efficiency", "0.12"], 0, None),
        (["--min-efficiency", "0.13"], 1, "efficiency 0.1261 is below --min-efficiency 0.13"),
        (["--min-efficiency", "90"], 2, "--min-efficiency takes a ratio from 0 to 1"),
        (["--max-wasted-bytes", "lots"], 2, "not a size: 'lots'"),
    ],
)
def test_thresholds_set_the_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    code: int,
    message: str | None,
) -> None:
    image, _ = waste_image(tmp_path)
    result, _, err = run_cli(str(image), "--format", "json", *options, capsys=capsys)
    assert result == code
    if message is None:
        assert err == ""
    else:
        assert message in err


def test_json_file_is_written_beside_another_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, _ = waste_image(tmp_path)
    code, out, _ = run_cli(
        str(image),
        "--format",
        "github",
        "--json",
        str(tmp_path / "r.json"),
        "--max-wasted-bytes",
        "1",
        capsys=capsys,
    )
    assert (code, out) == (1, "")
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["wasted_bytes"] == 5720
    assert saved["threshold_failures"] == ["wasted bytes 5,720 exceed --max-wasted-bytes 1"]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("5000000", 5_000_000),
        ("5MB", 5_000_000),
        ("5MiB", 5_242_880),
        ("1.5G", 1_500_000_000),
        ("2 kib", 2048),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


# -- errors -----------------------------------------------------------------------------------


def test_missing_image_is_a_read_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(str(tmp_path / "nope.tar"), capsys=capsys)
    assert (code, out) == (2, "")
    assert err == f"lintlayers: {tmp_path / 'nope.tar'}: no such file or folder\n"


def test_a_file_that_is_not_a_tar_is_not_an_image_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.tar"
    path.write_bytes(b"\x00\x01 definitely not a tar " * 100)
    code, _, err = run_cli(str(path), capsys=capsys)
    assert code == 2
    assert "not an image archive (not a tar file" in err


def test_a_tar_without_a_manifest_or_index_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "x.tar"
    with tarfile.open(path, "w") as tar:
        add_member(tar, "hello.txt", b"hi")
    with pytest.raises(ImageError, match=r"neither manifest\.json .* nor index\.json"):
        analyze_image(str(path))
    with pytest.raises(ImageError, match="this folder has neither"):
        analyze_image(str(tmp_path))


def test_a_corrupt_layer_is_reported_with_its_number(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [[("file", "a", 10)], [("file", "b", 70_000)]],
        compression="gzip",
        damage={1: lambda blob: blob[: len(blob) // 2]},  # a gzip stream cut in the middle
    )
    with pytest.raises(ImageError, match=r"layer 1 \(sha256:[0-9a-f]+\) is corrupt or truncated"):
        analyze_image(str(image))


def test_a_layer_that_is_not_a_tar_is_reported(tmp_path: Path) -> None:
    image = docker_archive(
        tmp_path / "i.tar",
        [[("file", "a", 10)]],
        damage={0: lambda blob: b"plain text, no tar header here" * 40},
    )
    with pytest.raises(ImageError, match=r"layer 0 .* is not a tar archive \(none\)"):
        analyze_image(str(image))


def test_a_truncated_archive_is_corrupt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = docker_archive(tmp_path / "i.tar", [[("file", "a", 50_000)]])
    data = image.read_bytes()
    image.write_bytes(data[: len(data) // 3])
    code, _, err = run_cli(str(image), capsys=capsys)
    assert code == 2
    assert err.startswith("lintlayers: ")


def test_a_zstd_layer_is_refused_clearly(tmp_path: Path) -> None:
    folder = oci_layout(tmp_path / "layout", [[("file", "a", 1)]], compression=None)
    index = json.loads((folder / "index.json").read_text())
    manifest_path = folder / "blobs" / "sha256" / index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads(manifest_path.read_text())
    layer = folder / "blobs" / "sha256" / manifest["layers"][0]["digest"].split(":")[1]
    layer.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 100)  # a zstd frame header
    with pytest.raises(ImageError, match=r"zstd-compressed: Python .*tarfile cannot read zstd"):
        analyze_image(str(folder))


def test_invalid_manifest_json_and_missing_layer(tmp_path: Path) -> None:
    path = tmp_path / "bad.tar"
    with tarfile.open(path, "w") as tar:
        add_member(tar, "manifest.json", b"{not json")
    with pytest.raises(ImageError, match=r"manifest\.json is not valid JSON"):
        analyze_image(str(path))
    with tarfile.open(path, "w") as tar:
        add_member(tar, "c.json", config_of([], None))
        add_member(
            tar,
            "manifest.json",
            json.dumps([{"Config": "c.json", "Layers": ["gone.tar"]}]).encode(),
        )
    with pytest.raises(ImageError, match=r"layer 1 \(gone.tar\) is missing"):
        analyze_image(str(path))


def test_an_unreadable_dockerfile_is_a_read_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image, _ = waste_image(tmp_path)
    code, _, err = run_cli(str(image), "--dockerfile", str(tmp_path / "missing"), capsys=capsys)
    assert code == 2
    assert "missing: no such file" in err


# -- real images built with buildah ------------------------------------------------------------

BIG = 5_000_000
APP_FILES = {"a.bin": 100_000, "b.bin": 200_000, "sub/c.txt": 3_000}
BUNDLE_FILES = {"x.bin": 40_000, "y.txt": 1_000}
REAL_DOCKERFILE = """\
FROM localhost/lintlayers-base:1
RUN dd if=/dev/zero of=/big.bin bs=1000 count=5000
RUN rm /big.bin
COPY app /app
RUN chown -R nobody:nogroup /app
COPY bundle.tar /opt/bundle.tar
RUN mkdir /opt/bundle && tar -xf /opt/bundle.tar -C /opt/bundle
"""


class Built:
    """The waste image built once, saved in the three layouts."""

    def __init__(self, folder: Path, bundle_size: int, final_bytes: int) -> None:
        self.folder = folder
        self.dockerfile = folder / "Dockerfile"
        self.docker_archive = folder / "image-docker.tar"
        self.oci_archive = folder / "image-oci.tar"
        self.oci_layout = folder / "image-oci-layout"
        self.bundle_size = bundle_size
        self.final_bytes = final_bytes
        """The size of every regular file of the built root filesystem, read by mounting it."""


@pytest.fixture(scope="module")
def built(buildah: Buildah, tmp_path_factory: pytest.TempPathFactory) -> Built:
    from builder import qualify

    folder = tmp_path_factory.mktemp("image-analysis")
    context = folder / "context"
    for name, size in APP_FILES.items():
        path = context / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(range(256)) * (size // 256) + b"z" * (size % 256))
    with tarfile.open(context / "bundle.tar", "w") as tar:
        for name, size in BUNDLE_FILES.items():
            add_member(tar, name, b"b" * size)
    (folder / "Dockerfile").write_text(REAL_DOCKERFILE, encoding="utf-8")
    buildah.build(REAL_DOCKERFILE, context, "waste:1")
    snapshot = buildah.filesystem("waste:1")
    final_bytes = sum(entry[2] for entry in snapshot.values() if entry[0] == "file")
    result = Built(folder, (context / "bundle.tar").stat().st_size, final_bytes)
    buildah.save("waste:1", result.docker_archive, "docker-archive")
    buildah.save("waste:1", result.oci_archive, "oci-archive")
    # the harness saves archives only; an OCI layout folder comes from `buildah push oci:`
    buildah._call("push", "--quiet", qualify("waste:1"), f"oci:{result.oci_layout}:waste")
    return result


def dockerfile_layers(analysis: object) -> list[object]:
    return [layer for layer in analysis.layers if layer.line is not None]


def test_built_image_waste_is_exact_in_every_layout(built: Built) -> None:
    app = sum(APP_FILES.values())
    extracted = sum(BUNDLE_FILES.values())
    results = {
        path.name: analyze_image(str(path), str(built.dockerfile))
        for path in (built.docker_archive, built.oci_archive, built.oci_layout)
    }
    assert [r.format for r in results.values()] == ["docker-archive", "oci-archive", "oci-layout"]
    for analysis in results.values():
        ours = dockerfile_layers(analysis)
        assert [layer.line for layer in ours] == [2, 3, 4, 5, 6, 7]
        assert [layer.size for layer in ours] == [BIG, 0, app, app, built.bundle_size, extracted]
        assert [layer.stats.wasted_bytes for layer in ours] == [BIG, 0, app, 0, 0, 0]
        assert [layer.stats.hidden_lower_bytes for layer in ours] == [0, BIG, 0, app, 0, 0]
        assert analysis.wasted_bytes == BIG + app  # the chown-ed folder counted once
        # total - wasted is the real root filesystem, measured by mounting the image
        assert analysis.total_bytes - analysis.wasted_bytes == built.final_bytes
        assert analysis.filesystem.final_bytes() == built.final_bytes
        assert analysis.efficiency == pytest.approx(built.final_bytes / analysis.total_bytes)
        # the kept archive is listed, not counted as waste
        assert analysis.kept_archives == [("/opt/bundle.tar", built.bundle_size, ours[4].index)]
        assert ours[0].created_by == "/bin/sh -c dd if=/dev/zero of=/big.bin bs=1000 count=5000"
        assert len(analysis.layers) == len(ours) + 2  # the base image's two layers
    docker, oci, layout = results.values()
    assert [layer.diff_id for layer in docker.layers] == [layer.diff_id for layer in layout.layers]
    assert all(layer.compression == "none" for layer in docker.layers)
    assert all(layer.compression == "gzip" for layer in oci.layers + layout.layers)
    assert dockerfile_layers(oci)[0].blob_size < BIG < dockerfile_layers(docker)[0].blob_size
    assert layout.tags == ["waste"]


def test_built_image_findings_point_at_the_lines_that_stored_the_bytes(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        str(built.docker_archive), "--dockerfile", str(built.dockerfile), "--format", "json",
        "--max-wasted-bytes", str(BIG + sum(APP_FILES.values())), capsys=capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    report = json.loads(out)
    findings = [(f["location"]["line"], f["message"]) for f in report["findings"]]
    assert [line for line, _ in findings] == [2, 4]
    assert findings[0][1].startswith(
        "5,000,000 bytes (4.8 MiB) in 1 file written by this RUN (e.g. /big.bin) are deleted "
        "by the RUN at line 3"
    )
    assert findings[1][1].startswith(
        "303,000 bytes (295.9 KiB) in 3 files written by this COPY (e.g. /app/b.bin) are "
        "overwritten by the RUN at line 5"
    )
    wasted = {entry["path"]: entry for entry in report["wasted_paths"]}
    assert wasted["/app/sub/c.txt"]["copies"] == [
        {"layer": 4, "size": 3000, "hidden_by": 5, "how": "overwritten"}
    ]
    assert wasted["/app/sub/c.txt"]["final_layer"] == 5
    code, _, err = run_cli(
        str(built.oci_archive), "--min-efficiency", "0.9", "--format", "json", capsys=capsys
    )
    assert code == 1
    assert "is below --min-efficiency 0.9" in err
