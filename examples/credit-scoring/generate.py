"""Generate the credit-scoring example: data, a model (skops) and its predictions.

Deterministic (fixed seed); the outputs are committed so `mlgate check` runs without
this script. Re-run it with `python generate.py` from this folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
FEATURES = ["age", "income", "tenure", "debt_ratio", "late_payments"]
REGIONS = ["north", "south", "east", "west"]


def make_people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    age = rng.integers(18, 80, n)
    income = np.round(rng.lognormal(10.4, 0.45, n), 2)
    tenure = rng.integers(0, 30, n)
    debt_ratio = np.round(rng.beta(2, 5, n), 4)
    late = rng.poisson(0.6, n)
    sex = rng.choice(["F", "M"], n)
    region = rng.choice(REGIONS, n, p=[0.3, 0.3, 0.2, 0.2])
    logit = -1.2 - 0.025 * (age - 45) - 0.9 * np.log(income / 33_000) - 0.04 * tenure
    logit += 4.0 * (debt_ratio - 0.28) + 0.8 * late
    defaulted = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame(
        {
            "age": age,
            "income": income,
            "tenure": tenure,
            "debt_ratio": debt_ratio,
            "late_payments": late,
            "sex": sex,
            "region": region,
            "defaulted": defaulted,
        }
    )
    frame["age_band"] = pd.cut(
        frame["age"], [17, 30, 45, 60, 80], labels=["18-30", "31-45", "46-60", "61-80"]
    ).astype(str)
    return frame


def main() -> None:
    rng = np.random.default_rng(20261127)
    train, evaluation = make_people(4000, rng), make_people(2000, rng)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train[FEATURES], train["defaulted"])
    (HERE / "data").mkdir(exist_ok=True)
    (HERE / "artifacts").mkdir(exist_ok=True)
    train.to_csv(HERE / "data" / "train.csv", index=False)
    evaluation.to_csv(HERE / "data" / "eval.csv", index=False)
    sio.dump(model, HERE / "artifacts" / "model.skops")
    score = model.predict_proba(evaluation[FEATURES])[:, 1]
    predictions_frame(evaluation, score).to_csv(HERE / "artifacts" / "predictions.csv", index=False)
    earlier_model_predictions(train, evaluation)


EARLIER_FEATURES = ["age", "income", "tenure"]


def earlier_model_predictions(train: pd.DataFrame, evaluation: pd.DataFrame) -> None:
    """Predictions of an earlier model (fewer features): make_baseline.py turns them into
    the baseline report that the example's regression thresholds compare with."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train[EARLIER_FEATURES], train["defaulted"])
    score = model.predict_proba(evaluation[EARLIER_FEATURES])[:, 1]
    predictions_frame(evaluation, score).to_csv(
        HERE / "artifacts" / "predictions-v1.csv", index=False
    )


def predictions_frame(evaluation: pd.DataFrame, score: np.ndarray) -> pd.DataFrame:
    """Labels, predictions at 0.5, scores and the sensitive columns of the evaluation set."""
    return pd.DataFrame(
        {
            "y_true": evaluation["defaulted"],
            "y_pred": (score >= 0.5).astype(int),
            "y_score": np.round(score, 6),
            "sex": evaluation["sex"],
            "age_band": evaluation["age_band"],
            "region": evaluation["region"],
        }
    )


if __name__ == "__main__":
    main()
