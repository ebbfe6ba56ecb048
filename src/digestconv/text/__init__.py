"""Text utilities shared by readers and exporters: clean-up, Markdown, URLs, safe HTML.

Nothing here knows about Jekyll or about any output format; exporters may
import these modules, and only these besides the model and the plugin API.
"""
