"""Registrations of training/graduates (permissions); run from ready()."""


def ready() -> None:
    from imo.training.graduates import rules  # noqa: F401  (registers the permissions)
