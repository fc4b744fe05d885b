from django.urls import path

from readership import beacon

app_name = "readership"

urlpatterns = [
    path(beacon.BEACON_PATH.removeprefix("/"), beacon.hit, name="hit"),
]
