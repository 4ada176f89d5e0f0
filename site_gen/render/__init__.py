"""Rendering: a checked site and its located spans become files, in memory, ready to publish.

`views` indexes the site for templates; `markdown` turns untrusted Markdown into safe HTML;
`templates` sets up Jinja, plans every page and renders them; `data` writes facts.json and
search.json; `feeds` the Atom feed, sitemap, robots.txt and JSON-LD; `fragments` is the
theme's per-build `{% cache %}` tag; `parallel` deals a large site's pages out to a second core.
"""
