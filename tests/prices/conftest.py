"""One SparkSession for the whole test session (local[2], two shuffle partitions, no UI): Spark adds its
start-up once. Tests that need it skip, with how to get Java and PySpark, where either is missing."""

from __future__ import annotations

import pytest

from analysis.prices.engines import SPARK_HELP, spark_missing, spark_session


@pytest.fixture(scope="session")
def spark():
    missing = spark_missing()
    if missing:
        pytest.skip(f"engine 'spark' needs {missing}: {SPARK_HELP}")
    # tiny data: no whole-stage code generation (compiling it costs more than it saves here), and the JVM's
    # quick compiler only (its optimising one spent 14 of the JVM's 28 s of CPU on these few small queries)
    session = spark_session("local[2]", shuffle_partitions=2, **{
        "spark.driver.memory": "1g", "spark.sql.codegen.wholeStage": "false",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        "spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1"})
    yield session
    session.stop()
