// Package casework holds the rules of integral case work: one household,
// one plan, one regisseur, one budget. Signals, ZRM assessments, plans with
// goals and actions, provisions across the laws, the maatwerk budget with
// four eyes, notes and feedback. It knows nothing of HTTP or SQL.
package casework

// Code is a code with its Dutch name, for code lists shown in forms.
type Code struct {
	Code string `json:"code"`
	Naam string `json:"naam"`
}

// Lookup finds the name of a code in a list.
func Lookup(list []Code, code string) (string, bool) {
	for _, c := range list {
		if c.Code == code {
			return c.Naam, true
		}
	}
	return "", false
}

// Domains are the 13 life domains of the Zelfredzaamheid-Matrix (ZRM 2017,
// GGD Amsterdam). Signals and plan goals use the same domains.
var Domains = []Code{
	{"financien", "Financiën"},
	{"werk_opleiding", "Werk & opleiding"},
	{"tijdsbesteding", "Tijdsbesteding"},
	{"huisvesting", "Huisvesting"},
	{"huiselijke_relaties", "Huiselijke relaties"},
	{"geestelijke_gezondheid", "Geestelijke gezondheid"},
	{"lichamelijke_gezondheid", "Lichamelijke gezondheid"},
	{"middelengebruik", "Middelengebruik"},
	{"basale_adl", "Basale ADL"},
	{"instrumentele_adl", "Instrumentele ADL"},
	{"sociaal_netwerk", "Sociaal netwerk"},
	{"maatschappelijke_participatie", "Maatschappelijke participatie"},
	{"justitie", "Justitie"},
}

// Levels of the ZRM; 0 means "niet beoordeeld".
var Levels = []Code{
	{"0", "Niet beoordeeld"},
	{"1", "Acute problematiek"},
	{"2", "Niet zelfredzaam"},
	{"3", "Beperkt zelfredzaam"},
	{"4", "Voldoende zelfredzaam"},
	{"5", "Volledig zelfredzaam"},
}

// LevelName gives the Dutch name of a ZRM level.
func LevelName(l int) string {
	if l < 0 || l >= len(Levels) {
		return ""
	}
	return Levels[l].Naam
}

// Signal sources: who saw it.
var Sources = []Code{
	{"thuiszorg", "Thuiszorg of wijkverpleging"},
	{"huisarts", "Huisarts"},
	{"school", "School of kinderopvang"},
	{"woningcorporatie", "Woningcorporatie"},
	{"politie", "Politie"},
	{"schuldeiser", "Energie, zorgverzekeraar of andere schuldeiser"},
	{"buren", "Buren of kennissen"},
	{"bewoner", "De bewoner zelf"},
	{"wijkteam", "Wijkteam of gemeente"},
	{"anders", "Anders"},
}

// Urgencies of a signal.
var Urgencies = []Code{
	{"laag", "Geen haast"},
	{"normaal", "Deze week"},
	{"hoog", "Binnen twee dagen"},
	{"acuut", "Vandaag (bij direct gevaar: bel 112)"},
}

// Signal states. A reporter only ever sees "ontvangen" or "opgepakt".
const (
	SignalNew      = "nieuw"
	SignalLinked   = "gekoppeld"        // linked to an existing household
	SignalNewCase  = "nieuw_huishouden" // a household was started for it
	SignalReferred = "doorverwezen"     // referred to the voorliggend veld
	SignalClosed   = "gesloten"         // closed with a reason
)

// SignalOutcomes are the triage outcomes.
var SignalOutcomes = []Code{
	{SignalLinked, "Gekoppeld aan een bekend huishouden"},
	{SignalNewCase, "Nieuw huishouden gestart"},
	{SignalReferred, "Doorverwezen naar het voorliggend veld"},
	{SignalClosed, "Gesloten"},
}

// Laws under which a provision is given.
var Laws = []Code{
	{"wmo", "Wmo 2015"},
	{"jw", "Jeugdwet"},
	{"pw", "Participatiewet"},
	{"wgs", "Wet gemeentelijke schuldhulpverlening"},
	{"voorliggend", "Voorliggend veld"},
}

// Categories per law. Wmo and Jeugdwet use the iStandaarden 3.2 code lists
// WMO020 and JZ020 (current codes); Pw, Wgs and the voorliggend veld have
// no national list, so naober defines sensible ones with letter codes.
var Categories = map[string][]Code{
	"wmo": {
		{"01", "Hulp bij het huishouden"}, {"02", "Begeleiding"}, {"03", "Persoonlijke verzorging"}, {"04", "Kortdurend verblijf"},
		{"05", "Woondiensten"}, {"06", "Overige ondersteuning gericht op het individu of huishouden/gezin"}, {"07", "Dagbesteding"},
		{"08", "Vervoerdiensten"}, {"09", "Overige groepsgerichte ondersteuning"}, {"10", "Overige maatwerk arrangementen"},
		{"11", "Rolstoelen"}, {"12", "Vervoervoorzieningen"}, {"13", "Woonvoorzieningen"}, {"14", "Overige hulpmiddelen"},
		{"15", "Beschermd wonen"}, {"16", "Opvang"}, {"17", "Spoedopvang"}, {"18", "Overige beschermd wonen en opvang"},
	},
	"jw": {
		{"40", "Persoonlijke verzorging"}, {"41", "Dagbehandeling"}, {"42", "Vervoerdiensten"},
		{"43", "Jeugdhulp verblijf (incl. behandeling)"}, {"44", "Jeugdhulp verblijf (excl. behandeling)"}, {"45", "Jeugdhulp ambulant"},
		{"46", "Jeugdhulp crisis"}, {"47", "Jeugdreclassering"}, {"48", "Jeugdbescherming"}, {"49", "Activiteiten in het preventief justitieel kader"},
		{"50", "Maatwerkarrangementen jeugd"}, {"51", "Generalistische basis-ggz"}, {"52", "Specialistische ggz"}, {"53", "Kindergeneeskunde"},
		{"54", "Jeugd-ggz"}, {"55", "Landelijk ingekochte zorg"},
	},
	"pw": {
		{"PW-BIJSTAND", "Bijstandsuitkering"}, {"PW-BIJZONDER", "Bijzondere bijstand"}, {"PW-REINTEGRATIE", "Re-integratie"},
		{"PW-BESCHUT", "Beschut werk"}, {"PW-MINIMA", "Minimaregeling"},
	},
	"wgs": {
		{"WGS-SCHULDHULP", "Schuldhulpverlening"}, {"WGS-BUDGETBEHEER", "Budgetbeheer"}, {"WGS-BEWIND", "Beschermingsbewind"},
		{"WGS-SANERING", "Schuldsanering (minnelijk)"}, {"WGS-KREDIET", "Saneringskrediet"},
	},
	"voorliggend": {
		{"VV-SOCIAALWERK", "Sociaal werk"}, {"VV-VRIJWILLIGER", "Vrijwillige inzet of maatje"}, {"VV-BUURTHUIS", "Buurthuis of inloop"},
		{"VV-MANTELZORG", "Mantelzorgondersteuning"}, {"VV-GROEP", "Groepsactiviteit"},
	},
}

// Taakvelden are the Iv3 budget lines of chapter 6 (social domain), 2025.
var Taakvelden = []Code{
	{"6.1", "Samenkracht en burgerparticipatie"},
	{"6.21", "Toegang en eerstelijnsvoorzieningen Wmo"},
	{"6.22", "Toegang en eerstelijnsvoorzieningen Jeugd"},
	{"6.23", "Toegang en eerstelijnsvoorzieningen Integraal"},
	{"6.3", "Inkomensregelingen"},
	{"6.4", "Wsw en beschut werk"},
	{"6.5", "Arbeidsparticipatie"},
	{"6.60", "Hulpmiddelen en diensten (Wmo)"},
	{"6.711", "Huishoudelijke hulp (Wmo)"},
	{"6.712", "Begeleiding (Wmo)"},
	{"6.713", "Dagbesteding (Wmo)"},
	{"6.714", "Overige maatwerkarrangementen (Wmo)"},
	{"6.751", "Jeugdhulp ambulant lokaal"},
	{"6.752", "Jeugdhulp ambulant regionaal"},
	{"6.753", "Jeugdhulp ambulant landelijk"},
	{"6.761", "Jeugdhulp met verblijf lokaal"},
	{"6.762", "Jeugdhulp met verblijf regionaal"},
	{"6.763", "Jeugdhulp met verblijf landelijk"},
	{"6.791", "Pgb Wmo"},
	{"6.792", "Pgb Jeugd"},
	{"6.811", "Beschermd wonen (Wmo)"},
	{"6.812", "Maatschappelijke- en vrouwenopvang (Wmo)"},
	{"6.821", "Jeugdbescherming"},
	{"6.822", "Jeugdreclassering"},
}

// Units (iStandaarden WJ756) and frequencies (WMO757).
var Units = []Code{
	{"01", "Minuut"}, {"04", "Uur"}, {"14", "Etmaal"}, {"16", "Dagdeel (4 uur)"}, {"82", "Stuks (output)"}, {"83", "Euro's"}, {"84", "Stuks (inspanning)"},
}

var Frequencies = []Code{
	{"1", "Per dag"}, {"2", "Per week"}, {"4", "Per maand"}, {"6", "Totaal binnen de looptijd"},
}

// Provision states.
var ProvisionStates = []Code{
	{"aangevraagd", "Aangevraagd"}, {"toegekend", "Toegekend"}, {"gestart", "Gestart"}, {"beeindigd", "Beëindigd"},
}

// EndReasons for a provision (after WMO588/JZ588, in plain words).
var EndReasons = []Code{
	{"doel_bereikt", "Doelen bereikt"}, {"eigen_kracht", "Verder met eigen netwerk of voorliggend veld"},
	{"andere_voorziening", "Overgegaan naar andere voorziening"}, {"verhuisd", "Verhuisd"}, {"overleden", "Overleden"},
	{"op_verzoek", "Op verzoek van de cliënt"}, {"aanbieder", "Aanbieder stopt"}, {"anders", "Anders"},
}

// Who carries out a plan action.
var Actors = []Code{
	{"huishouden", "Het huishouden zelf"}, {"netwerk", "Eigen netwerk"}, {"vrijwilliger", "Vrijwilliger"},
	{"regisseur", "De regisseur"}, {"aanbieder", "Aanbieder"},
}

// Action states.
var ActionStates = []Code{{"gepland", "Gepland"}, {"bezig", "Bezig"}, {"gedaan", "Gedaan"}, {"gestopt", "Gestopt"}}

// Goal states.
var GoalStates = []Code{{"open", "Loopt"}, {"bereikt", "Bereikt"}, {"niet_bereikt", "Niet bereikt"}}

// How the household agreed with the plan.
var AgreementWays = []Code{{"gesprek", "In een gesprek"}, {"getekend", "Getekend op papier"}, {"digitaal", "Digitaal bevestigd"}, {"telefonisch", "Telefonisch"}}

// Spend states.
const (
	SpendRequested = "aangevraagd"
	SpendApproved  = "goedgekeurd"
	SpendRejected  = "afgewezen"
)
