"""norm_text and text_of, against plain reference versions of their rules on odd input."""
import random
import unicodedata

from lxml import html

from transform.clean import _WS, norm_text, text_of, texts_of


def _reference_norm(text):
    """The rule as first written: NFC, whitespace collapsed in each line, lines stripped, at most
    one blank line between paragraphs, none at either end."""
    if not text:
        return ""
    out, blank = [], False
    for line in unicodedata.normalize("NFC", text).split("\n"):
        line = _WS.sub(" ", line).strip()
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
