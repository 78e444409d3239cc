"""Where a re-pricing runs: a registry of engines (DuckDB embedded, Apache Spark) behind one Ibis expression.

Each engine gives an Ibis backend, turns small pandas/Arrow tables (the tariff tables) into tables of
that backend, and reads a usage log (Parquet, CSV or JSONL; a path, a folder of parts or an ``s3a://``
URL) where it lives. The pricing itself (:mod:`analysis.prices.tariff_costs`) is written once, as an
Ibis expression, and compiled by Ibis for whichever engine runs it. Adding an engine (Postgres,
BigQuery, Snowflake...) is one function registered here plus its test.

>>> eng = connect("duckdb")
>>> eng.name, int(eng.execute(eng.table(pd.DataFrame({"n": [1, 2]})).n.sum()))
('duckdb', 3)
>>> connect("oracle")
Traceback (most recent call last):
...
ValueError: engine 'oracle': expected one of duckdb, spark
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: How to get what ``engine="spark"`` needs, said by every error and skipped test.
SPARK_HELP = ("pip install 'pricepoint[spark]' (or conda install pyspark ibis-pyspark) for PySpark, and Java 17+: "
              "sudo apt-get install default-jre-headless, or conda install openjdk")
DEFAULT_SPARK_MASTER = "local[*]"
LOG_FORMATS = ("parquet", "csv", "jsonl")


class EngineUnavailable(ValueError):
    """The engine asked for cannot run here (a package or Java is missing); the message says how to get it.

    A ``ValueError``: the command line reports it as a wrong value (exit status 2), without a traceback."""


@dataclass
class Engine:
    """An Ibis backend plus how it takes small tables and reads logs."""

    name: str
    con: Any  # the Ibis backend
    _table: Callable[[Any], Any]
    _read: Callable[[str, str], Any]
    close: Callable[[], None] = field(default=lambda: None)

    def table(self, frame: pd.DataFrame | Any) -> Any:
        """A pandas frame or Arrow table as a table of this engine (nullable integers stay null)."""
        import pyarrow as pa

        data = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        return self._table(data)

    def read(self, source: str | os.PathLike, fmt: str | None = None) -> Any:
        """The usage log at ``source`` as a table of this engine, read where it lives (nothing is loaded here)."""
        src = str(source)
        return self._read(src, fmt or log_format(src))

    def execute(self, expr: Any) -> pd.DataFrame:
        """Run an expression on this engine; the result comes back as pandas."""
        return self.con.execute(expr)


ENGINES: dict[str, Callable[..., Engine]] = {}


def register_engine(name: str) -> Callable[[Callable[..., Engine]], Callable[..., Engine]]:
    """Decorator: make an engine factory available as ``connect(name, ...)``."""

    def deco(fn: Callable[..., Engine]) -> Callable[..., Engine]:
        ENGINES[name] = fn
        return fn

    return deco


def connect(name: str = "duckdb", **options: Any) -> Engine:
    """The engine called ``name`` (``duckdb`` or ``spark``), connected with ``options``."""
    if name not in ENGINES:
        raise ValueError(f"engine {name!r}: expected one of {', '.join(ENGINES)}")
    return ENGINES[name](**options)


def is_url(log: object) -> bool:
    """Whether ``log`` names a file by URL (``s3a://``, ``hdfs://``, ``file://``...) rather than a local path.

    >>> is_url("s3a://lake/usage/2026-11.parquet"), is_url("examples/my-usage.csv"), is_url(None)
    (True, False, False)
    """
    import re

    return isinstance(log, str) and re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", log) is not None


def log_format(source: str) -> str:
    """``parquet``, ``csv`` or ``jsonl`` from a log's name (a folder of parts: from its first part).

    >>> log_format("s3a://bucket/usage/2026-11.parquet"), log_format("log.ndjson"), log_format("x.CSV")
    ('parquet', 'jsonl', 'csv')
    """
    path = Path(source.split("://", 1)[-1])
    if not is_url(source) and path.is_dir():
        parts = sorted(p for p in path.iterdir() if not p.name.startswith(("_", ".")))
        path = parts[0] if parts else path
    suffix = path.suffix.lower()
    for fmt, suffixes in (("parquet", (".parquet", ".pq")), ("csv", (".csv",)),
                          ("jsonl", (".jsonl", ".ndjson", ".json"))):
        if suffix in suffixes:
            return fmt
    raise ValueError(f"{source}: cannot tell the log's format from its name (suffix {suffix or 'none'!r}); "
                     f"expected .parquet, .csv or .jsonl")


_names = (f"pricepoint_t{i}" for i in itertools.count())


# --------------------------------------------------------------------------- DuckDB


@register_engine("duckdb")
def duckdb_engine(con: Any = None, threads: int | None = None) -> Engine:
    """DuckDB in this process (``con``: an existing ``duckdb`` connection to use). Times are UTC."""
    import ibis

    ib = ibis.duckdb.from_connection(con) if con is not None else ibis.duckdb.connect()
    ib.raw_sql("SET TimeZone = 'UTC'")
    if threads:
        ib.raw_sql(f"SET threads = {int(threads)}")

    def read(src: Any, fmt: str) -> Any:
        if src.startswith(("s3a://", "s3://", "http://", "https://", "gs://")):
            ib.raw_sql("INSTALL httpfs; LOAD httpfs")
            src = "s3://" + src[len("s3a://"):] if src.startswith("s3a://") else src
        if Path(src).is_dir():  # a folder of parts, as Spark writes them (_SUCCESS and hidden files left out)
            src = [str(p) for p in sorted(Path(src).iterdir()) if not p.name.startswith(("_", "."))]
        if fmt == "parquet":
            return ib.read_parquet(src)
        if fmt == "csv":
            return ib.read_csv(src, all_varchar=True)  # typed by the pricing expression, as on Spark
        return ib.read_json(src, format="newline_delimited")

    # ibis.memtable, not create_table: Ibis 12's DuckDB create_table(overwrite=True) failed on such machines
    return Engine("duckdb", ib, ibis.memtable, read)


# --------------------------------------------------------------------------- Apache Spark


def spark_missing() -> str | None:
    """What ``engine="spark"`` lacks here (PySpark or Java), ``None`` when nothing."""
    missing = [] if importlib.util.find_spec("pyspark") else ["PySpark"]  # Ibis' backend needs only PySpark
    java_home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").exists())):
        missing.append("Java (no java on PATH, no JAVA_HOME)")
    return ", ".join(dict.fromkeys(missing)) or None


def spark_session(master: str | None = None, shuffle_partitions: int | None = None, **conf: str) -> Any:
    """The running SparkSession, or a new one on ``master`` (default ``local[*]``) with the UI off and times in UTC.

    A cluster is ``spark://host:7077``, ``yarn`` or ``k8s://...``; reading ``s3a://`` needs the
    ``hadoop-aws`` jar on the cluster (``spark.jars.packages`` in ``spark-defaults.conf``).
    """
    missing = spark_missing()
    if missing:
        raise EngineUnavailable(f"engine 'spark' needs {missing}. Get it with: {SPARK_HELP}")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and (master is None or active.sparkContext.master == master):
        return active
    builder = (SparkSession.builder.appName("pricepoint").master(master or DEFAULT_SPARK_MASTER)
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC"))
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@register_engine("spark")
def spark_engine(master: str | None = None, session: Any = None, **conf: str) -> Engine:
    """Apache Spark through PySpark: the running session, else one on ``master`` (``local[*]`` by default)."""
    session = session or spark_session(master, **conf)
    import ibis

    ib = ibis.pyspark.connect(session)

    def table(data: Any) -> Any:
        # through Arrow: Ibis 12's PySpark memtable goes through pandas and turns nullable integers into nulls
        name = next(_names)
        session.createDataFrame(data).createOrReplaceTempView(name)
        return ib.table(name)

    def read(src: str, fmt: str) -> Any:
        reader = session.read
        df = (reader.parquet(src) if fmt == "parquet" else
              reader.option("header", "true").csv(src) if fmt == "csv" else reader.json(src))
        name = next(_names)
        df.createOrReplaceTempView(name)
        return ib.table(name)

    return Engine("spark", ib, table, read)
