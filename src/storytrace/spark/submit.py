"""The script to hand ``spark-submit``: ``storytrace spark ingest`` with its arguments.

    spark-submit --master yarn "$(python -c 'import storytrace.spark.submit as s; print(s.__file__)')" \\
        s3a://bucket/crawl/ --out s3a://bucket/storytrace/

docs/spark.md says how to ship the package to the executors.
"""

from __future__ import annotations

import sys

from storytrace.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["spark", "ingest", *sys.argv[1:]]))
