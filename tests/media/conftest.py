from django.urls import reverse

UPLOAD = reverse("admin:media_upload")
CHOOSER = reverse("admin:media_chooser")
CHANGELIST = reverse("admin:media_image_changelist")


def csrf_client(user, token: str = "a" * 32):
    """A client as a browser is one for a real server: CSRF checked (the cookie and the form's
    token), errors answered rather than raised, `user` logged in. Returns the client and the
    token its forms must carry."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    client.cookies["csrftoken"] = token
    return client, token


def many_frames_gif(count: int) -> bytes:
    """A GIF of `count` 1x1 frames, alternately black and white (so no encoder merges them),
    written block by block: Pillow would take seconds to make 30,000 frames."""
    import struct

    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    control = b"!\xf9\x04\x04\x01\x00\x00\x00"  # 10 ms each, frame kept under the next
    descriptor = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
    # LZW, code size 2: clear, colour 0 or 1, end.
    pixels = (b"\x02\x02\x44\x01\x00", b"\x02\x02\x4c\x01\x00")
    frames = b"".join(control + descriptor + pixels[n % 2] for n in range(count))
    return header + loop + frames + b";"
