"""norm_text and text_of, against plain reference versions of their rules on odd input."""
import random
import re
import unicodedata

from lxml import html

from transform.clean import _joined, inline_text, norm_text, text_of, texts_of

_RUN = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")  # in-line whitespace, as the rule says
_BREAKS = re.compile("[\\s\u2028\u2029]*[\u2028\u2029][\\s\u2028\u2029]*")  # a whitespace run with a marker


def _reference_norm(text):
    """The rule as first written: NFC, whitespace collapsed in each line, lines stripped, at most
    one blank line between paragraphs, none at either end."""
    if not text:
        return ""
    out, blank = [], False
    for line in unicodedata.normalize("NFC", text).split("\n"):
        line = _RUN.sub(" ", line).strip()
        if not line:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out)


def test_norm_text_follows_the_reference_on_random_whitespace():
    alphabet = ["a", "b", " ", "\n", "\t", "\r", "\u00a0", "\u2028", "\x1c", "\x85", "\u200b", "é", "e\u0301", "\f"]
    rnd = random.Random(7)
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert norm_text(text) == _reference_norm(text), repr(text)


def test_one_walk_gives_the_text_and_the_text_before_a_marker():
    root = html.fragment_fromstring(
        "<div><p>Först <b>fet</b></p><!-- c --><p>Mitt<span id='more-1'></span> sen</p><ul><li>a</li></ul></div>")
    marker = root.find(".//span")
    whole, before = texts_of(root, marker)
    assert whole == text_of(root) == "Först fet\n\nMitt sen\n\na"
    assert before == text_of(root, until=marker) == "Först fet\n\nMitt"
    assert texts_of(root) == (whole, whole)
    hidden = html.fragment_fromstring("<div><p>x</p><noscript><span id='m'></span></noscript><p>y</p></div>")
    assert text_of(hidden, until=hidden.find(".//span")) == "x\n\ny"  # never reached: all of it


def _reference_joined(parts):
    """Each whitespace run holding a break marker: a blank line if a paragraph marker is among
    them, else a line break; then norm_text."""
    text = _BREAKS.sub(lambda m: "\n\n" if "\u2029" in m.group(0) else "\n", "".join(parts))
    return _reference_norm(text)


def test_joining_parts_follows_the_reference_on_random_breaks():
    alphabet = ["a", "b", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\u2029", "\x1c", "\x85", "\u3000", "é", "\f"]
    rnd = random.Random(3)
    for _ in range(20000):
        parts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 4))) for _ in range(rnd.randint(0, 6))]
        assert _joined(parts) == _reference_joined(parts), repr(parts)


def test_inline_text_collapses_every_whitespace_run_to_one_space():
    rule = re.compile(r"[\n \t\r\f\v\u00a0\u200b]+")
    alphabet = ["a", " ", "  ", "\n", "\t", "\r", "\u00a0", "\u200b", "\u3000", "e\u0301", "b"]
    rnd = random.Random(9)
    for _ in range(5000):
        el = html.Element("a")
        el.text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        if rnd.random() < 0.5:
            child = html.Element("b")
            child.text, child.tail = rnd.choice(alphabet), rnd.choice(alphabet)
            el.append(child)
        want = unicodedata.normalize("NFC", rule.sub(" ", " ".join(el.itertext()))).strip()
        assert inline_text(el) == want, repr(list(el.itertext()))
