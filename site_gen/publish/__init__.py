"""Publishing: rendered files reach the output folder in one atomic step, or not at all."""
