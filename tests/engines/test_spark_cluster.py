"""A policy on a real Spark cluster: a standalone master and two workers started on 127.0.0.1
from the pyspark distribution, mlgate (the installed wheel) as the driver in its own process,
the lakehouse example in a repository of its own. The report must say what the DuckDB run
of the same policy says."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Result

pyspark = pytest.importorskip("pyspark")
pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def spark_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """spark://127.0.0.1:PORT with two registered workers (one core, 1 GiB each)."""
    if shutil.which("java") is None:
        pytest.skip("no Java on this machine")
    home = Path(pyspark.__file__).parent
    logs = tmp_path_factory.mktemp("spark-logs")
    port, ui = free_port(), free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_WORKER_DIR": str(logs / "work"),
    }
    cls = str(home / "bin" / "spark-class")
    files = [(logs / f"{name}.log").open("w") for name in ("master", "worker0", "worker1")]
    procs = [
        subprocess.Popen(
            [
                cls,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui),
            ],
            env=env,
            stdout=files[0],
            stderr=subprocess.STDOUT,
        )
    ]
    url = f"spark://127.0.0.1:{port}"
    for i in range(2):
        procs.append(
            subprocess.Popen(
                [
                    cls,
                    "org.apache.spark.deploy.worker.Worker",
                    url,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "1g",
                    "--webui-port",
                    str(free_port()),
                ],
                env=env,
                stdout=files[i + 1],
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as r:
                    state = json.load(r)
                if state.get("aliveworkers") == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    "the Spark workers did not register: "
                    + (logs / "master.log").read_text()[-2000:]
                )
            time.sleep(1)
        yield url
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for file in files:
            file.close()


def test_the_lakehouse_policy_on_a_standalone_cluster(
    spark_master: str, user_mlgate: Callable[..., Result], tmp_path: Path
) -> None:
    repo = tmp_path / "lakehouse"
    shutil.copytree(ROOT / "examples" / "lakehouse", repo, ignore=shutil.ignore_patterns("data"))
    subprocess.run(
        [sys.executable, "generate.py", "--rows", "50000"], cwd=repo, check=True, timeout=120
    )
    duck = user_mlgate("check", "mlgate.yaml", "-f", "json", cwd=repo)
    assert duck.code == 0, duck.err
    env = {
        "MLGATE_ENGINE": "spark",
        "MLGATE_SPARK_MASTER": spark_master,
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    spark = user_mlgate("check", "mlgate.yaml", "-f", "json", cwd=repo, env=env)
    assert spark.code == 0, spark.err
    a, b = json.loads(duck.out), json.loads(spark.out)
    assert [i.get("engine") for i in b["inputs"]] == ["spark", "spark"]
    assert [i["rows"] for i in b["inputs"]] == [200000, 50000]
    left = {c["id"]: c for g in a["gates"] for c in g["checks"]}
    right = {c["id"]: c for g in b["gates"] for c in g["checks"]}
    assert sorted(left) == sorted(right)
    for check_id, check in left.items():
        assert right[check_id]["outcome"] == check["outcome"], check_id
        assert right[check_id]["observed"] == pytest.approx(check["observed"], rel=1e-9), check_id
        if check.get("interval") and "roc_auc" not in check_id and "log_loss" not in check_id:
            assert right[check_id]["interval"] == pytest.approx(check["interval"], abs=1e-12)
