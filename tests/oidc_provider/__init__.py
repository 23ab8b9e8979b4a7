"""A small OpenID Connect provider (django-oauth-toolkit) that the single sign-on tests
(tests/browser/test_single_sign_on.py) start on the loopback address, in a process and a
database of their own: the app signs in through its real redirects, tokens and keys.
Nothing here is part of the app."""
