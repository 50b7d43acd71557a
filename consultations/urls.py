from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("<slug:slug>/", views.consultation_detail, name="detail"),
]
