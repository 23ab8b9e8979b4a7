"""Loaded once by the server process that PDF renders are forked from (reporting.apart):
Django set up with the settings the parent had, WeasyPrint and the PDF code imported, and
WeasyPrint's fonts loaded by a first, small layout."""

import django

django.setup()

import gc  # noqa: E402

from reporting import pdf  # noqa: E402 - loaded here, once, for every render

pdf.pack_stylesheet()
pdf.warm_up()
# What is here now lives as long as this process: never collected again, in the renders
# forked from it either (pdf.fewer_collections).
gc.collect()
gc.freeze()
