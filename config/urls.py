from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Tariff Talks Tracker — editors"
admin.site.site_title = "Tariff Talks Tracker"
admin.site.index_title = "Enter rounds, positions and tariff data"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("negotiations.urls")),
]
