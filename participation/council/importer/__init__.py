"""The OParl importer: `flask council import-oparl URL_OR_DIRECTORY` (council/cli.py).

client.py fetches (HTTP or a directory, retries, rewrites, broken JSON, odd list answers),
quirks.py repairs values, mapping.py and rows.py write rows, run.py walks a System, and
report.py collects what happened for the summary.
"""
