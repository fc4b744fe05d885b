"""Is this user agent a robot? The crawler-user-agents list (maintained, MIT), plus no agent.

Matching the list costs about 1.5 ms, too much for every beacon; browsers send few distinct
agents, so each verdict is remembered in this process under a hash of the agent (the agent
itself is never kept), a few thousand at most.
"""

import hashlib

import crawleruseragents

_MAX_REMEMBERED = 4096
_verdicts: dict[bytes, bool] = {}


def is_bot(user_agent: str) -> bool:
    if not user_agent.strip():
        return True
    key = hashlib.blake2b(user_agent.encode(errors="replace"), digest_size=16).digest()
    verdict = _verdicts.get(key)
    if verdict is None:
        verdict = crawleruseragents.is_crawler(user_agent)
        if len(_verdicts) >= _MAX_REMEMBERED:
            _verdicts.clear()
        _verdicts[key] = verdict
    return verdict
