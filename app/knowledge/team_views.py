"""A theme's work team: its page (and the section on the theme page), Meedoen, and the link
in the mail that confirms a consent (following, or a member being named).

Meedoen answers the same whatever the address: "check your mail". What the address had
before changes only what the mail says, so the form tells nobody who follows what."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import render_form
from app.knowledge import team
from app.knowledge.team_forms import JoinForm
from app.knowledge.team_models import WorkTeam, WorkTeamMember
from app.links import external_url, personal_page
from app.privacy import consent
from app.programme import services as programme

bp = Blueprint("work_teams", __name__)


def _per_address_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _per_email_limit() -> str:
    return current_app.config["REGISTRATION_EMAIL_RATE_LIMIT"]


def _email_key() -> str:
    # One address may not be used to flood someone's inbox with confirmation mails.
    return "meedoen-email:" + request.form.get("email", "").strip().lower()


def _a_mail_went_out(_response) -> bool:
    # Only a post that mailed the address counts against it (see registration.views).
    return g.get("meedoen_mailed", False)


@dataclass
class TeamSection:
    team: WorkTeam | None
    members: list[WorkTeamMember]
    may_manage: bool


@bp.app_template_global()
def work_team_section(theme) -> TeamSection:
    """For knowledge/_work_team.html: the theme's team (None: it presents none), the members
    who may be named, and whether the visitor may manage it."""
    found = team.team_of(theme)
    members = team.shown_members(theme) if found is not None else []
    return TeamSection(found, members, team.may_manage(current_user, found))


@bp.route("/themas/<slug>/werkteam", endpoint="team")
def team_page(slug: str):
    presented = team.presented_team(slug)
    return render_template("knowledge/team/page.html", theme=presented.theme)


@bp.route("/themas/<slug>/meedoen", methods=["GET", "POST"])
@limiter.limit(_per_address_limit, methods=["POST"])
@limiter.limit(_per_email_limit, key_func=_email_key, deduct_when=_a_mail_went_out,
               methods=["POST"])  # fmt: skip
def join(slug: str):
    theme = team.presented_team(slug).theme
    form = JoinForm(theme=theme)
    if form.is_submitted() and form.website.data:
        raise DomainError(_("Uw aanmelding lijkt automatisch verstuurd en is niet verwerkt. Laat het laatste veld leeg en probeer het opnieuw."))  # fmt: skip
    if not form.validate_on_submit():
        return render_form("knowledge/team/join.html", form, theme=theme)
    team.join(theme, form.details(str(get_locale())))
    db.session.commit()
    g.meedoen_mailed = True
    session["meedoen_sent"] = {"slug": theme.slug, "email": form.email.data}
    return redirect(url_for(".join_sent", slug=theme.slug))


@bp.route("/themas/<slug>/meedoen/verstuurd")
def join_sent(slug: str):
    """The same page for every address: the mail says the rest."""
    theme = programme.theme_by_slug(slug)
    sent = session.pop("meedoen_sent", None)
    if not isinstance(sent, dict) or sent.get("slug") != slug:
        return redirect(url_for(".join", slug=slug))
    return render_template("knowledge/team/join_sent.html", theme=theme, email=sent.get("email"))


@bp.route("/meedoen/bevestigen/<token>", methods=["GET", "POST"])
@limiter.limit(_per_address_limit)
@personal_page
def confirm(token: str):
    """GET shows what the link confirms and a button; only the POST confirms, because mail
    scanners open the links in a mail. Then the thank-you page, with a way back out."""
    if request.method == "GET":
        asked = team.asked_by_link(token)
        return render_template("knowledge/team/confirm.html", asked=asked, token=token)
    confirmed = team.confirm(token)
    # The way out, made now (not on a GET a scanner might make): one link per consent.
    withdraw = [(held, external_url("consent.withdraw_by_link", token=consent.withdrawal_token(held)))
                for held in confirmed]  # fmt: skip
    db.session.commit()
    return render_template("knowledge/team/confirmed.html", withdraw=withdraw)
