from unittest import mock

from django.urls import reverse
from gunicorn.config import Config

from config.gunicorn_logging import BEACON_PATH, AccessLogWithoutBeacons


def test_the_beacon_path_is_the_one_the_access_log_leaves_out():
    assert reverse("readership:hit") == BEACON_PATH


def test_gunicorn_writes_no_access_line_for_a_beacon_and_does_for_a_page():
    logger = AccessLogWithoutBeacons(Config())
    with mock.patch("gunicorn.glogging.Logger.access") as written:
        logger.access(None, None, {"PATH_INFO": BEACON_PATH}, None)
        assert not written.called
        logger.access(None, None, {"PATH_INFO": "/"}, None)
        assert written.called
