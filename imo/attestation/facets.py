"""The attestation figures the educators list and statistics show (registered in AppConfig.ready())."""


def ready() -> None:
    pass
