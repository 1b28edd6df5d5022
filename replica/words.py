"""Swedish building blocks for the generated course reports, comments and captions."""
from __future__ import annotations

import random

MUNICIPALITIES = ("Linköping", "Norrköping", "Motala", "Mjölby", "Finspång", "Söderköping", "Vadstena",
                  "Åtvidaberg", "Ödeshög", "Boxholm", "Kinda", "Valdemarsvik", "Ydre")

AUTHORS = (
    ("niclas", "Niclas Siljedahl"),
    ("annaly", "Anna Lyngå"),
    ("karin", "Karin Öhrström"),
    ("maria", "Maria Bäckström"),
    ("johan", "Johan Ekvall"),
)

# (name, subject titles, tags drawn for it)
CATEGORIES = (
    ("Biblioteksrummet", ("Biblioteksrummet som mötesplats", "Skyltning och exponering", "Inredning som lockar",
                          "Zonering av biblioteksrummet", "Barnavdelningen i nytt ljus"),
     ("skyltning", "inredning", "exponering", "barn")),
    ("Teknik", ("iPad-kurs för bibliotekarier", "E-böcker och läsplattor", "Sociala medier i praktiken",
                "Bildbehandling för webben", "Appar för barn och unga", "Publicera på webben med WordPress"),
     ("ipad", "e-böcker", "sociala medier", "appar", "facebook", "twitter")),
    ("Marknadsföring", ("Marknadsföring med små medel", "Att synas i lokalpressen", "Omvärldsbevakning och varumärke",
                        "Skriva för webben"),
     ("marknadsföring", "sociala medier", "pressmeddelanden")),
    ("Bemötande", ("Bemötande i svåra situationer", "Service i världsklass", "Hot och våld på biblioteket",
                   "Möte med personer med funktionsnedsättning"),
     ("bemötande", "tillgänglighet", "service")),
    ("Lässtimulerande metoder", ("Bokprat för unga", "Läsfrämjande för de yngsta", "Högläsning för äldre",
                                 "Läsecirklar som metod", "Lättläst på biblioteket"),
     ("bokprat", "läsfrämjande", "lättläst", "barn", "unga")),
    ("Informationssökning", ("Referenssamtalet", "Källkritik på nätet", "Databaser för folkbibliotek"),
     ("källkritik", "referenssamtal", "databaser")),
    ("Mångfald", ("Mångspråk på biblioteket", "HBTQ-certifiering", "Lätt svenska för nyanlända"),
     ("mångspråk", "hbtq", "demokrati")),
    ("Ledarskap", ("Coachande ledarskap", "Förändringsarbete i praktiken", "Projektledning för bibliotek"),
     ("ledarskap", "förändring")),
)
STUDY_TRIPS = ("Studieresor", {"besokholland": ("Holland", "Amsterdam", "Delft"),
                               "besokdanmark": ("Danmark", "Köpenhamn", "Århus"),
                               "besokengland": ("England", "London", "Birmingham")})
CLOSING_CATEGORY = "Projektnytt"

TITLE_SUFFIXES = ("", "", " i {place}", " – dag {n}", " i {place}, del {n}", " (repris)", " – fortsättning",
                  " för personal i {place}", " {season} {year}")

LECTURERS = ("Eva Strand", "Lars Hjelm", "Sofia Berg", "Mats Lind", "Ulrika Nord", "Per Åkerman", "Åsa Grön")

SENTENCES = (
    "Dagen inleddes med en genomgång av {topic} och vad det betyder för oss som arbetar på folkbibliotek.",
    "{lecturer} ledde kursen med stort engagemang och massor av konkreta exempel.",
    "Deltagarna kom från bibliotek i hela länet, från {place} i väster till Valdemarsvik i öster.",
    "Efter lunch fick vi arbeta i grupper och pröva metoderna på riktiga situationer från våra egna bibliotek.",
    "Många tog med sig idéer som går att genomföra redan nästa vecka.",
    "Diskussionerna fortsatte långt efter att kursen egentligen var slut.",
    "Vi fick också höra hur man arbetar med {topic} på biblioteket i {place}.",
    "Det är tydligt att {topic} berör alla yrkesroller, inte bara bibliotekarierna.",
    "Kursen hölls i Stadsbibliotekets hörsal i {place} och var fullbokad.",
    "En deltagare sammanfattade dagen med orden: \"Nu vet jag var jag ska börja!\"",
    "Materialet från dagen finns att hämta under Dokument.",
    "Nästa tillfälle planeras till hösten, håll utkik i kalendern.",
    "Utvärderingen visade att nästan alla deltagare ville ha en fortsättning.",
    "Vi pratade mycket om hur vi når de grupper som sällan besöker biblioteket.",
    "Övningarna var korta men gav mycket att tänka på.",
    "Förmiddagen ägnades åt teori och eftermiddagen åt praktiska övningar.",
)

COMMENTS = (
    "Tack för en jättebra sammanfattning!",
    "Vilken inspirerande dag, jag har redan börjat pröva några av idéerna hos oss.",
    "Finns presentationen att ladda ner någonstans?",
    "Håller med, det här borde alla i personalgruppen gå.",
    "Vi i {place} vill gärna ha en repris till våren.",
    "Bra skrivet! Kan man länka till det här från vår intranätsida?",
    "Jag missade tyvärr dagen, så det här var guld värt.",
    "Tack själv för ett fint deltagande!",
    "Presentationen ligger nu under Dokument.",
    "Ja, vi återkommer om ett nytt datum.",
)

COMMENTERS = ("Lena", "Birgitta Sjö", "Ola", "Kerstin Åberg", "Helena", "Magnus", "Ingrid Öst", "Tove",
              "Bibliotekarie i Kinda", "Jonas")

IMAGE_NAMES = ("kursdag", "deltagare", "grupparbete", "forelasning", "horsal", "skyltfonster", "bokbord",
               "lasplatta", "workshop", "lunch")

TRIP_CAPTIONS = ("Första morgonen på {city}s nya stadsbibliotek.", "Barnavdelningen i {city} – så mycket färg!",
                 "Självbetjäning och sorteringsrobot.", "Här läser man på golvet, i trappan, överallt.",
                 "Vår guide visar hur de arbetar med skyltning.", "Kvällspromenad i {city}.",
                 "Makerspace med 3D-skrivare.", "Lånedisken är borta – personalen går runt i rummet.",
                 "Tidningshörnan med utsikt över kanalen.", "Lunch med bibliotekspersonalen i {city}.",
                 "Studiebesök på ett skolbibliotek.", "Sagostund på tre språk.")
TRIP_TEXTS = ("Dag {n} i {country}. Vi har besökt tre bibliotek och hunnit med ett seminarium om framtidens biblioteksrum.",
              "Det vi tar med oss hem: modet att pröva nya saker och att låta besökarna ta plats.",
              "Ikväll summerar vi intrycken tillsammans. Mycket att berätta för kollegorna i Östergötland!",
              "Bibliotekarierna här arbetar i team utan fasta diskar. Intressant att jämföra med hur vi gör hemma.")
TRIP_QUOTES = (("Biblioteket är stadens vardagsrum.", "Bibliotekschef i {city}"),
               ("Vi mäter inte utlån, vi mäter möten.", "Verksamhetsutvecklare i {city}"),
               ("Låt barnen bestämma hur rummet ska se ut.", "Barnbibliotekarie i {city}"))
TRIP_LINKS = (("Stadsbiblioteket i {city}", "http://www.{host}/", "Hemsidan för biblioteket vi besökte idag."),
              ("Artikel om bibliotekets ombyggnad", "http://www.{host}/nyheter/", "Läs mer om ombyggnaden."))


def fill(template: str, rng: random.Random, **extra: str) -> str:
    values = {"place": rng.choice(MUNICIPALITIES), "lecturer": rng.choice(LECTURERS),
              "n": str(rng.randint(1, 3)), "year": "2013", "season": "våren"}
    values.update(extra)
    return template.format(**values)
