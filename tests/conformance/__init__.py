"""The conformance suite: every exporter, plugins included, proven by its real client."""
