"""The plant's calendar days: moments are stored in naive UTC, days are where the plant works."""
import pytz


def plant_day(moment, company, calendar=None):
    """The day `moment` (naive UTC) falls on in the time zone of `calendar`, else of the
    company's working hours: a receipt at 09:00 in Brussels on the day expected is not a day
    late because that day began at 23:00 UTC, and a public holiday entered in Stuttgart does not
    start the day before."""
    tz = pytz.timezone((calendar or company.resource_calendar_id).tz or "UTC")
    return pytz.utc.localize(moment).astimezone(tz).date()
