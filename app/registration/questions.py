"""The event's own questions on the registration form (free text, a choice, yes/no)."""

from __future__ import annotations

import sqlalchemy as sa

from app.errors import NotFoundHere
from app.extensions import db
from app.programme.models import Event
from app.registration.models import Question


def questions_for(event: Event) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id)
            .order_by(Question.position, Question.id)
        )
    )


def add_question(
    event: Event, text: str, kind: str, options: list[str], required: bool
) -> Question:
    position = (
        db.session.scalar(
            sa.select(sa.func.max(Question.position)).where(Question.event_id == event.id)
        )
        or 0
    )
    question = Question(
        event_id=event.id,
        text=text.strip(),
        kind=kind,
        options=options if kind == "choice" else [],
        required=required,
        position=position + 1,
    )
    db.session.add(question)
    db.session.flush()
    return question


def copy_questions(event: Event, copy: Event) -> None:
    """A duplicated event asks the same questions."""
    for question in questions_for(event):
        add_question(copy, question.text, question.kind, list(question.options), question.required)


def delete_questions(event: Event) -> None:
    """With a deleted draft."""
    for question in questions_for(event):
        db.session.delete(question)
    db.session.flush()


def remove_question(event: Event, question_id: int) -> None:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFoundHere()
    db.session.delete(question)
    db.session.flush()
