"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Threaded workers (gthread): a worker holds the kept-alive connections it accepted, and a
request on one of them waits for a free thread of that worker. With two threads, two posts or
two personal pages (tens of milliseconds each, seconds on a busy machine) made every other
reader of that worker wait, although a kept page costs about a millisecond. Sixteen threads
give a worker a thread for each connection it holds even when it accepted more than its share
(the workers take connections as they come), so a reader's kept page is served beside a post,
not after it (`make load`, README "Load": eight threads were half way there).

Each thread that reads the database keeps its own PostgreSQL connection (CONN_MAX_AGE): at
most workers x threads, 80 on two cores, with the background workers' beside: below the
server's default max_connections of 100. Lower GUNICORN_THREADS, or raise max_connections,
on a server with more cores.

A recycled worker loads the whole app again (a second of CPU, then cold templates): every
2,000 requests was every 25 s per worker at 80 requests a second each. 50,000 still bounds
what a leak could take.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Behind a reverse proxy on the same host; widen only to the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# The readership beacon is not written to the access log (no reader's address or agent kept).
logger_class = "config.gunicorn_logging.AccessLogWithoutBeacons"
