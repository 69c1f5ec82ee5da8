"""Group statistics shown beside the verdicts."""

from __future__ import annotations


def test_wilson_intervals_match_the_textbook() -> None:
    import numpy as np

    from mlgate.stats.groups import wilson

    low, high = wilson(np.array([0.5, 0.0, 1.0, 0.3]), np.array([100, 10, 10, 0]))
    # Wilson (1927); e.g. Brown, Cai & DasGupta (2001): 0.5 of 100 -> [0.4038, 0.5962]
    assert np.allclose(low[:3], [0.403832, 0.0, 0.722467], atol=1e-6)
    assert np.allclose(high[:3], [0.596168, 0.277533, 1.0], atol=1e-6)
    assert (low[3], high[3]) == (0.0, 1.0)  # no trials: nothing is known
