"""verify says which parts of an output folder it checked and which were absent, and fails when
something that should be there is not: no WARC at all, half a corpus, a package without its corpus."""
from __future__ import annotations

import json
import shutil

from archive_out import FileMissing, verify
from out_synth import WARC_NAME


def _parts(result) -> dict[str, str]:
    return {p.name: p.state for p in result.parts}


def _missing(result) -> list[str]:
    return [f.file for f in result.failures if isinstance(f, FileMissing)]


def test_output_folder_with_an_empty_harvest_fails_for_want_of_any_warc(tmp_path):
    (tmp_path / "harvest").mkdir()

    result = verify(tmp_path)

    assert not result.ok
    assert _missing(result) == ["harvest/warc/"]
    assert "no WARC files" in result.failures[0].detail
    assert _parts(result)["harvest"] == "missing" and _parts(result)["corpus"] == "absent"


def test_harvest_not_yet_transformed_verifies_and_says_the_rest_is_absent(synth_out):
    shutil.rmtree(synth_out.root / "corpus")

    result = verify(synth_out.root)

    assert result.ok, [str(f) for f in result.failures]
    assert _parts(result) == {"harvest": "checked", "corpus": "absent", "index": "absent", "wacz": "absent",
                              "bag": "absent", "report": "absent"}
    assert result.checked["warc_records"] == 25


def test_corpus_without_its_manifest_fails(synth_out):
    (synth_out.root / "corpus" / "manifest.json").unlink()

    result = verify(synth_out.root)

    assert "corpus/manifest.json" in _missing(result)
    assert _parts(result)["corpus"] == "missing"


def test_manifest_whose_record_files_are_gone_fails_naming_each(synth_out):
    for name in ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl"):
        (synth_out.root / "corpus" / name).unlink()

    result = verify(synth_out.root)

    assert not result.ok
    assert {"corpus/posts.jsonl", "corpus/media.jsonl", "corpus/tumblr_posts.jsonl"} <= set(_missing(result))


def test_package_without_the_corpus_and_report_it_was_made_from_fails(packaged):
    shutil.rmtree(packaged.root / "corpus")
    shutil.rmtree(packaged.root / "report")

    result = verify(packaged.root)

    assert not result.ok
    assert {"corpus/", "report/"} <= set(_missing(result))
    assert _parts(result)["corpus"] == "missing" and _parts(result)["bag"] == "checked"


def test_stages_recorded_as_finished_must_have_left_their_output(packaged):
    from wparchive.cmd_pipeline import PipelineState

    state = PipelineState.load(packaged.root)
    for stage in ("harvest", "transform", "package"):
        state.mark(stage, "x")
    for folder in ("corpus", "package", "report"):
        shutil.rmtree(packaged.root / folder)

    result = verify(packaged.root)

    assert not result.ok
    assert set(_missing(result)) == {"corpus/", "package/index.cdxj", "package/NAME.wacz", "package/bag/", "report/"}
    assert all("pipeline.json records that" in f.detail for f in result.failures)


def test_a_package_that_lost_its_wacz_fails(packaged):
    next((packaged.root / "package").glob("*.wacz")).unlink()

    result = verify(packaged.root)

    assert _missing(result) == ["package/NAME.wacz"]


def test_summary_listing_a_warc_that_is_gone_fails_even_without_a_corpus(synth_out):
    shutil.rmtree(synth_out.root / "corpus")
    summary = json.loads((synth_out.root / "harvest" / "summary.json").read_text(encoding="utf-8"))
    summary["warc_files"].append("WPA-20131220130000-00001-besök.warc.gz")
    (synth_out.root / "harvest" / "summary.json").write_text(json.dumps(summary), encoding="utf-8")

    result = verify(synth_out.root)

    assert _missing(result) == ["harvest/warc/WPA-20131220130000-00001-besök.warc.gz"]
    assert WARC_NAME not in " ".join(_missing(result))


def test_changed_report_is_caught_against_the_bags_copy(packaged):
    html = packaged.root / "report" / "index.html"
    html.write_text(html.read_text(encoding="utf-8").replace("COMPLETE", "INCOMPLETE"), encoding="utf-8")

    result = verify(packaged.root)

    assert [f.file for f in result.failures] == ["report/index.html"]
