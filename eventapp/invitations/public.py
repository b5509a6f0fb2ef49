"""The invitee's page, reached by the personal link (no account needed).

GET shows the invitation and the current answer; POST accepts or declines
(services.respond) and comes back to the same page. The link's secret is in
the URL, so these responses are never cached, never indexed and send no
Referer; and the endpoint is rate-limited so tokens cannot be guessed by
brute force (they are 256-bit anyway). Unknown tokens get the plain 404 page.
"""
from __future__ import annotations

from contextlib import nullcontext

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..agenda.models import RoleKind
from ..errors import DomainError
from ..extensions import db, limiter
from ..registration.models import RegistrationStatus
from . import bp
from .models import Invitation, InvitationStatus, ResponseChannel
from .public_forms import NOTE_MAX, AnswerForm
from .services import LinkState, find_by_token, link_state
from .services import respond as record_answer

ENDPOINT = "invitations.respond"


def _token_rate_limit() -> str:
    return current_app.config["TOKEN_RATE_LIMIT"]


@bp.after_request
def _keep_the_token_private(response):
    """Every response on a personal link (including its 404, 410 and 429 pages)."""
    if request.endpoint == ENDPOINT:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.limit(_token_rate_limit)
def respond(token: str):
    invitation = find_by_token(token)
    if invitation is None:
        abort(404)
    # The invitation's language, unless the visitor chose one with the switch.
    language = nullcontext() if "lang" in session else force_locale(invitation.language)
    with language:
        return _answer_page(invitation, token)


def _answer_page(invitation: Invitation, token: str):
    state = link_state(invitation)
    if state is not LinkState.OPEN:
        # Withdrawn, or the deadline passed: a POST writes nothing either.
        return render_template(
            "invitations/public/closed.html", invitation=invitation, state=state.value,
            conference=invitation.conference,
        ), 410
    form = AnswerForm(note=invitation.response_note)  # changing the answer keeps the message unless edited
    if form.validate_on_submit():
        try:
            changed = record_answer(invitation, form.accepts, note=form.note.data or "",
                                    channel=ResponseChannel.LINK)
        except DomainError as error:
            db.session.rollback()
            form.answer.errors = [*form.answer.errors, error.message]  # next to the buttons
        else:
            message = _answer_message(invitation, changed)
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(ENDPOINT, token=token), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("invitations/public/respond.html", **_page_context(invitation, form)), status


def _answer_message(invitation: Invitation, changed: bool) -> str:
    if not changed:
        return _("Your answer had already been recorded; nothing else changed.")
    if invitation.status is InvitationStatus.DECLINED:
        return _("Your answer is recorded: you decline the invitation. Thank you for letting us know.")
    registration = invitation.registration
    if registration is not None and registration.status is RegistrationStatus.WAITING:
        return _("Thank you for accepting. The conference is full at the moment: you are on the "
                 "waiting list, and we will write to you when a seat becomes free.")
    return _("Thank you: your acceptance is recorded. A confirmation is on its way by e-mail.")


def _page_context(invitation: Invitation, form: AnswerForm) -> dict:
    session_ = invitation.session
    others, moderators = [], []
    if session_ is not None:
        for role in session_.roles:
            # Confirmed people only: other invitees' names are not shared before they accept.
            if role.person_id == invitation.person_id or not role.is_confirmed:
                continue
            if role.role is RoleKind.MODERATOR:
                moderators.append(role)
            elif role.role in (RoleKind.SPEAKER, RoleKind.KEYNOTE):
                others.append(role)
    registration = invitation.registration
    return {
        "invitation": invitation,
        "conference": invitation.conference,
        "session": session_,
        "other_speakers": others,
        "moderators": moderators,
        "form": form,
        "note_max": NOTE_MAX,
        "answered": invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED),
        "waiting": (invitation.status is InvitationStatus.ACCEPTED and registration is not None
                    and registration.status is RegistrationStatus.WAITING),
    }
