"""Reading a site root: YAML that remembers file, line and column, and the model built from it.

`yaml` parses untrusted YAML within fixed limits; `reader` converts its nodes against the
schema table; `loader` reads settings, the sources registry with each source's text, and every
facts file into a `Site`.
"""
