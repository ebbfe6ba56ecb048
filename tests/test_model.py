"""The model's JSON form: exact round trips, and documents valid against the shipped schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from importlib.resources import files

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digestconv.arxiv import ArxivId
from digestconv.model import (
    LINK_KINDS,
    SCHEMA_VERSION,
    Corpus,
    Digest,
    Item,
    Link,
    Paper,
    Section,
    Site,
    SourceSpan,
    from_json,
    frozen_mapping,
    to_json,
)

SCHEMA = json.loads(files("digestconv").joinpath("schema/digests.schema.json").read_text())

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
ids = st.builds(
    ArxivId,
    st.from_regex(r"\A[0-9]{4}\.[0-9]{4,5}\Z") | st.just("hep-th/9901001"),
    st.none() | st.integers(1, 9),
)
items = st.builds(
    Item,
    text=text,
    label=st.sampled_from([None, "goal", "motivation", "contribution"]),
    label_text=st.none() | text,
    line=st.integers(0, 10_000),
    bullet=st.booleans(),
)
sections = st.builds(
    Section,
    kind=st.sampled_from(
        ["introduction", "method", "results", "limitations", "conclusion", "summary", "other"]
    ),
    heading=text,
    items=st.lists(items, max_size=3).map(tuple),
    placeholder=st.booleans(),
    line=st.integers(0, 10_000),
)
spans = st.builds(SourceSpan, text, st.integers(0, 999), st.integers(0, 999))
papers = st.builds(
    Paper,
    rank=st.integers(0, 999),
    title=text,
    url=text,
    arxiv=st.none() | ids,
    anchor=st.none() | text,
    links=st.lists(st.builds(Link, text, text, st.sampled_from(list(LINK_KINDS))), max_size=2).map(
        tuple
    ),
    sections=st.lists(sections, max_size=3).map(tuple),
    source=st.none() | spans,
    authors=st.lists(text, max_size=3).map(tuple),
    affiliations=st.lists(text, max_size=2).map(tuple),
    abstract=st.none() | text,
    translated_title=st.none() | text,
    fields=st.dictionaries(text, text, max_size=3).map(frozen_mapping),
)
json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text
meta = st.dictionaries(
    text, st.recursive(json_scalars, lambda c: st.lists(c, max_size=3), max_leaves=5), max_size=3
).map(frozen_mapping)
dates = st.builds(
    lambda dt, minutes: dt.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(datetime(1991, 1, 1), datetime(2100, 1, 1)),
    st.integers(-12 * 60, 14 * 60),
)
digests = st.builds(
    Digest,
    source=spans,
    title=text,
    date=dates,
    slug=st.none() | text,
    path=st.none() | text.map(lambda s: "/" + s),
    url=st.none() | text,
    post_id=st.none() | text,
    tags=st.lists(text, max_size=3).map(tuple),
    categories=st.lists(text, max_size=2).map(tuple),
    lang=st.none() | text,
    papers=st.lists(papers, max_size=3).map(tuple),
    preamble=st.lists(items, max_size=2).map(tuple),
    meta=meta,
)
corpora = st.builds(
    Corpus,
    site=st.builds(
        Site,
        title=st.none() | text,
        config=meta,
        defaults=st.lists(
            st.builds(lambda p, v: frozen_mapping({"scope": {"path": p}, "values": v}), text, meta),
            max_size=2,
        ).map(tuple),
    ),
    digests=st.lists(digests, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(corpora)
def test_json_round_trip_is_exact(corpus: Corpus) -> None:
    text_ = to_json(corpus)
    back = from_json(text_)
    assert back == corpus
    assert to_json(back) == text_
    jsonschema.validate(json.loads(text_), SCHEMA)


def test_samples_validate_against_schema(samples_corpus: Corpus) -> None:
    doc = json.loads(to_json(samples_corpus))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert from_json(to_json(samples_corpus)) == samples_corpus


def test_shared_corpus_validates_and_round_trips(shared_corpus: Corpus) -> None:
    doc = json.loads(to_json(shared_corpus))
    jsonschema.validate(doc, SCHEMA)
    assert from_json(to_json(shared_corpus)) == shared_corpus


def test_schema_version_1_documents_still_load(samples_corpus: Corpus) -> None:
    """Version 2 only added fields, all optional: a version-1 document reads with defaults."""
    doc = json.loads(to_json(samples_corpus))
    doc["schema_version"] = 1
    del doc["site"]["defaults"]
    for digest in doc["digests"]:
        for paper in digest["papers"]:
            for key in ("authors", "affiliations", "abstract", "translated_title", "fields"):
                del paper[key]
    assert from_json(json.dumps(doc)) == samples_corpus


def test_unknown_schema_version_is_refused() -> None:
    with pytest.raises(ValueError, match="schema_version"):
        from_json('{"schema_version": 99, "site": {}, "digests": []}')


def test_model_is_frozen(samples_corpus: Corpus) -> None:
    paper = samples_corpus.digests[0].papers[0]
    with pytest.raises(AttributeError):
        paper.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        samples_corpus.digests[0].meta["layout"] = "x"  # type: ignore[index]


def test_fast_json_paths_keep_every_value() -> None:
    """orjson writes and reads the model where its bytes and values are the standard
    library's; integers beyond 64 bits, floats and NaN in free-form values do not change."""
    import math

    from digestconv.model import digest_from_text, digest_to_text

    meta = {"big": 2**80, "neg": -(2**70), "pi": 3.14159, "huge": 1e16, "nan": float("nan")}
    digest = Digest(
        source=SourceSpan("_posts/2026-01-01-x.md", 1, 3),
        title="x",
        date=datetime(2026, 1, 1, tzinfo=timezone.utc),
        meta=frozen_mapping(meta),
    )
    text = to_json(Corpus(site=Site(), digests=(digest,)))
    assert '"big": 1208925819614629174706176' in text and '"huge": 1e+16' in text
    back = from_json(text).digests[0].meta
    assert back["big"] == 2**80 and back["neg"] == -(2**70) and back["huge"] == 1e16
    assert math.isnan(back["nan"])
    cached = digest_from_text(digest_to_text(digest))
    assert cached.meta["big"] == 2**80 and math.isnan(cached.meta["nan"])
    plain = replace(digest, meta=frozen_mapping({"n": 2**62, "s": "x"}))
    assert (
        digest_to_text(plain).startswith("o") and digest_from_text(digest_to_text(plain)) == plain
    )


def test_the_cache_form_keeps_every_field_in_its_place(samples_corpus: Corpus) -> None:
    """The cache keeps a digest as arrays read back by position: every field set to a
    value of its own, so that two fields swapped in the writer or the reader would show."""
    from dataclasses import fields

    from digestconv.model import Item, Link, Paper, Section, digest_from_text, digest_to_text

    item = Item("text", "goal", "Goal", 7, False)
    section = Section("method", "Method", (item,), True, 5)
    paper = Paper(
        rank=3,
        title="title",
        url="https://arxiv.org/abs/2501.00001v2",
        arxiv=ArxivId("2501.00001", 2),
        anchor="anchor",
        links=(Link("Code", "https://example.org/code", "code"),),
        sections=(section,),
        source=SourceSpan("_posts/a.md", 4, 9),
        authors=("A. Author", "et al."),
        affiliations=("Lab",),
        abstract="abstract",
        translated_title="translated",
        fields=frozen_mapping({"score": "9"}),
    )
    digest = Digest(
        source=SourceSpan("_posts/a.md", 1, 20),
        title="digest",
        date=datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=9))),
        slug="slug",
        path="/2026/01/02/slug.html",
        url="https://example.org/2026/01/02/slug.html",
        post_id="/2026/01/02/slug",
        tags=("tag",),
        categories=("category",),
        lang="ko",
        papers=(paper,),
        preamble=(Item("intro", None, None, 2, True),),
        meta=frozen_mapping({"layout": "post", "nested": {"a": [1, 2]}}),
    )
    for obj in (item, section, paper, digest):  # no field left at its default
        defaults = [f for f in fields(obj) if getattr(obj, f.name) == f.default]
        assert defaults == [], type(obj).__name__
    for back in (digest_to_text(digest), digest_to_text(digest).encode("utf-8")):
        assert digest_from_text(back) == digest
    for one in samples_corpus.digests:
        assert digest_from_text(digest_to_text(one).encode("utf-8")) == one
    floats = replace(digest, meta=frozen_mapping({"score": 0.5}))  # read by the standard json
    text = digest_to_text(floats)
    assert text.startswith("j") and digest_from_text(text.encode("utf-8")) == floats


def test_a_cached_paper_builds_its_sections_when_first_read(samples_corpus: Corpus) -> None:
    """A rebuild decodes every cached digest but renders few; sections wait until asked
    for, and the paper is in every other way the Paper it stands for."""
    from digestconv.model import Paper, digest_from_text, digest_to_text

    original = samples_corpus.digests[0]
    assert type(digest_from_text(digest_to_text(original)).papers[0]) is Paper  # just parsed
    cached = digest_from_text(digest_to_text(original).encode("utf-8"))  # as the cache has it
    paper = cached.papers[0]
    assert isinstance(paper, Paper) and paper._rows is not None  # type: ignore[attr-defined]
    assert paper.title == original.papers[0].title
    assert paper.sections == original.papers[0].sections and paper.sections
    assert paper._rows is None  # type: ignore[attr-defined]  # built once, rows dropped
    assert paper.sections is paper.sections
    assert paper == original.papers[0] and original.papers[0] == paper
    assert cached == original and cached.papers != original.papers[::-1]
    assert repr(paper) == repr(original.papers[0])
    renamed = replace(cached.papers[1], title="Another")
    assert renamed.sections == original.papers[1].sections and renamed.title == "Another"
    assert renamed != original.papers[1]
    with pytest.raises(AttributeError):
        paper.sections = ()  # type: ignore[misc]
