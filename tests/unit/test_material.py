from planbuild import at
from planning import Ledger
from planning.journal import Journal


def _ledger(journal=None):
    # 10 free now, 8 promised to another order on Wednesday, 10 arriving next Monday
    return Ledger(
        at(0, 8),
        free_qty={1: 10.0},
        supply={1: [(at(7, 8), 10.0)]},
        demand={1: [(at(2, 8), 8.0)]},
        journal=journal or Journal(),
    )


def test_later_demand_protects_stock():
    ledger = _ledger()
    assert ledger.projected(1, at(0, 8)) == 10
    assert ledger.atp(1, at(0, 8)) == 2  # 8 of the 10 are needed on Wednesday
    assert ledger.atp(1, at(2, 8)) == 2
    assert ledger.atp(1, at(7, 8)) == 12


def test_earliest_cover_is_now_or_a_supply_date():
    ledger = _ledger()
    assert ledger.earliest_cover(1, 2) == at(0, 8)
    assert ledger.earliest_cover(1, 5) == at(7, 8)
    assert ledger.earliest_cover(1, 12) == at(7, 8)
    assert ledger.earliest_cover(1, 12.5) is None
    assert ledger.earliest_cover(2, 1) is None  # unknown product: nothing


def test_allocation_is_demand_and_can_be_rolled_back():
    journal = Journal()
    ledger = _ledger(journal)
    ledger.allocate(1, 2, at(0, 8))
    assert ledger.atp(1, at(0, 8)) == 0
    assert ledger.earliest_cover(1, 10) == at(7, 8)
    mark = journal.mark()
    ledger.allocate(1, 10, at(7, 8))
    assert ledger.earliest_cover(1, 0.5) is None
    journal.rollback(mark)
    assert ledger.atp(1, at(7, 8)) == 10


def test_past_dated_supply_and_demand_count_now():
    ledger = Ledger(at(1, 8), {1: 0.0}, {1: [(at(0, 8), 5.0)]}, {1: [(at(0, 9), 1.0)]}, Journal())
    assert ledger.atp(1, at(1, 8)) == 4
    assert ledger.earliest_cover(1, 4) == at(1, 8)
