"""The directory's Qt model over 100,000 targets keeps Qt's model contract (qtmodeltester),
through queries, filters, lazy fetching and clearing."""

import pytest

from app.core.directory import SearchIndex, generate_targets
from app.ui.directory.model import BATCH_ROWS, TargetListModel


@pytest.fixture(scope="module")
def big_index():
    return SearchIndex(generate_targets(100_000, seed=3))


def test_the_model_passes_qtmodeltester_at_100k(qtmodeltester, big_index):
    model = TargetListModel()
    model.set_result(big_index.search(""))
    assert model.total_rows() == 100_000 and model.rowCount() == BATCH_ROWS
    qtmodeltester.check(model, force_py=True)  # stays connected: every change below is checked as it happens
    for query, kind, available in (("b", None, False), ("bill em", None, False), ("a", "agent", True),
                                   ("zz-no-match", None, False), ("", "queue", False)):
        model.set_result(big_index.search(query, kind, available))
        model.fetch_through(min(model.total_rows(), 3 * BATCH_ROWS) - 1)
    assert 0 < model.rowCount() <= model.total_rows() == 3000  # "queue": every queue of a 100k org
