"""The PII scan on every core: columns (and an engine's column chunks) in worker processes.

The built-in detector is Python per candidate value (validators, phone metadata, the name
lexicon), so one process uses one core whatever pyarrow does. Large scans hand each column
(or chunk) to a pool of worker processes forked from the running one: they inherit the
gate's entities, compiled patterns and name lexicon (no start-up cost, no re-import of the
caller's ``__main__`` as ``spawn`` would do), scan the arrays they are sent and return
findings: counts, row positions and masked examples, never a raw value. Results come back
in submission order, so a parallel scan reports exactly what a serial one does (a test
compares them). Fork is used on Linux only; elsewhere the scan stays in one process.

``MLGATE_PII_WORKERS`` sets the number of workers (``1``: in this process); by default
every core when there are at least :data:`PARALLEL_CELLS` cells in two or more columns.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mlgate.errors import UsageError

# below this many cells the pool's start and the transfer of the arrays cost more than they
# save (cells cost 3-30 us each)
PARALLEL_CELLS = 200_000

# a task: (key, arguments of the scan function)
Task = tuple[Any, tuple[Any, ...]]


def setting() -> int | None:
    """``MLGATE_PII_WORKERS`` as a number of processes, None when unset; a usage error when
    it is not a whole number ≥ 1 (checked when a run starts, before any gate)."""
    raw = os.environ.get("MLGATE_PII_WORKERS", "").strip()
    if not raw:
        return None
    try:
        wanted = int(raw)
    except ValueError:
        raise UsageError(
            f"MLGATE_PII_WORKERS must be a whole number of processes, not `{raw}`"
        ) from None
    if wanted < 1:
        raise UsageError(f"MLGATE_PII_WORKERS must be at least 1, not {wanted}")
    return wanted


def workers(cells: int, columns: int) -> int:
    """How many worker processes a scan of ``cells`` cells in ``columns`` columns gets (1: in
    this process)."""
    wanted = setting()
    if sys.platform != "linux":
        return 1
    if wanted is not None:
        return wanted
    if cells < PARALLEL_CELLS or columns < 2:
        return 1
    return max(1, min(columns, os.cpu_count() or 1))


# what forked workers inherit: the running gate's scan function
_STATE: dict[str, Callable[..., Any]] = {}


def _call(*args: Any) -> Any:
    return _STATE["scan"](*args)


def scan_jobs(tasks: Iterable[Task], count: int, scan: Callable[..., Any]) -> Iterator[Any]:
    """(key, ``scan(*args)``) of each task, in order: in ``count`` forked processes, or in this
    one.

    Workers are forked when the first task is submitted, so what the scan function can reach
    then (a pandas frame already read) they read from their inherited memory: tasks that
    name a column move no data. Tasks are produced lazily and at most two per worker are in
    flight, so arrays that are sent (an engine's chunks) stay bounded."""
    if count <= 1:
        for key, args in tasks:
            yield key, scan(*args)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    _STATE["scan"] = scan
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(count, context) as pool:
            pending: collections.deque[tuple[Any, Future[Any]]] = collections.deque()
            for key, args in tasks:
                pending.append((key, pool.submit(_call, *args)))
                if len(pending) >= 2 * count:
                    key, future = pending.popleft()
                    yield key, future.result()
            while pending:
                key, future = pending.popleft()
                yield key, future.result()
    finally:
        _STATE.clear()
