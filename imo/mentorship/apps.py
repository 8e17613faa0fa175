from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "imo.mentorship"
    label = "mentorship"
    verbose_name = "Молодые специалисты и наставничество"
