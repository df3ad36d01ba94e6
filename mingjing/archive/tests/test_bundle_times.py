"""A time survives export → import → export unchanged whatever its microseconds (a PostgreSQL run
met an event at 16:05.000400: printed "16:05.000Z", read back as 16:05, printed "16:05Z")."""

from __future__ import annotations

import datetime as dt
import json

from django.db import models
from django.test import SimpleTestCase

from mingjing.archive.bundle import dumps


class BundleTimesTest(SimpleTestCase):
    def test_times_print_the_same_after_a_round_trip(self):
        field = models.DateTimeField()
        for micro in (0, 400, 999, 1000, 123456, 999999):
            when = dt.datetime(2026, 1, 16, 9, 16, 5, micro, tzinfo=dt.UTC)
            printed = json.loads(dumps({"t": when}))["t"]
            back = field.to_python(printed)
            self.assertEqual(json.loads(dumps({"t": back}))["t"], printed, micro)
