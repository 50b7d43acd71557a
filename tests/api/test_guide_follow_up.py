"""The guide's follow-up section: reading updates, the changes list, and submitting an
update with a key, whose example body really is accepted."""

from __future__ import annotations

import json
import shlex

import pytest

from gcm_review.api.views import KEY_PLACEHOLDER, NEW_UPDATE
from tests.api.personas import api_client, make_user

pytestmark = pytest.mark.usefixtures("data")


def test_the_guide_has_a_follow_up_section(client):
    html = client.get("/api/guide/", headers={"Host": "localhost"}).content.decode()
    for anchor in ("follow-up-reading", "follow-up-sync", "follow-up-submit"):
        assert f'id="{anchor}"' in html
    assert "http://localhost/api/v1/updates/" in html
    assert "http://localhost/api/v1/changes/?since=" in html
    assert "Content-Type: application/json" in html
    assert f"Api-Key {KEY_PLACEHOLDER}" in html


def test_the_submit_example_is_accepted_and_enters_review(client, org_a):
    html = client.get("/api/guide/").content.decode()
    assert "-X POST" in html
    focal_point = api_client(make_user("focal point", organization=org_a))
    response = focal_point.post(
        "/api/v1/updates/", json.dumps(NEW_UPDATE), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["publication_state"] == "in_review"


def test_the_curl_example_sends_the_documented_body(rf):
    from gcm_review.api.views import submit_curl

    words = shlex.split(submit_curl("http://localhost/api/v1/updates/"))
    assert words[words.index("-X") + 1] == "POST"
    assert json.loads(words[words.index("--data") + 1]) == NEW_UPDATE
    assert words[-1] == "http://localhost/api/v1/updates/"


def test_the_python_example_compiles_and_posts_the_body():
    from gcm_review.api.views import submit_python

    code = submit_python("http://localhost/api/v1/updates/")
    compile(code, "guide-example", "exec")
    assert 'method="POST"' in code
