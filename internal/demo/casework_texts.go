package demo

import (
	"strconv"
	"strings"

	"naober.nl/naober/internal/casework"
	"naober.nl/naober/internal/nlfmt"
	"naober.nl/naober/internal/people"
)

// The texts of the demo's case work, in plain Dutch (B1), as the people in
// the story would write them. Placeholders in braces are filled per
// household and person: {Mevrouw}/{mevrouw} (or Meneer), {ze}/{Ze},
// {haar}/{Haar} (or hij, zijn), {voornaam}, {kind} (a child's first name)
// with {kze}/{kZe}/{khaar}, {Ouder} (Moeder or Vader), {groep}, {klas},
// {leeftijd}, {bedrag}, {nummer}.

// fill replaces {key} by vars[key].
func fill(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		key := s[i+1 : i+j]
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	return b.String()
}

// personVars are the words for an adult (the subject of a text).
func personVars(p people.Person, today people.Date) map[string]string {
	v := map[string]string{"voornaam": firstWord(p.Voornamen), "leeftijd": strconv.Itoa(p.Age(today))}
	switch p.Geslacht {
	case "vrouw":
		v["Mevrouw"], v["mevrouw"], v["ze"], v["Ze"], v["haar"], v["Haar"] = "Mevrouw", "mevrouw", "ze", "Ze", "haar", "Haar"
	case "man":
		v["Mevrouw"], v["mevrouw"], v["ze"], v["Ze"], v["haar"], v["Haar"] = "Meneer", "meneer", "hij", "Hij", "zijn", "Zijn"
	default:
		v["Mevrouw"], v["mevrouw"], v["ze"], v["Ze"], v["haar"], v["Haar"] = "De bewoner", "de bewoner", "die", "Die", "diens", "Diens"
	}
	return v
}

// childVars add the words for a child.
func childVars(v map[string]string, k people.Person, today people.Date) {
	age := k.Age(today)
	v["kind"] = firstWord(k.Voornamen)
	v["kleeftijd"] = strconv.Itoa(age)
	v["groep"] = strconv.Itoa(min(8, max(1, age-3)))
	v["klas"] = strconv.Itoa(min(6, max(1, age-11)))
	if k.Geslacht == "man" {
		v["kze"], v["kZe"], v["khaar"], v["zoon"] = "hij", "Hij", "zijn", "zoon"
	} else {
		v["kze"], v["kZe"], v["khaar"], v["zoon"] = "ze", "Ze", "haar", "dochter"
	}
}

// title is how a partner names someone: "Mevr. de Vries", "Dhr. Yilmaz".
func title(p people.Person) string {
	n := strings.TrimSpace(p.Tussenvoegsel + " " + p.Achternaam)
	switch p.Geslacht {
	case "vrouw":
		return "Mevr. " + n
	case "man":
		return "Dhr. " + n
	}
	return p.Name()
}

// euro formats whole euros: "€ 1.400".
func euro(c casework.Cents) string {
	return "€ " + nlfmt.Int(c.Euros())
}

// numberWord writes small numbers as words, the way people say them.
func numberWord(n int) string {
	words := []string{"nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// --- signals ---

// fit says about whom a signal text is.
type fit int

const (
	fitFrail         fit = iota // an elderly person who needs support
	fitIsolatedElder            // an elderly person alone
	fitCarer                    // the partner who cares
	fitGGZ                      // an adult with mental-health problems
	fitDebts                    // the household has debts (subject: an adult)
	fitDebtsElder               // an elderly person with debts
	fitEviction                 // rent arrears
	fitYoungChild               // a child of 4–11 who needs youth care
	fitTeen                     // a child of 12–17 who needs youth care
	fitDomestic                 // conflict at home (subject: a parent)
	fitAddiction                // an adult who drinks or uses
	fitJustice                  // a young adult in trouble with the law
	fitParentIncome             // a parent who lost their income
	fitAny                      // any adult
	fitNewYoung                 // an address no one knew: a young adult
	fitNewFamily                // ... a family
	fitNewElder                 // ... an elderly person
)

// signalText is a kind of signal: who reports it, what they write, about
// which life domains, how urgent, and whether the resident knows.
type signalText struct {
	bron     string
	fit      fit
	domeinen []string
	urgentie string
	weet     bool
	akkoord  bool
	naam     bool // the reporter names the person
	text     string
}

var signalTexts = []signalText{
	{"thuiszorg", fitFrail, []string{"lichamelijke_gezondheid", "instrumentele_adl", "financien"}, "normaal", true, true, true,
		"{Mevrouw} is de laatste weken erg vergeetachtig. {Ze} eet slecht, de koelkast is vaak leeg en er ligt een stapel ongeopende post op tafel. {Ze} zegt dat {ze} het zelf wel redt, maar ik maak me zorgen."},
	{"thuiszorg", fitFrail, []string{"basale_adl", "lichamelijke_gezondheid", "huisvesting"}, "normaal", true, true, true,
		"{Mevrouw} is twee keer gevallen in de badkamer. {Ze} komt moeilijk de trap op en slaapt nu in een stoel beneden. {Ze} wil graag hulp, maar weet niet waar {ze} moet beginnen."},
	{"thuiszorg", fitCarer, []string{"huiselijke_relaties", "geestelijke_gezondheid", "sociaal_netwerk"}, "normaal", true, true, true,
		"{Mevrouw} zorgt dag en nacht voor {haar} partner. Vandaag huilde {ze} aan de keukentafel: {ze} kan niet meer. {Ze} vraagt of er dagbesteding of een logeeropvang mogelijk is, zodat {ze} even op adem kan komen."},
	{"huisarts", fitGGZ, []string{"geestelijke_gezondheid", "financien", "sociaal_netwerk"}, "normaal", true, true, true,
		"Patiënt komt vaak op het spreekuur met klachten waar ik geen lichamelijke oorzaak voor vind. {Ze} vertelt over slecht slapen, geldzorgen en dat {ze} bijna niet meer de deur uit komt. Ik heb gevraagd of het wijkteam contact mag opnemen; dat is goed."},
	{"huisarts", fitIsolatedElder, []string{"sociaal_netwerk", "tijdsbesteding"}, "laag", true, true, true,
		"{Mevrouw} woont sinds het overlijden van {haar} partner alleen en is erg eenzaam. Weinig contact met familie. Graag een keer langsgaan om te kijken wat er in de buurt te doen is."},
	{"school", fitYoungChild, []string{"huiselijke_relaties", "tijdsbesteding"}, "normaal", true, true, true,
		"{kind} (groep {groep}) komt de laatste maanden vaak te laat en zonder ontbijt. {kZe} is snel boos en vecht op het schoolplein. {Ouder} vertelt dat het thuis erg druk is. De ouders vinden het goed dat we het wijkteam inschakelen."},
	{"school", fitTeen, []string{"werk_opleiding", "huiselijke_relaties"}, "normaal", true, false, true,
		"{kind} (klas {klas}) heeft dit schooljaar al veel lessen gemist; de leerplichtambtenaar is ingeschakeld. Thuis lijkt veel spanning te zijn. De ouders zijn moeilijk te bereiken."},
	{"woningcorporatie", fitEviction, []string{"financien", "huisvesting"}, "hoog", true, false, true,
		"Huurachterstand van {maanden} maanden ({bedrag}). Brieven en telefoontjes worden niet beantwoord. Bij het huisbezoek deed niemand open. Voordat we naar de rechter stappen, willen we dat het wijkteam het probeert."},
	{"woningcorporatie", fitGGZ, []string{"huisvesting", "geestelijke_gezondheid", "instrumentele_adl"}, "hoog", true, false, true,
		"Buren klagen over stank. De woning is vervuild en staat vol spullen. {Mevrouw} is vriendelijk maar wil geen hulp. We maken ons zorgen over brandgevaar."},
	{"politie", fitDomestic, []string{"huiselijke_relaties", "justitie"}, "hoog", true, false, true,
		"Vannacht melding van een hoog oplopende ruzie, kinderen in huis. Geen aangifte gedaan. Ook doorgegeven aan Veilig Thuis. Graag contact met {mevrouw} over ondersteuning."},
	{"politie", fitGGZ, []string{"geestelijke_gezondheid", "sociaal_netwerk", "instrumentele_adl"}, "hoog", false, false, true,
		"{Mevrouw} is deze maand drie keer door ons thuisgebracht omdat {ze} verward op straat liep. {Ze} lijkt zichzelf te verwaarlozen. Familie is niet in beeld."},
	{"politie", fitJustice, []string{"justitie", "tijdsbesteding", "werk_opleiding"}, "normaal", true, true, true,
		"{voornaam} ({leeftijd}) is aangehouden voor winkeldiefstal en heeft eerder een taakstraf gehad. {Ze} heeft geen werk of opleiding en hangt veel op straat. In het gesprek stond {ze} open voor hulp."},
	{"schuldeiser", fitDebts, []string{"financien", "huisvesting"}, "hoog", false, false, true,
		"Vroegsignalering: betalingsachterstand bij de energieleverancier van {bedrag}. Geen reactie op aanmaningen. Afsluiting dreigt over drie weken."},
	{"schuldeiser", fitDebts, []string{"financien"}, "normaal", false, false, true,
		"Vroegsignalering zorgverzekeraar: zes maanden premieachterstand, aangemeld als wanbetaler. Graag schuldhulp aanbieden."},
	{"buren", fitFrail, []string{"lichamelijke_gezondheid", "sociaal_netwerk"}, "hoog", false, false, true,
		"Een buurvrouw belde: {mevrouw} naast haar heeft al dagen de gordijnen dicht en de brievenbus puilt uit. Ze heeft aangebeld, maar er werd niet opengedaan."},
	{"bewoner", fitParentIncome, []string{"financien", "werk_opleiding", "geestelijke_gezondheid"}, "normaal", true, true, true,
		"{Mevrouw} belde zelf: {ze} is {haar} baan kwijt en komt niet meer rond. De rekeningen stapelen zich op en {ze} durft de post niet meer open te maken. Er zijn {kinderen} kinderen thuis."},
	{"wijkteam", fitDebts, []string{"financien", "instrumentele_adl"}, "normaal", true, true, true,
		"Bij het keukentafelgesprek voor de Wmo bleek dat {mevrouw} ook schulden heeft en {haar} administratie niet meer overziet. {Ze} wil graag hulp."},
	{"huisarts", fitAddiction, []string{"middelengebruik", "werk_opleiding", "huiselijke_relaties"}, "normaal", true, true, true,
		"Patiënt drinkt al maanden elke dag fors en raakte onlangs {haar} werk kwijt. Familie belde ongerust. Patiënt staat open voor een gesprek met het wijkteam."},
	{"thuiszorg", fitDebtsElder, []string{"financien", "instrumentele_adl"}, "normaal", true, true, true,
		"{Mevrouw} krijgt steeds aanmaningen. Sinds {haar} partner overleed overziet {ze} de administratie niet meer. De kinderen wonen ver weg."},
	{"school", fitYoungChild, []string{"huiselijke_relaties", "instrumentele_adl"}, "normaal", true, true, true,
		"{kind} komt vaak in vieze kleren en met honger op school. {Ouder} lijkt overbelast en zei dat het thuis niet lukt. {Ouder} wil graag hulp bij de opvoeding."},
	{"woningcorporatie", fitAddiction, []string{"middelengebruik", "huisvesting", "huiselijke_relaties"}, "normaal", true, false, true,
		"Meerdere klachten van buren over harde ruzies en geluidsoverlast, vaak 's nachts. {Mevrouw} lijkt onder invloed. We willen graag samen met het wijkteam op huisbezoek."},
	{"huisarts", fitTeen, []string{"geestelijke_gezondheid", "huiselijke_relaties"}, "hoog", true, true, true,
		"{kind} ({kleeftijd}) heeft sombere klachten, sluit zich op in {khaar} kamer en eet slecht. Verwezen naar de jeugd-ggz, maar de wachtlijst is lang. {Ouder} vraagt om steun in de tussentijd."},
	{"buren", fitAny, []string{"lichamelijke_gezondheid", "sociaal_netwerk"}, "laag", false, false, true,
		"Een buurman belde: hij maakt zich zorgen om {mevrouw} op nummer {nummer}. {Ze} ziet er slecht uit en lijkt erg af te vallen."},
	{"wijkteam", fitAny, []string{"huiselijke_relaties", "sociaal_netwerk"}, "laag", true, true, true,
		"Bij de koffieochtend in het buurthuis vertelde {mevrouw} dat {ze} het moeilijk heeft sinds {haar} partner is vertrokken. {Ze} wil graag eens praten."},
	// At addresses the team did not know.
	{"buren", fitNewFamily, []string{"huiselijke_relaties"}, "hoog", false, false, false,
		"Een buurvrouw belde: in de woning op nummer {nummer} hoort ze bijna elke avond harde ruzie en een huilend kind. Ze kent de mensen niet goed; ze wonen er sinds kort."},
	{"woningcorporatie", fitNewFamily, []string{"financien", "huisvesting"}, "normaal", false, false, false,
		"Nieuwe huurders sinds een paar maanden en nu al twee maanden huurachterstand. We krijgen geen contact. Er lijken jonge kinderen te wonen."},
	{"politie", fitNewElder, []string{"geestelijke_gezondheid", "sociaal_netwerk", "instrumentele_adl"}, "hoog", false, false, false,
		"De wijkagent trof een oudere man aan die de weg naar huis niet meer wist. Hij woont hier alleen en lijkt geen hulp te hebben."},
	{"thuiszorg", fitNewElder, []string{"instrumentele_adl", "lichamelijke_gezondheid", "huisvesting"}, "hoog", true, true, false,
		"Bij het eerste bezoek voor wondzorg zag ik dat mevrouw in een erg vervuild huis woont. Er is bijna geen eten in huis en ze heeft geen familie in de buurt. Ze vindt het goed dat het wijkteam langskomt."},
	{"huisarts", fitNewYoung, []string{"financien", "geestelijke_gezondheid", "sociaal_netwerk"}, "normaal", true, true, false,
		"Nieuwe patiënt ({leeftijd}), net in de gemeente komen wonen. Schulden en psychische klachten, geen netwerk hier. {Ze} wil graag hulp bij {haar} geldzaken."},
	{"schuldeiser", fitNewFamily, []string{"financien", "huisvesting"}, "normaal", false, false, false,
		"Vroegsignalering: huurachterstand van twee maanden en een achterstand bij het waterbedrijf. Nog niet bekend bij de schuldhulp. Graag een huisbezoek."},
}

// referReasons say where a signal went in the voorliggend veld, by its
// first domain.
var referReasons = map[string][]string{
	"sociaal_netwerk": {
		"Doorverwezen naar het maatjesproject van het sociaal werk; {mevrouw} vond dat een goed idee.",
		"Doorverwezen naar de koffieochtend in het buurthuis; een vrijwilliger haalt {haar} de eerste keer op.",
	},
	"financien": {
		"Doorverwezen naar het spreekuur Geldzaken in de bibliotheek, voor hulp bij de post en een betalingsregeling.",
		"Doorverwezen naar de vrijwillige thuisadministratie; {mevrouw} krijgt een maatje voor de post.",
	},
	"huiselijke_relaties": {
		"Doorverwezen naar het opvoedspreekuur van de jeugdverpleegkundige; {mevrouw} maakt zelf een afspraak.",
		"Doorverwezen naar het steunpunt mantelzorg voor respijt en een lotgenotengroep.",
	},
	"": {
		"Doorverwezen naar het sociaal werk in de wijk; zij nemen deze week contact op.",
		"Doorverwezen naar de buurtsportcoach en het buurthuis; geen maatwerk nodig.",
	},
}

var closeSignalReasons = []string{
	"Gebeld met {mevrouw}: de familie regelt de hulp al. {Ze} weet dat {ze} ons kan bellen als het nodig is.",
	"Huisbezoek gedaan: er bleek niets aan de hand. De melder had het verkeerd begrepen.",
	"Dubbel: hetzelfde signaal kwam een week eerder binnen en is daar opgepakt.",
	"{Mevrouw} wil geen contact met het wijkteam. De huisarts is op de hoogte en houdt een oogje in het zeil.",
}

// --- cases ---

var handoverNotes = []string{
	"Overgedragen omdat {van} een tijd afwezig is. Het gezin is op de hoogte; de eerstvolgende afspraak is op {datum}.",
	"Nieuwe verdeling van de wijken: dit adres valt nu onder {naar}. Warme overdracht gedaan tijdens het laatste huisbezoek.",
	"Herverdeling van de caseload: {van} had te veel zware gezinnen. Telefonisch doorgesproken; {naar} belt deze week.",
	"Op verzoek van de bewoner: het klikte niet met {van}. {naar} neemt het over; afspraak staat op {datum}.",
	"{van} gaat naar een ander team. Dossier doorgesproken met {naar}; lopende aanvragen staan in het plan.",
}

var closeReasonsGeneral = []string{
	"Doelen bereikt; het huishouden redt zich weer met hulp van het eigen netwerk. Afgesproken dat ze ons bellen als het nodig is.",
	"Verhuisd naar een andere gemeente; warme overdracht aan het wijkteam daar.",
	"Op eigen verzoek gestopt: de bewoner wil nu geen begeleiding meer. Weet ons te vinden.",
}

var closeReasonsDebts = []string{
	"Schulden zijn in een regeling bij de schuldhulpverlening; het huishouden komt weer rond. In overleg afgesloten.",
	"Beschermingsbewind loopt goed en de vaste lasten worden betaald. Geen regie meer nodig.",
}

var closeReasonsYouth = []string{
	"Het gaat weer goed met het kind op school en thuis; jeugdhulp afgerond. In overleg afgesloten.",
	"Hulp loopt nu via de specialistische jeugdhulp; de regie ligt bij de jeugdbeschermer.",
}

var closeReasonsElderly = []string{
	"Hulp bij het huishouden en vervoer lopen; {mevrouw} en de familie hebben geen regie van het wijkteam meer nodig.",
	"De mantelzorg is weer goed geregeld en de dagbesteding loopt. In overleg afgesloten.",
}

// --- notes ---

// noteText is a note, with the problem it is about and whether it is
// sensitive (only the regisseur and the teamleider see it).
type noteText struct {
	about     string // "", debts, youth, ggz, domestic, addiction, elderly, income
	sensitive bool
	text      string
}

var noteTexts = []noteText{
	{"", false, "Eerste huisbezoek gehad. {Mevrouw} was open en vertelde wat er speelt. Afgesproken dat ik over twee weken terugkom met de ZRM."},
	{"", false, "Telefonisch contact: het gaat redelijk. Volgende afspraak staat."},
	{"", false, "Huisbezoek: samen het plan doorgelopen. {Mevrouw} is tevreden over de afspraken: 'Eindelijk één plan in plaats van vijf hulpverleners.'"},
	{"", false, "Afspraak niet doorgegaan: er werd niet opengedaan. Kaartje achtergelaten en een sms gestuurd."},
	{"debts", false, "Samen de post doorgenomen: veertien ongeopende enveloppen, waarvan vijf aanmaningen. Overzicht gemaakt en de aanmelding voor de schuldhulp ingevuld."},
	{"debts", false, "Betalingsregeling met de woningcorporatie afgesproken: de huur gaat voortaan automatisch op de eerste van de maand."},
	{"income", false, "Aanvraag bijstand samen ingediend; de voorschotbetaling is geregeld zodat er deze maand eten is."},
	{"youth", false, "Gesprek met de mentor van {kind}: de aanwezigheid is beter sinds de jeugdhulp loopt. School houdt contact met mij."},
	{"youth", false, "Overleg met de jeugdhulpaanbieder: {kind} is op de wachtlijst voor de jeugd-ggz. Tot die tijd komt de gezinscoach wekelijks."},
	{"ggz", true, "{Mevrouw} vertelde dat {ze} eerder is opgenomen geweest en nu weer somber is. De huisarts is op de hoogte; afspraak bij de POH-ggz gemaakt."},
	{"ggz", false, "{Mevrouw} gaat sinds kort twee ochtenden per week naar de dagbesteding en vindt het fijn om er weer uit te zijn."},
	{"ggz", true, "{Mevrouw} heeft een moeilijke week gehad en zei soms geen zin meer te hebben in het leven. Met {haar} toestemming de huisarts gebeld; die ziet {haar} morgen."},
	{"domestic", true, "{Mevrouw} vertelde over ruzies thuis die soms uit de hand lopen. Veilig Thuis is betrokken. Afgesproken: bij onveiligheid belt {ze} meteen 112."},
	{"domestic", true, "Veiligheidsplan gemaakt met de ouders en Veilig Thuis. De kinderen weten bij wie ze terechtkunnen."},
	{"addiction", false, "Samen met {mevrouw} de intake bij de verslavingszorg voorbereid. {Ze} is gemotiveerd."},
	{"addiction", true, "{Mevrouw} gaf eerlijk aan dat {ze} weer drinkt sinds het ontslag. {Ze} wil zich aanmelden bij de verslavingszorg; aanmelding samen gedaan."},
	{"elderly", false, "Keukentafelgesprek met {mevrouw} en een van de kinderen. Hulp bij het huishouden aangevraagd; de familie doet de boodschappen."},
	{"elderly", false, "Ergotherapeut is langs geweest voor de trap en de badkamer. Advies: traplift en douchestoel."},
}

// --- assessments ---

var zrmNotes = []string{
	"Eerste meting, samen ingevuld aan de keukentafel.",
	"Vervolgmeting: duidelijke vooruitgang op de domeinen waar het plan over gaat.",
	"Vervolgmeting, samen besproken. Kleine stappen vooruit.",
	"Terugval: het gaat minder goed sinds de laatste meting. Plan bijgesteld.",
}

// --- plans ---

// goalText is a goal in the household's own words, on a domain, for a
// person (who says "ik") or the household ("we").
type goalText struct {
	domein string
	about  string // the problem it answers
	self   string // said by the person: "Ik wil ..."
	we     string // said by the household: "We willen ..." ("" = only personal)
}

var goalTexts = []goalText{
	{"financien", "debts", "Ik wil mijn post weer zelf openen en mijn rekeningen op tijd betalen.", "We willen elke maand rondkomen zonder nieuwe achterstanden."},
	{"financien", "debts", "Ik wil van mijn schulden af en weer rustig kunnen slapen.", "We willen een regeling voor onze schulden, zodat de deurwaarder niet meer komt."},
	{"financien", "income", "Ik wil weten waar ik recht op heb en elke maand genoeg geld hebben voor eten en de huur.", "We willen elke maand genoeg geld hebben voor eten, de huur en de kinderen."},
	{"huisvesting", "eviction", "Ik wil in mijn huis kunnen blijven wonen.", "We willen de huurachterstand aflossen, zodat we niet uit ons huis hoeven."},
	{"werk_opleiding", "income", "Ik wil weer aan het werk, eerst een paar uur per week.", ""},
	{"geestelijke_gezondheid", "ggz", "Ik wil me minder somber voelen en weer dingen doen die ik leuk vind.", ""},
	{"geestelijke_gezondheid", "ggz", "Ik wil mijn angst onder controle krijgen, zodat ik weer naar buiten durf.", ""},
	{"tijdsbesteding", "ggz", "Ik wil een vaste dagbesteding, een paar dagen per week.", ""},
	{"middelengebruik", "addiction", "Ik wil minder drinken, eerst niet meer door de week.", ""},
	{"huiselijke_relaties", "domestic", "Ik wil dat de kinderen zich veilig voelen in huis.", "We willen minder ruzie thuis en afspraken die we samen nakomen."},
	{"huiselijke_relaties", "youth", "Ik wil rustiger reageren als het thuis druk wordt.", "We willen weer samen eten en een vast ritme voor de kinderen."},
	{"sociaal_netwerk", "isolated", "Ik wil een paar mensen in de buurt kennen bij wie ik terechtkan.", ""},
	{"sociaal_netwerk", "isolated", "Ik wil niet meer de hele dag alleen zijn.", ""},
	{"instrumentele_adl", "elderly", "Ik wil zelf mijn huishouden blijven doen, met wat hulp.", ""},
	{"basale_adl", "elderly", "Ik wil veilig kunnen douchen en niet meer vallen.", ""},
	{"lichamelijke_gezondheid", "disability", "Ik wil mij met de scootmobiel weer zelf kunnen verplaatsen.", ""},
	{"justitie", "justice", "Ik wil mijn taakstraf afmaken en geen nieuwe problemen met de politie.", ""},
	{"huiselijke_relaties", "carer", "Ik wil de zorg voor mijn partner volhouden en ook tijd voor mezelf hebben.", ""},
}

// youthGoals are goals for a child, said by the child (12+) or about the
// child by the parent.
var youthGoals = []struct{ domein, teen, young string }{
	{"werk_opleiding", "Ik wil weer elke dag naar school en mijn jaar halen.", "{kind} gaat weer elke dag met plezier naar school."},
	{"geestelijke_gezondheid", "Ik wil me beter voelen en weer met vrienden afspreken.", "{kind} voelt zich beter en speelt weer met vriendjes."},
	{"huiselijke_relaties", "Ik wil thuis minder ruzie met mijn ouders.", "{kind} heeft minder woedebuien en slaapt weer goed."},
}

// actionText is an action under a goal: who does it and what.
type actionText struct {
	domein string
	wie    string
	naam   string
	text   string
}

var actionTexts = []actionText{
	{"financien", "huishouden", "", "Elke week de post openen en in de map met vakjes doen."},
	{"financien", "vrijwilliger", "Thuisadministratie", "Helpt elke week met de post en een kasboek."},
	{"financien", "regisseur", "", "Aanmelding bij de schuldhulpverlening regelen en meegaan naar het eerste gesprek."},
	{"financien", "aanbieder", "Schuldhulp De Brug", "Maakt een schuldenoverzicht en regelt een betalingsregeling."},
	{"huisvesting", "regisseur", "", "Met de woningcorporatie een betalingsregeling afspreken."},
	{"huisvesting", "huishouden", "", "De huur elke maand op de eerste automatisch laten afschrijven."},
	{"werk_opleiding", "aanbieder", "Werkbedrijf Aan de Slag", "Re-integratietraject: eerst vrijwilligerswerk, dan een proefplaatsing."},
	{"werk_opleiding", "huishouden", "", "Elke maand op twee vacatures reageren."},
	{"geestelijke_gezondheid", "aanbieder", "Begeleiding In Balans", "Ambulante begeleiding, twee uur per week aan huis."},
	{"geestelijke_gezondheid", "regisseur", "", "Afstemmen met de huisarts en de POH-ggz."},
	{"geestelijke_gezondheid", "netwerk", "zus", "Belt elke zondag en gaat eens per maand samen boodschappen doen."},
	{"tijdsbesteding", "aanbieder", "Dagbesteding De Werkplaats", "Drie dagdelen per week dagbesteding in de houtwerkplaats."},
	{"tijdsbesteding", "huishouden", "", "Elke ochtend om half negen opstaan en een rondje lopen."},
	{"middelengebruik", "aanbieder", "verslavingszorg", "Intake en behandeling bij de verslavingszorg."},
	{"middelengebruik", "huishouden", "", "Geen alcohol meer in huis."},
	{"huiselijke_relaties", "aanbieder", "Jeugdhulp Kompas", "Gezinsbegeleiding, elke week aan huis."},
	{"huiselijke_relaties", "netwerk", "oma", "Haalt de kinderen op dinsdag en donderdag uit school."},
	{"huiselijke_relaties", "huishouden", "", "Vaste bedtijden en elke ochtend samen ontbijten."},
	{"huiselijke_relaties", "regisseur", "", "Overleg met school en Veilig Thuis over wat er nodig is."},
	{"sociaal_netwerk", "vrijwilliger", "maatje via de vrijwilligerscentrale", "Komt elke woensdag koffie drinken en gaat mee naar de markt."},
	{"sociaal_netwerk", "huishouden", "", "Gaat op dinsdag naar de koffieochtend in het buurthuis."},
	{"instrumentele_adl", "aanbieder", "Thuishulp Samen Schoon", "Hulp bij het huishouden, drie uur per week."},
	{"instrumentele_adl", "netwerk", "dochter", "Doet op zaterdag de boodschappen."},
	{"basale_adl", "regisseur", "", "Aanvraag douchestoel en beugels in de badkamer."},
	{"basale_adl", "aanbieder", "Hulpmiddelencentrum Mobiel Plus", "Levert en plaatst de traplift."},
	{"lichamelijke_gezondheid", "regisseur", "", "Aanvraag scootmobiel bij de Wmo."},
	{"justitie", "aanbieder", "reclassering", "Begeleiding bij de taakstraf en een vaste dagbesteding."},
	{"justitie", "huishouden", "", "Elke week op tijd naar de afspraak bij de reclassering."},
	{"werk_opleiding", "regisseur", "", "Overleg met school en de leerplichtambtenaar over een passend rooster."},
	{"werk_opleiding", "netwerk", "oom", "Helpt met huiswerk op maandagavond."},
}

var agreementNotes = []string{
	"Plan samen besproken aan de keukentafel.",
	"Plan doorgelopen met het hele gezin; de oudste was erbij.",
	"Samen opgesteld; het plan is op papier achtergelaten.",
	"Telefonisch doorgesproken na het huisbezoek; akkoord gegeven.",
}

// evaluationSaid is what the household said, by satisfaction.
var evaluationSaid = map[int][]string{
	5:  {"Ik had meer verwacht van de begeleiding; die kwam vaak niet opdagen.", "Het gaat nog steeds niet goed. Ik weet niet of dit plan helpt."},
	6:  {"Het gaat met ups en downs. De wachtlijst voor de jeugd-ggz was veel te lang.", "Sommige dingen lukken, andere niet. Fijn dat ik kan bellen."},
	7:  {"Fijn dat er één iemand is die alles overziet. Het gaat langzaam beter.", "Het maatje helpt echt. De post blijft lastig."},
	8:  {"Het gaat veel beter. Ik open de post weer zelf en de deurwaarder komt niet meer.", "De kinderen merken dat het thuis rustiger is."},
	9:  {"We kunnen weer rondkomen en de kinderen gaan weer graag naar school.", "Ik voel me gehoord. Eindelijk één plan in plaats van vijf."},
	10: {"Zonder jullie had ik mijn huis niet meer gehad. Dank jullie wel.", "Alles wat we hebben afgesproken is gelukt."},
}

// --- spends ---

// spendText is a kind of maatwerk spend: for whom it fits, the amount, what
// it is for, what it prevents and the cost it expects to avoid.
type spendText struct {
	about    string // debts, eviction, income, youth, domestic, elderly, ggz, any
	min, max int64  // euros
	doel     string
	voorkomt string
	avoided  int64 // euros
}

var spendTexts = []spendText{
	{"eviction", 900, 2400, "Huurachterstand van {bedrag} betalen, zodat {ouder} {haar} huis en werk houdt.",
		"Huisuitzetting en opvang van het gezin; verlies van werk.", 25000},
	{"debts", 400, 900, "Energieachterstand van {bedrag} aflossen, zodat de stroom niet wordt afgesloten.",
		"Afsluiting van gas en stroom in een gezin met kinderen; een noodopvang.", 3500},
	{"debts", 9000, 15000, "Schuld van {bedrag} overnemen, zodat de schuldregeling rond komt.",
		"Een huisuitzetting en jaren opvang en beschermd wonen; nu kan {mevrouw} blijven werken.", 60000},
	{"debts", 300, 950, "Achterstand zorgpremie van {bedrag} betalen, zodat {mevrouw} uit de wanbetalersregeling komt.",
		"Een boete van het CAK bovenop de schuld en uitstel van noodzakelijke zorg.", 2200},
	{"income", 450, 800, "Wasmachine en koelkast ({bedrag}) voor een gezin met kinderen.",
		"Elke week naar de wasserette en bedorven eten; meer schulden door dure leningen.", 1500},
	{"income", 150, 350, "Fiets en een maand OV ({bedrag}), zodat {mevrouw} naar de nieuwe baan kan.",
		"Uitval bij de start van het werk en terugval in de bijstand.", 16000},
	{"youth", 300, 500, "Zwemles en de voetbalclub voor de kinderen ({bedrag}).",
		"Dat de kinderen thuis zitten en geen vriendjes hebben; jeugdhulp later.", 3000},
	{"domestic", 2600, 3400, "Mediation voor de ouders ({bedrag}), zodat de scheiding rustig verloopt.",
		"Een vechtscheiding, een ondertoezichtstelling (€ 5.700 per jaar) en mogelijk een uithuisplaatsing.", 50000},
	{"elderly", 900, 1500, "Verhuiskosten ({bedrag}) naar een gelijkvloerse woning.",
		"Een traplift en woningaanpassing, en een te vroege opname in het verpleeghuis.", 40000},
	{"elderly", 400, 700, "Tijdelijke huishoudelijke hulp ({bedrag}) zolang de Wmo-aanvraag loopt.",
		"Dat {mevrouw} valt of verwaarloost in de weken van wachten.", 5000},
	{"ggz", 250, 600, "Overbrugging van {bedrag} voor boodschappen in de wachttijd voor de bijstand.",
		"Nieuwe schulden en een crisis in de wachttijd.", 1500},
	{"any", 200, 600, "Schoolkosten en een laptop ({bedrag}) voor de oudste.",
		"Dat de oudste uitvalt op school.", 4000},
	{"debts", 1200, 2400, "Schuld van {bedrag} bij de deurwaarder betalen, zodat het beslag op het loon stopt en {mevrouw} {haar} baan houdt.",
		"Ontslag, een bijstandsuitkering en nieuwe schulden.", 20000},
	{"income", 1200, 2200, "Bedden, een tafel en stoelen ({bedrag}) voor een kale huurwoning.",
		"Dat de kinderen op matrassen op de grond slapen; zorgen over de opvoeding en jeugdhulp.", 6000},
	{"elderly", 1800, 2400, "Een traplift uit voorraad ({bedrag}), zonder de wachttijd van de Wmo.",
		"Weken in een tijdelijk verpleeghuisbed na een val op de trap.", 12000},
	{"ggz", 600, 1200, "De eerste weken begeleiding betalen ({bedrag}) terwijl de Wmo-aanvraag loopt.",
		"Een terugval en een crisisopname.", 15000},
}

var rejectReasons = []string{
	"Hiervoor is bijzondere bijstand de weg; vraag die eerst aan. Lukt dat niet, dan kijken we opnieuw.",
	"Niet duidelijk wat dit voorkomt. Bespreek het eerst in het teamoverleg.",
	"Dit kan worden meegenomen in de schuldregeling; geen maatwerk nodig.",
	"Het budget is bedoeld voor doorbraken; hier loopt al een voorziening voor.",
}

var approveReasons = []string{
	"Akkoord: voorkomt duidelijk hogere kosten.",
	"Akkoord. Goed onderbouwd; graag over drie maanden laten weten hoe het gaat.",
	"Akkoord, eenmalig. Afspraak in het plan opgenomen.",
	"Akkoord: dit is precies waar het budget voor is.",
}
