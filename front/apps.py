from django.apps import AppConfig


class FrontConfig(AppConfig):
    """The pages: views, URLs, request-bound forms and access getters. No models."""

    name = "front"
    verbose_name = "Pages"
