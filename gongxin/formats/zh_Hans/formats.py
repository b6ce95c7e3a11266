"""Number formats for the Chinese UI (settings.FORMAT_MODULE_PATH): thousands grouped in threes with a
comma, as the brief, the exports and lib.numeric.fmt_decimal write them (129,000件; 4,500.00万元).
Django's zh_Hans has no separator, so `intcomma` and `floatformat:"2g"` printed 1000000. Everything else
(dates, input formats) comes from Django's zh_Hans. Inputs are not grouped (USE_THOUSAND_SEPARATOR is off)."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
