"""`flask council import-oparl`: progress bars while it reads, a summary at the end."""

from __future__ import annotations

import re

import click._termui_impl

from participation.council.importer.run import BODY_LISTS


def invoke(app, *args):
    return app.test_cli_runner().invoke(
        args=["council", "import-oparl", *args, "--only-host", "127.0.0.1", "--backoff", "0"]
    )


def test_the_command_shows_a_progress_bar_per_list_and_a_summary(app, synthetic, monkeypatch):
    council = synthetic(papers=12, per_page=5, meetings=3, persons=4, organizations=3, locations=2)
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)  # as in a terminal

    result = invoke(app, council.base + "/system")

    assert result.exit_code == 0, result.output
    for key, _type in BODY_LISTS:
        assert f"Musterstadt: {key}" in result.output
    assert re.search(r"Musterstadt: paper +\[#+\] +12/12", result.output)  # the paper list's bar, filled
    assert f"Body {council.id_body}: read in full, complete" in result.output
    assert "  Paper: 12 created" in result.output
    assert "Warnings: none" in result.output


def test_a_second_run_reads_changes_only_and_says_so(app, synthetic):
    council = synthetic(papers=3, per_page=5, meetings=1, persons=1, organizations=1, locations=1)
    invoke(app, council.base + "/system", "--no-progress")

    result = invoke(app, council.base + "/system", "--no-progress")

    assert result.exit_code == 0, result.output
    assert "read changes since" in result.output
    assert "Musterstadt: paper" not in result.output  # --no-progress


def test_the_summary_counts_warnings_by_kind_with_examples(app, oparl_server, prefix, real):
    from tests.council.importer import real_sites

    site = real_sites.leipzig(oparl_server, prefix, real)
    result = invoke(app, site.start, "--no-progress")

    assert result.exit_code == 0, result.output
    assert "  server-error-retried: 1" in result.output
    assert "  line-break-in-name: 1" in result.output
    assert "Konzept der Stadt Leipzig" in result.output  # an example under it


def test_no_system_is_an_error(app, oparl_server):
    result = invoke(app, oparl_server.url("/nothing/here"), "--no-progress", "--retries", "0")

    assert result.exit_code == 1
    assert "no OParl System at" in result.output
    assert "link-unreachable: 1" in result.output
