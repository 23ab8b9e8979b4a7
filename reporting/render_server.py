"""Loaded once by the server process that PDF renders are forked from (reporting.apart):
Django set up with the settings the parent had, and WeasyPrint and the PDF code imported."""

import django

django.setup()

from reporting import pdf  # noqa: E402, F401 - loaded here, once, for every render
