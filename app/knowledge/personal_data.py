"""The knowledge capability's personal data, for the privacy registry."""

from flask_babel import lazy_gettext as _l

from app.privacy.declaration import PersonalData, Treatment

# Followers are no table of ours: they are consent records (privacy's "consents" entry).
PERSONAL_DATA: tuple[PersonalData, ...] = (
    PersonalData(
        "work_teams",
        {"lead_name": Treatment.KEPT_WHILE_USED, "lead_organisation": Treatment.KEPT_WHILE_USED},
        purpose=_l("de trekker van een werkteam op de pagina van het thema noemen"),
        legal_basis=_l("gerechtvaardigd belang (arbeidsrelatie)"),
        retention=_l("zolang iemand trekker is"),
        recipients=_l("iedereen"),
    ),
    PersonalData(
        "work_team_members",
        {
            "participant_id": Treatment.KEPT_WHILE_USED,
            "name": Treatment.KEPT_WHILE_USED,
            "role": Treatment.KEPT_WHILE_USED,
        },
        purpose=_l(
            "bijhouden wie in een werkteam zit en, alleen met hun toestemming, hen op de pagina"
            " van het werkteam noemen met naam, organisatie en rol"
        ),
        legal_basis=_l(
            "gerechtvaardigd belang (wie aan het werkteam meewerkt); op de website alleen met"
            " toestemming, die u altijd kunt intrekken"
        ),
        retention=_l("zolang iemand lid is; een organisator haalt leden uit het werkteam"),
        recipients=_l(
            "de organisatoren; iedereen ziet naam, organisatie en rol alleen met uw toestemming"
        ),
    ),
)
