"""Organiser pages for invitations: the RSVP dashboard (counts, list, CSV),
inviting one person, one invitation with its actions, and categories.

Every view: login_required, then get_conference_or_404(slug, manage=True),
then invitations and categories loaded within that conference (404 otherwise).
Writes go through invitations.services; a DomainError re-renders the page
with status 422 and nothing written.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..agenda.models import AgendaSession, RoleKind
from ..conferences.forms import show_domain_error
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..pagination import paginate, sort_choice
from . import bp
from .forms import ACCEPT, CategoryForm, DeadlineForm, InviteForm, RecordAnswerForm
from .models import (
    INVITATION_KIND_LABELS,
    Invitation,
    InvitationCategory,
    InvitationKind,
    InvitationStatus,
    ResponseChannel,
)
from .queries import (
    NO_CATEGORY,
    SORTS,
    STATE_LABELS,
    Filters,
    State,
    categories_of,
    dashboard,
    history,
    invitation_query,
    invitations_csv,
    messages_to,
    sessions_for_invitations,
    state_counts,
    state_of,
)
from .services import (
    DELEGATE_TARGET,
    LINK_STATE_LABELS,
    Invitee,
    create_category,
    default_respond_by,
    delete_category,
    extend_deadline,
    find_existing,
    invite_delegate,
    invite_speaker,
    link_state,
    remind_pending,
    resend,
    respond,
    revoke,
    session_target,
    update_category,
)

# --- loading, scoped to the conference ---------------------------------------------------


def _invitation_or_404(conference: Conference, invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.conference_id == conference.id)
        .options(selectinload(Invitation.category), selectinload(Invitation.person),
                 selectinload(Invitation.registration),
                 selectinload(Invitation.session).selectinload(AgendaSession.room))
    )
    if invitation is None:
        abort(404)
    return invitation


def _category_or_404(conference: Conference, category_id: int) -> InvitationCategory:
    category = db.session.get(InvitationCategory, category_id)
    if category is None or category.conference_id != conference.id:
        abort(404)
    return category


def _status() -> int:
    """A POST that renders a page failed: 422."""
    return 422 if request.method == "POST" else 200


# --- the RSVP dashboard ------------------------------------------------------------------


def _listing():
    filters = Filters.from_args(request.args)
    sort, descending, order = sort_choice(SORTS, "name")
    return filters, sort, descending, order


@bp.get("/manage/<slug>/invitations")
@login_required
def manage_list(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    now = utcnow()
    filters, sort, descending, order = _listing()
    categories = categories_of(conference)
    page = paginate(invitation_query(conference, filters, order, now))
    return render_template(
        "invitations/manage/list.html",
        conference=conference,
        active="invitations",
        page=page,
        dash=dashboard(conference, categories, now),
        categories=categories,
        filters=filters,
        sort=sort,
        descending=descending,
        states=list(State),
        state_labels=STATE_LABELS,
        kind_labels=INVITATION_KIND_LABELS,
        no_category=NO_CATEGORY,
        export_url=url_for("invitations.manage_export", slug=slug, **filters.args(),
                           **({"sort": request.args["sort"]} if request.args.get("sort") else {})),
        state_of=lambda invitation: state_of(invitation, now),
    )


@bp.get("/manage/<slug>/invitations.csv")
@login_required
def manage_export(slug: str):
    """Every invitation that matches the dashboard's current filters, in its order."""
    conference = get_conference_or_404(slug, manage=True)
    now = utcnow()
    filters, _sort, _descending, order = _listing()
    categories_of(conference)  # held by the session, so each invitation's category needs no query
    invitations = db.session.scalars(invitation_query(conference, filters, order, now)).all()
    response = Response(invitations_csv(conference, invitations, now), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename=f"{conference.slug}-invitations.csv")
    # Personal data: never kept by shared caches or the browser's disk cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/manage/<slug>/invitations/remind")
@login_required
def manage_remind(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    count = remind_pending(conference, actor=current_user)
    db.session.commit()
    if count:
        flash(ngettext("%(num)d reminder is queued for sending.",
                       "%(num)d reminders are queued for sending.", count), "success")
    else:
        flash(_("Nobody needed a reminder: everyone has answered, their deadline has passed, "
                "or they had a message in the last two days."), "success")
    return redirect(url_for("invitations.manage_list", slug=slug), code=303)


# --- inviting one person -------------------------------------------------------------------


def _kind_arg() -> InvitationKind:
    return InvitationKind.SPEAKER if request.args.get("kind") == InvitationKind.SPEAKER.value \
        else InvitationKind.DELEGATE


@bp.route("/manage/<slug>/invitations/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    kind = _kind_arg()
    categories = categories_of(conference)
    sessions = sessions_for_invitations(conference) if kind is InvitationKind.SPEAKER else []
    form = InviteForm().setup(kind, categories, sessions, conference)
    speaker = kind is InvitationKind.SPEAKER
    if request.method == "GET":
        form.fill_deadline(default_respond_by(conference), conference)
        wanted = request.args.get("session", "")
        if speaker and wanted.isdigit() and any(s.id == int(wanted) for s in sessions):
            form.session.data = int(wanted)
    if form.validate_on_submit():
        category = next((c for c in categories if c.id == form.category.data), None)
        session = next((s for s in sessions if s.id == form.session.data), None) if speaker else None
        invitee = Invitee(**form.invitee_fields())
        target = session_target(session) if speaker else DELEGATE_TARGET
        before = find_existing(conference, invitee.email, target)
        renewed = before is not None and before.status is InvitationStatus.REVOKED
        common = {"respond_by": form.deadline(conference), "message": form.message.data or "",
                  "category": category, "actor": current_user}
        try:
            if speaker:
                invitation, created = invite_speaker(conference, session, RoleKind(form.role.data),
                                                     invitee, **common)
            else:
                invitation, created = invite_delegate(conference, invitee,
                                                      reserved_seat=bool(form.reserved_seat.data), **common)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            invitation_id, name = invitation.id, invitation.display_name
            db.session.commit()
            if created or renewed:
                flash(_("The invitation to %(name)s is queued for sending.", name=name), "success")
            else:
                flash(_("%(name)s was already invited to this. Here is that invitation; nothing new "
                        "was sent.", name=name), "error")
            return redirect(url_for("invitations.manage_show", slug=slug, invitation_id=invitation_id),
                            code=303)
    return render_template(
        "invitations/manage/new.html", conference=conference, active="invitations",
        form=form, kind=kind, sessions=sessions, categories=categories,
    ), _status()


# --- one invitation --------------------------------------------------------------------------


def _render_show(conference: Conference, invitation: Invitation, *, status: int = 200,
                 deadline_form: DeadlineForm | None = None,
                 record_form: RecordAnswerForm | None = None,
                 errors: list[str] | None = None):
    if deadline_form is None:
        deadline_form = DeadlineForm(formdata=None)
        deadline_form.fill_deadline(invitation.respond_by, conference)
    now = utcnow()
    return render_template(
        "invitations/manage/show.html",
        conference=conference,
        active="invitations",
        invitation=invitation,
        state=state_of(invitation, now),
        state_labels=STATE_LABELS,
        link_state=link_state(invitation, now),
        link_state_labels=LINK_STATE_LABELS,
        history=history(invitation),
        messages=messages_to(invitation),
        deadline_form=deadline_form,
        record_form=record_form or RecordAnswerForm(formdata=None),
        errors=errors or [],
    ), status


def _back_to(conference: Conference, invitation_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("invitations.manage_show", slug=conference.slug,
                            invitation_id=invitation_id), code=303)


@bp.get("/manage/<slug>/invitations/<int:invitation_id>")
@login_required
def manage_show(slug: str, invitation_id: int):
    conference = get_conference_or_404(slug, manage=True)
    return _render_show(conference, _invitation_or_404(conference, invitation_id))


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/resend")
@login_required
def manage_resend(slug: str, invitation_id: int):
    conference = get_conference_or_404(slug, manage=True)
    invitation = _invitation_or_404(conference, invitation_id)
    try:
        resend(invitation, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _render_show(conference, invitation, status=422, errors=[error.message])
    return _back_to(conference, invitation_id,
                    _("The invitation is queued for sending to %(email)s again, with a new link.",
                      email=invitation.email))


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def manage_revoke(slug: str, invitation_id: int):
    conference = get_conference_or_404(slug, manage=True)
    invitation = _invitation_or_404(conference, invitation_id)
    if invitation.status is InvitationStatus.REVOKED:
        flash(_("This invitation was already withdrawn."), "success")
        return redirect(url_for("invitations.manage_show", slug=slug, invitation_id=invitation_id), code=303)
    revoke(invitation, actor=current_user)
    return _back_to(conference, invitation_id,
                    _("The invitation of %(name)s is withdrawn; its links no longer work.",
                      name=invitation.display_name))


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/record")
@login_required
def manage_record(slug: str, invitation_id: int):
    conference = get_conference_or_404(slug, manage=True)
    invitation = _invitation_or_404(conference, invitation_id)
    form = RecordAnswerForm()
    if form.validate_on_submit():
        accept = form.answer.data == ACCEPT
        try:
            changed = respond(invitation, accept, note=form.note.data or "",
                              channel=ResponseChannel.ORGANISER, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.answer.errors = [*form.answer.errors, error.message]
        else:
            name = invitation.display_name
            if not changed:
                message = _("%(name)s's answer was already recorded; the note is updated.", name=name)
            elif accept:
                message = _("Recorded: %(name)s accepted.", name=name)
            else:
                message = _("Recorded: %(name)s declined.", name=name)
            return _back_to(conference, invitation_id, message)
    return _render_show(conference, invitation, status=422, record_form=form)


@bp.post("/manage/<slug>/invitations/<int:invitation_id>/deadline")
@login_required
def manage_deadline(slug: str, invitation_id: int):
    conference = get_conference_or_404(slug, manage=True)
    invitation = _invitation_or_404(conference, invitation_id)
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            extend_deadline(invitation, form.deadline(conference), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _back_to(conference, invitation_id,
                            _("The answer deadline of %(name)s is changed.", name=invitation.display_name))
    return _render_show(conference, invitation, status=422, deadline_form=form)


# --- categories ------------------------------------------------------------------------------


def _render_categories(conference: Conference, *, add_form: CategoryForm | None = None,
                       failed: tuple[int, CategoryForm] | None = None, status: int = 200):
    categories = categories_of(conference)
    _overall, counts = state_counts(conference)
    edit_forms = {category.id: CategoryForm(formdata=None, obj=category) for category in categories}
    if failed is not None:
        edit_forms[failed[0]] = failed[1]
    return render_template(
        "invitations/manage/categories.html",
        conference=conference,
        active="invitations",
        categories=categories,
        counts=counts,
        add_form=add_form or CategoryForm(formdata=None),
        edit_forms=edit_forms,
        failed_id=failed[0] if failed else None,
    ), status


@bp.route("/manage/<slug>/invitations/categories", methods=["GET", "POST"])
@login_required
def manage_categories(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = create_category(conference, form.name.data, form.quota.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            name = category.name
            db.session.commit()
            flash(_("Category “%(name)s” added.", name=name), "success")
            return redirect(url_for("invitations.manage_categories", slug=slug), code=303)
    return _render_categories(conference, add_form=form, status=_status())


@bp.post("/manage/<slug>/invitations/categories/<int:category_id>")
@login_required
def manage_category_edit(slug: str, category_id: int):
    conference = get_conference_or_404(slug, manage=True)
    category = _category_or_404(conference, category_id)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            update_category(category, form.name.data, form.quota.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            name = category.name
            db.session.commit()
            flash(_("Category “%(name)s” saved.", name=name), "success")
            return redirect(url_for("invitations.manage_categories", slug=slug), code=303)
    return _render_categories(conference, failed=(category_id, form), status=422)


@bp.post("/manage/<slug>/invitations/categories/<int:category_id>/delete")
@login_required
def manage_category_delete(slug: str, category_id: int):
    conference = get_conference_or_404(slug, manage=True)
    category = _category_or_404(conference, category_id)
    name = category.name
    delete_category(category, actor=current_user)
    db.session.commit()
    flash(_("Category “%(name)s” deleted. Its invitations stay, without a category.", name=name), "success")
    return redirect(url_for("invitations.manage_categories", slug=slug), code=303)
