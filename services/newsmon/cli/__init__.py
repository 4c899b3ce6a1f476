"""The ``newsmon`` command line: one entry point, a subcommand per job."""
