"""The organiser team page: who runs the conference, invite, change roles, remove.

Organisers change the team; viewers see it (read-only, enforced by
get_conference_or_404); check-in staff and everyone else get 404."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..conferences.forms import ConfirmForm, show_domain_error
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from . import bp
from .models import MEMBERSHIP_ROLE_LABELS, ConferenceMembership, MembershipRole
from .team import add_member, change_role, remove_member, team_of
from .team_forms import ROLE_EXPLANATIONS, InviteForm, RoleForm


def _membership_or_404(conference: Conference, membership_id: int) -> ConferenceMembership:
    membership = db.session.get(ConferenceMembership, membership_id)
    if membership is None or membership.conference_id != conference.id:
        abort(404)
    return membership


def _render_team(conference: Conference, form: InviteForm, status: int = 200):
    members = team_of(conference)
    role_forms = {m.id: RoleForm(formdata=None, role=m.role.value) for m in members}
    return render_template(
        "accounts/team.html",
        conference=conference,
        active="team",
        members=members,
        form=form,
        role_forms=role_forms,
        explanations=ROLE_EXPLANATIONS,
        role_labels=MEMBERSHIP_ROLE_LABELS,
        can_change=conference.can_manage(current_user),
    ), status


@bp.route("/manage/<slug>/team", methods=["GET", "POST"])
@login_required
def manage_team(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = InviteForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                membership = add_member(conference, form.email.data, MembershipRole(form.role.data),
                                        actor=current_user, language=current_language())
            except DomainError as error:
                db.session.rollback()
                show_domain_error(form, error)
            else:
                email = membership.user.email
                db.session.commit()
                flash(_("%(email)s was added to the team and told by e-mail how to sign in.", email=email),
                      "success")
                return redirect(url_for("accounts.manage_team", slug=slug), code=303)
        return _render_team(conference, form, 422)
    return _render_team(conference, form)


@bp.post("/manage/<slug>/team/<int:membership_id>/role")
@login_required
def manage_team_role(slug: str, membership_id: int):
    conference = get_conference_or_404(slug, manage=True)
    membership = _membership_or_404(conference, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            change_role(membership, MembershipRole(form.role.data), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            email = membership.user.email
            label = membership.role_label
            db.session.commit()
            flash(_("%(email)s is now: %(role)s.", email=email, role=label), "success")
            if not conference.can_manage(current_user):  # they gave up their own organiser role
                return redirect(url_for("conferences.home"), code=303)
            return redirect(url_for("accounts.manage_team", slug=slug), code=303)
    else:
        flash(_("Choose one of the options."), "error")
    return _render_team(conference, InviteForm(formdata=None), 422)


@bp.route("/manage/<slug>/team/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def manage_team_remove(slug: str, membership_id: int):
    conference = get_conference_or_404(slug, manage=True)
    membership = _membership_or_404(conference, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email = membership.user.email
        myself = membership.user_id == current_user.id
        try:
            remove_member(membership, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("%(email)s no longer has access to this conference.", email=email), "success")
            if myself:
                return redirect(url_for("conferences.home"), code=303)
            return redirect(url_for("accounts.manage_team", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accounts/team_remove.html", conference=conference, active="team", form=form,
        membership=membership, can_change=conference.can_manage(current_user),
    ), status
