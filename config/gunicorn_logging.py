"""gunicorn's access log, less the readership beacon: its lines would hold every reader's
address and user agent, which the readership app promises to keep nowhere."""

from gunicorn.glogging import Logger

BEACON_PATH = "/r/v"


class AccessLogWithoutBeacons(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") == BEACON_PATH:
            return
        super().access(resp, req, environ, request_time)
