"""Slugs follow WordPress's remove_accents and sanitize_title, and collide into -2, -3."""
from __future__ import annotations

from replica.slugs import remove_accents, sanitize_title, unique_slug


def test_swedish_letters_are_transliterated():
    assert remove_accents("Åsa Öberg läser") == "Asa Oberg laser"
    assert sanitize_title("BESÖK går i mål – efter mer än 150 utbildningar") == "besok-gar-i-mal-efter-mer-an-150-utbildningar"
    assert sanitize_title("Läsfrämjande: bokprat för unga (dag 2)") == "lasframjande-bokprat-for-unga-dag-2"


def test_taken_slugs_get_a_number():
    taken: set[str] = set()
    assert [unique_slug("referenssamtalet", taken) for _ in range(3)] == [
        "referenssamtalet", "referenssamtalet-2", "referenssamtalet-3"]
