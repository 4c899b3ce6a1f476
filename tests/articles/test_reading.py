import io
import json

from newsmon.articles import read_paths, read_stream
from newsmon.articles.reading import text_to_record


def test_text_file_first_non_empty_line_is_the_title(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("\n\n  Floods close schools  \n\nRain fell for a week.\n\nRoads were shut.\n")
    (record,) = read_paths([path])
    assert record.origin == str(path)
    assert record.data == {"title": "Floods close schools", "body": "Rain fell for a week.\n\nRoads were shut."}


def test_one_line_text_is_a_body_without_title():
    assert text_to_record("Just one paragraph.") == {"body": "Just one paragraph."}


def test_jsonl_reports_bad_lines_with_their_number_and_keeps_the_good_ones(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"body": "first"}\n\n{"body": \n[1, 2]\n{"body": "last"}\n')
    records = list(read_paths([path]))
    assert [r.origin for r in records] == [f"{path}:1", f"{path}:3", f"{path}:4", f"{path}:5"]
    assert records[0].data == {"body": "first"} and records[3].data == {"body": "last"}
    assert "invalid JSON" in records[1].error
    assert records[2].error == "an article must be a JSON object, got list"


def test_json_file_with_an_array(tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"body": "a"}, "oops", {"body": "b"}]))
    records = list(read_paths([path]))
    assert [r.origin for r in records] == [f"{path}[0]", f"{path}[1]", f"{path}[2]"]
    assert records[1].error.startswith("an article must be a JSON object")


def test_folders_are_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two\n\nbody two")
    (tmp_path / "one.json").write_text('{"body": "one"}')
    (tmp_path / "ignored.csv").write_text("x,y")
    origins = [r.origin for r in read_paths([tmp_path])]
    assert origins == [str(tmp_path / "b" / "two.txt"), str(tmp_path / "one.json")]


def test_missing_path_and_non_utf8_file_are_error_records(tmp_path):
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    records = list(read_paths([tmp_path / "nope.json", binary]))
    assert records[0].error == "no such file or folder"
    assert records[1].error == "not UTF-8 text"


def test_defaults_fill_only_missing_fields(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"body": "x", "source": "own"}\n{"body": "y"}\n')
    records = list(read_paths([path], {"source": "cli", "language": "en"}))
    assert records[0].data == {"body": "x", "source": "own", "language": "en"}
    assert records[1].data == {"body": "y", "source": "cli", "language": "en"}


def test_stdin_detects_jsonl_array_and_text():
    assert [r.data for r in read_stream(io.StringIO('{"body": "a"}\n{"body": "b"}\n'))] == [{"body": "a"}, {"body": "b"}]
    assert [r.data for r in read_stream(io.StringIO('[{"body": "a"}]'))] == [{"body": "a"}]
    assert [r.data for r in read_stream(io.StringIO("Title\n\nText"))] == [{"title": "Title", "body": "Text"}]
    assert list(read_stream(io.StringIO("   \n"))) == []
