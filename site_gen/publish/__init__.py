"""Publishing: rendered files reach the output folder in one atomic step, or not at all; so does
each file site_gen keeps beside the site (the sources registry, the verdict cache)."""
