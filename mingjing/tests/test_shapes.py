"""Prepared queries (lib/shapes.py): compiled once, they must give what the queryset they were built
from gives, for every kind of result, on each database, and refuse what they cannot bind."""

from __future__ import annotations

import threading

from django.db import connections
from django.db.models import Count, Prefetch, Q

from mingjing.lib.shapes import prepared_query
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.rectification.models import RectificationItem
from mingjing.test import BaseTestCase


def _meeting(pk):
    return (
        Meeting.objects.select_related("organization", "config", "previous")
        .prefetch_related("step_completions")
        .filter(pk=pk)
    )


def _roster_names(meeting_ids):
    return RosterEntry.objects.filter(meeting_id__in_ints=meeting_ids).order_by("meeting_id", "precedence", "id")


def _items_by_status(meeting_id, owner_id):
    return (
        RectificationItem.objects.filter(Q(owner_id=owner_id) | Q(owner__isnull=True), meeting_id=meeting_id)
        .order_by("status")
        .values("status")
        .annotate(n=Count("id"))
    )


class PreparedQueryTest(BaseTestCase):
    def test_models_with_related_rows_and_prefetches_are_the_queryset_s(self) -> None:
        prepared = prepared_query(_meeting)
        for meeting in (self.meeting, self.last_meeting):
            expected = _meeting(meeting.pk).get()
            steps = list(expected.step_completions.values_list("step", "completed_on"))
            with self.subTest(meeting.title), self.assertNumQueries(2):  # the meeting, its steps done
                (got,) = prepared(pk=meeting.pk)
                self.assertEqual(got.title, expected.title)
                self.assertEqual(got.organization.name, expected.organization.name)
                self.assertEqual(got.config.name, expected.config.name)
                self.assertEqual(got.previous and got.previous.title, expected.previous and expected.previous.title)
                self.assertEqual([(s.step, s.completed_on) for s in got.step_completions.all()], steps)
        self.assertEqual(prepared(pk=0), [])

    def test_sets_of_ids_values_and_annotations_are_the_queryset_s(self) -> None:
        both = {self.meeting.pk, self.last_meeting.pk}
        names = prepared_query(lambda meeting_ids: _roster_names(meeting_ids).values_list("meeting_id", "name"))
        for ids in (both, {self.meeting.pk}, set()):
            with self.subTest(ids=ids):
                expected = list(_roster_names(ids).values_list("meeting_id", "name"))
                self.assertEqual(names(meeting_ids=ids), expected)
        self.assertTrue(names(meeting_ids=both))
        counts = prepared_query(_items_by_status)
        owner = RectificationItem.objects.filter(owner__isnull=False).values_list("meeting_id", "owner_id").first()
        for meeting_id, owner_id in (owner, (self.meeting.pk, owner[1]), (self.last_meeting.pk, 0)):
            with self.subTest(meeting=meeting_id, owner=owner_id):
                self.assertEqual(
                    counts(meeting_id=meeting_id, owner_id=owner_id), list(_items_by_status(meeting_id, owner_id))
                )

    def test_rows_are_read_on_every_call(self) -> None:
        names = prepared_query(
            lambda meeting_id: RosterEntry.objects.filter(meeting_id=meeting_id).values_list("name", flat=True)
        )
        before = names(meeting_id=self.meeting.pk)
        RosterEntry.objects.filter(meeting=self.meeting).update(name="改名")
        self.assertEqual(names(meeting_id=self.meeting.pk), ["改名"] * len(before))

    def test_a_statement_compiled_in_one_thread_runs_on_another_thread_s_connection(self) -> None:
        # A server thread must use its own connection, not the one the statement was compiled on.
        prepared = prepared_query(_meeting)
        self.assertEqual(prepared(pk=self.meeting.pk)[0].pk, self.meeting.pk)
        found: list = []

        def read() -> None:
            try:
                found.extend(m.title for m in prepared(pk=self.last_meeting.pk))
            except Exception as exc:  # noqa: BLE001 - reported below
                found.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        self.assertEqual(found, [self.last_meeting.title])

    def test_what_cannot_be_bound_is_refused(self) -> None:
        prepared = prepared_query(_meeting)
        for wrong in ("1", 1.0, True, None):
            with self.subTest(wrong=wrong), self.assertRaisesMessage(TypeError, "pk must be an id"):
                prepared(pk=wrong)
        with self.assertRaisesMessage(TypeError, "takes pk"):
            prepared(id=1)
        names = prepared_query(_roster_names)
        with self.assertRaisesMessage(TypeError, "meeting_ids must be a set of ids"):
            names(meeting_ids=[1, 2])
        with self.assertRaisesMessage(TypeError, "meeting_ids must be used as field__in_ints"):
            prepared_query(lambda meeting_ids: RosterEntry.objects.filter(meeting_id__in=meeting_ids))(meeting_ids={1})
        with self.assertRaisesMessage(TypeError, "does not use unused"):
            prepared_query(lambda pk, unused: Meeting.objects.filter(pk=pk))(pk=1, unused=2)
        steps = Prefetch("step_completions", queryset=StepCompletion.objects.all())
        with self.assertRaisesMessage(TypeError, "cannot hold a Prefetch"):
            prepared_query(lambda pk: Meeting.objects.prefetch_related(steps).filter(pk=pk))(pk=1)

    def test_a_meeting_address_with_an_id_no_column_can_hold_is_not_found(self) -> None:
        # The meeting page reads its meeting through a prepared query, which binds only real ids.
        self.login("preparer")
        for pk in (0, 987654, 2**63, 10**30):
            with self.subTest(pk=pk):
                self.assertEqual(self.client.get(f"/meetings/{pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/").status_code, 200)


class EveryPreparedQueryTest(BaseTestCase):
    def test_each_of_the_project_s_prepared_queries_compiles_on_this_database(self) -> None:
        # Compiled on first use otherwise: a query that cannot bind its ids (a column too small for
        # the marker, an argument the database adapter wraps, a set walked by a plain __in) would
        # fail on the first request after a deployment rather than here, on both databases in CI.
        import mingjing.rectification.templatetags.rectification_tags  # noqa: F401 - the ledger button
        import mingjing.urls  # noqa: F401 - the views, and with them every selector, loaded
        from mingjing.lib.shapes import PreparedQuery
        from mingjing.meetings.selectors import _meeting_by_pk_query

        _meeting_by_pk_query(("previous", "rectification_settings"))
        project = [q for q in PreparedQuery.every if q.label.startswith("mingjing.") and ".tests." not in q.label]
        self.assertGreaterEqual(len(project), 22)
        for query in project:
            with self.subTest(query.label, names=query.names):
                compiled = query._compile()
                self.assertEqual({name for _i, name, _how in compiled.slots}, set(query.names))
