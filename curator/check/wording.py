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
    r"|\b(?:web ?site|site|subscription) (?:has )?expired\b"
    r"|\b(?:web ?)?hosting (?:contract|account|package|plan|subscription|service) (?:has )?"
    r"expired\b",
    "de": r"\b(?:diese )?domain ist abgelaufen\b|\bdomain abgelaufen\b"
    r"|\b(?:web)?hosting-?(?:vertrag|paket|account) (?:ist )?abgelaufen\b",
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
    r" to launch\b"
    r"|\b(?:your |the )?(?:web ?)?hosting (?:account|package|plan|space) (?:is|has been) "
    r"(?:now )?(?:ready|set up|created|activated|active|live)\b"
    r"|\byour (?:new )?(?:web ?site|site|web ?space|web ?server|server|account|domain) "
    r"(?:is|has been) (?:now )?(?:ready|set up|created|activated)\b"
    r"|\bupload your (?:own )?(?:web ?site|site)?(?: )?(?:files|content)\b"
    r"|\b(?:replace|remove|delete) this (?:default )?(?:page|file|index(?:\.\w+)?)\b"
    r"|\b(?:web ?site|site|page) (?:is )?(?:coming soon|under construction|launching soon)\b"
    r"|^\W*(?:coming soon|under construction|launching soon|default page)\W*$"
    r"|\bthis domain (?:is now reserved|currently has no (?:web ?site|content))\b"
    r"|\bno content has been uploaded\b"
    r"|^\W*(?:" + _DOMAIN_LIKE + r"\W+)+(?:is )?(?:coming soon|under construction|launching soon)"
    r"\W*$"
    r"|\bdomain setup (?:is )?complete(?:d)?\b"
    r"|\b(?:newsroom|press ?room|site|web ?site|store|shop|blog)(?: and its \w+)? will be visible"
    r" (?:once|when) (?:it is |they are )?(?:published|launched|live)\b",
    "de": r"\bhier entsteht (?:demn[äa]chst |in k[üu]rze |bald )?(?:eine neue|ein neuer|ein neues"
    r"|unsere? neuen?) (?:web ?site|internetpr[äa]senz|internetauftritt|homepage|webseite)\b"
    r"|\bhier entsteht in k[üu]rze\b|\b(?:web ?site|webseite|homepage|seite) (?:ist )?"
    r"(?:bald|demn[äa]chst|in k[üu]rze) (?:online|verf[üu]gbar)\b"
    r"|\bdiese website (?:wird gerade erstellt|hat noch keinen inhalt)\b"
    r"|\bihr (?:web ?space|web ?hosting|hosting(?:paket|-paket)?|speicherplatz|paket|account)"
    r" (?:ist|wurde) (?:jetzt |nun )?(?:bereit|eingerichtet|aktiv|freigeschaltet)\b"
    r"|\b(?:diese )?(?:seite|website|webseite|homepage|internetseite) (?:befindet sich |ist )?"
    r"(?:im|in) (?:aufbau|bau|arbeit)\b|^\W*(?:im aufbau|baustelle|demn[äa]chst online"
    r"|bald online)\W*$",
    "fr": r"\bsite en construction\b|\bce site est en cours de construction\b"
    r"|\bvotre (?:h[ée]bergement|espace web|site(?: web| internet)?|compte) (?:est|a [ée]t[ée])"
    r" (?:pr[êe]t|activ[ée]|cr[ée]{1,2}|install[ée])\b"
    r"|\bvotre (?:h[ée]bergement|espace web|offre d'h[ée]bergement) (?:est|a [ée]t[ée])"
    r" (?:maintenant )?(?:actif|active|en ligne)\b"
    r"|\b(?:site|page)(?: web| internet)? (?:est )?(?:en (?:cours de )?construction"
    r"|bient[ôo]t en ligne)\b"
    r"|^\W*(?:en construction|bient[ôo]t (?:en ligne|disponible)|prochainement)\W*$",
    "es": r"\bsitio (?:web )?(?:est[áa] )?en construcci[óo]n\b|\bpr[óo]ximamente nuevo sitio web\b"
    r"|\btu (?:alojamiento|hosting|sitio(?: web)?|cuenta de hosting) (?:est[áa]|ha sido)"
    r" (?:listo|lista|activad[oa]|cread[oa])\b"
    r"|\b(?:p[áa]gina|web) en construcci[óo]n\b|^\W*(?:en construcci[óo]n|pr[óo]ximamente)\W*$",
    "it": r"\bsito (?:web )?(?:[èe] )?in (?:costruzione|allestimento)\b"
    r"|\bil tuo (?:hosting|spazio web|sito(?: web)?) [èe] (?:pronto|attivo)\b"
    r"|^\W*(?:in costruzione|prossimamente online)\W*$",
    "nl": r"\b(?:deze )?(?:web ?site|site|pagina|webpagina) is (?:nog )?in "
    r"(?:aanbouw|ontwikkeling)\b|\b(?:web ?site|site|pagina) is binnenkort (?:online|beschikbaar)\b"
    r"|\buw (?:hosting(?:pakket)?|webruimte|web ?site|account) is (?:nu )?(?:klaar|gereed|actief"
    r"|aangemaakt)\b|^\W*(?:binnenkort online|in aanbouw)\W*$",
    "pt": r"\bsite em constru[çc][ãa]o\b|\bsua hospedagem est[áa] pronta\b"
    r"|^\W*(?:em constru[çc][ãa]o|em breve)\W*$",
    "pl": r"\bstrona w budowie\b|^\W*w budowie\W*$",
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
    # Hosting panels' and hosted-page platforms' words for a site switched off by its host
    # ("This site is currently suspended", a status page "currently inactive").
    r"|\bthis (?:account|web ?site|site|blog|page|status page|store|shop) is (?:currently |now "
    r"|temporarily )?(?:suspended|deactivated|disabled|inactive|unpublished)\b"
    r"|^\W*(?:web ?site|site|account|page) (?:suspended|inactive|deactivated)\W*$"
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
    r"|\byou must be (?:18|logged in|signed in)\b",
    "de": r"\bmelde dich an, um dein alter zu best[äa]tigen\b|\baltersbeschr[äa]nkt\b",
    "fr": r"\bconnectez-vous pour confirmer votre [âa]ge\b|\bsoumise? [àa] une limite d'[âa]ge\b",
    "es": r"\binicia sesi[óo]n para confirmar tu edad\b|\brestricci[óo]n de edad\b",
}
"""The video page asks for a login or an age check: it cannot be seen by curator."""

MEDIA_PAID: dict[str, str] = {
    "en": r"\brequires? (?:a )?payment to (?:watch|view|play)\b"
    r"|\b(?:rent|buy|purchase) (?:this|the) (?:video|film|movie|episode|title|programme)\b"
    r"|\b(?:rent|buy) (?:it )?(?:from|for) [£$€]|\brent [£$€]?\d"
    r"|\bpurchase (?:this|the) (?:video|film|movie) to (?:watch|view)\b|\bpay[- ]per[- ]view\b"
    r"|\b(?:available|open) (?:to|for) (?:paying )?(?:members|subscribers|customers) only\b"
    r"|\bmembers[- ]only (?:video|content|videos)\b|\bjoin this channel to get access\b"
    r"|\bsubscribe (?:now )?to (?:watch|view|unlock|continue watching)\b"
    r"|\b(?:watch|view|play)\w* without (?:a )?(?:purchase|rental|subscription)\b"
    r"|\bwithout (?:a )?(?:purchase|rental)\b"
    r"|\b(?:requires?|needs?) (?:a )?(?:rental|purchase|paid subscription)\b"
    r"|\bthis (?:video|content) is (?:for|available to) (?:members|subscribers)\b",
    "de": r"\b(?:leihen|ausleihen) oder kaufen\b|\bf[üu]r mitglieder\b.{0,20}\bvideo\b",
    "fr": r"\blouer ou acheter\b|\br[ée]serv[ée]e? aux (?:membres|abonn[ée]s)\b",
    "es": r"\balquilar o comprar\b|\bexclusivo para (?:miembros|suscriptores)\b",
}
"""The video plays only for viewers who pay, rent or are members: not removed, not a change;
curator cannot see it."""

SCAM: dict[str, str] = {
    "push": r"\b(?:click|press|tap|hit|select) (?:on )?(?:the )?['\"«“”]?\s?allow\s?['\"»“”]?"
    r"(?: button)?(?: (?:to|if|and|below|above|on)\b|\s?[.!,]|\W*$)"
    r"|\ballow notifications to (?:continue|proceed|watch|access"
    r"|verify|download)\b|\byou must (?:click |press )?['\"]?allow['\"]? to\b"
    r"|\benable (?:push )?notifications to (?:continue|access|watch|proceed|download)\b"
    r"|\bcliquez sur ['\"]?autoriser['\"]? (?:pour|si)\b"
    r"|\bklicken sie auf ['\"]?(?:zulassen|erlauben)['\"]?,? (?:um|wenn)\b"
    r"|\b(?:haz|haga) clic en ['\"]?permitir['\"]? (?:para|si)\b",
    "prize": r"\bcongratulations\b.{0,120}\b(?:you(?: have|'ve)? (?:been (?:selected|chosen)|won)"
    r"|lucky (?:visitor|winner|user))\b|\b(?:claim|collect) your (?:prize|reward|gift|free)\b"
    r"|\brandomly (?:selected|chosen) (?:users?|visitors?|winners?|people)\b"
    r"|\byou(?: have|'ve) been (?:selected|chosen) to (?:receive|participate|take part|win)\b"
    r"|\banswer \d+ (?:short |simple |quick )?questions\b.{0,80}\b(?:prize|reward|gift|win)"
    r"|\bf[ée]licitations\b.{0,80}\bvous avez (?:[ée]t[ée] s[ée]lectionn[ée]|gagn[ée])\b"
    r"|\bherzlichen gl[üu]ckwunsch\b.{0,80}\bsie (?:wurden ausgew[äa]hlt|haben gewonnen)\b"
    r"|\bfelicidades\b.{0,80}\b(?:has sido seleccionad[oa]|has ganado)\b",
    "tech_support": r"\byour (?:computer|pc|device|phone|iphone|mac|system) (?:is|has been|may be)"
    r" (?:infected|compromised|locked|blocked)\b.{0,200}\b(?:call|contact|phone)\b"
    r"|\b(?:windows|microsoft|apple) (?:security|support) (?:alert|warning)\b.{0,200}"
    r"\b(?:call|toll[- ]free)\b",
}
"""What a lapsed domain's new owner shows to monetise its visitors: a fake check asking for
push notifications ("press Allow to verify you are not a robot"), a fake prize or survey.
Never a real site's message to its readers, and never a bot wall (those do not ask to be
allowed to send notifications)."""

REDIRECTING = (
    r"\byou are being redirected\b|\bredirecting(?: you)?(?: now| to|\.\.\.|…|\W*$)"
    r"|\bplease wait(?:,| while)? (?:we redirect|you are (?:being )?redirected)\b"
    r"|\bvous allez [êe]tre redirig[ée]\b|\bsie werden (?:jetzt )?weitergeleitet\b"
    r"|\best[áa]s? siendo redirigid[oa]\b|\bu wordt (?:nu )?doorgestuurd\b"
)
"""A page saying it is sending readers elsewhere: the words of a traffic-distribution page
(weak alone: see `curator.check.lander`)."""
ERROR_HEADINGS: dict[str, str] = {
    "de": r"\b(?:diese |die )?seite (?:\w+ ){0,3}nicht (?:gefunden|auffindbar|mehr verfügbar)\b"
    r"|\b(?:wir )?(?:konnten|können) (?:die|diese) seite (?:leider )?nicht finden\b"
    r"|\bseite nicht vorhanden\b",
    "fr": r"\bpage (?:\w+ ){0,2}(?:introuvable|non trouvée|inexistante|non disponible)\b"
    r"|\bimpossible de trouver (?:la|cette) page\b|\bcette page n'est plus disponible\b"
    r"|\bnous ne trouvons pas (?:la|cette) page\b",
    "es": r"\bpágina (?:\w+ ){0,2}no (?:encontrada|existe|disponible)\b"
    r"|\bno se (?:puede|pudo|ha podido|ha) encontra(?:r|do) (?:la|esa|esta) página\b"
    r"|\bno (?:podemos|pudimos|hemos podido) encontrar (?:la|esa|esta) página\b",
    "it": r"\bpagina (?:\w+ ){0,2}non (?:trovata|esiste|disponibile|esistente)\b"
    r"|\bimpossibile trovare (?:la|quella|questa) pagina\b"
    r"|\bnon (?:riusciamo|siamo riusciti) a trovare (?:la|questa) pagina\b",
    "nl": r"\bpagina (?:\w+ ){0,3}niet (?:gevonden|worden gevonden|meer beschikbaar)\b"
    r"|\b(?:we )?(?:kunnen|konden) (?:de|deze) pagina niet vinden\b",
    "pt": r"\bpágina (?:\w+ ){0,3}não (?:encontrada|existe|disponível)\b"
    r"|\bpágina (?:\w+ ){0,2}não (?:foi|pode ser) encontrada\b"
    r"|\bnão (?:foi possível|conseguimos) encontrar (?:a|esta|essa) página\b",
    "pl": r"\bnie (?:można|udało się) znaleźć (?:tej |szukanej |żądanej )?strony\b"
    r"|\bstrona (?:\w+ ){0,2}nie (?:istnieje|została znaleziona)\b|\bbłąd 404\b",
    "nordic": r"\bsidan (?:\w+ ){0,2}(?:hittades inte|kunde inte hittas|finns inte)\b"
    r"|\bsiden (?:\w+ ){0,2}(?:blev ikke fundet|findes ikke|finnes ikke|ble ikke funnet)\b"
    r"|\bsivua ei (?:löytynyt|löydy)\b",
    "cs": r"\bstránka (?:nebyla nalezena|nenalezena|neexistuje)\b",
    "tr": r"\bsayfa bulunamadı\b",
    "ru": r"страница не найдена|страница не существует",
    "ja": r"ページが見つかりません|お探しのページは見つかりません",
    "zh": r"页面(?:不存在|未找到|找不到)|找不到(?:该|此|您要的)?页面|頁面(?:不存在|未找到)",
    "ko": r"페이지를 찾을 수 없습니다",
    # Right-to-left and Indic scripts: no \b (RE2's is ASCII); words are runs of non-spaces.
    "ar": r"(?:الصفحة|الصفحه) (?:\S+ ){0,3}غير (?:موجودة|موجوده|متوفرة|متاحة)"
    r"|(?:لم يتم|تعذر|لا يمكن) العثور على (?:هذه |تلك )?(?:الصفحة|الصفحه)",
    "fa": "صفحه(?:\u200c| )?(?:ای|ی)?(?: \\S+){0,5} (?:پیدا|یافت) نشد"
    "|صفحه(?:\u200c| )?(?:ای|ی)?(?: مورد نظر(?: شما)?)? (?:وجود ندارد|موجود نیست)",
    "ur": r"صفحہ (?:\S+ ){0,2}(?:نہیں ملا|دستیاب نہیں|موجود نہیں)",
    "he": r"(?:הדף|העמוד) (?:\S+ ){0,2}(?:לא נמצא|אינו קיים|לא קיים)",
    "hi": r"(?:पृष्ठ|पेज) (?:\S+ ){0,2}(?:नहीं मिला|नहीं मिल सका|मौजूद नहीं है)",
}
"""An error page's own title or heading, as themes and CMSs word it in many languages."""

_GOOGLE = r"(?:youtube|google(?: \w+){0,2})"
CONSENT_TITLES: dict[str, str] = {
    "en": r"^\W*before you continue to " + _GOOGLE,
    "de": r"^\W*bevor sie (?:zu|mit) " + _GOOGLE + r" weitergehen",
    "es": r"^\W*antes de (?:ir a|continuar (?:a|en|con)) " + _GOOGLE,
    "fr": r"^\W*avant d'accéder à "
    + _GOOGLE
    + r"|^\W*avant de (?:continuer|passer) (?:vers|sur|à) "
    + _GOOGLE,
    "it": r"^\W*prima di (?:passare|continuare|accedere) (?:a|su) " + _GOOGLE,
    "nl": r"^\W*voordat je verdergaat (?:naar|met) " + _GOOGLE,
    "pt": r"^\W*antes de (?:continuar|ir) (?:para|no|ao|a) (?:o )?" + _GOOGLE,
    "pl": r"^\W*zanim przejdziesz do (?:serwisu )?" + _GOOGLE,
    "nordic": r"^\W*(?:innan du fortsätter till|inden du fortsætter til|før du fortsetter til"
    r"|ennen kuin jatkat palveluun) " + _GOOGLE,
    "cs": r"^\W*než budete pokračovat (?:na|do) (?:službu )?" + _GOOGLE,
    "tr": r"^\W*" + _GOOGLE + r"(?:'a|'e|'ya|'ye) devam etmeden önce",
    "ru": r"^\W*прежде чем перейти (?:к|в) " + _GOOGLE,
}
"""Google's and YouTube's consent interstitial's title and heading, in many languages."""

CONSENT_WORDS: dict[str, str] = {
    "en": r"^\W*before you continue\W*$|^\W*(?:cookie|privacy) consent(?: required)?\W*$",
    "de": r"^\W*bevor sie fortfahren\W*$",
    "fr": r"^\W*avant de continuer\W*$",
    "es": r"^\W*antes de continuar\W*$",
    "it": r"^\W*prima di continuare\W*$",
    "nl": r"^\W*voordat je verdergaat\W*$",
}
"""A consent page's whole title or heading, without a site's name: on short pages only."""

MEDIA_REGION: dict[str, str] = {
    "en": r"\bnot made this video available in your country\b"
    r"|\b(?:video|content|programme|program|episode) (?:is )?not available in your (?:country"
    r"|region|location)\b|\bblocked it in your country\b|\bnot available in your country\b"
    r"|\bonly available (?:to viewers )?in the (?:uk|us|united kingdom|united states)\b",
    "de": r"\bin deinem land nicht verfügbar\b|\bin ihrem land nicht verfügbar\b",
    "fr": r"\bn'est pas disponible dans votre pays\b",
    "es": r"\bno está disponible en tu país\b|\bno está disponible en su país\b",
    "it": r"\bnon è disponibile nel tuo paese\b",
    "nl": r"\bniet beschikbaar in jouw land\b|\bniet beschikbaar in uw land\b",
    "pt": r"\bnão está disponível no seu país\b",
}
"""The video page says its video is not shown in the viewer's country: it is still there."""

SERVER_DEFAULT: dict[str, str] = {
    "en": r"^\W*welcome to (?:tengine|openresty|(?:open)?litespeed|caddy|lighttpd|iis)\b"
    r"|^\W*iis ?\d*(?:\.\d+)?(?: windows(?: server)?)?\W*$|\binternet information services\W*$"
    r"|^\W*caddy works\b|\byour web server is working\b"
    r"|\bif you (?:can )?see this page,? the (?:[\w-]+ ){1,4}(?:is|has been) successfully "
    r"installed\b|\b(?:apache )?http server test page\b|\btest page for the (?:apache|nginx|http)\b"
    r"|\bthis page is used to test the proper operation of\b"
    r"|\b(?:open)?litespeed web ?server (?:is )?(?:successfully )?installed\b"
    r"|\byou have successfully installed the (?:[\w-]+ ){1,3}(?:web ?server|web platform)\b"
    r"|\bcongratulations,? (?:your )?(?:open)?litespeed\b"
    r"|\byour (?:azure )?(?:app service app|web app|functions?(?: \d+(?:\.\d+)?)? app"
    r"|static web app) is (?:up and running|live)\b"
    r"|\bhey,? (?:app service|node\.js|python|php|java|\.net|ruby) developers\b"
    r"|\bmicrosoft azure app service - welcome\b|\bazure functions? - welcome\b"
    r"|\bthis (?:site|website) (?:isn't|is not|has not been|hasn't been) published\b"
    r"|\bsetup (?:is )?complete\b.{0,80}\byour (?:new )?(?:site|domain|website|store)\b"
    # Java application servers with no application deployed at the root.
    r"|^\W*resin\W{0,3} default home page\W*$|\bthis is the default page for the resin web server\b"
    r"|\bif you're seeing this page via a web browser, it means you've setup tomcat "
    r"successfully\b|\bno context on this server matched or handled this request\b"
    r"|^\W*welcome to (?:wildfly|jboss)\b|\byour (?:wildfly|jboss)(?: [\w.]+){0,4} (?:instance )?"
    r"is running\b|^\W*glassfish server - server running\W*$"
    # Distributions' and hosting panels' pages for a server or domain with no site yet.
    r"|^\W*placeholder page\W*$|\bthe owner of this web ?site has not put up any web pages yet\b"
    r"|\bweb server's default page\b|\bthis page is generated by plesk\b"
    r"|\bthere is no website configured at this address\b",
}
"""Web servers' and platforms' pages for a new, empty site: the catalogued site is gone."""

SERVER_WELCOME: dict[str, str] = {
    "en": r"^\W*(?:welcome to (?:tengine|openresty|(?:open)?litespeed|nginx)\b|caddy works\b"
    r"|iis ?\d*(?:\.\d+)?(?: windows(?: server)?)?\W*$|(?:apache )?http server test page\b"
    r"|test page for the (?:apache|nginx)\b|microsoft azure app service - welcome\b"
    r"|if you're seeing this,? you've successfully installed tomcat\b)",
}
"""A web server's welcome or test page by its own title or heading: specific enough on a page
of any length (some are long)."""

SERVER_DEFAULT_TITLES: dict[str, str] = {
    "zh": r"欢迎使用\s*(?:tengine|openresty|nginx|宝塔)|站点创建成功|^\W*网站(?:正在)?建设中"
    r"|^\W*没有找到站点|(?:该|此)域名(?:尚未|未)(?:绑定|备案)",
}
"""The same in titles and headings only: text without spaces always counts as a short page."""

PLATFORM_GONE: dict[str, str] = {
    "platforms": r"\bnot found - request id\b|\bthe deployment could not be found\b"
    r"|\bdeployment_(?:not_found|deleted|disabled)\b|\bthere's nothing here,? yet\b"
    r"|\bweb app not found\b|\bthe web app you have attempted to reach is not available\b"
    r"|\bnosuchbucket\b|\bthe specified bucket does not exist\b"
    r"|\bthe gods are wise, but do not know of the site\b"
    r"|\bthe site you (?:were|are) looking for (?:couldn't|could not|can't|cannot) be found\b"
    r"|\bdomain (?:is )?not claimed\b|\bthis domain (?:isn't|is not) (?:yet )?connected\b"
    r"|\b(?:newsroom|press ?room) (?:(?:was )?not found|is (?:not available|unavailable|closed"
    r"|no longer (?:available|active))|(?:does not|doesn't) exist"
    r"|has been (?:closed|deactivated))\b"
    r"|\bthis (?:store|shop) (?:does not|doesn't) exist\b"
    r"|\bsorry, this shop is currently unavailable\b"
    r"|\bonly one step left\b.{0,300}\bstore owner\b"
    r"|\bno such (?:app|site|project|bucket)\b|\bapplication not found\b"
    # Subdomain take-over fingerprints (services' answers for a name no account claims).
    r"|\bthere is no app configured at that hostname\b"
    r"|\bthe thing you were looking for is no longer here, or never was\b"
    r"|\b404 error unknown site\b|\bdo you want to register [\w.-]{1,80}\.wordpress\.com\b"
    r"|\bthis uservoice subdomain is currently available\b"
    r"|\bis not a registered incloud youtrack\b|\btunnel [\w.-]{1,100} not found\b"
    r"|\bthere is no such company\b|\bwe didn't find your site\b|\bnon-hub domain\b"
    r"|\bno settings were found for this company\b|\bproject doesn'?t exist\.{0,3} yet\b",
    # A whole site (a website, a weblog) not found, as platforms say it in other languages;
    # a page not found is an error page (see `signatures.ERROR_PAGES`).
    "nl": r"\b(?:web ?site|weblog|site) (?:werd )?niet gevonden\b",
    # Not "Webseite": German says it of a single page too.
    "de": r"\b(?:website|weblog) (?:wurde )?nicht gefunden\b",
    "fr": r"\bsite (?:web |internet )?(?:introuvable|non trouv[ée]|inexistant)\b",
    "es": r"\bsitio (?:web )?no (?:encontrado|existe)\b",
    "it": r"\bsito (?:web )?(?:non trovato|inesistente)\b",
    "pt": r"\bsite n[ãa]o (?:encontrado|existe)\b",
}
"""A hosting platform's answer for an address where no site is any more (in addition to
`SITE_GONE`)."""

ERROR_TEXTS: dict[str, str] = {
    "en": r"\bit (?:looks|seems) like nothing was found at this location\b"
    r"|\bit seems we can(?:'t|not) find what you(?:'re| are) looking for\b",
    "de": r"\b(?:es sieht so aus, als ob|anscheinend wurde) (?:an dieser stelle|hier) nichts "
    r"gefunden(?: wurde)?\b|\bdie (?:von ihnen )?(?:aufgerufene|angeforderte|gesuchte) seite "
    r"(?:(?:existiert|gibt es) (?:leider )?nicht|(?:\w+ ){0,3}nicht gefunden)\b",
    "fr": r"\bil semble(?:rait)? que rien n'(?:a|ait) été trouvé à cet emplacement\b"
    r"|\bla page (?:que vous recherchez|demandée) (?:n'existe pas|est introuvable)\b",
    "es": r"\bparece que no (?:se ha encontrado|hay) nada en (?:esta|esa) ubicación\b",
    "it": r"\bsembra che (?:non ci sia nulla|non sia stato trovato nulla) "
    r"(?:qui|in questa posizione)\b",
    "nl": r"\bhet lijkt erop dat er (?:hier )?niets (?:gevonden )?(?:is|werd gevonden) "
    r"op deze locatie\b",
    "pt": r"\bparece que nada foi encontrado (?:neste|nesse) local\b",
    "pl": r"\bwygląda na to, że (?:w tym miejscu )?nic nie (?:zostało|znaleziono)\b",
}
"""How CMS themes word the message of their error page, in many languages (short pages)."""
