"""Partner API keys: a valid key authenticates its user; a bad, revoked or expired key, or
the key of a deactivated account, is a 401 that says so; keys are stored hashed; the write
permission is ready for the tracking issue."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations.api_keys import PartnerAPIKey
from gcm_review.api.authentication import PartnerAPIKeyAuthentication
from gcm_review.api.permissions import IsPartnerOrReadOnly

pytestmark = pytest.mark.usefixtures("data")
URL = "/api/v1/objectives/6/"


def with_key(key: str) -> Client:
    return Client(headers={"Authorization": f"Api-Key {key}"})


def test_a_valid_key_authenticates_its_user(partner, partner_key):
    request = RequestFactory().get(URL, headers={"Authorization": f"Api-Key {partner_key}"})
    user, key = PartnerAPIKeyAuthentication().authenticate(request)
    assert user == partner
    assert key.user == partner
    assert with_key(partner_key).get(URL).status_code == 200


def test_without_a_key_or_with_another_scheme_the_client_is_anonymous():
    request = RequestFactory().get(URL)
    assert PartnerAPIKeyAuthentication().authenticate(request) is None
    request = RequestFactory().get(URL, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert PartnerAPIKeyAuthentication().authenticate(request) is None
    assert Client(headers={"Authorization": "Basic dXNlcjpwYXNz"}).get(URL).status_code == 200


@pytest.mark.parametrize(
    "key",
    ["nonsense", "", "abcdefgh.abcdefghijklmnopqrstuvwxyz012345", "a\x00b", "x" * 5000],
)
def test_a_bad_key_is_a_401(key):
    response = with_key(key).get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'
    assert response.json()["detail"].startswith("This API key is not valid.")


def test_a_key_with_a_wrong_secret_is_a_401(partner_key):
    prefix = partner_key.partition(".")[0]
    response = with_key(f"{prefix}.{'0' * 32}").get(URL)
    assert response.status_code == 401


def test_a_revoked_key_is_a_401(partner_key):
    PartnerAPIKey.objects.update(revoked=True)
    response = with_key(partner_key).get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has been revoked."}


def test_an_expired_key_is_a_401(partner_key):
    PartnerAPIKey.objects.update(expiry_date=timezone.now() - datetime.timedelta(days=1))
    response = with_key(partner_key).get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has expired."}


def test_the_key_of_a_deactivated_account_is_a_401(partner, partner_key):
    partner.is_active = False
    partner.save()
    response = with_key(partner_key).get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "The account this API key belongs to is deactivated."}


def test_keys_are_stored_hashed(partner_key):
    stored = PartnerAPIKey.objects.get()
    secret = partner_key.partition(".")[2]
    assert stored.hashed_key.startswith("sha512$$")
    assert secret not in stored.hashed_key
    assert secret not in stored.id
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PartnerAPIKey._meta.db_table}")
        rows = cursor.fetchall()
    assert not any(secret in str(value) for row in rows for value in row)


def test_the_admin_shows_the_key_once_and_keeps_only_its_hash(alice_client, partner):
    response = alice_client.post(
        reverse("admin:consultations_partnerapikey_add"),
        {"name": "Sync job", "user": partner.pk, "expiry_date_0": "", "expiry_date_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    shown = next(message for message in messages if "The API key for Sync job is:" in message)
    key = shown.split("is: ")[1].split(". ")[0]
    assert with_key(key).get(URL).status_code == 200
    stored = PartnerAPIKey.objects.get(name="Sync job")
    assert key.partition(".")[2] not in stored.hashed_key
    change = alice_client.get(reverse("admin:consultations_partnerapikey_change", args=[stored.pk]))
    assert key.partition(".")[2] not in change.content.decode()


class WriteView(APIView):
    """Stands for the write endpoints of the tracking issue."""

    permission_classes = [*APIView.permission_classes, IsPartnerOrReadOnly]

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"written": True}, status=201)


def test_writes_need_a_partner_key(partner, partner_key):
    factory = RequestFactory()
    view = WriteView.as_view()

    assert view(factory.get("/")).status_code == 200
    assert view(factory.post("/", {}, content_type="application/json")).status_code == 401

    signed_in = factory.post("/", {}, content_type="application/json")
    signed_in.user = partner
    signed_in._dont_enforce_csrf_checks = True
    assert view(signed_in).status_code == 401  # sessions are not an API credential

    keyed = factory.post(
        "/",
        {},
        content_type="application/json",
        headers={"Authorization": f"Api-Key {partner_key}"},
    )
    assert view(keyed).status_code == 201


def test_the_partner_permission_refuses_a_write_without_a_key(partner):
    class SignedIn:
        method = "POST"
        user = partner
        auth = None

    assert IsPartnerOrReadOnly().has_permission(SignedIn(), None) is False
    SignedIn.method = "GET"
    assert IsPartnerOrReadOnly().has_permission(SignedIn(), None) is True
