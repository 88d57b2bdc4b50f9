from datetime import timedelta

from planbuild import at, week_calendar
from planning import WorkTimeline, clip_intervals, merge_intervals, subtract_intervals

H = timedelta(hours=1)


def test_merge_sorts_fuses_and_drops_empty():
    got = merge_intervals(
        [
            (at(0, 13), at(0, 17)),
            (at(0, 8), at(0, 12)),
            (at(0, 12), at(0, 13)),
            (at(1, 8), at(1, 8)),
        ]
    )
    assert got == [(at(0, 8), at(0, 17))]


def test_subtract_leave_splits_and_removes():
    base = [(at(0, 8), at(0, 12)), (at(0, 13), at(0, 17)), (at(1, 8), at(1, 12))]
    got = subtract_intervals(base, [(at(0, 10), at(0, 14)), (at(1, 0), at(2, 0))])
    assert got == [(at(0, 8), at(0, 10)), (at(0, 14), at(0, 17))]


def test_clip_keeps_the_part_between_start_and_end():
    cal = week_calendar(weeks=1)
    # Mon 10:00 (inside the morning) to Tue 12:30 (in the lunch break)
    assert clip_intervals(cal, at(0, 10), at(1, 12, 30)) == [
        (at(0, 10), at(0, 12)),
        (at(0, 13), at(0, 17)),
        (at(1, 8), at(1, 12)),
    ]
    # from the end of an interval: that interval is gone, not kept empty
    assert clip_intervals(cal, at(0, 12), at(0, 14)) == [(at(0, 13), at(0, 14))]
    assert clip_intervals(cal, at(5, 0), at(6, 0)) == []


def test_calendar_helper_has_no_weekend():
    cal = week_calendar(weeks=1)
    assert len(cal) == 10
    assert cal[-1] == (at(4, 13), at(4, 17))


def test_slot_crosses_the_night():
    line = WorkTimeline(week_calendar())
    # Mon 16:00 + 3 h of work: 1 h on Monday, 2 h on Tuesday morning
    assert line.first_slot(at(0, 16), 3 * H) == (at(0, 16), at(1, 10), timedelta(0))


def test_slot_crosses_the_weekend():
    line = WorkTimeline(week_calendar())
    start, end, wait = line.first_slot(at(4, 15), 4 * H)
    assert (start, end, wait) == (at(4, 15), at(7, 10), timedelta(0))


def test_slot_starts_after_lunch_and_at_interval_end():
    line = WorkTimeline(week_calendar())
    assert line.first_slot(at(0, 12, 30), H)[:2] == (at(0, 13), at(0, 14))
    # exactly 4 h from 08:00 ends at 12:00, not at 13:00
    assert line.first_slot(at(0, 8), 4 * H)[:2] == (at(0, 8), at(0, 12))
    # starting at the end of the day starts next morning
    assert line.first_slot(at(0, 17), H)[:2] == (at(1, 8), at(1, 9))


def test_slot_skips_a_leave_day():
    leave = [(at(1, 0), at(2, 0))]  # whole Tuesday off
    line = WorkTimeline(week_calendar(leaves=leave))
    assert line.first_slot(at(0, 16), 3 * H)[:2] == (at(0, 16), at(2, 10))


def test_booked_interval_pushes_start():
    line = WorkTimeline(week_calendar(), booked=[(at(0, 9), at(0, 11))])
    # only 1 h free before the booking, so the 2 h job starts at 11:00 and runs past lunch
    assert line.first_slot(at(0, 8), 2 * H) == (at(0, 11), at(0, 14), 3 * H)


def test_booking_inside_the_span_is_not_jumped_over():
    line = WorkTimeline(week_calendar(), booked=[(at(1, 8), at(1, 9))])
    # Mon 15-17 gives only 2 h before Tuesday's booking: the 3 h job must wait until 09:00
    assert line.first_slot(at(0, 15), 3 * H)[:2] == (at(1, 9), at(1, 12))
    # but a 2 h job fits exactly before it
    assert line.first_slot(at(0, 15), 2 * H)[:2] == (at(0, 15), at(0, 17))


def test_booking_in_a_break_still_blocks_spanning_it_and_overlaps_merge():
    booked = [(at(0, 12), at(0, 13)), (at(1, 8), at(1, 10)), (at(1, 9), at(1, 11))]
    line = WorkTimeline(week_calendar(), booked=booked)
    # the span [s, e) may not intersect a booking, even one placed over lunch
    assert line.first_slot(at(0, 11), 2 * H)[:2] == (at(0, 13), at(0, 15))
    assert line.first_slot(at(0, 11), H)[:2] == (at(0, 11), at(0, 12))
    assert line.first_slot(at(1, 8), H)[:2] == (at(1, 11), at(1, 12))


def test_reserve_and_release():
    line = WorkTimeline(week_calendar())
    index = line.reserve(at(0, 8), at(0, 10))
    assert line.first_slot(at(0, 8), H)[:2] == (at(0, 10), at(0, 11))
    line.release(index)
    assert line.first_slot(at(0, 8), H)[:2] == (at(0, 8), at(0, 9))


def test_no_slot_when_calendar_runs_out():
    line = WorkTimeline(week_calendar(weeks=1))
    assert line.first_slot(at(0, 8), 41 * H) is None
    assert line.first_slot(at(0, 8), 40 * H)[:2] == (at(0, 8), at(4, 17))
    assert line.first_slot(at(7, 8), H) is None


def test_zero_duration_lands_on_working_time_outside_bookings():
    line = WorkTimeline(week_calendar(), booked=[(at(0, 8), at(0, 9))])
    assert line.first_slot(at(0, 7), timedelta(0))[:2] == (at(0, 9), at(0, 9))


def test_free_cuts_a_booking_out_of_merged_load_and_undo_restores_it():
    # two touching bookings are stored as one merged interval 08:00-11:00
    line = WorkTimeline(week_calendar(), [(at(0, 8), at(0, 9)), (at(0, 9), at(0, 11))])
    assert line.first_slot(at(0, 8), H) == (at(0, 11), at(0, 12), 3 * H)
    undo = line.free(at(0, 9), at(0, 11))
    # 09:00-11:00 is free again, 08:00-09:00 stays booked
    assert line.first_slot(at(0, 8), 2 * H) == (at(0, 9), at(0, 11), H)
    undo()
    assert line.first_slot(at(0, 8), H) == (at(0, 11), at(0, 12), 3 * H)


def test_free_keeps_other_bookings_overlapping_the_range():
    line = WorkTimeline(week_calendar(), [(at(0, 8), at(0, 12)), (at(0, 10), at(0, 11))])
    undo = line.free(at(0, 8), at(0, 12), keep=[(at(0, 10), at(0, 11))])
    assert line.first_slot(at(0, 8), 2 * H) == (at(0, 8), at(0, 10), timedelta(0))
    # 3 h: 08-10 is too short before the kept 10-11 booking, next gap 11-12 + 13-15
    assert line.first_slot(at(0, 8), 3 * H) == (at(0, 11), at(0, 15), 3 * H)
    undo()
    assert line.first_slot(at(0, 8), H) == (at(0, 13), at(0, 14), 5 * H)


def test_free_outside_any_booking_changes_nothing():
    line = WorkTimeline(week_calendar(), [(at(0, 8), at(0, 9))])
    undo = line.free(at(0, 13), at(0, 14))
    assert line.first_slot(at(0, 8), H) == (at(0, 9), at(0, 10), H)
    undo()
    assert line.first_slot(at(0, 8), H) == (at(0, 9), at(0, 10), H)


def test_first_free_time_queues_overdue_work_in_the_gaps():
    from datetime import datetime

    from planning import first_free_time

    day = datetime(2026, 3, 2)
    working = [(day.replace(hour=8), day.replace(hour=12)), (day.replace(hour=13), day.replace(hour=17))]
    booked = [(day.replace(hour=9), day.replace(hour=10))]
    # from 08:30: 30 min before the booking, 2 h after it, 30 min after lunch = 180 min
    assert first_free_time(working, booked, day.replace(hour=8, minute=30), 180) == [
        (day.replace(hour=8, minute=30), day.replace(hour=9)),
        (day.replace(hour=10), day.replace(hour=12)),
        (day.replace(hour=13), day.replace(hour=13, minute=30)),
    ]
    assert first_free_time(working, booked, day.replace(hour=8), 0) == []
    assert first_free_time(working, [], day.replace(hour=18), 60) == []   # past the horizon


def test_working_minutes_counts_time_logs_in_working_hours_only():
    from datetime import datetime

    from planning import working_minutes

    mon, tue = datetime(2026, 3, 2), datetime(2026, 3, 3)
    working = [(d.replace(hour=h0), d.replace(hour=h1)) for d in (mon, tue) for h0, h1 in ((8, 12), (13, 17))]
    # a work order left running from Monday 15:00 to Tuesday 09:30: 2 h + 1.5 h of work, not 18.5 h
    assert working_minutes(working, [(mon.replace(hour=15), tue.replace(hour=9, minute=30))]) == 210
    # two operators logging the same hour at once take the work center for one hour
    both = [(mon.replace(hour=8), mon.replace(hour=9)), (mon.replace(hour=8, minute=30), mon.replace(hour=9))]
    assert working_minutes(working, both) == 60
    # over lunch: 11:30-13:30 is one hour of work
    assert working_minutes(working, [(mon.replace(hour=11, minute=30), mon.replace(hour=13, minute=30))]) == 60
    assert working_minutes(working, [(mon.replace(hour=18), mon.replace(hour=20))]) == 0
    assert working_minutes(working, []) == 0
