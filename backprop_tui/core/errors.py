"""The base of every error a user can cause: the CLI prints it and exits 2, the TUI shows it."""


class UserError(Exception):
    """Bad input from the user (a file, a flag, missing data): a message, never a traceback."""

    exit_code = 2
