"""NodeInfo's software as readers of it parse it: Fedify (tests/fediverse_peer) refuses a whole
NodeInfo document whose software version is not a semantic version, or whose name is not
lowercase letters, digits and dashes."""

import json
import re

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?$")


def test_the_software_has_a_semantic_version_and_a_plain_name(client, db):
    document = json.loads(client.get("/nodeinfo/2.1", secure=True).content)

    assert SEMVER.match(document["software"]["version"])
    assert re.fullmatch(r"[a-z0-9-]+", document["software"]["name"])
