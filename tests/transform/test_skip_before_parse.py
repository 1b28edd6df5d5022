"""A page ruled out by its <body> start tag alone is skipped before the whole parse; the answer
must be the one the whole parse gives, whatever the markup around that tag."""
import pytest

from transform.platforms.wordpress import rules as R
from transform.platforms.wordpress.extract import page_role, parse_html, skipped_before_parse

HEAD = "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>t</title></head>"
POST = "<article id='post-3' class='post type-post'><h1 class='entry-title'>T</h1></article></body></html>"

TRICKY = {
    "attachment": HEAD + "<body class='attachment single single-attachment postid-9 attachmentid-9'>" + POST,
    "upper case": HEAD + "<BODY CLASS=\"error404\">" + POST,
    "search": HEAD + "<body class='search search-results'>" + POST,
    "attachmentid only": HEAD + "<body class='single attachmentid-12'>" + POST,
    "hint outside class": HEAD + "<body data-note='attachment' class='single single-post postid-3'>" + POST,
    "hint in head comment": HEAD.replace("</head>", "<!-- <body class='attachment'> --></head>")
    + "<body class='single single-post postid-3'>" + POST,
    "hint in script": HEAD.replace("</head>", "<script>document.write('<body class=\"search\">')</script></head>")
    + "<body class='single single-post postid-3'>" + POST,
    "> in an attribute": HEAD + "<body data-x='a>b' class='attachment'>" + POST,
    "> before the class": HEAD + "<body data-x='attachment>' class='single postid-3'>" + POST,
    "second body tag": HEAD + "<body class='single single-post postid-3'><p>x</p><body class='attachment'>" + POST,
    "second body tag, skip first": HEAD + "<body class='attachment'><p>x</p><body class='single postid-3'>" + POST,
    "body implied early": "<html><head><title>t</title></head><div>early</div><body class='search'>" + POST,
    "no body tag": HEAD + POST.replace("</body>", ""),
    "cut inside the tag": HEAD + "<body class='attachment",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_prefix_answer_is_the_whole_parse_answer(name):
    text = TRICKY[name]
    whole = parse_html(text)
    role, detail = page_role(R.body_class(whole), whole)
    quick = skipped_before_parse(text)
    if quick is not None:
        assert (role, detail) == ("skip", quick), name


@pytest.mark.parametrize("name, reason", [("attachment", "attachment"), ("upper case", "error404"),
                                          ("search", "search"), ("attachmentid only", "attachment")])
def test_plain_skip_pages_take_the_short_way(name, reason):
    assert skipped_before_parse(TRICKY[name]) == reason


def test_content_pages_are_left_to_the_whole_parse():
    assert skipped_before_parse(HEAD + "<body class='single single-post postid-3'>" + POST) is None
    assert skipped_before_parse(TRICKY["hint outside class"]) is None
