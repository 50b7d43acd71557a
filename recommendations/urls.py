from django.urls import path, re_path

from recommendations import views, views_follow_up

app_name = "recommendations"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("data/", views.data, name="data"),
    path("data/gcm-review-tracker.zip", views.data_download, name="data-download"),
    path("updates/", views_follow_up.update_list, name="updates"),
    path("updates/feed/", views_follow_up.UpdatesFeed(), name="updates-feed"),
    path("countries/", views_follow_up.country_list, name="countries"),
    path("countries/<str:code>/", views_follow_up.country_detail, name="country"),
]
for kind, prefix in [
    ("recommendation", "recommendations"),
    ("challenge", "challenges"),
    ("good-practice", "good-practices"),
]:
    urlpatterns += [
        path(f"{prefix}/", views.item_list, {"kind": kind}, name=f"{kind}-list"),
        re_path(
            rf"^{prefix}/export\.(?P<fmt>csv|xlsx|json)$",
            views.item_export,
            {"kind": kind},
            name=f"{kind}-export",
        ),
        path(
            f"{prefix}/<slug:document>/<slug:reference>/",
            views.item_detail,
            {"kind": kind},
            name=f"{kind}-detail",
        ),
    ]
