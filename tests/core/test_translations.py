"""English is complete: every message in the code has a reviewed English translation."""
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "eduflow" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("eduflow/**.py", "python"), ("templates/**.html", "jinja2")]


def _catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def _message_ids_in_code() -> set[str]:
    keywords = dict(DEFAULT_KEYWORDS, _l=None)
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=keywords, options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _translated(string) -> bool:
    """A plural message is translated only when every one of its forms is."""
    return all(string) if isinstance(string, tuple) else bool(string)


def test_every_english_message_is_translated_and_reviewed():
    untranslated = [m.id for m in _catalogue() if m.id and (not _translated(m.string) or m.fuzzy)]
    assert untranslated == [], "translate these in eduflow/translations/en (make extract-messages)"


def test_catalogue_covers_every_message_in_the_code():
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    missing = sorted(_message_ids_in_code() - known)
    assert missing == [], "run `make extract-messages` and translate the new messages"
