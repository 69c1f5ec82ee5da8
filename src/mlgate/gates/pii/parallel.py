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
from typing import TYPE_CHECKING, Any

from mlgate.errors import UsageError

if TYPE_CHECKING:
    from mlgate.gates.pii.detect import Findings

# below this many cells the pool's start and the transfer of the arrays cost more than they
# save (cells cost 3-30 us each)
PARALLEL_CELLS = 200_000

# (key, pyarrow string array, positions or None, the column's name signal)
Job = tuple[Any, Any, Any, "str | None"]
Scan = Callable[[Any, Any, "str | None"], "dict[str, Findings]"]


def workers(cells: int, columns: int) -> int:
    """How many worker processes a scan of ``cells`` cells in ``columns`` columns gets (1: in
    this process)."""
    raw = os.environ.get("MLGATE_PII_WORKERS", "").strip()
    if sys.platform != "linux":
        return 1
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise UsageError(
                f"MLGATE_PII_WORKERS must be a whole number of processes, not `{raw}`"
            ) from None
        if wanted < 1:
            raise UsageError(f"MLGATE_PII_WORKERS must be at least 1, not {wanted}")
        return wanted
    if cells < PARALLEL_CELLS or columns < 2:
        return 1
    return max(1, min(columns, os.cpu_count() or 1))


# what forked workers inherit: the running gate's scan of one array
_STATE: dict[str, Scan] = {}


def _scan(array: Any, positions: Any, signal: str | None) -> dict[str, Findings]:
    return _STATE["scan"](array, positions, signal)


def scan_jobs(
    jobs: Iterable[Job], count: int, local: Scan
) -> Iterator[tuple[Any, dict[str, Findings]]]:
    """(key, findings) of each job by ``local``, in order: in ``count`` forked processes, or
    in this one.

    Jobs are produced lazily and at most two per worker are in flight, so the text held at
    once stays bounded however many columns or chunks there are."""
    if count <= 1:
        for key, array, positions, signal in jobs:
            yield key, local(array, positions, signal)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    _STATE["scan"] = local
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(count, context) as pool:
            pending: collections.deque[tuple[Any, Future[dict[str, Findings]]]]
            pending = collections.deque()
            for key, array, positions, signal in jobs:
                pending.append((key, pool.submit(_scan, array, positions, signal)))
                if len(pending) >= 2 * count:
                    key, future = pending.popleft()
                    yield key, future.result()
            while pending:
                key, future = pending.popleft()
                yield key, future.result()
    finally:
        _STATE.clear()
