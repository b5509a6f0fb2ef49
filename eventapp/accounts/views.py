from flask import current_app, flash, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..urls import safe_next
from . import bp
from .forms import LoginForm
from .services import authenticate


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not right."))
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at every sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
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
