from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
    path("objectives/", views.objective_list, name="objective-list"),
    path("objectives/<int:number>/", views.objective_detail, name="objective-detail"),
]
