"""The preview: serve the output, rebuild the whole site on every saved change, reload the
browser, and show a failed build's problems on every page."""
