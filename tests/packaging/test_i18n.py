"""The French translation is complete and keeps every placeholder of the code's terms.

addons/<m>/i18n/<m>.pot is exported from the code by ./setup/i18n, which also merges fr.po and
lists what is left to translate; this test only reads the files (no database).
"""
import re
from collections import Counter

import polib
import pytest
from packaging_env import ADDONS, ADDONS_DIR

# printf-style placeholders as Python's % operator reads them: %(name)s, %s, %d, %r, %.2f, %%
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# markup in view terms: tags with their attributes must come back unchanged
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _load(addon):
    i18n = ADDONS_DIR / addon / "i18n"
    pot_path, po_path = i18n / f"{addon}.pot", i18n / "fr.po"
    assert pot_path.is_file(), f"{pot_path} is missing: run ./setup/i18n"
    assert po_path.is_file(), f"{po_path} is missing: run ./setup/i18n and translate it"
    return polib.pofile(str(pot_path)), polib.pofile(str(po_path))


def _short(text, size=90):
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


@pytest.mark.parametrize("addon", ADDONS)
def test_fr_po_is_complete(addon):
    pot, po = _load(addon)
    assert len(pot) > 0
    assert po.metadata.get("Language") == "fr"
    translations = {e.msgid_with_context: e for e in po if not e.obsolete}
    template = {e.msgid_with_context for e in pot}
    missing = [e.msgid for e in pot if e.msgid_with_context not in translations]
    untranslated = [e.msgid for e in pot if (t := translations.get(e.msgid_with_context))
                    and (not t.msgstr.strip() or t.fuzzy)]
    stale = [msgid for msgid in translations if msgid not in template]
    problems = [f"not in fr.po: {_short(m)!r}" for m in missing]
    problems += [f"untranslated or fuzzy: {_short(m)!r}" for m in untranslated]
    problems += [f"in fr.po but no longer in the .pot: {_short(m)!r}" for m in stale]
    assert not problems, (f"addons/{addon}/i18n/fr.po is not complete (run ./setup/i18n, then "
                          "translate):\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("addon", ADDONS)
def test_fr_po_keeps_placeholders(addon):
    _pot, po = _load(addon)
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        for name, pattern in (("placeholders", PERCENT), ("markup", TAG)):
            src, dst = Counter(pattern.findall(entry.msgid)), Counter(pattern.findall(entry.msgstr))
            if src != dst:
                problems.append(f"{name} differ in {_short(entry.msgid)!r}: "
                                f"{sorted(src.elements())} vs {sorted(dst.elements())}")
    assert not problems, f"addons/{addon}/i18n/fr.po:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("addon", ADDONS)
def test_fr_po_python_expressions(addon):
    """Report file names (print_report_name) are Python expressions: translated, they must still run."""
    _pot, po = _load(addon)

    class Record:
        name = "S00042"

    for entry in po:
        if any("print_report_name" in where for where, _line in entry.occurrences):
            value = eval(compile(entry.msgstr, "<fr.po>", "eval"), {"__builtins__": {}}, {"object": Record()})
            assert isinstance(value, str) and "S00042" in value, (entry.msgid, value)


@pytest.mark.parametrize("addon", ADDONS)
def test_pot_matches_fr_po_source_terms(addon):
    """No duplicate terms, and every code term of the .pot points at a file that still exists."""
    pot, po = _load(addon)
    for catalogue in (pot, po):
        counts = Counter(e.msgid_with_context for e in catalogue if not e.obsolete)
        assert not [m for m, n in counts.items() if n > 1]
    gone = sorted({where.split(":", 1)[1] for e in pot for where, _line in e.occurrences
                   if where.startswith("code:") and not (ADDONS_DIR.parent / where.split(":", 1)[1]).is_file()})
    assert not gone, f"the .pot refers to files that no longer exist (run ./setup/i18n): {gone}"
