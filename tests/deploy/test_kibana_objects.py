"""deploy/kibana/*.ndjson is importable in form, and agrees with the index mappings.

Kibana is not available here, so this proves what an import needs: one saved object per
line, valid JSON inside every JSON-in-a-string attribute, every reference resolving to an
object in the files, and every field a search, visualisation or map uses existing in the
index mappings with a type that allows that use.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsmon.config import Settings
from newsmon.index.mappings import AGGREGATABLE_TYPES, TIME_FIELDS, field_types, mappings_for
from newsmon.index.templates import index_specs

KIBANA_DIR = Path(__file__).resolve().parents[2] / "deploy" / "kibana"
EMBEDDED_JSON = ("fieldAttrs", "fieldFormatMap", "fields", "runtimeFieldMap", "sourceFilters", "typeMeta")
KQL_FIELD = re.compile(r"([A-Za-z_@][\w.@]*)\s*:")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def load() -> list[tuple[str, int, dict]]:
    found = []
    for path in sorted(KIBANA_DIR.glob("*.ndjson")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line == "" and number > 1:
                continue
            found.append((path.name, number, json.loads(line)))
    return found


OBJECTS = [o for _, _, o in load()]
BY_KEY = {(o["type"], o["id"]): o for o in OBJECTS}


def of_type(kind: str) -> list[dict]:
    return [o for o in OBJECTS if o["type"] == kind]


def embedded(obj: dict) -> dict[str, object]:
    """Every JSON-in-a-string attribute of a saved object, parsed."""
    attributes = obj["attributes"]
    parsed = {}
    for key, value in attributes.items():
        if key.endswith("JSON") or (obj["type"] == "index-pattern" and key in EMBEDDED_JSON):
            parsed[key] = json.loads(value)
    meta = attributes.get("kibanaSavedObjectMeta", {})
    if "searchSourceJSON" in meta:
        parsed["searchSourceJSON"] = json.loads(meta["searchSourceJSON"])
    return parsed


def index_fields() -> dict[str, dict[str, str]]:
    """Data view id -> the field types of the index its title names."""
    settings = Settings()
    by_alias = {spec.alias: spec.kind for spec in index_specs(settings)}
    result = {}
    for view in of_type("index-pattern"):
        kind = by_alias[view["attributes"]["title"]]
        result[view["id"]] = field_types(mappings_for(kind, english=False))
    return result


FIELDS = index_fields()


def ref(obj: dict, name: str) -> dict:
    matches = [r for r in obj["references"] if r["name"] == name]
    assert len(matches) == 1, f"{obj['type']} {obj['id']}: reference {name!r} missing or repeated"
    return matches[0]


def test_one_saved_object_per_line():
    assert KIBANA_DIR.is_dir() and list(KIBANA_DIR.glob("*.ndjson"))
    for path in KIBANA_DIR.glob("*.ndjson"):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and "\n\n" not in text, path
        for line in text.splitlines():
            obj = json.loads(line)
            assert isinstance(obj, dict)
            assert {"type", "id", "attributes", "references"} <= set(obj), line[:80]
            assert SEMVER.match(obj["coreMigrationVersion"]) and SEMVER.match(obj["typeMigrationVersion"])
            assert obj["type"] in {"index-pattern", "search", "lens", "map", "dashboard"}
    keys = [(o["type"], o["id"]) for o in OBJECTS]
    assert len(keys) == len(set(keys)), "duplicate saved object ids"


def test_every_embedded_json_string_parses():
    for obj in OBJECTS:
        parsed = embedded(obj)  # raises on invalid JSON
        if obj["type"] in ("search", "dashboard"):
            assert "searchSourceJSON" in parsed
        if obj["type"] == "dashboard":
            assert isinstance(parsed["panelsJSON"], list) and isinstance(parsed["optionsJSON"], dict)
        if obj["type"] == "map":
            assert {"layerListJSON", "mapStateJSON", "uiStateJSON"} <= set(parsed)
        if obj["type"] == "lens":
            state = obj["attributes"]["state"]
            json.loads(json.dumps(state))  # by-reference Lens keeps its state as an object
            assert state["datasourceStates"]["formBased"]["layers"]


def test_every_reference_resolves_to_an_object_in_the_files():
    for obj in OBJECTS:
        for reference in obj["references"]:
            assert (reference["type"], reference["id"]) in BY_KEY, f"{obj['id']} -> {reference}"


def test_named_references_are_the_ones_the_objects_use():
    for search in of_type("search"):
        source = embedded(search)["searchSourceJSON"]
        assert ref(search, source["indexRefName"])["type"] == "index-pattern"
    for lens in of_type("lens"):
        for layer_id in lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]:
            assert ref(lens, f"indexpattern-datasource-layer-{layer_id}")["type"] == "index-pattern"
    for map_ in of_type("map"):
        for layer in embedded(map_)["layerListJSON"]:
            name = layer["sourceDescriptor"].get("indexPatternRefName")
            if name:
                assert ref(map_, name)["type"] == "index-pattern"
    for dashboard in of_type("dashboard"):
        panels = embedded(dashboard)["panelsJSON"]
        used = set()
        for panel in panels:
            name = f"{panel['panelIndex']}:{panel['panelRefName']}"
            assert ref(dashboard, name)["type"] == panel["type"]
            used.add(name)
            assert panel["gridData"]["i"] == panel["panelIndex"]
        assert used == {r["name"] for r in dashboard["references"]}, "unused dashboard references"


def test_data_views_for_the_three_indices_with_their_time_fields():
    settings = Settings()
    views = {v["attributes"]["title"]: v for v in of_type("index-pattern")}
    for spec in index_specs(settings):
        view = views[spec.alias]
        time_field = view["attributes"]["timeFieldName"]
        assert time_field == TIME_FIELDS[spec.kind]
        assert FIELDS[view["id"]][time_field] == "date"


def test_saved_searches_use_fields_that_exist_and_sort_on_sortable_ones():
    titles = {s["attributes"]["title"] for s in of_type("search")}
    assert {"Syria ceasefire talks", "All alerts", "Events with Syrian actors"} <= titles
    for search in of_type("search"):
        source = embedded(search)["searchSourceJSON"]
        fields = FIELDS[ref(search, source["indexRefName"])["id"]]
        for column in search["attributes"]["columns"]:
            assert column in fields, f"{search['id']}: column {column}"
        for field, _direction in search["attributes"]["sort"]:
            assert fields[field] in AGGREGATABLE_TYPES, f"{search['id']}: sort on {field}"
        assert source["query"]["language"] == "kuery"
        for field in KQL_FIELD.findall(source["query"]["query"]):
            assert fields.get(field) in AGGREGATABLE_TYPES | {"text"}, f"{search['id']}: query field {field}"
    syria = next(s for s in of_type("search") if s["attributes"]["title"] == "Syria ceasefire talks")
    assert "syria-ceasefire-talks" in embedded(syria)["searchSourceJSON"]["query"]["query"]
    syrian = next(s for s in of_type("search") if s["attributes"]["title"] == "Events with Syrian actors")
    assert '"SYR"' in embedded(syrian)["searchSourceJSON"]["query"]["query"]


def lens_columns(lens: dict) -> list[tuple[str, dict]]:
    """(data view id, column) of every column of a Lens object."""
    found = []
    for layer_id, layer in lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].items():
        view = ref(lens, f"indexpattern-datasource-layer-{layer_id}")["id"]
        assert sorted(layer["columnOrder"]) == sorted(layer["columns"])
        found += [(view, column) for column in layer["columns"].values()]
    return found


def test_visualisations_aggregate_on_aggregatable_fields():
    for lens in of_type("lens"):
        visualization = lens["attributes"]["state"]["visualization"]
        for layer in visualization["layers"]:
            columns = lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"][layer["layerId"]]["columns"]
            for accessor in [layer["xAccessor"], *layer["accessors"], layer.get("splitAccessor")]:
                assert accessor is None or accessor in columns
        for view, column in lens_columns(lens):
            field = column.get("sourceField")
            operation = column["operationType"]
            if field == "___records___":
                assert operation == "count"
                continue
            field_type = FIELDS[view].get(field)
            if operation == "date_histogram":
                assert field_type == "date", f"{lens['id']}: {field}"
            elif operation == "terms":
                assert field_type in AGGREGATABLE_TYPES, f"{lens['id']}: terms on {field} ({field_type})"
            else:
                assert field_type in {"integer", "long", "float", "double"}, f"{lens['id']}: {operation} on {field}"
        for layer in lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].values():
            for column in layer["columns"].values():
                order = column.get("params", {}).get("orderBy", {})
                if order.get("type") == "column":
                    assert order["columnId"] in layer["columns"]


@pytest.mark.parametrize("lens_id, view, fields", [
    ("newsmon-lens-articles-by-topic", "newsmon-articles", {"@timestamp", "topics.id"}),
    ("newsmon-lens-top-actors", "newsmon-articles", {"actors.name.keyword"}),
    ("newsmon-lens-events-by-type", "newsmon-events", {"@timestamp", "type"}),
    ("newsmon-lens-events-by-country", "newsmon-events", {"source.country", "target.country"}),
])
def test_the_dashboard_charts_what_the_issue_asks(lens_id, view, fields):
    lens = BY_KEY[("lens", lens_id)]
    used = {column.get("sourceField") for v, column in lens_columns(lens) if v == view}
    assert fields <= used


def test_the_map_plots_event_geo_points():
    (map_,) = of_type("map")
    layers = embedded(map_)["layerListJSON"]
    documents = [layer for layer in layers if layer["sourceDescriptor"]["type"] == "ES_SEARCH"]
    assert documents
    for layer in documents:
        source = layer["sourceDescriptor"]
        fields = FIELDS[ref(map_, source["indexPatternRefName"])["id"]]
        assert fields[source["geoField"]] == "geo_point"
        assert source["geoField"] == "location.point"
        for tooltip in source.get("tooltipProperties", []):
            assert tooltip in fields, tooltip
        if source.get("sortField"):
            assert fields[source["sortField"]] in AGGREGATABLE_TYPES


def test_the_news_monitor_dashboard():
    (dashboard,) = of_type("dashboard")
    assert dashboard["attributes"]["title"] == "News monitor"
    panels = embedded(dashboard)["panelsJSON"]
    targets = {ref(dashboard, f"{p['panelIndex']}:{p['panelRefName']}")["id"] for p in panels}
    assert targets == {
        "newsmon-lens-articles-by-topic", "newsmon-lens-top-actors", "newsmon-lens-events-by-type",
        "newsmon-lens-events-by-country", "newsmon-map-event-locations",
        "newsmon-search-all-alerts",  # the latest alerts
        "newsmon-search-syria-ceasefire-talks",  # a saved search panel
    }
    cells = set()
    for panel in panels:  # on the 48-column grid, without overlaps
        grid = panel["gridData"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 48
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"panel {panel['panelIndex']} overlaps another"
                cells.add((x, y))
