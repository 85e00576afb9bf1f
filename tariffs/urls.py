from django.urls import path

from tariffs import views

app_name = "tariffs"

urlpatterns = [
    path("tariff-lines/", views.lines, name="lines"),
    path("tariff-lines.csv", views.lines_csv, name="lines_csv"),
    path("tariff-lines/<str:importer>/<str:hs_code>/", views.line_detail, name="line"),
    path("countries/<str:code>/", views.country, name="country"),
]
