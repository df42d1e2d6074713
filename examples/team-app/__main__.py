"""Entry point for `pulumi up` (the program lives in team_app/program.py, where the tests can import it)."""

from team_app.program import main

main()
