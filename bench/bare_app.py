"""The app plus one bare endpoint that inserts one row: the yardstick for the rush benchmark.
Same server, same database, same request path through Flask; only the work differs."""

import sqlalchemy as sa
from flask import request

from app import create_app
from app.extensions import csrf, db

app = create_app()
_metadata = sa.MetaData()
bench_rows = sa.Table(
    "bench_rows", _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254)),
)  # fmt: skip


@app.post("/_bench/insert")
@csrf.exempt
def insert_one_row():
    db.session.execute(bench_rows.insert().values(email=request.form.get("email", "")))
    db.session.commit()
    return "", 204


with app.app_context():
    _metadata.create_all(db.engine)
