"""The real app plus one trivial route, /bench/ping, served by the same server as the ceiling."""
from app import create_app

app = create_app()


@app.route("/bench/ping")
def ping():
    return "ok"
