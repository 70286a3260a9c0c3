"""`aim` command line: ingest feeds, manage ward boundary sets and tokens, evaluate, serve the API, run the demo."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.assessment import assessment_command
from api.cli.cases import cases_app
from api.cli.common import configure_logging
from api.cli.delivery import delivery_app
from api.cli.evaluate import evaluate_command
from api.cli.export import export_app
from api.cli.facilities import facilities_app
from api.cli.feeds import feeds_app
from api.cli.ingest import ingest_app
from api.cli.problems import problems_app
from api.cli.serve import demo, serve
from api.cli.store import store_app
from api.cli.tasking import tasking_app
from api.cli.users import audit_command, users_app
from api.cli.wards import wards_app

app = typer.Typer(help="AIM: ASB intelligence mapping for Community Safety Partnerships.", no_args_is_help=True)


@app.callback()
def main(
    log_level: Annotated[
        str, typer.Option("--log-level", envvar="AIM_LOG_LEVEL", help="debug, info, warning")
    ] = "warning",
) -> None:
    """AIM: ASB intelligence mapping for Community Safety Partnerships."""
    configure_logging(log_level)


app.add_typer(ingest_app, name="ingest")
app.add_typer(wards_app, name="wards")
app.add_typer(feeds_app, name="feeds")
app.add_typer(delivery_app, name="delivery")
app.add_typer(facilities_app, name="facilities")
app.add_typer(users_app, name="users")
app.add_typer(problems_app, name="problems")
app.add_typer(tasking_app, name="tasking")
app.add_typer(cases_app, name="cases")
app.add_typer(export_app, name="export")
app.add_typer(store_app, name="store")
app.command("evaluate")(evaluate_command)
app.command("assessment")(assessment_command)
app.command("audit")(audit_command)
app.command("serve")(serve)
app.command("demo")(demo)
