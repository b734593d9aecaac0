"""The OParl importer: `flask council import-oparl URL_OR_DIRECTORY` (council/cli.py).

client.py fetches (HTTP or a directory, retries, rewrites, broken JSON, odd list answers),
quirks.py repairs values, mapping.py and rows.py make rows of objects, batch.py imports a list
page at once (each object whole or not at all) with state.py's rows in memory and writer.py's
SQL, run.py walks a System, and report.py collects what happened for the summary.
"""
