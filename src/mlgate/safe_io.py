"""Bounded reads: every file mlgate reads on a user's behalf has a size limit.

``read_bounded`` refuses devices (``/dev/zero``), directories and sockets, reads at most
the limit plus one byte, and never blocks on a FIFO: a pipe is read only where the caller
allows it (``<(git show main:report.json)`` is a reasonable thing to pass to ``mlgate diff``)
and then with a total deadline. Failures are :class:`ReadRefusedError`, an ``OSError`` whose
``strerror`` says why in words.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import time
from pathlib import Path

CHUNK = 1 << 16
MAX_REPORT_BYTES = 256 << 20  # a report, a baseline or an event file


class ReadRefusedError(OSError):
    """The file is not something mlgate reads (a device, too large, a stalled pipe)."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EINVAL, message)


def read_bounded(
    path: Path | str, limit: int, *, allow_pipe: bool = False, timeout: float = 60.0
) -> bytes:
    """The bytes of ``path``; raise :class:`ReadRefusedError` beyond ``limit`` bytes."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            os.set_blocking(fd, True)
            return _read_file(fd, limit)
        if stat.S_ISFIFO(mode):
            if not allow_pipe:
                raise ReadRefusedError("a pipe (FIFO), not a regular file")
            return _read_pipe(fd, limit, timeout)
        if stat.S_ISDIR(mode):
            raise ReadRefusedError("a directory, not a file")
        raise ReadRefusedError("not a regular file (a device or socket)")
    finally:
        os.close(fd)


def _too_large(limit: int) -> ReadRefusedError:
    return ReadRefusedError(f"larger than the limit of {limit:,} bytes")


def _read_file(fd: int, limit: int) -> bytes:
    if os.fstat(fd).st_size > limit:
        raise _too_large(limit)
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_large(limit)
    return b"".join(parts)


def _read_pipe(fd: int, limit: int, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    parts: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ReadRefusedError(f"the pipe did not finish within {timeout:g} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, CHUNK)
        except BlockingIOError:
            continue
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
