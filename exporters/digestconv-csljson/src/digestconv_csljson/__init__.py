"""CSL-JSON exporter plugin for digestconv (``digestconv csljson``).

The package imports nothing on its own: digestconv loads
``digestconv_csljson.exporter:CslJsonExporter`` through its entry point only
when the ``csljson`` subcommand runs, which keeps ``digestconv --help`` fast.
"""
