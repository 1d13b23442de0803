"""Command-line tasks: `flask seed-demo`, `flask create-admin`, `flask purge-deleted`."""
import click
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo cast and content (safe to run more than once)."""
        if not current_app.config.get("SEED_DEMO_ALLOWED"):
            raise click.ClickException("Demo content is never added in production.")
        from app.services import demo

        created = demo.seed()
        click.echo(f"Demo content ready ({created} new members). Password for every demo member: {demo.DEMO_PASSWORD}")

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Deliver what is queued, then stop.")
    def worker_command(burst):
        """Deliver queued emails and other background jobs (needs REDIS_URL)."""
        from redis import Redis
        from rq import Worker

        from app.services.email import QUEUE_NAME

        redis_url = current_app.config.get("REDIS_URL")
        if not redis_url:
            raise click.ClickException("Set REDIS_URL to run the worker. Without Redis, emails are sent straight away.")
        Worker([QUEUE_NAME], connection=Redis.from_url(redis_url)).work(burst=burst, with_scheduler=True)

    @app.cli.command("create-admin")
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
    def purge_deleted_command():
        """Erase accounts whose 14 days to change their mind have passed (run daily; safe to repeat)."""
        from app.services import my_data

        count = my_data.purge_due()
        click.echo(f"Erased {count} account{'s' if count != 1 else ''} whose 14 days had passed.")
