"""The checker: fetch facts from the network, classify them (pure), persist verdicts."""
