"""`flask safety train | evaluate | check`: rebuild the safety model from the repository's labelled
messages, measure it on the held-out set (or any file in the same format), and judge messages read
from standard input."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

safety_cli = AppGroup("safety", help="The safety checks: train, evaluate and try the detector.")


def init_app(app: Flask) -> None:
    app.cli.add_command(safety_cli)


@safety_cli.command("train")
@click.option("--with-decisions", is_flag=True, help="Also learn from moderators' confirmed and dismissed flags.")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Labelled files or folders (default: app/data/safety/train).")
@click.option("--out", type=click.Path(path_type=Path), help="Where to write the model (default: the shipped one).")
def train_command(with_decisions, data_dirs, out):
    """Rebuild app/data/safety/model.joblib (fixed seed: the same data gives the same model)."""
    from app.services import safety_model

    rows = safety_model.read_labelled(data_dirs or [safety_model.TRAIN_DIR])
    if with_decisions:
        from app.services import safety_feedback

        extra = safety_feedback.as_labelled()
        click.echo(f"Adding {len(extra)} moderators' decisions.")
        rows += extra
    if not rows:
        raise click.ClickException("No labelled messages found.")
    started = time.perf_counter()
    artefact = safety_model.train(rows)
    out = out or safety_model.MODEL_FILE
    safety_model.save(artefact, out)
    counts = {kind: sum(kind in r.kinds for r in rows) for kind in safety_model.KINDS}
    counts["ordinary"] = sum(not r.kinds for r in rows)
    click.echo(f"Trained on {len(rows)} messages ({', '.join(f'{k} {v}' for k, v in counts.items())}) "
               f"in {time.perf_counter() - started:.1f} s; saved {out} ({out.stat().st_size // 1024} KB).")
    for kind, entry in artefact["kinds"].items():
        click.echo(f"  {kind}: threshold {entry['threshold']:.3f} (cross-validated on train: recall "
                   f"{entry['cv_recall']:.1%}, false alarms {entry['cv_false_alarms']:.2%})")


@safety_cli.command("evaluate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--show-misses", is_flag=True, help="Print the messages it got wrong.")
def evaluate_command(files, show_misses):
    """Recall per kind and false alarms on ordinary messages, with 95% Wilson intervals
    (default: the held-out set, app/data/safety/heldout)."""
    from app.services import safety, safety_model

    rows = safety_model.read_labelled(files or [safety_model.HELDOUT_DIR])
    if not rows:
        raise click.ClickException("No labelled messages found.")
    if safety_model.load() is None:
        raise click.ClickException("There is no trained model yet: run `flask safety train` first.")
    results = [(row, safety.judge_text(row.text)) for row in rows]
    click.echo(f"{len(rows)} messages from {', '.join(str(f) for f in (files or [safety_model.HELDOUT_DIR]))}")
    for kind in safety_model.KINDS:
        wanted = [(row, result) for row, result in results if kind in row.kinds]
        caught = sum(kind in result.kinds for _, result in wanted)
        low, high = safety_model.wilson(caught, len(wanted))
        held = sum(result.action != "publish" or result.support for _, result in wanted)
        click.echo(f"recall {kind:<17} {caught:>4}/{len(wanted):<4} {_pct(caught, len(wanted))}  "
                   f"(95% CI {low:.1%} to {high:.1%}); acted on by any flag {_pct(held, len(wanted))}")
        if show_misses:
            for row, result in wanted:
                if kind not in result.kinds:
                    click.echo(f"    missed: {row.text[:160]}")
    ordinary = [(row, result) for row, result in results if not row.kinds]
    alarms = [(row, result) for row, result in ordinary if result.kinds]
    low, high = safety_model.wilson(len(alarms), len(ordinary))
    click.echo(f"false alarms on ordinary  {len(alarms):>4}/{len(ordinary):<4} {_pct(len(alarms), len(ordinary))}  "
               f"(95% CI {low:.1%} to {high:.1%})")
    if show_misses:
        for row, result in alarms:
            click.echo(f"    false alarm ({', '.join(result.kinds)}): {row.text[:160]}")


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


@safety_cli.command("check")
def check_command():
    """Read JSON lines {"text": ...} on standard input; write {"outcome", "flags", "support"} per line,
    judged as an established member writing a reply in an open forum."""
    from app.services import safety

    rules = _rules_or_built_ins()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            click.echo(json.dumps({"error": "Each line must be JSON with a \"text\" string."}))
            continue
        result = safety.judge_text(text, rules)
        click.echo(json.dumps({"outcome": result.action, "flags": result.flags(), "support": result.support}))


def _rules_or_built_ins():
    """The site's watched words when its database is there; the built-in ones otherwise."""
    from app.services import safety

    try:
        return safety._db_rules()
    except Exception:  # noqa: BLE001 - no database (a laptop, CI): the shipped rules still apply
        from app.extensions import db

        db.session.rollback()
        return safety.built_in_rules()
