"""French date formats in the house style (core/when.py): « mar. 1 déc. 2026, 09:30 »."""

DATE_FORMAT = r"D. j N Y"
DATETIME_FORMAT = r"D. j N Y, H:i"
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
