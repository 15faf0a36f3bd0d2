"""What pages say, in many languages: a domain for sale, expired or parked; a host's
placeholder; a site that is gone from its platform; a video removed, private or gated.

Each table maps a language (or a kind of wording) to one lower-case pattern, searched in
lower-cased titles, headings and, on short pages, visible text, with typographic quotes
folded to "'" (see `curator.check.view`). `curator.check.signatures` turns them into
signatures. Patterns speak of *the domain* or *the video*, not of sales or errors in
general, so that real pages about other things never match.
"""

from __future__ import annotations

_DOMAIN_LIKE = r"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"
"""A domain name written out ("example.org.uk")."""

FOR_SALE_NAMED: dict[str, str] = {
    "en": r"^\W*(?:www\.)?" + _DOMAIN_LIKE + r" (?:is|may be|might be) (?:still )?(?:for sale"
    r"|available)\b|\bthe domain(?: name)? " + _DOMAIN_LIKE + r" is for sale\b"
    r"|\bthis domain(?: name)? (?:is|may be|might be) for sale\b",
}
"""A title or heading naming a domain for sale: specific enough on a page of any length."""

FOR_SALE: dict[str, str] = {
    "en": r"\b(?:this|the) domain(?: name)?(?: " + _DOMAIN_LIKE + r")? (?:is|may be|might be)"
    r" (?:for sale|available for (?:purchase|sale))\b"
    r"|\b(?:buy|purchase|get|acquire) this domain(?: name)?\b"
    r"|\bmake (?:an|a) offer (?:on|for) this domain\b|\b(?:inquire|enquire) about this domain\b"
    r"|\bdomain(?: name)? (?:is )?for sale\b|\bpremium domain(?: name)?\b"
    r"|^\s*" + _DOMAIN_LIKE + r" (?:is|may be) for sale\b"
    r"|\bthe domain(?: name)? " + _DOMAIN_LIKE + r" is for sale\b"
    r"|\bthis domain(?: name)? is available\b|\bthis domain could be yours\b"
    r"|\b(?:own|interested in(?: buying)?) this domain\b",
    "de": r"\bdiese domain (?:steht zum verkauf|ist zu verkaufen|kaufen|kann (?:erworben|gekauft)"
    r" werden)\b|\bdomain (?:kaufen|zu verkaufen|steht zum verkauf)\b",
    "fr": r"\bce (?:nom de )?domaine (?:est|peut [êe]tre) (?:à|a) vendre\b"
    r"|\bacheter ce (?:nom de )?domaine\b|\bdomaine (?:à|a) vendre\b",
    "es": r"\beste dominio (?:est[áa] (?:en|a la) venta|se vende|puede estar a la venta)\b"
    r"|\bcomprar este dominio\b|\bdominio en venta\b",
    "it": r"\bquesto dominio (?:[èe] in vendita|potrebbe essere in vendita)\b"
    r"|\bacquista questo dominio\b|\bdominio in vendita\b",
    "nl": r"\b(?:dit domein|deze domeinnaam) is te koop\b|\bkoop dit domein\b"
    r"|\bdomein(?:naam)? te koop\b",
    "pt": r"\beste dom[íi]nio (?:est[áa] [àa] venda|pode estar [àa] venda)\b"
    r"|\bcompre este dom[íi]nio\b|\bdom[íi]nio [àa] venda\b",
    "pl": r"\bta domena jest na sprzeda[żz]\b|\bdomena na sprzeda[żz]\b|\bkup t[ęe] domen[ęe]\b",
    "nordic": r"\b(?:denna domän är till salu|dette domæne er til salg|dette domenet er til salgs"
    r"|tämä verkkotunnus on myynnissä)\b",
    "tr": r"\bbu alan ad[ıi] sat[ıi]l[ıi]kt[ıi]r\b|\bsat[ıi]l[ıi]k alan ad[ıi]\b",
    "ru": r"этот домен продается|домен продается|продается домен",
    "cs": r"\btato doména je na prodej\b|\bdoména je na prodej\b",
    "ja": r"このドメインは(?:販売中|売り出し中|売却)",
    "zh": r"(?:该|此|这个)域名(?:正在)?(?:出售|转让)",
    "id": r"\bdomain ini dijual\b",
}
"""The domain is for sale: a broker's or registrar's for-sale page."""

EXPIRED: dict[str, str] = {
    "en": r"\b(?:this|the) domain(?: name)?(?: " + _DOMAIN_LIKE + r")? (?:has )?expired\b"
    r"|\bdomain(?: name)? (?:registration )?(?:has )?expired\b|\bexpired domain\b"
    r"|\b(?:registration|domain) (?:is )?pending (?:renewal|deletion)\b"
    r"|\brenew (?:this|your) domain\b|\bthis domain (?:registration )?expired on\b"
    r"|\b(?:web ?site|site|subscription) (?:has )?expired\b",
    "de": r"\b(?:diese )?domain ist abgelaufen\b|\bdomain abgelaufen\b",
    "fr": r"\b(?:ce )?(?:nom de )?domaine (?:a )?expir[ée]\b",
    "es": r"\b(?:este )?dominio (?:ha )?(?:expirado|caducado)\b",
    "it": r"\b(?:questo )?dominio (?:[èe] )?scaduto\b",
    "nl": r"\b(?:dit )?domein(?:naam)? is verlopen\b",
    "pt": r"\b(?:este )?dom[íi]nio (?:expirou|expirado)\b",
    "pl": r"\bdomena wygas[łl]a\b",
}
"""The domain's registration has lapsed: a registrar's expiry page."""

PARKED: dict[str, str] = {
    "en": r"\bthis domain(?: name)? (?:has been|is|was) (?:just |recently |successfully )?"
    r"(?:registered|parked|reserved|purchased)\b|^\W*parked (?:at|by|with|on)\b"
    r"|\bparked (?:free|domain)\b|\bdomain parking\b|\bthis (?:web ?)?page is parked\b"
    r"|\b(?:domain|website) (?:is )?parked (?:by|at|with|on)\b|\bparked courtesy of\b"
    r"|\bthis domain (?:has )?(?:just|recently) been registered\b",
    "de": r"\bdiese domain (?:ist|wurde) (?:soeben |gerade |bereits |erfolgreich )?"
    r"(?:geparkt|reserviert|registriert)\b|\bdomain geparkt\b|\bdomain nicht aktiv\b",
    "fr": r"\b(?:ce|votre) (?:nom de )?domaine (?:est|a [ée]t[ée]) (?:bien )?(?:parqu[ée]"
    r"|park[ée]|r[ée]serv[ée]|enregistr[ée])\b",
    "es": r"\beste dominio (?:est[áa]|ha sido) (?:aparcado|estacionado|parqueado|reservado"
    r"|registrado)\b",
    "it": r"\bquesto dominio [èe] (?:parcheggiato|riservato|stato registrato)\b",
    "nl": r"\b(?:dit domein|deze domeinnaam) is (?:geparkeerd|gereserveerd|geregistreerd)\b",
    "pt": r"\beste dom[íi]nio (?:est[áa] estacionado|foi registrado|est[áa] reservado)\b",
}
"""The domain is parked: registered and left showing the parking service's page."""

PLACEHOLDER: dict[str, str] = {
    "en": r"\bfuture home of\b|\b(?:domain|server) default page\b|\byou found your name\b"
    r"|\bdefault web ?site page\b|\bthis (?:web ?)?site is (?:coming soon|under construction)\b"
    r"|^\W*(?:welcome to nginx|apache2? (?:\w+ )?default page|it works!?\W*$"
    r"|test page for the (?:apache|nginx)|iis windows server)"
    r"|\bwebsite coming soon\b|\bcoming soon: " + _DOMAIN_LIKE + r"\b"
    r"|\bif you(?:'re| are) the (?:site|domain|website) owner,? (?:log ?in|sign in|login)"
    r" to launch\b",
    "de": r"\bhier entsteht (?:eine neue|in k[üu]rze eine) (?:website|internetpr[äa]senz)\b"
    r"|\bdiese website (?:wird gerade erstellt|hat noch keinen inhalt)\b",
    "fr": r"\bsite en construction\b|\bce site est en cours de construction\b",
    "es": r"\bsitio (?:web )?en construcci[óo]n\b|\bpr[óo]ximamente nuevo sitio web\b",
}
"""A registrar's or host's placeholder: the domain has no site of its own any more."""

SITE_GONE = (
    r"\bthere isn't a github pages site here\b|\bno such app\b|\bno site for (?:this )?domain\b"
    r"|\bthe site you(?:'re| are) looking for (?:is not|isn't|can't be|cannot be) (?:here|found)\b"
    r"|\bsorry, this shop is (?:currently )?unavailable\b"
    r"|\bdoesn't currently exist at this address\b|\bdeployment_not_found\b"
    r"|\bisn't connected to a website\b|\bis not connected to a website\b"
    r"|\bdomain is not configured\b|\bunknown domain\b|\bproject not found\b"
    r"|\bweb ?site not found\b|\bsite not found\b|\bunknown site\b|\bhelp center closed\b"
    r"|\bthis (?:account|website|site|blog) has been (?:suspended|deactivated|disabled"
    r"|deleted|removed|archived)\b|\baccount (?:has been )?suspended\b"
    r"|\bplease renew your subscription\b|\bthe feed has not been found\b"
    r"|\bthis (?:site|blog|page) is no longer available\b"
)
"""A hosting platform's page for a site that is no longer there."""

MEDIA_GONE: dict[str, str] = {
    "en": r"\bvideo (?:is )?(?:unavailable|not available|no longer available|removed|deleted"
    r"|not found)\b|\bthis (?:video|content|episode|programme|program) (?:is|has been|was) "
    r"(?:no longer available|not available|unavailable|removed|deleted|taken down)\b"
    r"|\bthis video (?:isn't|is not|has not been) available(?: any ?more)?\b"
    r"|\bthis video (?:does not|doesn't) exist\b|\bvideo (?:does not|doesn't) exist\b"
    r"|\bthe video you (?:are looking for|requested|tried to watch).{0,40}(?:removed|deleted"
    r"|does not exist|doesn't exist|not available|cannot be found)\b"
    r"|\bthis video has been removed (?:by|for|due to|because)\b"
    r"|\bthis (?:programme|program) is not currently available\b",
    "de": r"\bdieses video ist (?:nicht (?:mehr )?verf[üu]gbar|nicht mehr vorhanden)\b"
    r"|\bvideo nicht verf[üu]gbar\b|\bvideo wurde entfernt\b",
    "fr": r"\bcette vid[ée]o (?:n'est (?:plus )?disponible|a [ée]t[ée] supprim[ée]e)\b"
    r"|\bvid[ée]o (?:non disponible|indisponible)\b",
    "es": r"\beste v[íi]deo (?:ya )?no est[áa] disponible\b|\bv[íi]deo no disponible\b"
    r"|\beste v[íi]deo ha sido eliminado\b",
    "it": r"\bquesto video non [èe] (?:pi[ùu] )?disponibile\b|\bvideo non disponibile\b",
    "nl": r"\bdeze video is niet (?:meer )?beschikbaar\b|\bvideo niet beschikbaar\b",
    "pt": r"\beste v[íi]deo n[ãa]o est[áa] (?:mais )?dispon[íi]vel\b"
    r"|\bv[íi]deo indispon[íi]vel\b",
}
"""The video page says its video is gone."""

MEDIA_PRIVATE: dict[str, str] = {
    "en": r"\bthis (?:video|content) is private\b|^\s*private video\b|\bvideo is private\b"
    r"|\bthis video is password[- ]protected\b",
    "de": r"\bdieses video ist privat\b|^\s*privates video\b",
    "fr": r"\bcette vid[ée]o est priv[ée]e\b|^\s*vid[ée]o priv[ée]e\b",
    "es": r"\beste v[íi]deo es privado\b|^\s*v[íi]deo privado\b",
}
"""The video page says its video is private."""

MEDIA_GATED: dict[str, str] = {
    "en": r"\bsign in to confirm (?:your age|you're not a bot|you are not a bot)\b"
    r"|\bage[- ]restricted\b|\bthis (?:video|content) may be inappropriate for some users\b"
    r"|\b(?:log|sign) ?in to (?:watch|view|see) this (?:video|content)\b"
    r"|\bmembers[- ]only (?:video|content)\b|\bjoin this channel to get access\b"
    r"|\byou must be (?:18|logged in|signed in)\b",
    "de": r"\bmelde dich an, um dein alter zu best[äa]tigen\b|\baltersbeschr[äa]nkt\b",
    "fr": r"\bconnectez-vous pour confirmer votre [âa]ge\b|\bsoumise? [àa] une limite d'[âa]ge\b",
    "es": r"\binicia sesi[óo]n para confirmar tu edad\b|\brestricci[óo]n de edad\b",
}
"""The video page asks for a login or an age check: it cannot be seen by curator."""
