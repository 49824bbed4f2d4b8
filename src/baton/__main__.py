from baton.cli.main import cli

cli()
