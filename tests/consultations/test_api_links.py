"""The API's absolute links come from BASE_URL, not from the Host the request names."""

from tests.hostile_host import BASE_URL, assert_all_from_base_url, proxied_app, with_hostile_headers


@with_hostile_headers
def test_api_urls_come_from_base_url_whatever_host_the_request_names(
    settings, hostile_headers, make_consultation, make_idea
):
    consultation = make_consultation(title="Offen")
    make_idea(consultation)
    client = proxied_app(settings).test_client()
    listed = client.get("/api/v1/consultations", headers=hostile_headers).get_json()["consultations"]
    detail = client.get(f"/api/v1/consultations/{consultation.slug}", headers=hostile_headers).get_json()
    urls = [item[key] for item in [*listed, detail] for key in ("url", "ideas_url")]
    assert_all_from_base_url(urls)
    assert detail["url"].endswith(f"/beteiligung/{consultation.slug}")
    assert client.get(detail["ideas_url"].removeprefix(BASE_URL)).status_code == 200
