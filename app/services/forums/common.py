"""What several parts of the forums share: the page size of a thread and the longest post."""
from __future__ import annotations

import math

POSTS_PER_PAGE = 20
MAX_POST_CHARACTERS = 20_000


def page_for_number(number: int) -> int:
    return max(1, math.ceil(number / POSTS_PER_PAGE))
