from tests.support.personas import agent, camille, camille_account, starter  # noqa: F401  (fixtures)
