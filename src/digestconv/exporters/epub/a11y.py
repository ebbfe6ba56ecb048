"""EPUB Accessibility 1.1 metadata, derived from what the book is.

Every claim is one the exporter can stand behind because it makes the book
that way: all content is text (the one image, the cover, has a text
alternative and repeats what the title page says), there is a table of
contents, an index and headings in document order, and nothing flashes,
moves or plays sound.  ``dcterms:conformsTo`` is not claimed: no one has
audited the posts' own text against WCAG, and a conformance claim must be true.
"""

from __future__ import annotations

from digestconv.exporters.epub.labels import Labels


def accessibility_metadata(
    *, has_index: bool, has_cover_image: bool, labels: Labels
) -> tuple[tuple[str, str], ...]:
    """``(property, value)`` pairs for the package document's ``<metadata>``."""
    modes = ["textual"] + (["visual"] if has_cover_image else [])
    features = ["tableOfContents", "structuralNavigation", "readingOrder"]
    if has_index:
        features.append("index")
    features.append("alternativeText" if has_cover_image else "none")
    pairs: list[tuple[str, str]] = [("schema:accessMode", m) for m in modes]
    pairs.append(("schema:accessModeSufficient", "textual"))
    pairs += [("schema:accessibilityFeature", f) for f in features if f != "none"]
    pairs.append(("schema:accessibilityHazard", "none"))
    pairs.append(("schema:accessibilitySummary", labels.accessibility_summary))
    return tuple(pairs)
