"""The corpus's one JSON serialisation (orjson where it can) writes exactly what the json module
writes with the corpus's options, and leaves to json whatever orjson would write its own way."""
import json
import random
from dataclasses import dataclass

import pytest

from transform.spill import dumpb, dumps

REFERENCE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
CHARS = [chr(i) for i in range(0x80)] + ["\u2028", "\u2029", "\u00e4", "\u00a0", "\ufeff", "\uffff", "\U0001F600",
                                         "\u0085", "\u200b", "\ud7ff", "\ue000", "e\u0301"]


def _value(rnd: random.Random, depth: int = 0):
    text = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(0, 10)))
    r = rnd.random()
    if depth > 3 or r < 0.45:
        return rnd.choice([text, rnd.randint(-2**63, 2**63 - 1), rnd.randint(-3, 3), None, True, False])
    if r < 0.7:
        return [_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {"".join(rnd.choice(CHARS) for _ in range(rnd.randint(0, 6))): _value(rnd, depth + 1)
            for _ in range(rnd.randint(0, 5))}


def test_random_records_serialise_as_the_json_module_does():
    rnd = random.Random(2)
    for _ in range(30000):
        value = _value(rnd)
        want = REFERENCE.encode(value)
        assert dumps(value) == want
        assert dumpb(value) == want.encode("utf-8")


class Smart(str):
    """Like an lxml XPath string result."""


@dataclass
class Point:
    x: int


DEEP: list = []
for _ in range(300):
    DEEP = [DEEP]


@pytest.mark.parametrize("value", [
    {"n": 2**64 + 1, "m": -2**70},  # past orjson's 64 bits
    {"s": Smart("ä")}, [Smart("x"), 1],  # str subclasses
    {1: "int key", 2: "b"},  # json makes the keys strings
    DEEP,  # deeper than orjson nests
])
def test_what_orjson_would_write_its_own_way_is_left_to_json(value):
    assert dumps(value) == REFERENCE.encode(value)
    assert dumpb(value) == REFERENCE.encode(value).encode("utf-8")


def test_what_json_refuses_is_still_refused():
    for value in ({"p": Point(1)}, {"b": b"bytes"}, {"s": {1, 2}}):
        with pytest.raises(TypeError):
            REFERENCE.encode(value)
        with pytest.raises(TypeError):
            dumps(value)
        with pytest.raises(TypeError):
            dumpb(value)
