"""GET Service List (services/service) and GET Service Definition
(service_definition/attributes/attribute/values/value)."""

from __future__ import annotations

from minsheng.catalog.models import ServiceArea
from tests.factories import ServiceFactory
from tests.open311.conftest import (
    BASE,
    children,
    errors_json,
    errors_xml,
    in_chinese,
    json_of,
    need_zh,
    text,
    xml_root,
)

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
NEED_DESCRIPTION = "A need that no menu item covers, in this area; describe it in the description."


def _need_rows(lang: str = "zh") -> list[dict]:
    return [
        {
            "service_code": f"need.{area.code}",
            "service_name": (
                f"Other need: {area.name_en}" if lang == "en" else need_zh(area.name_zh)
            ),
            "description": NEED_DESCRIPTION if lang == "en" else in_chinese(NEED_DESCRIPTION),
            "metadata": False,
            "type": "realtime",
            "keywords": None,
            "group": area.name_en if lang == "en" else area.name_zh,
        }
        for area in ServiceArea.objects.order_by("position", "code")
    ]


def test_service_list_json_metadata_true_only_where_there_are_attributes(client, world, questions):
    plain = ServiceFactory(
        code="haircut",
        name_zh="上门理发",
        description_zh="为行动不便老人上门理发",
        keywords="理发, 上门 ,",
        regions=[world.county],
    )
    ServiceFactory(code="hidden", published=False, regions=[world.county])
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    body = json_of(response)
    assert body[:2] == [
        {
            "service_code": "haircut",
            "service_name": "上门理发",
            "description": "为行动不便老人上门理发",
            "metadata": False,
            "type": "realtime",
            "keywords": "理发,上门",
            "group": "养老助老",
        },
        {
            "service_code": "meal-delivery",
            "service_name": "助餐送餐",
            "description": None,
            "metadata": True,
            "type": "realtime",
            "keywords": None,
            "group": "养老助老",
        },
    ]
    assert body[2:] == _need_rows()
    assert len(body) == 2 + 9
    assert plain.code in [row["service_code"] for row in body]
    assert "hidden" not in [row["service_code"] for row in body]


def test_service_list_in_english_on_accept_language(client, world, questions):
    response = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en")
    body = json_of(response)
    assert body[0]["service_name"] == world.service.name_en
    assert body[0]["group"] == "Elderly care"
    assert body[1:] == _need_rows("en")


def test_service_list_xml_element_by_element(client, world, questions):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "services"
    assert set(children(root)) == {"service"}
    assert len(root) == 1 + 9
    first = root[0]
    assert children(first) == SERVICE_FIELDS
    assert text(first, "service_code") == "meal-delivery"
    assert text(first, "service_name") == "助餐送餐"
    assert text(first, "description") is None
    assert text(first, "metadata") == "true"
    assert text(first, "type") == "realtime"
    assert text(first, "keywords") is None
    assert text(first, "group") == "养老助老"
    need = root[1]
    assert children(need) == SERVICE_FIELDS
    assert text(need, "service_code") == "need.childcare"
    assert text(need, "metadata") == "false"


def test_service_definition_json(client, world, questions):
    response = client.get(f"{BASE}/services/meal-delivery.json")
    assert response.status_code == 200
    assert json_of(response) == {
        "service_code": "meal-delivery",
        "attributes": [
            {
                "variable": True,
                "code": "mobility",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": "单选",
                "order": 1,
                "description": "行动能力",
                "values": [
                    {"key": "unaided", "name": "能自己走动"},
                    {"key": "aided", "name": "需要搀扶"},
                ],
            },
            {
                "variable": True,
                "code": "people",
                "datatype": "number",
                "required": True,
                "datatype_description": "数字",
                "order": 2,
                "description": "服务人数",
            },
            {
                "variable": True,
                "code": "when",
                "datatype": "datetime",
                "required": False,
                "datatype_description": "日期和时间",
                "order": 3,
                "description": "上门时间",
            },
            {
                "variable": True,
                "code": "landmark",
                "datatype": "string",
                "required": False,
                "datatype_description": "短文本",
                "order": 4,
                "description": "附近标志",
            },
            {
                "variable": True,
                "code": "details",
                "datatype": "text",
                "required": False,
                "datatype_description": "长文本",
                "order": 5,
                "description": "情况说明",
            },
            {
                "variable": True,
                "code": "extras",
                "datatype": "multivaluelist",
                "required": False,
                "datatype_description": "多选",
                "order": 6,
                "description": "其他需要",
                "values": [
                    {"key": "carry", "name": "搬运上楼"},
                    {"key": "company", "name": "陪伴聊天"},
                    {"key": "tidy", "name": "打扫整理"},
                ],
            },
        ],
    }


def test_service_definition_in_english(client, world, questions):
    response = client.get(f"{BASE}/services/meal-delivery.json", HTTP_ACCEPT_LANGUAGE="en")
    first = json_of(response)["attributes"][0]
    assert first["description"] == "Mobility"
    assert first["datatype_description"] == "Single choice"
    assert first["values"] == [
        {"key": "unaided", "name": "Walks unaided"},
        {"key": "aided", "name": "Needs a hand"},
    ]


def test_service_definition_xml_element_by_element(client, world, questions):
    response = client.get(f"{BASE}/services/meal-delivery.xml")
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert text(root, "service_code") == "meal-delivery"
    attributes = root.find("attributes")
    assert attributes is not None and children(attributes) == ["attribute"] * 6
    fields = [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
    ]
    mobility, people, when, landmark, details, extras = attributes
    assert children(mobility) == [*fields, "values"]
    assert [text(mobility, f) for f in fields] == [
        "true",
        "mobility",
        "singlevaluelist",
        "true",
        "单选",
        "1",
        "行动能力",
    ]
    values = mobility.find("values")
    assert values is not None
    assert [(v.tag, children(v), text(v, "key"), text(v, "name")) for v in values] == [
        ("value", ["key", "name"], "unaided", "能自己走动"),
        ("value", ["key", "name"], "aided", "需要搀扶"),
    ]
    assert children(extras) == [*fields, "values"]
    assert (text(extras, "order"), text(extras, "required")) == ("6", "false")
    for question, datatype in (
        (people, "number"),
        (when, "datetime"),
        (landmark, "string"),
        (details, "text"),
    ):
        assert children(question) == fields
        assert text(question, "datatype") == datatype


def test_definition_of_a_service_without_attributes_is_empty(client, world):
    response = client.get(f"{BASE}/services/meal-delivery.json")
    assert json_of(response) == {"service_code": "meal-delivery", "attributes": []}
    root = xml_root(client.get(f"{BASE}/services/meal-delivery.xml"))
    assert children(root) == ["service_code", "attributes"]
    assert len(root.find("attributes")) == 0


def test_definition_of_a_need_pseudo_service(client, world):
    response = client.get(f"{BASE}/services/need.elderly.json")
    assert json_of(response) == {"service_code": "need.elderly", "attributes": []}


def test_unknown_or_unpublished_service_definition_is_404(client, world):
    ServiceFactory(code="hidden", published=False, regions=[world.county])
    for code in ("nope", "hidden", "need.nope"):
        expected = f"service_code: no such service '{code}'"
        response = client.get(f"{BASE}/services/{code}.json")
        assert errors_json(response, 404) == [{"code": 404, "description": expected}]
        response = client.get(f"{BASE}/services/{code}.xml")
        assert errors_xml(response, 404) == [(404, expected)]


def test_services_with_another_jurisdiction_is_404(client, world):
    for path in ("services.json", "services/meal-delivery.json"):
        response = client.get(f"{BASE}/{path}", {"jurisdiction_id": "other"})
        assert errors_json(response, 404)[0]["code"] == 404
