from django.contrib import admin
from django.urls import include, path

from api.main import api
from config import faults

admin.site.site_header = "Tariff Talks Tracker — editors"
admin.site.site_title = "Tariff Talks Tracker"
admin.site.index_title = "Enter rounds, positions and tariff data"

# A database fault outside any view is a 503 too (config/faults.py).
handler500 = faults.server_error

urlpatterns = [
    path("healthz", faults.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("negotiations.urls")),
]
