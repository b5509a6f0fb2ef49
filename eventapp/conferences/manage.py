"""Organiser views for the conference itself: overview, details, venues and
rooms, sub-themes. Every view: login_required, then get_conference_or_404(slug, manage=True)."""
from flask import render_template
from flask_login import login_required

from ..agenda.conflicts import find_conflicts, load_sessions
from ..agenda.releases import draft_status
from . import bp
from .services import get_conference_or_404


@bp.get("/manage/<slug>/")
@login_required
def manage_dashboard(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    sessions = load_sessions(conference)
    return render_template(
        "conferences/manage/dashboard.html",
        conference=conference,
        active="dashboard",
        sessions=sessions,
        scheduled=sum(1 for s in sessions if s.starts_at is not None),
        report=find_conflicts(conference, sessions),
        status=draft_status(conference, sessions),
    )


# --- setup pages: details, venues and rooms, sub-themes --------------------------
# Imports sit here so the dashboard above stays as it was.
from flask import abort, flash, redirect, request, url_for  # noqa: E402
from flask_babel import gettext as _  # noqa: E402
from flask_login import current_user  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402
from wtforms.fields.choices import SelectChoice  # noqa: E402

from ..errors import DomainError  # noqa: E402
from ..extensions import db  # noqa: E402
from .forms import (  # noqa: E402
    LEAVE,
    MOVE,
    ConferenceDetailsForm,
    ConfirmForm,
    RoomDeleteForm,
    RoomForm,
    SubThemeDeleteForm,
    SubThemeForm,
    VenueForm,
    show_domain_error,
)
from .models import Conference, Room, SubTheme, Venue  # noqa: E402
from .services import (  # noqa: E402
    add_room,
    add_sub_theme,
    add_venue,
    delete_room,
    delete_sub_theme,
    delete_venue,
    session_counts_by_room,
    session_counts_by_sub_theme,
    sessions_in_rooms,
    sessions_with_sub_theme,
    update_conference,
    update_room,
    update_sub_theme,
    update_venue,
)


def _venue_or_404(conference: Conference, venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.conference_id != conference.id:
        abort(404)
    return venue


def _room_or_404(conference: Conference, room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or room.venue.conference_id != conference.id:
        abort(404)
    return room


def _sub_theme_or_404(conference: Conference, sub_theme_id: int) -> SubTheme:
    theme = db.session.get(SubTheme, sub_theme_id)
    if theme is None or theme.conference_id != conference.id:
        abort(404)
    return theme


def _render(template: str, conference: Conference, active: str, **context):
    """A page of the setup area; a POST that gets here failed, hence 422."""
    status = 422 if request.method == "POST" else 200
    return render_template(template, conference=conference, active=active, **context), status


def _saved(message: str, endpoint: str, **values):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)


@bp.route("/manage/<slug>/details", methods=["GET", "POST"])
@login_required
def manage_details(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = ConferenceDetailsForm(obj=conference)
    if form.validate_on_submit():
        try:
            update_conference(conference, actor=current_user, **form.changes())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("The conference details are saved."),
                          "conferences.manage_details", slug=slug)
    return _render("conferences/manage/details.html", conference, "details", form=form)


# --- venues and rooms ---------------------------------------------------------------


@bp.get("/manage/<slug>/venues")
@login_required
def manage_venues(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    venues = list(
        db.session.scalars(
            select(Venue)
            .where(Venue.conference_id == conference.id)
            .options(selectinload(Venue.rooms))
            .order_by(Venue.id)
        )
    )
    return _render(
        "conferences/manage/venues.html", conference, "venues",
        venues=venues, session_counts=session_counts_by_room(conference),
    )


@bp.route("/manage/<slug>/venues/new", methods=["GET", "POST"])
@login_required
def manage_venue_new(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = VenueForm()
    if form.validate_on_submit():
        try:
            venue = add_venue(conference, form.name.data, actor=current_user,
                              address=form.address.data or "", city=form.city.data or "")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash_name = venue.name
            return _saved(_("Venue “%(name)s” added.", name=flash_name),
                          "conferences.manage_venues", slug=slug)
    return _render("conferences/manage/venue_form.html", conference, "venues", form=form, venue=None)


@bp.route("/manage/<slug>/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@login_required
def manage_venue_edit(slug: str, venue_id: int):
    conference = get_conference_or_404(slug, manage=True)
    venue = _venue_or_404(conference, venue_id)
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        try:
            update_venue(venue, actor=current_user, name=form.name.data,
                         address=form.address.data or "", city=form.city.data or "")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Venue “%(name)s” saved.", name=form.name.data),
                          "conferences.manage_venues", slug=slug)
    return _render("conferences/manage/venue_form.html", conference, "venues", form=form, venue=venue)


@bp.route("/manage/<slug>/venues/<int:venue_id>/delete", methods=["GET", "POST"])
@login_required
def manage_venue_delete(slug: str, venue_id: int):
    conference = get_conference_or_404(slug, manage=True)
    venue = _venue_or_404(conference, venue_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = venue.name
        try:
            delete_venue(venue, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Venue “%(name)s” deleted.", name=name),
                          "conferences.manage_venues", slug=slug)
    return _render(
        "conferences/manage/venue_delete.html", conference, "venues", form=form, venue=venue,
        used=sessions_in_rooms([room.id for room in venue.rooms]),
    )


@bp.route("/manage/<slug>/venues/<int:venue_id>/rooms/new", methods=["GET", "POST"])
@login_required
def manage_room_new(slug: str, venue_id: int):
    conference = get_conference_or_404(slug, manage=True)
    venue = _venue_or_404(conference, venue_id)
    form = RoomForm()
    if form.validate_on_submit():
        fields = form.changes()
        try:
            room = add_room(venue, fields.pop("name"), fields.pop("capacity"),
                            actor=current_user, **fields)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Room “%(name)s” added.", name=room.name),
                          "conferences.manage_venues", slug=slug)
    return _render("conferences/manage/room_form.html", conference, "venues",
                   form=form, venue=venue, room=None)


@bp.route("/manage/<slug>/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def manage_room_edit(slug: str, room_id: int):
    conference = get_conference_or_404(slug, manage=True)
    room = _room_or_404(conference, room_id)
    venue = room.venue
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            update_room(room, actor=current_user, **form.changes())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Room “%(name)s” saved.", name=form.name.data),
                          "conferences.manage_venues", slug=slug)
    return _render("conferences/manage/room_form.html", conference, "venues",
                   form=form, venue=venue, room=room)


def _other_rooms(conference: Conference, room: Room) -> list[Room]:
    return list(
        db.session.scalars(
            select(Room)
            .join(Venue)
            .where(Venue.conference_id == conference.id, Room.id != room.id)
            .options(selectinload(Room.venue))
            .order_by(Venue.id, Room.position, Room.id)
        )
    )


@bp.route("/manage/<slug>/rooms/<int:room_id>/delete", methods=["GET", "POST"])
@login_required
def manage_room_delete(slug: str, room_id: int):
    conference = get_conference_or_404(slug, manage=True)
    room = _room_or_404(conference, room_id)
    others = _other_rooms(conference, room)
    form = RoomDeleteForm()
    form.move_to.choices = [
        SelectChoice(str(other.id), other.name, optgroup=other.venue.name) for other in others
    ]
    if not others:  # nowhere to move them: leaving them without a room is the only choice
        form.sessions.choices = [c for c in form.sessions.choices if c.value == LEAVE]
    if form.validate_on_submit():
        name = room.name
        target = next((o for o in others if o.id == form.move_to.data), None)
        try:
            if form.sessions.data == MOVE and target is None:
                raise DomainError(_("Choose another room of this conference."), "move_to")
            delete_room(
                room, actor=current_user,
                move_to=target if form.sessions.data == MOVE else None,
                leave_without_room=form.sessions.data == LEAVE,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Room “%(name)s” deleted.", name=name),
                          "conferences.manage_venues", slug=slug)
    return _render("conferences/manage/room_delete.html", conference, "venues",
                   form=form, room=room, used=sessions_in_rooms([room.id]), others=others)


# --- sub-themes ------------------------------------------------------------------


@bp.get("/manage/<slug>/sub-themes")
@login_required
def manage_sub_themes(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    themes = list(
        db.session.scalars(
            select(SubTheme)
            .where(SubTheme.conference_id == conference.id)
            .order_by(SubTheme.position, SubTheme.id)
        )
    )
    return _render("conferences/manage/sub_themes.html", conference, "sub_themes",
                   sub_themes=themes, session_counts=session_counts_by_sub_theme(conference))


@bp.route("/manage/<slug>/sub-themes/new", methods=["GET", "POST"])
@login_required
def manage_sub_theme_new(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = SubThemeForm()
    if form.validate_on_submit():
        try:
            theme = add_sub_theme(conference, form.code.data, form.title_id.data or "",
                                  form.title_en.data or "", form.colour.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Sub-theme %(code)s added.", code=theme.code),
                          "conferences.manage_sub_themes", slug=slug)
    return _render("conferences/manage/sub_theme_form.html", conference, "sub_themes",
                   form=form, sub_theme=None)


@bp.route("/manage/<slug>/sub-themes/<int:sub_theme_id>/edit", methods=["GET", "POST"])
@login_required
def manage_sub_theme_edit(slug: str, sub_theme_id: int):
    conference = get_conference_or_404(slug, manage=True)
    theme = _sub_theme_or_404(conference, sub_theme_id)
    form = SubThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            update_sub_theme(theme, actor=current_user, code=form.code.data,
                             title_id=form.title_id.data or "", title_en=form.title_en.data or "",
                             colour=form.colour.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Sub-theme %(code)s saved.", code=form.code.data),
                          "conferences.manage_sub_themes", slug=slug)
    return _render("conferences/manage/sub_theme_form.html", conference, "sub_themes",
                   form=form, sub_theme=theme)


@bp.route("/manage/<slug>/sub-themes/<int:sub_theme_id>/delete", methods=["GET", "POST"])
@login_required
def manage_sub_theme_delete(slug: str, sub_theme_id: int):
    conference = get_conference_or_404(slug, manage=True)
    theme = _sub_theme_or_404(conference, sub_theme_id)
    others = [t for t in conference.sub_themes if t.id != theme.id]
    form = SubThemeDeleteForm()
    form.reassign_to.choices = [
        SelectChoice(str(t.id), f"{t.code} · {t.local('title')}") for t in others
    ]
    if not others:
        form.sessions.choices = [c for c in form.sessions.choices if c.value == LEAVE]
    if form.validate_on_submit():
        code = theme.code
        target = next((t for t in others if t.id == form.reassign_to.data), None)
        try:
            if form.sessions.data == MOVE and target is None:
                raise DomainError(_("Choose another sub-theme of this conference."), "reassign_to")
            delete_sub_theme(
                theme, actor=current_user,
                reassign_to=target if form.sessions.data == MOVE else None,
                leave_without=form.sessions.data == LEAVE,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            return _saved(_("Sub-theme %(code)s deleted.", code=code),
                          "conferences.manage_sub_themes", slug=slug)
    return _render("conferences/manage/sub_theme_delete.html", conference, "sub_themes",
                   form=form, sub_theme=theme, used=sessions_with_sub_theme(theme), others=others)
