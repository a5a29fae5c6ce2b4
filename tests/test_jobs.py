"""The scheduled rules: return to pool, dormant and high-value tags, suspension dates; idempotent, dry run, CLI."""
import datetime as dt
import threading

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from eduflow.extensions import db
from eduflow.jobs import run_jobs
from eduflow.models import Lead, LeadPoolEvent, LeadStage, PoolAction, StudentStatus, Tag
from eduflow.settings import settings_for
from tests import factories

NOW = dt.datetime(2026, 11, 22, 2, 0)


def _lead(campuses, users, name, days_silent, owner="sales", **fields):
    touched = NOW - dt.timedelta(days=days_silent)
    lead = factories.make_lead(campuses[0], name=name, owner=users[owner] if owner else None,
                               last_followup_at=touched, owner_assigned_at=touched - dt.timedelta(days=1), **fields)
    db.session.commit()
    return lead


def test_silent_leads_return_to_the_pool_once(campuses, users):
    silent = _lead(campuses, users, "沉默", 31)
    active = _lead(campuses, users, "活跃", 3)
    closed = _lead(campuses, users, "已流失", 60, stage=LeadStage.LOST, lost_reason="x")
    changes = run_jobs(now=NOW)
    assert any("return-to-pool" in line and "沉默" in line for line in changes)
    db.session.expire_all()
    assert silent.owner_id is None and active.owner_id is not None and closed.owner_id is not None
    (event,) = db.session.scalars(select(LeadPoolEvent).where(LeadPoolEvent.lead_id == silent.id))
    assert event.action == PoolAction.RETURN and event.from_user_id == users["sales"].id
    assert (event.idle_days, event.reason) == (settings_for(campuses[0].id).pool_return_days, ""), "a code, not text"
    assert not [line for line in run_jobs(now=NOW) if "return-to-pool" in line], "a second run changes nothing"


def test_dormant_tag_comes_and_goes(campuses, users):
    lead = _lead(campuses, users, "休眠客户", 200, owner=None)
    run_jobs(now=NOW)
    db.session.expire_all()
    assert [t.system_code for t in lead.tags] == ["dormant"]
    lead.last_followup_at = NOW
    db.session.commit()
    run_jobs(now=NOW)
    db.session.expire_all()
    assert lead.tags == []


def test_dry_run_changes_nothing(campuses, users):
    lead = _lead(campuses, users, "沉默", 200)
    changes = run_jobs(now=NOW, dry_run=True)
    assert len(changes) == 2
    db.session.expire_all()
    assert lead.owner_id is not None and lead.tags == []


def test_high_value_students_are_tagged(campuses, users):
    course = factories.make_course("全年课", price="120000")
    student = factories.make_student(campuses[0], name="大客户")
    factories.enroll(student, course, by=users["manager"], fee="120000", paid="100000")
    db.session.commit()
    run_jobs(now=NOW)
    db.session.expire_all()
    assert [t.system_code for t in student.tags] == ["high_value"]


def test_two_runs_at_once_do_the_work_exactly_once(app, campuses, users):
    for n in range(20):
        _lead(campuses, users, f"沉默{n}", 200)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                results.append(run_jobs(now=NOW))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    returned = db.session.scalars(select(LeadPoolEvent).where(LeadPoolEvent.action == PoolAction.RETURN)).all()
    assert len(returned) == 20
    dormant = db.session.scalar(select(Tag).where(Tag.system_code == "dormant"))
    assert len(dormant_ids := [lead.id for lead in db.session.scalars(select(Lead)) if dormant in lead.tags]) == 20, dormant_ids


def test_a_locked_statistics_refresh_leaves_the_run_done(campuses, users, monkeypatch):
    """Two runs at once on SQLite: one's `PRAGMA optimize` can find the file locked by the other."""
    silent = _lead(campuses, users, "沉默", 200)

    def locked(connection):
        raise OperationalError("PRAGMA optimize", {}, Exception("database is locked"))

    monkeypatch.setattr("eduflow.jobs.optimize_statistics", locked)
    assert any("return-to-pool" in line for line in run_jobs(now=NOW))
    db.session.expire_all()
    assert silent.owner_id is None, "the run's changes were committed before the refresh"


def test_cli_prints_changes_and_dry_run(runner, campuses, users):
    _lead(campuses, users, "沉默", 200)
    dry = runner.invoke(args=["jobs", "run", "--dry-run"])
    assert dry.exit_code == 0 and "would change" in dry.output and "(dry run)" in dry.output
    real = runner.invoke(args=["jobs", "run"])
    assert real.exit_code == 0 and "changed: " in real.output
    again = runner.invoke(args=["jobs", "run"])
    assert "0 change(s)" in again.output


def test_a_dry_run_reports_a_suspension_starting_without_changing_the_student(campuses, users):
    student = factories.make_student(campuses[0], name="休学生", status=StudentStatus.ACTIVE,
                                     suspended_from=NOW.date() - dt.timedelta(days=1))
    db.session.commit()
    assert any("starts 休学" in line for line in run_jobs(now=NOW, dry_run=True))
    db.session.expire_all()
    assert student.status == StudentStatus.ACTIVE
    assert any("starts 休学" in line for line in run_jobs(now=NOW))
    db.session.expire_all()
    assert student.status == StudentStatus.SUSPENDED


def test_a_second_copy_started_while_one_runs_does_nothing(runner, campuses, users):
    from eduflow.locks import exclusive

    _lead(campuses, users, "沉默", 200)
    shared = db.engine.dialect.name in ("postgresql", "mysql")
    with exclusive("jobs"):  # another server holds the jobs lock
        second = runner.invoke(args=["jobs", "run"])
    assert second.exit_code == 0
    # SQLite is one machine's file and always grants the lock; the rules' conditional writes make a second run harmless
    assert ("nothing to do" in second.output) is shared and ("changed: " in second.output) is not shared
    again = runner.invoke(args=["jobs", "run"])  # the lock is free again
    assert ("changed: " in again.output) is shared
