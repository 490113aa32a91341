"""Pure rules of the collections method: no Django, no database, no clock.

Every function here takes plain data (dataclasses, Decimals, dates, Polars frames) and
returns results that carry reason codes. The daily run, the web pages and the API call
the same functions.
"""
