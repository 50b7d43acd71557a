"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from consultations import views as consultation_views

admin.site.site_header = _("GCM Review Tracker: secretariat")
admin.site.site_title = _("GCM Review Tracker")
admin.site.index_title = _("Data of the regional reviews")

urlpatterns = [
    path("", consultation_views.home, name="home"),
    path("", include("recommendations.urls")),
    path("", include("consultations.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("gcm_review.api_urls")),
]
