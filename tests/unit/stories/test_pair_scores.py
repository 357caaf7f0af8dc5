"""The pair-score memory against a plain model of its rules (fingerprint pairs as keys)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.evidence import Evidence, extract_evidence
from storytrace.stories.pair_scores import PairScores, content_keys

EVS = [extract_evidence(f"Flood number {i} closed the road to village {i}.") for i in range(12)]


class DictModel:
    """Two generations of dicts: reads and writes go to the young one, which becomes the old
    one (the old one dropped) when it holds half the capacity."""

    def __init__(self, capacity: int) -> None:
        self.half = max(1, (capacity + 1) // 2)
        self.young: dict[tuple[bytes, bytes], float] = {}
        self.old: dict[tuple[bytes, bytes], float] = {}

    def __len__(self) -> int:
        return len(self.young) + len(self.old)

    def _put(self, key: tuple[bytes, bytes], value: float) -> None:
        self.old.pop(key, None)
        self.young[key] = value
        if len(self.young) >= self.half:
            self.old, self.young = self.young, {}

    def get(self, a: Evidence, b: Evidence) -> float | None:
        key = tuple(sorted((a.fingerprint, b.fingerprint)))
        if key in self.young:
            return self.young[key]
        value = self.old.get(key)
        if value is not None:
            self._put(key, value)  # type: ignore[arg-type]
        return value

    def put(self, a: Evidence, b: Evidence, value: float) -> None:
        self._put(tuple(sorted((a.fingerprint, b.fingerprint))), value)  # type: ignore[arg-type]


operation = st.tuples(
    st.booleans(), st.integers(0, len(EVS) - 1), st.integers(0, len(EVS) - 1), st.integers(0, 99)
)


@settings(max_examples=150, deadline=None)
@given(capacity=st.integers(1, 24), ops=st.lists(operation, max_size=200))
def test_table_reads_and_evicts_like_the_dict_model(
    capacity: int, ops: list[tuple[bool, int, int, int]]
) -> None:
    table, model = PairScores(capacity), DictModel(capacity)
    for write, i, j, score in ops:
        a, b = EVS[i], EVS[j]
        if write:
            table.put(a, b, score / 100)
            model.put(a, b, score / 100)
        else:
            assert table.get(a, b) == model.get(a, b)
        assert len(table) == len(model) <= capacity
    for a in EVS:  # every entry the model holds is still found
        assert table.lookup(a, EVS) == [model.get(a, b) for b in EVS]


def test_content_keys_follow_the_fingerprint() -> None:
    twin = Evidence.from_json(EVS[0].to_json())
    keys = content_keys([EVS[0], twin, EVS[1]])
    assert keys[0] == keys[1] != keys[2]
