"""Our documents against the specification's own examples (GeoReport v2, open311.github.io):
the example request body is accepted as written, and each example response has the same
elements, in the same places, as ours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from minsheng.open311.models import ServiceRequest
from minsheng.orders.models import Order
from tests.factories import AttributeFactory, ServiceFactory
from tests.open311.conftest import BASE, counts, create_request, errors_xml, xml_root

# The spec's example documents, whitespace compacted.
SERVICES = """<?xml version="1.0" encoding="utf-8"?><services><service><service_code>001</service_code>
<service_name>Cans left out 24x7</service_name><description>Garbage or recycling cans that have been
left out for more than 24 hours after collection. Violators will be cited.</description>
<metadata>true</metadata><type>realtime</type><keywords>lorem, ipsum, dolor</keywords>
<group>sanitation</group></service></services>"""
DEFINITION = """<?xml version="1.0" encoding="utf-8"?><service_definition>
<service_code>DMV66</service_code><attributes><attribute><variable>true</variable>
<code>WHISHETN</code><datatype>singlevaluelist</datatype><required>true</required>
<datatype_description></datatype_description><order>1</order>
<description>What is the ticket/tag/DL number?</description><values><value><key>123</key>
<name>Ford</name></value><value><key>124</key><name>Chrysler</name></value></values>
</attribute></attributes></service_definition>"""
POST_RESPONSE = """<?xml version="1.0" encoding="utf-8"?><service_requests><request>
<service_request_id>293944</service_request_id><service_notice>The City will inspect and
require the responsible party to correct within 24 hours</service_notice><account_id/>
</request></service_requests>"""
TOKEN = """<?xml version="1.0" encoding="utf-8"?><service_requests><request>
<service_request_id>638344</service_request_id><token>12345</token></request>
</service_requests>"""
REQUESTS = """<?xml version="1.0" encoding="utf-8"?><service_requests><request>
<service_request_id>638344</service_request_id><status>closed</status>
<status_notes>Duplicate request.</status_notes><service_name>Sidewalk and Curb Issues</service_name>
<service_code>006</service_code><description></description><agency_responsible></agency_responsible>
<service_notice></service_notice><requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
<updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
<expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime><address>8TH AVE and JUDAH ST</address>
<address_id>545483</address_id><zipcode>94122</zipcode><lat>37.762221815</lat><long>-122.4651145</long>
<media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url></request>
</service_requests>"""
ERRORS = """<?xml version="1.0" encoding="utf-8"?><errors><error><code>403</code>
<description>Invalid api_key received -- can't proceed with create_request.</description>
</error></errors>"""
# The spec's example POST body (Example Request), as sent.
EXAMPLE_BODY = (
    "api_key={key}&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043"
    "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111"
    "&account_id=123456&first_name=john&last_name=smith&phone=111111111"
    "&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
)


def shape(element: ET.Element) -> tuple[str, tuple]:
    """An element's tag and its children's shapes, in order (the text left aside)."""
    return element.tag, tuple(shape(child) for child in element)


def spec(document: str) -> ET.Element:
    return fromstring(document.replace("\n", " ").encode())


@pytest.fixture
def example_service(world):
    """The spec's service 001 with the two attributes its example request answers."""
    service = ServiceFactory(code="001", name_zh="占道垃圾桶", regions=[world.county])
    AttributeFactory(service=service, code="WHISPAWN", position=1)
    AttributeFactory(service=service, code="WHISDORN", position=2)
    return service


def _post_example(client, raw_key, body=EXAMPLE_BODY):
    return client.post(
        f"{BASE}/requests.xml",
        body.format(key=raw_key),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_example_request_is_read_whole_and_refused_only_for_its_place(
    client, example_service, raw_key, settings
):
    settings.MINSHENG_OPEN311_JURISDICTION = "city.gov"
    before = counts()
    response = _post_example(client, raw_key)
    # San Francisco is not in the county, by its point or its address; every other
    # argument was accepted.
    assert errors_xml(response, 400) == [
        (400, "lat: lat/long is not within 10 km of any township or village of the county"),
        (400, "address_string: names no township or village of the county"),
    ]
    assert counts() == before


def test_the_example_request_placed_in_the_county_is_created(
    client, example_service, raw_key, settings
):
    settings.MINSHENG_OPEN311_JURISDICTION = "city.gov"
    # The example's phone (111111111) is no Chinese number: a county's resident's is.
    body = EXAMPLE_BODY.replace("lat=37.76524078&long=-122.4212043", "lat=30.01&long=110.01")
    body = body.replace("phone=111111111", "phone=%2B86+138-0013-8000")
    response = _post_example(client, raw_key, body)
    assert response.status_code == 201
    root = xml_root(response)
    assert shape(root) == shape(spec(POST_RESPONSE))
    order = Order.objects.get()
    extra = ServiceRequest.objects.get()
    assert root[0].findtext("service_request_id") == str(order.pk)
    assert root[0].findtext("account_id") == "123456"
    assert order.answers == {"WHISPAWN": "123456", "WHISDORN": "COISL001"}
    assert order.address == "1234 5th street"
    assert order.description == "A large sinkhole is destroying the street"
    assert (order.contact_name, order.contact_phone) == ("john smith", "13800138000")
    assert extra.phone == "13800138000"
    assert (extra.email, extra.device_id, extra.account_id, extra.media_url) == (
        "smit333@sfgov.edu",
        "tt222111",
        "123456",
        "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    )


def test_the_example_request_with_its_own_phone_is_refused_naming_phone(
    client, example_service, raw_key, settings
):
    settings.MINSHENG_OPEN311_JURISDICTION = "city.gov"
    body = EXAMPLE_BODY.replace("lat=37.76524078&long=-122.4212043", "lat=30.01&long=110.01")
    before = counts()
    response = _post_example(client, raw_key, body)
    assert errors_xml(response, 400) == [
        (
            400,
            "phone: Enter a mainland mobile number (11 digits starting with 13-19) or a "
            "landline with its area code, such as 0743-6100059.",
        )
    ]
    assert counts() == before


def test_service_list_has_the_examples_elements(client, example_service):
    ours = xml_root(client.get(f"{BASE}/services.xml"))
    example = spec(SERVICES)
    assert ours.tag == example.tag
    assert {shape(s) for s in ours} == {shape(example[0])}


def test_service_definition_has_the_examples_elements(client, world, questions):
    ours = xml_root(client.get(f"{BASE}/services/meal-delivery.xml"))
    # The first attribute is a single choice of two, like the example's.
    example = spec(DEFINITION)
    assert ours.tag == example.tag
    assert [c.tag for c in ours] == [c.tag for c in example]
    assert shape(ours.find("attributes")[0]) == shape(example.find("attributes")[0])


def test_token_answer_has_the_examples_elements(client, world, key):
    extra = create_request(key[0])
    assert shape(xml_root(client.get(f"{BASE}/tokens/{extra.token}.xml"))) == shape(spec(TOKEN))


def test_requests_answer_has_the_examples_elements_in_order(client, world, key):
    create_request(key[0], now=timezone.now() - timedelta(hours=1))
    assert shape(xml_root(client.get(f"{BASE}/requests.xml"))) == shape(spec(REQUESTS))


def test_error_answer_is_the_examples(client, world):
    response = client.post(
        f"{BASE}/requests.xml", {"api_key": "xyz", "service_code": "001", "address_id": "V1"}
    )
    assert response.status_code == 403
    ours, example = xml_root(response), spec(ERRORS)
    assert shape(ours) == shape(example)
    assert [(e.findtext("code"), e.findtext("description")) for e in ours] == [
        (e.findtext("code"), e.findtext("description")) for e in example
    ]
