"""Back office: customers, billing accounts, lines, the people who sign in and their roles.

Only the customers app is imported here (ARCHITECTURE.md: an app never imports a later one).
What needs a later app (suspending or terminating a line goes through `workflows`) is a
back-office page reached by URL name. Registration happens on import (Django's autodiscovery).
"""

from . import accounts, lines, people  # noqa: F401
