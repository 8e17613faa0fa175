from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "imo.attestation"
    label = "attestation"
    verbose_name = "Аттестация педагогов"
