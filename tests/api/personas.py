"""The people of the editorial workflow, for the API tests and the permission matrix.

- ``focal point``: a partner focal point of organization A (group and FocalPoint row);
- ``editor``: a secretariat editor; ``reviewer``: a reviewer;
- ``administrator``: a superuser;
- ``partner``: a user with a key and no role (reads with a higher rate, writes nothing).

Each is a staff user, so that the same account can be used in the admin and, with its
key, in the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from consultations.api_keys import PartnerAPIKey
from consultations.partners import FocalPoint
from gcm_review.workflow import EDITOR, FOCAL_POINT, REVIEWER

ROLES = {"focal point": FOCAL_POINT, "editor": EDITOR, "reviewer": REVIEWER}
PERSONAS = ["anonymous", "focal point", "editor", "reviewer", "administrator"]


def make_user(persona: str, *, organization: Any = None, username: str = "") -> Any:
    """A staff account for ``persona`` (not ``anonymous``)."""
    username = username or persona.replace(" ", "-")
    if persona == "administrator":
        return get_user_model().objects.create_superuser(
            username=username, email=f"{username}@example.org", password="a long password 1"
        )
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="a long password 1",
        is_staff=persona != "partner",
    )
    if persona in ROLES:
        user.groups.add(Group.objects.get(name=ROLES[persona]))
    if persona == "focal point":
        FocalPoint.objects.create(user=user, organization=organization)
    return user


def api_client(user: Any | None) -> Client:
    """A client that sends ``user``'s partner key; anonymous without a user."""
    if user is None:
        return Client()
    _key_object, key = PartnerAPIKey.objects.create_key(user=user, name=f"{user}'s key")
    return Client(headers={"Authorization": f"Api-Key {key}"})


def admin_client(user: Any | None) -> Client:
    """A client signed in to the admin as ``user``; anonymous without a user."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
