"""File formats mlgate reads, and how a file name tells which one it is."""

from __future__ import annotations

from pathlib import Path

DATA_FORMATS = ("csv", "tsv", "parquet", "jsonl", "json", "feather")
MODEL_FORMATS = ("skops", "onnx", "pickle", "joblib")
DOCUMENT_FORMATS = ("markdown", "text", "yaml")
FORMATS = DATA_FORMATS + MODEL_FORMATS + DOCUMENT_FORMATS

# The texts that mean "missing" in a CSV or TSV file unless the input says otherwise
# (`na_values:`): pandas' own list, written out so that every engine -- pandas, DuckDB, Spark
# -- reads the same file the same way whatever their versions (DuckDB and Spark alone take
# only the empty field; R writes `NA`).
NA_VALUES = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)

EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".feather": "feather",
    ".arrow": "feather",
    ".skops": "skops",
    ".onnx": "onnx",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "joblib",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".yaml": "yaml",
    ".yml": "yaml",
}
COMPRESSION = (".gz", ".bz2", ".xz", ".zst", ".zip")


def detect_format(path: Path) -> str | None:
    """The format implied by a file name (``data.csv.gz`` -> ``csv``), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION:
        suffixes = suffixes[:-1]
    return EXTENSIONS.get(suffixes[-1]) if suffixes else None
