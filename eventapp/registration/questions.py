"""The organisers' own questions on the registration form: add, edit, delete, reorder.

Choice questions need at least two distinct options. Answers are kept on each
registration by question id, so deleting a question leaves old answers unread
(the list and the export show only current questions)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .models import QuestionKind, RegistrationQuestion

CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
MAX_OPTIONS = 50


def questions_of(conference: Conference) -> list[RegistrationQuestion]:
    return list(db.session.scalars(
        select(RegistrationQuestion).where(RegistrationQuestion.conference_id == conference.id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ))


def _clean(label_id: str, label_en: str, kind: QuestionKind, options: list[str]) -> tuple[str, str, list[str]]:
    label_id, label_en = (label_id or "").strip(), (label_en or "").strip()
    if not (label_id or label_en):
        raise DomainError(_("Give the question a label."), "label_id")
    if len(label_id) > 300 or len(label_en) > 300:
        raise DomainError(_("Use at most %(max)d characters.", max=300), "label_id")
    if kind not in CHOICE_KINDS:
        return label_id, label_en, []
    cleaned: list[str] = []
    for option in options:
        option = option.strip()
        if option and option.lower() not in {o.lower() for o in cleaned}:
            cleaned.append(option[:200])
    if len(cleaned) < 2:
        raise DomainError(_("A choice question needs at least two different options, one per line."), "options")
    if len(cleaned) > MAX_OPTIONS:
        raise DomainError(_("Use at most %(max)d options.", max=MAX_OPTIONS), "options")
    return label_id, label_en, cleaned


def create_question(conference: Conference, *, label_id: str, label_en: str, kind: QuestionKind,
                    required: bool = False, options: list[str] | None = None, actor=None) -> RegistrationQuestion:
    """A new question, last on the form."""
    label_id, label_en, options = _clean(label_id, label_en, kind, options or [])
    last = db.session.scalar(select(func.max(RegistrationQuestion.position))
                             .where(RegistrationQuestion.conference_id == conference.id))
    question = RegistrationQuestion(conference_id=conference.id, label_id=label_id, label_en=label_en, kind=kind,
                                    required=required, options=options, position=(last or 0) + 1)
    db.session.add(question)
    db.session.flush()
    record(conference, actor, "registration.question_add", f"Added the question “{question.local('label', 'id')}”")
    return question


def update_question(question: RegistrationQuestion, *, label_id: str, label_en: str, kind: QuestionKind,
                    required: bool = False, options: list[str] | None = None, actor=None) -> None:
    label_id, label_en, options = _clean(label_id, label_en, kind, options or [])
    question.label_id, question.label_en, question.kind = label_id, label_en, kind
    question.required, question.options = required, options
    db.session.flush()
    record(_conference(question), actor, "registration.question_edit",
           f"Changed the question “{question.local('label', 'id')}”")


def delete_question(question: RegistrationQuestion, *, actor=None) -> None:
    record(_conference(question), actor, "registration.question_delete",
           f"Deleted the question “{question.local('label', 'id')}”")
    db.session.delete(question)
    db.session.flush()


def move_question(question: RegistrationQuestion, direction: str, *, actor=None) -> None:
    """One place up or down; the first cannot go up nor the last down (nothing happens)."""
    if direction not in ("up", "down"):
        raise DomainError(_("Move a question up or down."))
    ordered = questions_of(_conference(question))
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()


def _conference(question: RegistrationQuestion) -> Conference:
    return db.session.get(Conference, question.conference_id)
