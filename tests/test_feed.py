"""The feed exporter: content, options, feedgen 1.0 pitfalls, archives, per-tag feeds, errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from digestconv.arxiv import ArxivId
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter, FeedOptions
from digestconv.model import Corpus, Digest, Item, Link, Paper, Section, Site, SourceSpan
from digestconv.options import OptionError, from_config
from digestconv.output import confine
from digestconv.plugins import ExportError
from digestconv.reader import read_paths

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "fixtures" / "feed" / "hostile"
A = "{http://www.w3.org/2005/Atom}"
KST = timezone(timedelta(hours=9))
OFFSET_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def export(corpus: Corpus, **options: Any) -> bytes:
    data = FeedExporter().export(corpus, FeedOptions(**options), Diagnostics())
    assert isinstance(data, bytes)
    return data


def export_files(corpus: Corpus, **options: Any) -> Mapping[str, bytes]:
    data = FeedExporter().export(corpus, FeedOptions(**options), Diagnostics())
    assert isinstance(data, Mapping)
    return data


def paper(rank: int, arxiv: str | None = None, title: str | None = None) -> Paper:
    ident = ArxivId(arxiv) if arxiv else None
    return Paper(
        rank=rank,
        title=title or f"Paper {rank} {arxiv or 'web'}",
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else f"https://example.org/p{rank}",
        arxiv=ident,
        anchor=f"{rank}-paper-{rank}",
        links=(Link("Alphaxiv", f"https://www.alphaxiv.org/ko/overview/{arxiv}", "alphaxiv"),)
        if arxiv
        else (),
        sections=(
            Section(
                "introduction",
                "Introduction",
                (Item(f"goal of {rank}", "goal", "Goal"), Item("why", "motivation", "Motivation")),
            ),
        ),
    )


def digest(day: int, papers: tuple[Paper, ...] = (), **fields: object) -> Digest:
    date = datetime(2025, 1, 1, 8, 15, tzinfo=KST) + timedelta(days=day)
    path = f"/{date:%Y/%m/%d}/post-{day}/"
    base = Digest(
        source=SourceSpan(f"_posts/{date:%Y-%m-%d}-post-{day}.md", 1, 10),
        title=f"Post {day}",
        date=date,
        slug=f"post-{day}",
        path=path,
        url="https://example.org" + path,
        post_id="https://example.org" + path.rstrip("/"),
        tags=("papers",),
        papers=papers,
        preamble=(Item(f"Text of post {day}.", bullet=False),),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


SITE = Site(title="Example", url="https://example.org", author="Ann", lang="en")


def corpus(n: int, site: Site = SITE) -> Corpus:
    return Corpus(site, tuple(digest(i, (paper(1, f"2501.{i:05d}"),)) for i in range(n)))


def atom(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def entries(data: bytes) -> list[etree._Element]:
    return atom(data).findall(f"{A}entry")


# --------------------------------------------------------------------------- basics


def test_same_input_gives_same_bytes(samples_corpus: Corpus) -> None:
    assert export(samples_corpus) == export(samples_corpus)
    assert export(samples_corpus, format="rss") == export(samples_corpus, format="rss")


def test_updated_is_newest_entry_never_the_clock(samples_corpus: Corpus) -> None:
    root = atom(export(samples_corpus))
    newest = max(d.date for d in samples_corpus.digests)
    assert root.findtext(f"{A}updated") == newest.isoformat()
    # A corpus from long ago still says "long ago": nothing comes from the clock.
    old = corpus(3)
    assert atom(export(old)).findtext(f"{A}updated") == old.digests[-1].date.isoformat()


def test_entries_newest_first_not_reversed_by_feedgen() -> None:
    # feedgen's add_entry prepends by default, which would reverse our order.
    data = export(corpus(5))
    titles = [e.findtext(f"{A}title") for e in entries(data)]
    assert titles == ["Post 4", "Post 3", "Post 2", "Post 1", "Post 0"]


def test_every_date_has_an_offset_and_naive_dates_do_not_crash() -> None:
    naive = digest(1, date=datetime(2025, 3, 1, 9, 0))
    data = export(Corpus(SITE, (digest(0), naive)))
    dates = [el.text or "" for el in atom(data).iter(f"{A}updated", f"{A}published")]
    assert len(dates) == 5
    assert all(OFFSET_DATE.match(d) for d in dates), dates
    assert "2025-03-01T09:00:00+00:00" in dates


def test_content_is_escaped_html_never_cdata(samples_corpus: Corpus) -> None:
    data = export(samples_corpus)
    assert b"CDATA" not in data
    content = entries(data)[0].find(f"{A}content")
    assert content is not None
    assert content.get("type") == "html"
    assert (content.text or "").startswith("<section>")
    assert b"&lt;section&gt;" in data


def test_entry_links_keep_rel_type_and_title(samples_corpus: Corpus) -> None:
    # lkiesow/python-feedgen#135: feedgen 1.0.0 drops every attribute but href.
    for entry in entries(export(samples_corpus)):
        (link,) = entry.findall(f"{A}link")
        assert link.get("rel") == "alternate"
        assert link.get("type") == "text/html"
        assert link.get("title") == entry.findtext(f"{A}title")
    for entry in entries(export(samples_corpus, entries="paper")):
        rels = [(lk.get("rel"), lk.get("title")) for lk in entry.findall(f"{A}link")]
        assert rels[0][0] == "alternate"
        assert ("related", "arXiv") in rels
        assert ("related", "alphaXiv") in rels


def test_digest_entry_matches_the_model(samples_corpus: Corpus) -> None:
    newest = samples_corpus.digests[-1]
    entry = entries(export(samples_corpus))[0]
    assert entry.findtext(f"{A}id") == newest.post_id
    assert entry.find(f"{A}link").get("href") == newest.url  # type: ignore[union-attr]
    assert entry.findtext(f"{A}published") == newest.date.isoformat()
    assert [c.get("term") for c in entry.findall(f"{A}category")] == list(newest.tags)
    summary = entry.findtext(f"{A}summary") or ""
    assert summary.splitlines() == [f"{p.rank}. {p.title}" for p in newest.papers]
    html = entry.findtext(f"{A}content") or ""
    for p in newest.papers:
        assert p.arxiv is not None
        assert f'href="{p.arxiv.abs_url}"' in html
        alpha = p.link("alphaxiv")
        assert alpha is None or f'href="{alpha.url}"' in html
    assert html.count("<section>") == len(newest.papers)


def test_feed_head(samples_corpus: Corpus) -> None:
    root = atom(export(samples_corpus))
    site = samples_corpus.site
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == site.lang
    assert root.findtext(f"{A}id") == "https://dailypapers.example.org/feed.xml"
    assert root.findtext(f"{A}title") == site.title
    assert root.findtext(f"{A}subtitle") == site.description
    assert root.findtext(f"{A}author/{A}name") == site.author
    assert root.findtext(f"{A}generator") == "digestconv"
    links = {lk.get("rel"): lk.get("href") for lk in root.findall(f"{A}link")}
    assert links == {
        "self": "https://dailypapers.example.org/feed.xml",
        "alternate": "https://dailypapers.example.org/",
    }


def test_flags_override_site_facts(samples_corpus: Corpus) -> None:
    # --site-url reaches the exporter as the site's url (the core applies it).
    mirror = Corpus(
        replace(samples_corpus.site, url="https://mirror.example.net"), samples_corpus.digests
    )
    root = atom(
        export(
            mirror,
            title="Other",
            author="Bo",
            feed_url="https://cdn.example.net/x/atom.xml",
        )
    )
    assert root.findtext(f"{A}title") == "Other"
    assert root.findtext(f"{A}author/{A}name") == "Bo"
    assert root.findtext(f"{A}id") == "https://cdn.example.net/x/atom.xml"
    alternate = [lk.get("href") for lk in root.findall(f"{A}link") if lk.get("rel") == "alternate"]
    assert alternate == ["https://mirror.example.net/"]


def test_jekyll_feed_settings_are_honoured() -> None:
    site = replace(SITE, config={"feed": {"path": "/atom.xml", "posts_limit": 3}})
    data = export(corpus(6, site))
    assert atom(data).findtext(f"{A}id") == "https://example.org/atom.xml"
    assert len(entries(data)) == 3
    assert len(entries(export(corpus(6, site), limit=5))) == 5  # the flag wins
    site_all = replace(SITE, config={"feed": {"posts_limit": "all", "excerpt_only": True}})
    data = export(corpus(25, site_all))
    assert len(entries(data)) == 25
    assert all(e.find(f"{A}content") is None for e in entries(data))
    assert all(e.findtext(f"{A}summary") for e in entries(data))


def test_limit_default_20_and_zero_means_all() -> None:
    assert len(entries(export(corpus(25)))) == 20
    assert len(entries(export(corpus(25), limit=0))) == 25
    kept = [e.findtext(f"{A}title") for e in entries(export(corpus(25), limit=2))]
    assert kept == ["Post 24", "Post 23"]


def test_digestconv_section_arrives_as_options_not_from_the_site() -> None:
    """``digestconv: feed:`` is merged into the options by the core; the exporter never re-reads it."""
    site = replace(SITE, config={"digestconv": {"feed": {"format": "rss", "limit": 1}}})
    assert b"<rss" not in export(corpus(3, site))
    options = FeedOptions(
        **from_config(FeedOptions, {"format": "rss", "limit": 1}, "digestconv.feed")
    )
    data = FeedExporter().export(corpus(3), options, Diagnostics())
    assert isinstance(data, bytes) and data.startswith(b"<?xml") and b"<rss" in data
    assert data.count(b"<item>") == 1


# --------------------------------------------------------------------------- ids


def test_tag_ids_follow_rfc_4151(samples_corpus: Corpus) -> None:
    data = export(samples_corpus, id_scheme="tag")
    ids = [e.findtext(f"{A}id") or "" for e in entries(data)]
    pattern = re.compile(r"tag:dailypapers\.example\.org,\d{4}-\d\d-\d\d:/[\x21-\x7e]+$")
    assert all(pattern.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids) == len(samples_corpus.digests)
    d = samples_corpus.digests[0]
    assert f"tag:dailypapers.example.org,{d.date.date().isoformat()}:{d.path}" in ids


def test_paper_entries_one_per_paper_stable_ids() -> None:
    shared = paper(1, "2501.00001")
    first = digest(0, (shared, paper(2, "2501.00002")))
    later = digest(3, (replace(shared, rank=2, anchor="2-again"), paper(1, "2501.00003")))
    diags = Diagnostics()
    options = FeedOptions(entries="paper")
    data = FeedExporter().export(Corpus(SITE, (first, later)), options, diags)
    assert isinstance(data, bytes)
    found = {e.findtext(f"{A}id"): e for e in entries(data)}
    assert len(found) == 3
    entry = found["https://example.org/#arxiv:2501.00001"]
    # The first appearance: its post's anchor and date.
    link = entry.find(f"{A}link")
    assert link is not None and link.get("href") == f"{first.url}#1-paper-1"
    assert entry.findtext(f"{A}published") == first.date.isoformat()
    assert entry.findtext(f"{A}summary") == "goal of 1"
    assert any("more than one post" in d.message for d in diags)
    # Adding newer posts does not change an existing paper's id or link.
    more = Corpus(SITE, (first, later, digest(5, (replace(shared, rank=1),))))
    again = {e.findtext(f"{A}id"): e for e in entries(export(more, entries="paper"))}
    assert etree.tostring(again["https://example.org/#arxiv:2501.00001"]) == etree.tostring(entry)
    tagged = export(Corpus(SITE, (first, later)), entries="paper", id_scheme="tag")
    ids = {e.findtext(f"{A}id") for e in entries(tagged)}
    assert "tag:example.org,2025-01-01:arxiv:2501.00001" in ids
    fixed = export(Corpus(SITE, (first,)), entries="paper", id_scheme="tag", tag_date="2024")
    assert "tag:example.org,2024:url:https://example.org/p2" not in fixed.decode()
    assert "tag:example.org,2024:arxiv:2501.00002" in fixed.decode()


def test_colliding_post_ids_are_disambiguated_with_one_warning() -> None:
    """Two posts with one Jekyll post.id: the older keeps it, the later gets its file name."""
    a = digest(0)
    b = replace(digest(1), post_id=a.post_id)
    c = digest(2)
    diagnostics = Diagnostics()
    data = FeedExporter().export(Corpus(SITE, (a, b, c)), FeedOptions(), diagnostics)
    assert isinstance(data, bytes)
    ids = [e.findtext(f"{A}id") for e in entries(data)]
    assert ids == [c.post_id, a.post_id + "#2025-01-02-post-1", a.post_id]
    warnings = [d for d in diagnostics if d.severity == "warning"]
    assert len(warnings) == 1
    assert a.source.path in warnings[0].message and b.source.path in warnings[0].message
    # Deterministic: the same posts give the same ids, whatever else is added.
    again = FeedExporter().export(Corpus(SITE, (a, b)), FeedOptions(), Diagnostics())
    assert isinstance(again, bytes)
    assert [e.findtext(f"{A}id") for e in entries(again)] == ids[1:]


def test_posts_without_papers_or_text_are_left_out_with_a_note() -> None:
    blank = replace(digest(1), preamble=())
    full = corpus(1)
    both = Corpus(SITE, (*full.digests, blank))
    diagnostics = Diagnostics()
    data = FeedExporter().export(both, FeedOptions(), diagnostics)
    assert isinstance(data, bytes)
    assert [e.findtext(f"{A}title") for e in entries(data)] == ["Post 0"]
    assert any("no papers and no text" in d.message for d in diagnostics)
    kept = export(both, keep_empty=True)
    assert [e.findtext(f"{A}title") for e in entries(kept)] == ["Post 1", "Post 0"]
    # A post with text but no papers stays, summarised by its text.
    note = digest(2)
    data = export(Corpus(SITE, (note,)))
    assert entries(data)[0].findtext(f"{A}summary") == "Text of post 2."


# --------------------------------------------------------------------------- RSS


def test_rss_channel_links_the_site_and_items_have_permalink_guids(
    samples_corpus: Corpus,
) -> None:
    data = export(samples_corpus, format="rss")
    root = etree.fromstring(data)
    channel = root.find("channel")
    assert channel is not None
    # feedgen uses the *last* feed link for <link>: it must be the site, not the feed.
    assert channel.findtext("link") == "https://dailypapers.example.org/"
    assert channel.findtext("description") == samples_corpus.site.description
    items = channel.findall("item")
    assert len(items) == len(samples_corpus.digests)
    for item, d in zip(items, reversed(samples_corpus.digests), strict=True):
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "true"
        assert guid.text == item.findtext("link") == d.url
        assert item.findtext("pubDate", "").endswith("+0900")
        assert [c.text for c in item.findall("category")] == list(d.tags)
        assert "<section>" in item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded", "")
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    assert parsed.feed.link == "https://dailypapers.example.org/"
    tagged = etree.fromstring(export(samples_corpus, format="rss", id_scheme="tag"))
    assert {g.get("isPermaLink") for g in tagged.iter("guid")} == {"false"}


# --------------------------------------------------------------------------- HTML safety


def _hostile() -> Corpus:
    result = read_paths([str(HOSTILE)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    return result.corpus


def test_html_is_sanitised_and_raw_html_shown_as_text() -> None:
    hostile = _hostile()
    for mode in ("digest", "paper"):
        for entry in entries(export(hostile, entries=mode, limit=0)):
            html = entry.findtext(f"{A}content")
            if not html:
                continue
            tree = lxml.html.fragment_fromstring(html, create_parent="div")
            tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
            assert not tags & {"script", "style", "iframe", "img", "object", "embed"}
            for el in tree.iter():
                if not isinstance(el.tag, str):
                    continue
                assert not [a for a in el.attrib if a.lower().startswith("on")]
                href = el.get("href")
                if href is not None:
                    assert href.startswith(("http://", "https://", "mailto:")), href
            text = tree.text_content()
            # Raw HTML of the post reaches the reader as text, not as markup.
            if "break out of" in text:
                assert '<script>alert("goal")</script>' in text
                assert "<img src=x onerror=alert(2)>" in text
                assert "ok link" in text and "click me" in text


def test_titles_with_markup_stay_text() -> None:
    hostile = _hostile()
    parsed = feedparser.parse(export(hostile, limit=0))
    assert parsed.bozo == 0
    titles = {e.title for e in parsed.entries}
    assert "<script>alert('title')</script> & ]]> \"quotes\"" in titles
    assert parsed.feed.title == 'Hostile <b>&amp; "Feed"</b> ]]>'


# --------------------------------------------------------------------------- archives


def links_of(data: bytes) -> dict[str | None, str | None]:
    return {lk.get("rel"): lk.get("href") for lk in atom(data).findall(f"{A}link")}


def test_archive_pages_link_both_ways_and_stay_stable() -> None:
    files = export_files(corpus(5), archive=True, limit=2)
    assert sorted(files) == ["archive/1.xml", "archive/2.xml", "feed.xml"]
    fh = "{http://purl.org/syndication/history/1.0}archive"

    def links(name: str) -> dict[str | None, str | None]:
        return links_of(files[name])

    base = "https://example.org/"
    assert links("feed.xml")["prev-archive"] == base + "archive/2.xml"
    assert atom(files["feed.xml"]).find(fh) is None
    assert links("archive/2.xml") == {
        "self": base + "archive/2.xml",
        "current": base + "feed.xml",
        "prev-archive": base + "archive/1.xml",
        "alternate": base,
    }
    assert "next-archive" in links("archive/1.xml")
    assert "prev-archive" not in links("archive/1.xml")
    assert atom(files["archive/1.xml"]).find(fh) is not None
    titles = {
        name: [e.findtext(f"{A}title") for e in entries(data)] for name, data in files.items()
    }
    assert titles == {
        "feed.xml": ["Post 4", "Post 3"],
        "archive/2.xml": ["Post 3", "Post 2"],
        "archive/1.xml": ["Post 1", "Post 0"],
    }
    # New posts never move entries between full pages; older pages keep their bytes, and the
    # newest page only gains its next-archive link when the next page fills up.
    later = export_files(corpus(6), archive=True, limit=2)
    assert later["archive/1.xml"] == files["archive/1.xml"]
    assert [e.findtext(f"{A}title") for e in entries(later["archive/2.xml"])] == [
        "Post 3",
        "Post 2",
    ]
    assert links_of(later["archive/2.xml"])["next-archive"] == base + "archive/3.xml"
    assert sorted(later) == ["archive/1.xml", "archive/2.xml", "archive/3.xml", "feed.xml"]


def test_archive_in_rss_uses_atom_links(samples_corpus: Corpus) -> None:
    files = export_files(samples_corpus, archive=True, limit=2, format="rss")
    for name, data in files.items():
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, name
    page = etree.fromstring(files["archive/1.xml"])
    rels = {lk.get("rel") for lk in page.iter(f"{A}link")}
    assert rels == {"self", "current", "next-archive"}


# --------------------------------------------------------------------------- per tag


def test_by_tag_names_are_slugged_and_confined(tmp_path: Path) -> None:
    files = export_files(_hostile(), by_tag=True)
    names = sorted(files)
    assert "feed.xml" in names
    tag_names = [n for n in names if n != "feed.xml"]
    assert all(n.startswith("by_tag/") and n.endswith(".xml") for n in tag_names)
    for name in names:
        target = confine(tmp_path, name)
        assert target.resolve().is_relative_to(tmp_path.resolve())
    # "Papers" and "papers" share one feed; "../../etc/passwd" cannot climb out.
    assert "by_tag/papers.xml" in names
    assert "by_tag/etc-passwd.xml" in names
    assert "by_tag/한국어.xml" in names
    assert "by_tag/c.xml" in names
    assert len(tag_names) == len(set(tag_names))
    papers = feedparser.parse(files["by_tag/papers.xml"])
    assert papers.bozo == 0
    assert len(papers.entries) == 2
    assert papers.feed.title.endswith("| Papers")
    self_link = next(lk.href for lk in papers.feed.links if lk.rel == "self")
    assert self_link == "https://hostile.example.org/blog/by_tag/papers.xml"


def test_by_tag_honours_jekyll_feed_only_and_except(samples_corpus: Corpus) -> None:
    site = replace(samples_corpus.site, config={"feed": {"tags": {"except": ["hugginface"]}}})
    files = export_files(replace(samples_corpus, site=site), by_tag=True)
    assert sorted(files) == ["by_tag/papers.xml", "feed.xml"]
    site = replace(samples_corpus.site, config={"feed": {"tags": {"only": ["hugginface"]}}})
    files = export_files(replace(samples_corpus, site=site), by_tag=True)
    assert sorted(files) == ["by_tag/hugginface.xml", "feed.xml"]


# --------------------------------------------------------------------------- errors


def test_a_site_without_url_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="site's address"):
        export(corpus(1, Site(title="No url")))
    # --site-url supplies it (the core puts it into the site).
    assert entries(export(corpus(1, Site(title="No url", url="https://x.example"))))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"limit": -1}, "at least 0"),
        ({"limit": "lots"}, "number"),
        ({"format": "json"}, "atom, rss"),
        ({"entries": "section"}, "digest, paper"),
        ({"id_scheme": "uuid"}, "permalink, tag"),
    ],
)
def test_bad_option_values_are_refused_by_their_declaration(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        from_config(FeedOptions, options, "digestconv.feed")


def test_bad_tag_date_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="tag date"):
        export(corpus(1), tag_date="yesterday")


def test_site_url_must_be_http() -> None:
    with pytest.raises(ExportError, match="http"):
        export(corpus(1, Site(title="ftp", url="ftp://example.org")))


def test_bad_posts_limit_in_config_is_an_export_error() -> None:
    site = replace(SITE, config={"feed": {"posts_limit": [1, 2]}})
    with pytest.raises(ExportError, match="number"):
        export(corpus(1, site))


def test_empty_corpus_gives_a_valid_feed_and_a_warning() -> None:
    diags = Diagnostics()
    data = FeedExporter().export(Corpus(SITE, ()), FeedOptions(), diags)
    assert isinstance(data, bytes)
    assert atom(data).findtext(f"{A}updated") == "1970-01-01T00:00:00+00:00"
    assert [d.severity for d in diags] == ["warning"]


def test_control_characters_from_flags_do_not_break_xml() -> None:
    data = export(corpus(1), title="Bad\x00\x1btitle")
    assert atom(data).findtext(f"{A}title") == "Badtitle"


# --------------------------------------------------------------------------- CLI


def test_cli_writes_the_same_bytes(
    samples_site: Path, samples_corpus: Corpus, tmp_path: Path
) -> None:
    from digestconv.cli import cli

    out = tmp_path / "feed.xml"
    result = CliRunner().invoke(cli, ["feed", str(samples_site), "-o", str(out), "--limit", "0"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export(samples_corpus, limit=0)
    folder = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["feed", str(samples_site), "-o", str(folder), "--archive", "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.xml")) == [
        "archive/1.xml",
        "archive/2.xml",
        "feed.xml",
    ]
