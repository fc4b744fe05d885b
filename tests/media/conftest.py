from django.urls import reverse

UPLOAD = reverse("admin:media_upload")
CHOOSER = reverse("admin:media_chooser")
CHANGELIST = reverse("admin:media_image_changelist")
