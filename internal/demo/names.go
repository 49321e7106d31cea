package demo

import (
	"math/rand/v2"
	"strings"
)

// origin is the naming tradition of a person: the country (or region) of
// the family's migration background, or NL.
type origin string

const (
	oNL origin = "NL" // also most people with an Indonesian or other Western background
	oTR origin = "TR" // Turkey
	oMA origin = "MA" // Morocco
	oSR origin = "SR" // Suriname: Hindustani, Creole and Javanese names
	oAN origin = "AN" // Caribbean Netherlands, Curaçao, Aruba
	oPL origin = "PL" // Poland
	oWE origin = "WE" // other European and Western: German, British, Belgian, Romanian, Southern European
	oAR origin = "AR" // Syria, Iraq, Afghanistan, Iran
	oER origin = "ER" // Eritrea, Somalia, Ethiopia
)

// originProfile gives the share (percent) of households per origin.
type originProfile struct {
	name   string
	shares []originShare
}

type originShare struct {
	o     origin
	share float64
}

// The profiles are calibrated on wijk_rates_haaglanden.csv, year 2022,
// population-weighted (CBS migration background):
//   - stad: 's-Gravenhage: non-Western 37.1% (Turkey 7.6, Morocco 5.9,
//     Suriname 7.8, Antilles ~2.5 for Haaglanden), Western 21.8%. The
//     Western group is split into Polish 4, other European 8 and 9.8 with
//     Dutch names (Indonesian Dutch, mixed families); the rest of the
//     non-Western group into Middle East 8 and Horn of Africa 5.3.
//   - middelgroot: Rijswijk and Leidschendam-Voorburg: non-Western 22.5%
//     (Turkey 2.0, Morocco 2.8, Suriname 4.1), Western 16%.
//   - klein: not in the file; an estimate for small gemeenten below the
//     national average (CBS 2024: ~16% non-Western, ~13% Western).
//
// Households known to the social domain have somewhat more migration
// background than the population; the profiles do not correct for that.
var (
	profileStad = originProfile{"stad", []originShare{
		{oNL, 50.9}, {oTR, 7.6}, {oMA, 5.9}, {oSR, 7.8}, {oAN, 2.5}, {oPL, 4}, {oWE, 8}, {oAR, 8}, {oER, 5.3}}}
	profileMiddel = originProfile{"middelgroot", []originShare{
		{oNL, 69.5}, {oTR, 2.0}, {oMA, 2.8}, {oSR, 4.1}, {oAN, 1.5}, {oPL, 3}, {oWE, 5}, {oAR, 7}, {oER, 5.1}}}
	profileKlein = originProfile{"klein", []originShare{
		{oNL, 86}, {oTR, 1.5}, {oMA, 1.0}, {oSR, 1.2}, {oAN, 0.5}, {oPL, 2.5}, {oWE, 3.5}, {oAR, 2.5}, {oER, 1.3}}}
)

// profileFor picks by size: the four big cities, gemeenten with 15 or more
// wijken, and the rest.
func profileFor(gemeente string, wijken int) originProfile {
	switch gemeente {
	case "GM0363", "GM0599", "GM0518", "GM0344": // Amsterdam, Rotterdam, 's-Gravenhage, Utrecht
		return profileStad
	}
	if wijken >= 15 {
		return profileMiddel
	}
	return profileKlein
}

// pick draws an origin; diversity scales the non-Dutch share (capped at 90%).
func (p originProfile) pick(r *rand.Rand, diversity float64) origin {
	var nl, other float64
	for _, s := range p.shares {
		if s.o == oNL {
			nl = s.share
		} else {
			other += s.share
		}
	}
	pOther := min(0.9, other/(nl+other)*diversity)
	if r.Float64() >= pOther {
		return oNL
	}
	x := r.Float64() * other
	for _, s := range p.shares {
		if s.o == oNL {
			continue
		}
		x -= s.share
		if x < 0 {
			return s.o
		}
	}
	return p.shares[len(p.shares)-1].o
}

// pickOther draws a non-Dutch origin for a mixed couple.
func (p originProfile) pickOther(r *rand.Rand) origin {
	for {
		if o := p.pick(r, 100); o != oNL {
			return o
		}
	}
}

// surname is a family name with its tussenvoegsel ("van der" + "Meer")
// and the naming tradition it comes from.
type surname struct {
	tv, name string
	o        origin
}

func init() {
	for o, ns := range nameSets {
		for i := range ns.surnames {
			ns.surnames[i].o = o
		}
	}
}

// parseSurnames reads "van der Meer, de Jong, El Amrani": the leading
// lower-case words are the tussenvoegsel.
func parseSurnames(list string) []surname {
	var out []surname
	for _, s := range strings.Split(list, ",") {
		words := strings.Fields(s)
		i := 0
		for i < len(words)-1 && (words[i][0] >= 'a' && words[i][0] <= 'z' || words[i] == "'t") {
			i++
		}
		out = append(out, surname{tv: strings.Join(words[:i], " "), name: strings.Join(words[i:], " ")})
	}
	return out
}

// nameSet holds the first names and surnames of one origin. Men and
// women have lists per birth cohort: cohorts[i] applies to people born
// before cutoffs[i] (the last one to everyone born later).
type nameSet struct {
	cutoffs      []int
	men, women   [][]string
	surnames     []surname
	twoNames     func(year int) float64 // chance of a second voornaam
	feminineName bool                   // Polish -ski/-cki become -ska/-cka for women
	patronymic   bool                   // children are named after their father's first name
}

func cohorts(lists ...string) [][]string {
	out := make([][]string, len(lists))
	for i, l := range lists {
		out[i] = strings.Fields(l)
	}
	return out
}

var nameSets = map[origin]*nameSet{
	oNL: {
		cutoffs: []int{1945, 1965, 1985, 2005},
		men: cohorts(
			"Johannes Hendrik Cornelis Jan Gerrit Willem Pieter Jacobus Hendrikus Albert Klaas Harm Roelof Jacob Dirk Gerardus Antonius Wilhelmus Lambertus Arend Egbert Teunis Marinus Adrianus Petrus",
			"Jan Johannes Gerrit Hendrik Peter Henk Kees Wim Gerard Hans Bert Jacob Theodorus Frans Robert Albertus Harry Jos Ton Ruud Rob Fred Piet Klaas Jacobus",
			"Mark Marcel Erik Jeroen Patrick Michel Martijn Dennis Richard Edwin Arjan Rob Bas Ronald Sander Wouter Remco Maarten Vincent Paul Roy Frank Jasper Johan Marco",
			"Kevin Thomas Tim Niels Bram Jesse Stefan Rick Joost Tom Koen Daan Ruben Lars Nick Sven Mike Robin Jelle Max Luuk Stijn Wessel Jeroen Sander",
			"Daan Sem Lucas Noah Levi Finn Milan Luuk Bram Jesse Thijs Liam Julian Mees Sven Ties Jayden Luca Sam Noud Guus Siem Hugo Jens Daniël"),
		women: cohorts(
			"Maria Johanna Hendrika Cornelia Wilhelmina Geertruida Aaltje Grietje Jantje Anna Elisabeth Catharina Hillegonda Trijntje Aleida Gerritje Margaretha Jacoba Albertha Fenna Roelofje Geesje Adriana Petronella",
			"Maria Anna Johanna Elisabeth Geesje Jannie Gerda Ria Wilma Ineke Hennie Marianne Margaretha Joke Annie Tineke Henny Riet Anneke Truus Gerrie Janny Els Wilhelmina",
			"Monique Sandra Linda Marieke Anja Petra Ingrid Esther Mirjam Saskia Karin Wendy Judith Nicole Ilse Jolanda Bianca Marloes Annemiek Daniëlle Miranda Natasja Chantal Yvonne",
			"Lisa Anouk Sanne Kim Laura Iris Femke Lotte Manon Maaike Eva Anne Fleur Esmee Marloes Naomi Demi Romy Britt Kelly Sophie Julia Amber Nina",
			"Emma Julia Sophie Tess Lotte Zoë Sara Fenna Mila Noa Nora Evi Lieke Yara Saar Jasmijn Liv Anna Isa Fleur Roos Elin Nova Lynn"),
		surnames: parseSurnames("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer, " +
			"de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra, " +
			"Smits, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen, van den Heuvel, van der Veen, " +
			"van den Broek, de Bruijn, de Bruin, van der Heijden, Schouten, van Beek, Willems, van Vliet, van de Ven, " +
			"Hoekstra, Maas, Verhoeven, Koster, van Dam, van der Wal, Prins, Blom, Huisman, Peeters, de Jonge, Kuipers, " +
			"van Veen, Post, Kuiper, Veenstra, Kramer, van den Brink, Scholten, van Wijk, Postma, Martens, Vink, de Ruiter, " +
			"Timmermans, Groen, Gerritsen, Jonker, van Loon, Boer, van der Velde, Willemsen, de Lange, de Vos, Bosch, " +
			"van Dongen, Schipper, de Koning, van der Laan, Koning, van der Velden, Driessen, van Doorn, Hermans, Evers, " +
			"van den Bosch, van der Meulen, Hofman, Bosman, Wolters, Sanders, van der Horst, Kuijpers, Wouters, " +
			"ter Horst, in 't Veld, van 't Hof, Zwiers, Oosting, Hadders, Kiers, Nijboer, Lubbers, Hessels, Talen, " +
			"Schuurman, Brinkman, Bouwman, Oldenhuis, Hilberts, Koopman, Wiggers, Bosma, Zomer, Lamberts"),
		twoNames: func(year int) float64 {
			switch {
			case year < 1965:
				return 0.55
			case year < 1990:
				return 0.35
			}
			return 0.25
		},
	},
	oTR: {
		cutoffs: []int{1990},
		men: cohorts("Mehmet Mustafa Ahmet Ali Hüseyin Hasan Ibrahim Ismail Osman Yusuf Halil Recep Ramazan Süleyman Murat Kemal Erol Cengiz",
			"Emre Burak Yusuf Kerem Ömer Serkan Kaan Emir Efe Arda Mert Enes Furkan Yunus Berat Eren Baran Umut"),
		women: cohorts("Fatma Ayşe Emine Hatice Zeynep Meryem Hanife Sultan Gül Hülya Nurten Songül Sevgi Gülay Aynur Leyla",
			"Elif Merve Esra Büşra Selin Derya Özlem Zeynep Ecrin Defne Azra Eylül Ebru Tuğba Melek Nisa Irem Dilara"),
		surnames: parseSurnames("Yilmaz, Kaya, Demir, Şahin, Çelik, Yildiz, Yildirim, Öztürk, Aydin, Özdemir, Arslan, Doğan, " +
			"Kiliç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Erdoğan, Akbulut, Güler, Bulut, Karaca, Tekin, Ünal"),
		twoNames: func(int) float64 { return 0.1 },
	},
	oMA: {
		cutoffs: []int{1990},
		men: cohorts("Mohamed Ahmed Mustapha Abdelkader Said Hamid Khalid Rachid Driss Abdellah Hassan Mimoun Abdelaziz Lahcen Brahim Mohammed Abdeslam",
			"Youssef Bilal Ayoub Ilias Adam Amin Anas Zakaria Rayan Mohamed Soufiane Hamza Nordin Yassine Imran Marouane Othman Ismail"),
		women: cohorts("Fatima Khadija Naima Malika Samira Nadia Rachida Zohra Aicha Fatiha Habiba Mina Saida Latifa Zineb Hafida",
			"Salma Hanane Soumaya Imane Sara Yasmina Aya Noor Hiba Lina Malak Ikram Chaima Meryem Ilham Sanae Nisrine Dounia"),
		surnames: parseSurnames("El Amrani, Bouzid, El Idrissi, Benali, Ouali, Boukhari, El Khatib, Azzouzi, Bakkali, Ait Taleb, " +
			"Ouazzani, Mansouri, El Hamdaoui, Ziani, Amrani, Tahiri, El Messaoudi, Bouali, Haddou, Essafi, Aarab, " +
			"Boulahrouz, El Ouardi, Chaara, Achahbar, Bouchtaoui"),
	},
	oSR: {
		cutoffs: []int{1990},
		men: cohorts("Ravi Sunil Anil Dennis Romeo Clyde Orlando Rajesh Ramon Edgar Errol Glenn Harold Rudi Radjinder Frits Lloyd",
			"Rishi Romano Marvin Kevin Jason Shivam Aryan Jayden Dylan Nathan Giovanni Quincy Shaquille Darryl Sanjay Keanu Damian"),
		women: cohorts("Shanti Sharmila Anita Ingrid Shirley Sonja Joyce Carmen Iris Hilda Indra Marlene Gerda Lucretia Rita Astrid Sandra",
			"Rachna Jennifer Sharon Priya Naomi Chantal Shivani Kimberley Nikita Sheryl Tamara Anjali Melissa Ashanti Rowena Zoë Sheila"),
		surnames: parseSurnames("Ramdin, Sewdien, Jagessar, Ramsaran, Mahabier, Ramautar, Baldewsingh, Kalloe, Bhagwandin, " +
			"Soekhoe, Pinas, Wijngaarde, Linger, Vlijter, Karsters, Dundas, Ceder, Kromodimedjo, Soemodihardjo, Sarmo, " +
			"Wongsodikromo, Doorson, Held, Nelom, Landveld, Biharie"),
		twoNames: func(int) float64 { return 0.15 },
	},
	oAN: {
		men:   cohorts("Jurgen Ruthmilo Shurandy Giovanni Edsel Rignald Jair Urvin Ryan Jefferson Riangelo Curtley Luigi Anthony Sherwin Rudsel"),
		women: cohorts("Shurenska Jeanine Rosalinda Shaquira Jeanette Xiomara Sharlene Gislaine Rudmila Shurelly Giselle Nayeli Sherida Jozaira Ilonka Rosemary"),
		surnames: parseSurnames("Martina, Isenia, Coffie, Pieternella, Rosaria, Felida, Maduro, Juliana, Statia, Albertus, " +
			"Richardson, Doran, Janga, Lasten, Winklaar, Sambo, Cijntje, Leito"),
		twoNames: func(int) float64 { return 0.2 },
	},
	oPL: {
		men:   cohorts("Piotr Krzysztof Tomasz Paweł Marcin Michał Łukasz Adam Kamil Jakub Mateusz Szymon Bartosz Dawid Grzegorz Wojciech Andrzej Rafał"),
		women: cohorts("Anna Katarzyna Agnieszka Magdalena Joanna Monika Aleksandra Natalia Zuzanna Julia Maja Ewa Karolina Marta Barbara Dorota Justyna Oliwia"),
		surnames: parseSurnames("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, " +
			"Woźniak, Dąbrowski, Kozłowski, Mazur, Krawczyk, Grabowski, Jankowski, Wojciechowski, Kwiatkowski, Kaczmarek, " +
			"Piotrowski, Nowicki, Zając, Król, Wieczorek"),
		feminineName: true,
		twoNames:     func(int) float64 { return 0.1 },
	},
	oWE: {
		men:   cohorts("Thomas Michael Stefan Andreas Daniel James David Christian Lukas Paul Jonas Oliver Marco Alessandro João Pablo Ion Georgi Mihai Matthias"),
		women: cohorts("Sabine Claudia Julia Katharina Sarah Laura Emily Anna Lena Sophie Hannah Giulia Ana Elena Ioana Petra Chloé Lucía Martina Maria"),
		surnames: parseSurnames("Müller, Schmidt, Schneider, Fischer, Weber, Wagner, Becker, Hoffmann, Smith, Brown, Wilson, " +
			"Taylor, Maes, Claes, Dubois, Popescu, Ionescu, Rossi, García, Silva, Santos, Ferreira, Horváth, Novák, Petrov"),
		twoNames: func(int) float64 { return 0.2 },
	},
	oAR: {
		men:   cohorts("Mohammad Ahmad Omar Khaled Mahmoud Ali Hassan Yousef Rami Tarek Amir Adam Karam Bashar Firas Samir Hamid Mustafa Reza Farid"),
		women: cohorts("Fatima Rasha Rania Hiba Nour Huda Amal Layla Maryam Sidra Rahaf Joudi Zahra Farah Yasmin Dima Lama Aisha Parisa Shirin"),
		surnames: parseSurnames("Al-Ahmad, Al-Hussein, Haddad, Khalil, Hamoud, Al-Khatib, Ibrahim, Mahmoud, Hassan, Darwish, " +
			"Al-Ali, Suleiman, Kassem, Mansour, Najjar, Hosseini, Ahmadi, Rahimi, Karimi, Sultani"),
	},
	oER: {
		men:   cohorts("Yonas Dawit Tesfay Samuel Mehari Filmon Biniam Robel Abraham Aron Mohamed Abdi Ahmed Yusuf Ermias Henok Mussie Natnael"),
		women: cohorts("Helen Senait Selam Rahel Saba Mebrat Luwam Ruta Semhar Yordanos Hodan Amina Sahra Faduma Hiwet Ksanet Elsa Ruth"),
		surnames: parseSurnames("Tesfay, Gebremedhin, Haile, Tekle, Ghebre, Woldu, Kidane, Berhane, Habte, Mehari, Mesfin, " +
			"Abdi, Farah, Hassan, Warsame, Ali, Yusuf, Mohamud"),
		patronymic: true,
	},
}

// firstNames draws the voornamen for someone of origin o, gender and
// birth year; "onbekend" takes either list.
func firstNames(r *rand.Rand, o origin, gender string, year int) string {
	ns := nameSets[o]
	c := 0
	for c < len(ns.cutoffs) && year >= ns.cutoffs[c] {
		c++
	}
	lists := ns.women
	if gender == "man" || gender == "onbekend" && r.IntN(2) == 0 {
		lists = ns.men
	}
	list := lists[min(c, len(lists)-1)]
	first := list[r.IntN(len(list))]
	if ns.twoNames != nil && r.Float64() < ns.twoNames(year) {
		if second := list[r.IntN(len(list))]; second != first {
			return first + " " + second
		}
	}
	return first
}

// randomSurname draws a family name of origin o.
func randomSurname(r *rand.Rand, o origin) surname {
	l := nameSets[o].surnames
	return l[r.IntN(len(l))]
}

// forGender adapts a surname to its bearer: Polish -ski/-cki/-dzki become
// -ska/-cka/-dzka for women.
func (s surname) forGender(gender string) surname {
	if gender == "vrouw" && s.o != "" && nameSets[s.o].feminineName && strings.HasSuffix(s.name, "ki") {
		s.name = strings.TrimSuffix(s.name, "i") + "a"
	}
	return s
}
