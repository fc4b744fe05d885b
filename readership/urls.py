from django.urls import path

from readership import beacon

app_name = "readership"

urlpatterns = [
    path("r/v", beacon.hit, name="hit"),
]
