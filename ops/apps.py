from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore, the demo and synthetic data, benchmarks. No models."""

    name = "ops"
    verbose_name = "Operations"
