"""The WSGI entry point for gunicorn and `flask run`."""
from app import create_app

app = create_app()
