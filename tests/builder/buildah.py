"""Run real builds with buildah in a private, throw-away store (vfs, chroot isolation).

Every call goes to ``buildah --root DIR/storage --runroot DIR/run --storage-driver vfs``, with
``CONTAINERS_STORAGE_CONF`` and ``TMPDIR`` pointing into DIR as well, so nothing outside DIR is
read or written. Builds use ``bud --isolation chroot --layers --pull-never --format docker``:
``--layers`` keeps a cache step per instruction (the classic builder's behaviour, metadata
included), ``--format docker`` keeps SHELL, ONBUILD and HEALTHCHECK, which the OCI format drops.
No registry is ever contacted: images start FROM scratch or from the base image built here.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .output import BuildResult, StepOutcome, parse_steps
from .snapshot import snapshot

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from types import TracebackType

STANDINS = Path(__file__).resolve().parent / "standins"
STANDIN_TOOLS = ("pip", "npm", "go", "apt-get", "apk", "dotnet", "bundle")
STANDIN_ALIASES = (("pip3", "pip"), ("apt", "apt-get"))
STANDINS_LOG = "/var/log/standins.log"
BASE_TAG = "localhost/lintlayers-base:1"
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
INSTALL_HINT = "install as root with: apt-get install -y buildah busybox-static"

BASE_DOCKERFILE = """\
FROM scratch
COPY . /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
"""
BASE_FILES = {
    "etc/passwd": (
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"
    ),
    "etc/group": "root:x:0:\nnogroup:x:65534:\n",
}
BASE_FOLDERS = {"tmp": 0o1777, "root": 0o700, "var/log": 0o755, "usr/local/bin": 0o755}


class BuildFailed(Exception):
    """``buildah bud`` exited non-zero; carries the command, status, full log and the steps
    printed before the failure (the last one is the step that failed)."""

    def __init__(
        self, command: Sequence[str], returncode: int, log: str, steps: list[StepOutcome]
    ) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.log = log
        self.steps = steps
        super().__init__(
            f"buildah bud exited with status {returncode}\n"
            f"command: {' '.join(self.command)}\n--- log ---\n{log}"
        )


class RunResult:
    """The exit status and the merged stdout/stderr of a command run in a container."""

    __slots__ = ("output", "returncode")

    def __init__(self, returncode: int, output: str) -> None:
        self.returncode = returncode
        self.output = output

    def __repr__(self) -> str:
        return f"RunResult({self.returncode}, {self.output!r})"


def unavailable_reason() -> str | None:
    """Why real builds cannot run on this machine, or None when they can."""
    if shutil.which("buildah") is None:
        return f"buildah is not installed, the builder tests need it; {INSTALL_HINT}"
    if os.geteuid() != 0:
        return "the builder tests run buildah (chroot isolation, vfs storage): run them as root"
    if find_static_busybox() is None:
        places = ", ".join(BUSYBOX_CANDIDATES)
        return f"no statically linked busybox at {places}; {INSTALL_HINT}"
    return None


def find_static_busybox() -> Path | None:
    """The first statically linked busybox binary on this machine, if any."""
    for candidate in BUSYBOX_CANDIDATES:
        path = Path(candidate)
        if path.is_file() and _is_static_elf(path):
            return path
    return None


def _is_static_elf(path: Path) -> bool:
    """True for an ELF executable without an interpreter (PT_INTERP) program header."""
    with path.open("rb") as handle:
        header = handle.read(64)
        if header[:4] != b"\x7fELF":
            return False
        wide, order = header[4] == 2, "<" if header[5] == 1 else ">"
        if wide:
            phoff, phentsize, phnum = struct.unpack_from(order + "Q14xHH", header, 32)
        else:
            phoff, phentsize, phnum = struct.unpack_from(order + "I10xHH", header, 28)
        handle.seek(phoff)
        table = handle.read(phentsize * phnum)
    types = (struct.unpack_from(order + "I", table, i * phentsize)[0] for i in range(phnum))
    return 3 not in types


def _set_modes(root: Path, folders: Mapping[str, int], executables: set[str]) -> None:
    """Give a context fixed modes whatever the umask: 755 folders and 644 files, except
    ``folders`` (relative path -> mode) and files whose relative path or name is in
    ``executables`` (755). Symlinks are left alone."""
    for folder, _subfolders, files in os.walk(root):
        here = Path(folder)
        relative = here.relative_to(root).as_posix()
        here.chmod(folders.get(relative, 0o755))
        for name in files:
            path = here / name
            if not path.is_symlink():
                names = {name, name if relative == "." else f"{relative}/{name}"}
                path.chmod(0o755 if names & executables else 0o644)


def qualify(tag: str) -> str:
    """``name:tag`` as buildah stores it (``localhost/name:tag``), so look-ups stay local."""
    return tag if "/" in tag.split(":", 1)[0] else f"localhost/{tag}"


class Buildah:
    """A private buildah store under ``workdir``; builds, inspects and cleans up images.

    Use as a context manager (or call ``remove_all``) to delete the store afterwards. The base
    image (busybox plus the stand-ins of ``standins/``) is built on first use of ``base``.
    Builds in one store share its layer cache (and its ``--mount=type=cache`` contents, kept
    under ``workdir/tmp/buildah-cache``): use distinct paths or contents per test, or ``reset``.
    """

    def __init__(self, workdir: Path, *, busybox: Path | None = None) -> None:
        self.workdir = Path(workdir)
        self.busybox = busybox or find_static_busybox()
        self.builds = 0
        self._base_id: str | None = None
        storage, run, temp = (self.workdir / name for name in ("storage", "run", "tmp"))
        for folder in (storage, run, temp, self.workdir / "dockerfiles"):
            folder.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "storage.conf"
        conf.write_text(
            f'[storage]\ndriver = "vfs"\nrunroot = "{run}"\ngraphroot = "{storage}"\n',
            encoding="utf-8",
        )
        self._env = {**os.environ, "CONTAINERS_STORAGE_CONF": str(conf), "TMPDIR": str(temp)}
        self._prefix = ["buildah", "--root", str(storage), "--runroot", str(run)]
        self._prefix += ["--storage-driver", "vfs"]

    # -- building -------------------------------------------------------------------------

    @property
    def base(self) -> str:
        """The tag of the base image (busybox and the stand-ins), built on first use."""
        return self.ensure_base()

    def ensure_base(self) -> str:
        """Build the base image unless this store has it already; return its tag."""
        if self._base_id is None:
            self._base_id = self._build_base().image_id
        return BASE_TAG

    def build(
        self,
        dockerfile_text: str,
        context_dir: Path,
        tag: str,
        build_args: Mapping[str, str] | None = None,
        extra_args: Iterable[str] = (),
    ) -> BuildResult:
        """Build ``dockerfile_text`` with ``context_dir`` as context and tag the result.

        The Dockerfile is written outside the context, so ``COPY . .`` never sees it. Raises
        ``BuildFailed`` with the full log when buildah fails.
        """
        self.builds += 1
        dockerfile = self.workdir / "dockerfiles" / f"{self.builds:03d}.Dockerfile"
        dockerfile.write_text(dockerfile_text, encoding="utf-8")
        command = [*self._prefix, "bud", "--isolation", "chroot", "--layers", "--pull-never"]
        command += ["--format", "docker", "-f", str(dockerfile), "-t", qualify(tag)]
        for name, value in (build_args or {}).items():
            command += ["--build-arg", f"{name}={value}"]
        command += [*extra_args, str(context_dir)]
        started = time.monotonic()
        done = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self._env,
            check=False,
            timeout=900,
        )
        seconds = time.monotonic() - started
        log = done.stdout.decode("utf-8", "replace")
        steps = parse_steps(log)
        if done.returncode != 0:
            raise BuildFailed(command, done.returncode, log, steps)
        return BuildResult(qualify(tag), steps, log, seconds)

    def _build_base(self) -> BuildResult:
        """Build the base image from a context that already is its root filesystem (busybox,
        the stand-ins and their links, /etc/passwd, /tmp...); one RUN adds busybox's links."""
        if self.busybox is None:
            raise RuntimeError(unavailable_reason() or "no static busybox")
        context = self.workdir / "base-context"
        shutil.rmtree(context, ignore_errors=True)
        scripts = context / "usr" / "local" / "lib" / "standins"
        for folder in (scripts, context / "bin", context / "etc", *BASE_FOLDERS):
            (context / folder).mkdir(parents=True, exist_ok=True)
        for name, text in BASE_FILES.items():
            (context / name).write_text(text, encoding="utf-8")
        shutil.copyfile(self.busybox, context / "bin" / "busybox")
        for script in sorted(STANDINS.iterdir()):
            if script.is_file() and not script.name.startswith("."):
                shutil.copyfile(script, scripts / script.name)
        for tool in STANDIN_TOOLS:
            (context / "usr/local/bin" / tool).symlink_to(f"../lib/standins/{tool}")
        for alias, tool in STANDIN_ALIASES:
            (context / "usr/local/bin" / alias).symlink_to(tool)
        _set_modes(context, BASE_FOLDERS, {"bin/busybox", *STANDIN_TOOLS})
        return self.build(BASE_DOCKERFILE, context, BASE_TAG)

    # -- looking inside images ------------------------------------------------------------

    @contextmanager
    def mounted(self, tag: str) -> Iterator[Path]:
        """The root filesystem of a throw-away container of ``tag``, as a folder."""
        container = self._call("from", "--pull-never", qualify(tag)).strip().splitlines()[-1]
        try:
            yield Path(self._call("mount", container).strip())
        finally:
            self._call("umount", container, check=False)
            self._call("rm", container, check=False)

    def filesystem(
        self, tag: str, ignore: Iterable[str] = (), *, owners: bool = False
    ) -> dict[str, tuple[object, ...]]:
        """The image's final root filesystem: ``/path -> (type, mode, size, sha256 or link
        target)``; see ``snapshot.snapshot`` for ``ignore`` and ``owners``."""
        with self.mounted(tag) as root:
            return snapshot(root, ignore, owners=owners)

    def read_file(self, tag: str, path: str) -> bytes:
        """The bytes of one file of the image (symlinks inside the image are not followed)."""
        with self.mounted(tag) as root:
            return (root / path.lstrip("/")).read_bytes()

    def standins_log(self, tag: str) -> list[str]:
        """The stand-in commands recorded in the image, in the order they ran; cached steps
        contribute the lines written when they first ran."""
        with self.mounted(tag) as root:
            log = root / STANDINS_LOG.lstrip("/")
            return log.read_text(encoding="utf-8").splitlines() if log.is_file() else []

    def run(self, tag: str, script: str) -> RunResult:
        """Run ``/bin/sh -c script`` in a throw-away container of ``tag`` (no build, no commit)."""
        container = self._call("from", "--pull-never", qualify(tag)).strip().splitlines()[-1]
        try:
            done = subprocess.run(
                [*self._prefix, "run", "--isolation", "chroot", container, "/bin/sh", "-c", script],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=self._env,
                check=False,
                timeout=300,
            )
        finally:
            self._call("rm", container, check=False)
        return RunResult(done.returncode, done.stdout.decode("utf-8", "replace"))

    def inspect(self, tag: str) -> dict[str, object]:
        """``buildah inspect --type image`` of ``tag``, parsed (config, history, layers...)."""
        return json.loads(self._call("inspect", "--type", "image", qualify(tag)))

    def save(self, tag: str, path: Path, fmt: str = "oci-archive") -> Path:
        """Write ``tag`` with its layer tarballs and history to ``path`` as an ``oci-archive``
        or ``docker-archive`` tarball."""
        if fmt not in ("oci-archive", "docker-archive"):
            raise ValueError(f"unknown archive format {fmt!r}")
        path = Path(path)
        path.unlink(missing_ok=True)
        destination = f"{fmt}:{path}" + (f":{qualify(tag)}" if fmt == "docker-archive" else "")
        self._call("push", "--quiet", qualify(tag), destination)
        return path

    def images(self) -> list[str]:
        """Full ids of every image in the store, the cache's intermediate images included."""
        return self._call("images", "--all", "--quiet", "--no-trunc").split()

    # -- cleaning up ----------------------------------------------------------------------

    def reset(self) -> None:
        """Drop every container and image but the base image, and the contents of
        ``RUN --mount=type=cache`` mounts: the next build starts cold."""
        base = self._base_id
        self._call("rm", "--all", check=False)
        others = [image for image in self.images() if image.removeprefix("sha256:") != base]
        if others:
            self._call("rmi", "--force", *others)
        shutil.rmtree(self.workdir / "tmp" / "buildah-cache", ignore_errors=True)

    def remove_all(self) -> None:
        """Delete every container and image, then the whole store folder (the end of it)."""
        self._call("rm", "--all", check=False)
        self._call("rmi", "--all", "--force", check=False)
        self._base_id = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Buildah:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.remove_all()

    def _call(self, *args: str, check: bool = True) -> str:
        """Run one buildah subcommand in this store and return its stdout."""
        done = subprocess.run(
            [*self._prefix, *args],
            capture_output=True,
            env=self._env,
            check=False,
            timeout=300,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"buildah {' '.join(args)} exited with status {done.returncode}:\n"
                + done.stderr.decode("utf-8", "replace")
            )
        return done.stdout.decode("utf-8", "replace")
