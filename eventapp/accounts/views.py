from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter
from ..i18n import current_language
from ..urls import safe_next
from . import bp
from . import links
from .forms import EmailLinkForm, LoginForm, NewPasswordForm
from .models import LinkPurpose, User
from .services import authenticate


def _sign_in(user: User) -> None:
    """A fresh session at every sign-in (only the language choice survives)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


def _link_rate_limit() -> str:
    return current_app.config["ACCOUNT_LINK_RATE_LIMIT"]


def _email_rate_limit() -> str:
    return current_app.config["ACCOUNT_LINK_EMAIL_RATE_LIMIT"]


def _posted_email() -> str:
    return "email:" + request.form.get("email", "").strip().lower()[:254]


@bp.after_request
def _keep_links_private(response):
    """The link's secret is in the URL: never cached, never sent on as Referer."""
    if request.endpoint in ("accounts.link_sign_in", "accounts.reset_password"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_EMAIL_RATE_LIMIT"], methods=["POST"], key_func=_posted_email,
               deduct_when=lambda response: response.status_code != 303)  # failed attempts only
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not right."))
        else:
            _sign_in(user)
            flash(_("You are signed in."), "success")
            return redirect(safe_next(form.next.data), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(safe_next(None), code=303)


@bp.post("/language")
def set_language():
    # CSRF is checked globally; an unknown language is simply ignored.
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.get("/language/<lang>")
def switch_language(lang: str):
    """The header's language links. Only the visitor's own session changes
    (nothing in the database), so a link needs no CSRF token: public pages then
    carry no per-visitor token and can be served byte for byte from the cache."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(_link_rate_limit, methods=["POST"])
@limiter.limit(_email_rate_limit, methods=["POST"], key_func=_posted_email)
def link_request():
    """Ask for a sign-in link by e-mail (speakers, attendees; organisers too)."""
    form = EmailLinkForm()
    if form.validate_on_submit():
        links.request_sign_in_link(form.email.data, current_language())
        db.session.commit()
        return render_template("accounts/link_sent.html", email=form.email.data.strip().lower(),
                               reset=False)
    return render_template("accounts/link_request.html", form=form), 422 if form.errors else 200


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
def link_sign_in(token: str):
    """GET shows a button (so mail scanners that open links do not spend it); POST signs in."""
    if links.usable(token, LinkPurpose.SIGN_IN) is None:
        return render_template("accounts/link_invalid.html"), 410
    if request.method == "POST":  # CSRFProtect has checked the form's token
        user = links.use(token, LinkPurpose.SIGN_IN)
        if user is None:
            return render_template("accounts/link_invalid.html"), 410
        _sign_in(user)
        db.session.commit()
        flash(_("You are signed in."), "success")
        return redirect(url_for("portal.me"), code=303)
    return render_template("accounts/link_confirm.html")


@bp.route("/login/reset", methods=["GET", "POST"])
@limiter.limit(_link_rate_limit, methods=["POST"])
@limiter.limit(_email_rate_limit, methods=["POST"], key_func=_posted_email)
def reset_request():
    form = EmailLinkForm()
    if form.validate_on_submit():
        links.request_password_reset(form.email.data, current_language())
        db.session.commit()
        return render_template("accounts/link_sent.html", email=form.email.data.strip().lower(), reset=True)
    return render_template("accounts/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
def reset_password(token: str):
    if links.usable(token, LinkPurpose.PASSWORD_RESET) is None:
        return render_template("accounts/link_invalid.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = links.reset_password(token, form.password.data)
        except DomainError as error:
            db.session.rollback()
            if error.field == "password":
                form.password.errors.append(error.message)
            else:
                return render_template("accounts/link_invalid.html"), 410
        else:
            _sign_in(user)
            db.session.commit()
            flash(_("Your new password is saved, and you are signed in."), "success")
            return redirect(url_for("conferences.home"), code=303)
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200
