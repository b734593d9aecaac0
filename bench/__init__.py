"""Benchmark harness: `make bench` serves the app with gunicorn on PostgreSQL and loads it.

`bench.harness` is the reusable part (start the server, measure a path, compare with the
bare Flask endpoint); `bench.scenarios` holds one module per feature that wants figures;
`bench.run` runs them all and prints the table.
"""
