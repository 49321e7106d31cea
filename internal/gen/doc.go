// Package gen writes synthetic populations: `naober gen national` makes a
// population of the Netherlands (default 18,000,000 residents in about 8.3
// million households) over the real 2024 CBS gemeenten and wijken, with
// provisions, costs and problem indicators for a window of months, as CSV
// files that naober's monitor (monitor.LoadCSV), PostgreSQL
// (COPY t FROM 'f' (FORMAT csv, HEADER true)) and DuckDB (read_csv) all load.
// Nothing in it is a real person.
//
// # Files
//
// All files are UTF-8 CSV with a header line, comma separated, no quoting
// (no field contains a comma), "\n" line ends. Ids are positive integers.
// Months are integers YYYYMM (202611 is November 2026); periods are half-open
// [from_month, to_month): a row with from_month 202501 and to_month 202504
// holds in January, February and March 2025. Every file is sorted by its
// first column (the person id), so a loader can merge them in one pass.
//
//	persons.csv     id,household,gemeente,wijk,buurt,birth
//	                one row per resident; household is the id of the
//	                household (= the id of its first member); gemeente GM+4,
//	                wijk WK+6 (2024 CBS codes), buurt BU+8 (synthetic buurten
//	                of the wijk, area.SyntheticBuurten); birth YYYYMM.
//	                Ids are numbered by wijk code, so a wijk is a range.
//	households.csv  id,gemeente,wijk,buurt,size,type,debts
//	                type: alleen, paar, paar_kinderen, eenouder; debts 1 when
//	                the household has problematic debts (static over the window).
//	facts.csv       person,indicator,from_month,to_month
//	                the monitor indicators that are not provisions (codes of
//	                internal/monitor/api.go): kind, volwassene, hh:eenouder,
//	                hh:kinderen, hh:75plus (household facts are given to every
//	                member), signaal, plan, maatwerk (household events, given
//	                to every member) and zrm:<domein> (ZRM level ≤ 2 on that
//	                domain: financien, geestelijke_gezondheid, huisvesting,
//	                middelengebruik, sociaal_netwerk).
//	provisions.csv  person,wet,categorie,taakveld,from_month,to_month,cents_per_month
//	                one row per provision spell: wet wmo, jw, pw, wgs or
//	                voorliggend; categorie the WMO020/JZ020 code or naober's
//	                PW-/WGS-/VV- code (internal/casework); taakveld the Iv3
//	                taakveld (casework.DefaultTaakveld). In the monitor a
//	                provision is the indicators wet:<wet>, cat:<wet>:<categorie>
//	                and tv:<taakveld> over its months.
//	costs.csv       person,month,wet,taakveld,categorie,cents
//	                what the gemeente pays for a provision in a month, in euro
//	                cents (one row per provision and month; the voorliggend
//	                veld is free and has no rows).
//	manifest.json   seed, counts, window and attribution of the run.
//
// Spells are clipped to the window: a spell that starts before it has
// from_month = the first month, one that goes on after it has to_month = the
// month after the last.
//
// # The model
//
// Wijk sizes: the data have no population counts, so a wijk's weight is
// 18.0M/3393 times a deterministic log-normal factor (sd 0.75) from its code;
// the 70 Haaglanden wijken of the wijkprofielen data get their real 2022
// population. Persons are shared out over wijken in proportion (largest
// remainder, exactly --persons in total). Households are drawn per wijk
// (alone 36%, couple 32%, couple with children 26%, single parent 6%, with a
// wijk factor on the share alone), with ages per type.
//
// Problems cluster: every household has a latent vulnerability z ~ N(0,1)
// (+0.6 for single parents); every wijk a deprivation effect that scales the
// national rates (log-normal, sd 0.45, mean 1). Each indicator has a
// monthly prevalence for each eligible unit pi = sigmoid(a + b·z + age and
// household terms), with the intercept a solved per wijk so that the
// expected number in a month is exactly the wijk's target. Spells come from a
// two-state monthly Markov chain whose stationary share is pi and whose mean
// spell length is the indicator's (Wmo 30 months, youth care 14, bijstand 40,
// Wgs 18, ZRM 9–12, voorliggend 8), so the monthly share is the target in
// every month of the window. Because debts, bijstand, youth care, adult
// mental health (zrm:geestelijke_gezondheid) and Wgs all load on the same z,
// they stack far more often than independence would give; debts are a
// static household state that drives Wgs and zrm:financien.
//
// National monthly targets (../shared/DOMAIN.md): Wmo 7.2% of residents
// (steeply rising with age); youth care 10.6% of the under-23s; bijstand
// 406,000/18.0M of residents, given to the household head aged 18–66;
// problematic debts 614,000/8.1M of households, Wgs 1.3% of residents
// (heads, mostly of indebted households); zrm:geestelijke_gezondheid 2.5% of
// adults; voorliggend veld 4%; signal 1%, plan 1.5% and maatwerk 0.1% of
// households.
//
// Wijken in the wijkprofielen data (../shared/data/wijkprofielen, MIT, see
// data/LICENSE.wijkprofielen; data/wijkprofielen.csv holds, per wijk, the
// latest year with a non-zero value of each rate) use their real rates as
// shares of all residents: wet:wmo = %_WMO_user, wet:jw = %_JGDHULP_user,
// wet:pw = %_Welfare_benefit_user, wet:wgs = %_Wanbet (health-insurance
// arrears: the data's debt-relief column %_Debt_Poor is statutory debt
// restructuring only, about 0.02%, far narrower than Wgs), debts scaled
// from %_Wanbet, zrm:geestelijke_gezondheid = 0.6 × %_ZVWKOSTENPSYCHO_user of
// adults; the other rates follow the wijk's bijstand share. A rate the data
// have as 0 in every year (suppressed small cells) stays 0.
//
// Determinism: every wijk draws from its own PCG stream seeded by the seed
// and its code, so the files depend only on the options, not on the number
// of workers. Wijken are generated in parallel and written in order.
package gen
