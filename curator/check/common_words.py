"""Words too common to tell one page from another, in the languages curator's guides and the
sites that take over lapsed domains are written in. Data, not code.

A resource is recognised on a page by the distinctive words of its title (four letters or
more: see `curator.check.expect.distinctive_words`). A word every page may use proves
nothing: the function words of each language ("para", "pour", "pentru", "after"), and the
words of every site's furniture and every service's offer ("help", "ayuda", "aide", "hilfe";
"information", "informationen"; "line" and "ligne", as in "help line" and "en ligne"). A
betting site that says "para" is not the Spanish family-support page whose title said
"Ayuda para familias". Only words of four letters or more are listed: shorter ones are never
looked for.
"""

from __future__ import annotations

_ENGLISH = """
about also advice after again against before being below between both could does doing
down during each every from further have having here into itself just many might more most
much must never only other over same should some such than that their them then there these
they this those through under until very well were what when where which while will with
within without would your yours guide guidance help home information page pages service
services site website online official news useful links link line lines video film been
support contact privacy policy terms cookie cookies login search menu welcome click read
learn find free best latest today blog share follow sign account shop subscribe newsletter
main skip content getting need needs want know make made take give
"""
"""English function words and the words of every site's furniture."""

_EUROPEAN = """
para como pero porque sobre entre desde hasta hacia donde cuando este esta estos estas todo
todos toda todas nuestro nuestra nuestros vuestro usted ustedes ellos ellas ayuda apoyo
información informacion inicio página pagina contacto servicio servicios sitio línea linea
aquí puede pueden también tambien

pour avec dans sans sous vers chez entre depuis pendant avant après apres comme mais donc
alors aussi plus moins très tres tout tous toute toutes votre vos notre nous vous leur leurs
cette ceux celle sont être etre avoir fait faire aide soutien information informations
accueil page contact service services site ligne ici peut

über uber unter nach durch gegen ohne zwischen während wahrend wenn weil aber oder auch noch
nicht eine einer eines einem einen sind wird werden haben kann können konnen ihre unsere
diese dieser dieses alle allem hilfe unterstützung unterstutzung informationen information
startseite seite kontakt dienst angebot hier mehr

della delle degli dello nella nelle negli sono come anche questo questa questi queste dove
quando perché perche molto tutto tutti tutte nostro nostra vostro loro aiuto sostegno
informazioni pagina contatti contatto servizio servizi sito linea qui

pelo pela pelos pelas como mais para isso esta este estes estas onde quando porque muito
todo todos toda todas nosso nossa ajuda apoio informações informacoes página pagina
contato serviço servico serviços servicos sítio sitio linha aqui

pentru care este sunt prin acest această aceasta acesti aceste unde când cand foarte toate
toti nostru noastră noastra ajutor sprijin informații informatii pagina contact serviciu
servicii linie aici

voor naar over zijn deze niet ook maar wanneer waar omdat onze jullie hulp steun informatie
pagina contact dienst diensten hier

przez oraz jest będzie bedzie który ktory która ktora które ktore gdzie kiedy bardzo nasz
nasza pomoc wsparcie informacje strona kontakt usługi uslugi tutaj
"""
"""Function words and the words of every site's furniture and offer in Spanish, French,
German, Italian, Portuguese, Romanian, Dutch and Polish."""

COMMON_WORDS = frozenset(_ENGLISH.split()) | frozenset(_EUROPEAN.split())
"""Words too common to tell one page from another: they never count as a resource's words."""
