"""Expected refusals, shared by every use case; turned into an HTTP answer or a form error in
one place each (portal/api), into a clear message and exit code 2 by the CLI."""


class TelcobillError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(TelcobillError):
    code = "not_found"


class Invalid(TelcobillError):
    code = "invalid"


class NotAllowed(TelcobillError):
    code = "not_allowed"
