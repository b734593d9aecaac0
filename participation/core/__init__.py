"""The shared kernel: imported by every feature, imports none of them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """What the kernel itself serves and listens to: uploaded files, the mail outbox, deletions,
    the intake lists of the hot paths."""
    from participation.core import content, intake, mail, media, uploads
    from participation.core.cli import jobs_cli, mail_cli

    content.init_app()
    mail.init_app(app)
    intake.init_app(app)
    uploads.init_app(app)
    app.register_blueprint(media.bp)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)
