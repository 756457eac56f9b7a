"""The delivery engine: rendering, signing, sending, retrying."""
