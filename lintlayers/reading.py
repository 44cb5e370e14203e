"""Reading a Dockerfile from disk or stdin, refusing what is not text."""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be linted: missing, unreadable, binary or not UTF-8."""


def decode(data: bytes, path: str) -> str:
    """Text of ``data``; newlines and a byte-order mark are kept as they are."""
    if b"\x00" in data:
        raise ReadError(f"{path}: binary file (contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(
            f"{path}: not valid UTF-8 (byte {error.start}: {data[error.start : error.start + 1]!r})"
        ) from None


def read_file(path: str) -> tuple[str, bytes]:
    """The text of ``path`` and its raw bytes."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{path}: is a directory") from None
    except PermissionError:
        raise ReadError(f"{path}: permission denied") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot read: {error.strerror or error}") from None
    return decode(data, path), data


def encode(text: str) -> bytes:
    return text.encode("utf-8")
