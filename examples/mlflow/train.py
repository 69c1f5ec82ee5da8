"""Train the credit model and register it in MLflow as the next candidate.

Run with a tracking server (see the README's "MLflow" section):

    export MLFLOW_TRACKING_URI=http://127.0.0.1:5000
    eval "$(python examples/mlflow/train.py)"             # a good model
    eval "$(python examples/mlflow/train.py --weak)"      # a model that must not ship

Each run logs the model with the skops serialization (safe to load), the validation ROC AUC
as `val_roc_auc`, registers a new version of `credit-scoring` and points the `candidate`
alias at it. It prints `export MLFLOW_RUN_ID=...` so `mlgate check` writes its verdict back
to that run.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

DATA = Path(__file__).resolve().parent.parent / "credit-scoring" / "data"
FEATURES = ["age", "income", "tenure", "debt_ratio", "late_payments"]
MODEL = "credit-scoring"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weak", action="store_true", help="register a constant model")
    args = parser.parse_args()
    train = pd.read_csv(DATA / "train.csv")
    evaluation = pd.read_csv(DATA / "eval.csv")
    model = (
        DummyClassifier(strategy="most_frequent")
        if args.weak
        else LogisticRegression(max_iter=1000)
    )
    model.fit(train[FEATURES], train["defaulted"])
    score = model.predict_proba(evaluation[FEATURES])[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLflow's notes on type hints and environments
        with mlflow.start_run() as run:
            mlflow.log_metric("val_roc_auc", roc_auc_score(evaluation["defaulted"], score))
            info = mlflow.sklearn.log_model(
                model, name="model", serialization_format="skops", registered_model_name=MODEL
            )
    version = str(info.registered_model_version)
    MlflowClient().set_registered_model_alias(MODEL, "candidate", version)
    print(f"export MLFLOW_RUN_ID={run.info.run_id}  # {MODEL} version {version} is the candidate")


if __name__ == "__main__":
    main()
