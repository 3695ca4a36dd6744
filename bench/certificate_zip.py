"""Benchmark: 1,000 certificates into one ZIP through the job, against 1,000 × one certificate.

    python -m bench.certificate_zip                  # SQLite in a temporary folder
    python -m bench.certificate_zip --people 300
    python -m bench.certificate_zip --database-url postgresql+psycopg://…/an_empty_database

An ended kenniscafé with `--people` attendees, each checked in, their certificates issued (as
"Certificaten versturen" would, without the mail). Then, timed:
  one       the median time of `documents.pdf(certificate)` for one certificate (30 rounds);
  the job   `jobs.run_job` of a ZIP job: every valid certificate drawn and stored in the ZIP,
            its progress committed every few certificates, the ZIP written to disk.
Goal: the job within 1.2 × people × one. The job's issuing step (nobody left to issue here)
costs one query per person; `--fresh` leaves the certificates to the job to issue as well."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path


def setup(app, people: int, fresh: bool):
    from app.accounts import services as accounts
    from app.attendance import services as attendance
    from app.certificates import services as certificates
    from app.extensions import db
    from app.programme import services as programme
    from app.registration import services as registration
    from app.registration.services import RegistrationDetails
    from app.timezones import utcnow

    owner = accounts.create_user("organisator@bench.example", "Sanne Visser", "organiser", "x" * 12)
    start = utcnow() + timedelta(days=1)
    event = programme.create_event(owner, {
        "kind": "kenniscafe", "title": "Wat gaat er goed tussen generaties?", "starts_at": start,
        "ends_at": start + timedelta(hours=2), "city": "Nijmegen", "not_counting_minutes": 30,
    })  # fmt: skip
    programme.add_accreditation(event, "Registerplein", "RP-2026-118", 2)
    programme.publish_event(event)
    db.session.commit()
    ids = []
    for i in range(people):
        outcome = registration.register(event.id, RegistrationDetails(
            name=f"Deelnemer {i:04d} van der Berg", email=f"d{i}@bench.example",
            register_numbers={"Registerplein": f"4610{i:05d}"}), tell=False)  # fmt: skip
        db.session.commit()
        ids.append(outcome.registration.id)
    end = utcnow() - timedelta(hours=1)
    event.starts_at, event.ends_at = end - timedelta(hours=2), end
    db.session.commit()
    for registration_id in ids:
        attendance.check_in(registration_id, owner)
        db.session.commit()
    if not fresh:
        for registration_id in ids:
            certificates.issue(registration_id, owner)
            db.session.commit()
    return event, owner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))  # fmt: skip
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--fresh", action="store_true", help="let the job issue them too")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="kennisagenda-zip-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_DELIVERY": "manual",
                      "CERTIFICATE_FILES_DIR": str(folder), "BASE_URL": "https://kennisagenda.example"})  # fmt: skip
    with app.app_context():
        db.create_all()
        from app.certificates import documents, jobs
        from app.certificates.models import Certificate, JobKind

        started = time.perf_counter()
        event, owner = setup(app, args.people, args.fresh)
        print(
            f"setup               {args.people:,} attendees checked in"
            f"{'' if args.fresh else ' and issued'}, in {time.perf_counter() - started:.1f} s"
        )
        sample = db.session.scalars(db.select(Certificate).limit(30)).all()
        if not sample:  # --fresh: time one on a certificate issued for the purpose
            from app.certificates import services

            sample = [services.issue(event_attendance_first(event), owner)]
            db.session.commit()
        look = documents.look()
        documents.pdf(sample[0], look)  # warm: fonts, QR tables
        times = []
        for one in (sample * 30)[:30]:  # different certificates: each its own QR
            t = time.perf_counter()
            documents.pdf(one, look)
            times.append(time.perf_counter() - t)
        single = statistics.median(times)
        job = jobs.start(event, JobKind.ZIP, owner)
        db.session.commit()
        t = time.perf_counter()
        jobs.run_job(job.id)
        elapsed = time.perf_counter() - t
        db.session.refresh(job)
        path = jobs.zip_path(job)
        with zipfile.ZipFile(path) as archive:
            entries = len(archive.namelist())
        budget = 1.2 * job.total * single
        print(f"machine             {os.cpu_count()} cores, shared: read the ratio")
        print(f"one certificate     {single * 1000:7.1f} ms (median of 30 different ones)")
        print(
            f"the job             {elapsed:7.1f} s for {job.total:,} certificates "
            f"({job.status}; {entries:,} PDFs, {path.stat().st_size / 2**20:.1f} MiB ZIP)"
        )
        print(
            f"ratio               {elapsed / (job.total * single):.2f} × (people × one); "
            f"goal ≤ 1.20 ({'met' if elapsed <= budget else 'MISSED'})"
        )
        db.drop_all()


def event_attendance_first(event) -> int:
    from app.certificates.attendance import event_attendance

    return event_attendance(event).people[0].registration.id


if __name__ == "__main__":
    main()
