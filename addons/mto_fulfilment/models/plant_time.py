"""The plant's calendar days: moments are stored in naive UTC, days are where the plant works."""
from datetime import datetime, time

import pytz

from ..planning.explain import local_day


def plant_tz(company, calendar=None):
    """The time zone the plant works in: `calendar`'s, else the company's working hours'."""
    return (calendar or company.resource_calendar_id).tz or "UTC"


def plant_day(moment, company, calendar=None):
    """The day `moment` (naive UTC) falls on in the plant's time zone: a receipt at 09:00 in
    Brussels on the day expected is not a day late because that day began at 23:00 UTC, and a
    public holiday entered in Stuttgart does not start the day before (the planner's own rule,
    `planning.explain.local_day`)."""
    return local_day(moment, plant_tz(company, calendar))


def plant_noon(day, company):
    """Noon of `day` in the plant's time zone, as naive UTC (how Odoo stores a datetime)."""
    tz = pytz.timezone(plant_tz(company))
    return tz.localize(datetime.combine(day, time(12, 0))).astimezone(pytz.utc).replace(tzinfo=None)
