"""Run storytrace on Apache Spark: the local stages over a cluster, with Parquet output."""
