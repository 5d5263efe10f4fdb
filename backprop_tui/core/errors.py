"""The base of every error a user can cause: the CLI prints it and exits 2, the TUI shows it."""

from backprop_tui.i18n import Message, translated


class UserError(Exception):
    """Bad input from the user (a file, a flag, missing data): a message, never a traceback.

    Its message may be an i18n Message (made before the language is known): `str()` gives it
    in the interface language of the moment it is shown."""

    exit_code = 2

    def __str__(self) -> str:
        if len(self.args) == 1 and isinstance(self.args[0], Message):
            return translated(self.args[0])
        return super().__str__()
