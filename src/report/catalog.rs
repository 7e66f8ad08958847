//! The message catalog: every sentence, heading and label the report and its charts show, once
//! per language, by key (`Msg`), and the languages (`Lang`). A message missing in one language
//! does not compile.

use super::lang::catalog;
pub use super::lang::Lang;

catalog! {
    // Titles, headings and fixed paragraphs of the report.
    TitleRun { nl: "Omvang casemanagement dementie: {name}", en: "Volume of dementia case management: {name}" }
    TitleComparison { nl: "Omvang casemanagement dementie: scenariovergelijking", en: "Volume of dementia case management: scenario comparison" }
    RunIntro { nl: "Scenario {scenario}. Basisjaar {base}, horizon {horizon}.", en: "Scenario {scenario}. Base year {base}, horizon {horizon}." }
    IllustrativeNotice {
        nl: "**Let op: illustratieve ketendata.** De datafoto van de ketens in deze run is synthetisch (gegenereerd met bekende parameters), niet gemeten. De cijfers laten zien hoe de methode werkt en hoe groot de onzekerheid is; gebruik ze niet als uitspraak over de werkelijke omvang.",
        en: "**Note: illustrative chain data.** The chains' data photo in this run is synthetic (generated from known parameters), not measured. The figures show how the method works and how large the uncertainty is; do not read them as a statement about the actual volume."
    }
    HeadingKeyMessage { nl: "Kernboodschap", en: "Key message" }
    MedianNote {
        nl: "Mediaan met 90%-interval; voorraden op 1 januari, kosten en verloren wachtenden over het kalenderjaar. Aantallen zijn afgerond op drie significante cijfers.",
        en: "Median with 90% interval; stocks on 1 January, costs and people lost while waiting over the calendar year. Numbers are rounded to three significant figures."
    }
    HeadingOutlook { nl: "Vooruitblik (medianen)", en: "Outlook (medians)" }
    HeadingCharts { nl: "Grafieken", en: "Charts" }
    HeadingDataPhoto { nl: "Datafoto van de ketens", en: "The chains' data photo" }
    HeadingMethod { nl: "Methode en aannames", en: "Method and assumptions" }
    HeadingSensitivity { nl: "Gevoeligheid", en: "Sensitivity" }
    SensitivityIntro {
        nl: "Welke onzekere invoer de uitkomst het meest bepaalt: Spearmans rangcorrelatie (ρ) tussen de getrokken waarde en de uitkomst over alle iteraties. Invoer die in dit scenario vastligt, staat er niet in.",
        en: "Which uncertain inputs drive the outcome most: Spearman's rank correlation (ρ) between the drawn value and the outcome over all iterations. Inputs fixed in this scenario are not listed."
    }
    HeadingSources { nl: "Bronnen", en: "Sources" }
    HeadingLimitations { nl: "Beperkingen", en: "Limitations" }
    HeadingReproducibility { nl: "Reproduceerbaarheid", en: "Reproducibility" }
    HeadingSideBySide { nl: "Scenario's naast elkaar (medianen)", en: "Scenarios side by side (medians)" }
    HeadingScenarios { nl: "De scenario's", en: "The scenarios" }
    Figure { nl: "Figuur", en: "Figure" }

    // Numbers with their interval.
    Interval { nl: "**{median}** (90%-interval {low}–{high})", en: "**{median}** (90% interval {low}–{high})" }

    // The key message.
    KeyPeople {
        nl: "Op 1 januari {year} hebben naar schatting {people} mensen dementie; {at_home} van hen wonen thuis.",
        en: "On 1 January {year} an estimated {people} people have dementia; {at_home} of them live at home."
    }
    KeyVolume {
        nl: "Volume in {year}: {clients} mensen krijgen casemanagement dementie, geëxtrapoleerd uit de datafoto van de ketens{actual}.",
        en: "Volume in {year}: {clients} people receive dementia case management, extrapolated from the chains' data photo{actual}."
    }
    KeyActual { nl: "; de landelijke telling van dat jaar is {count} ({source})", en: "; the national count that year is {count} ({source})" }
    KeyNeed {
        nl: "Behoefte volgens de Zorgstandaard Dementie: {need} thuiswonende mensen met dementie. Het verschil met het huidige volume is {gap} mensen.",
        en: "Need under the Zorgstandaard Dementie: {need} people with dementia living at home. The gap with the current volume is {gap} people."
    }
    KeyCapacity {
        nl: "Capaciteit: voor de huidige cliënten en de wachtlijst is {fte} FTE casemanager nodig; wie iedereen met behoefte volgens de Zorgstandaard wil bedienen, heeft {fte_zs} FTE nodig.",
        en: "Capacity: the current clients and the waiting list need {fte} FTE case managers; serving everyone in need under the Zorgstandaard takes {fte_zs} FTE."
    }
    KeyCost {
        nl: "Kosten: casemanagement kost {cost} per jaar ({year}); volgens de Zorgstandaard zou het {cost_zs} per jaar zijn ({price}).",
        en: "Cost: case management costs {cost} a year ({year}); under the Zorgstandaard it would be {cost_zs} a year ({price})."
    }
    PriceLevel { nl: "prijspeil {year}", en: "{year} prices" }
    PriceLevelIndexed { nl: "prijspeil {year}, geïndexeerd met {index} per jaar", en: "{year} prices, indexed at {index} a year" }
    ComparisonConclusion {
        nl: "**Conclusie.** Van deze scenario's geeft {scenario} in {horizon} de kortste wachtlijst vergeleken met {reference}: een verschil van {median} mensen (gepaard per iteratie, 90%-interval {low} tot {high}), bij kosten van {cost} in dat jaar ({price}).",
        en: "**Conclusion.** Of these scenarios, {scenario} gives the shortest waiting list in {horizon} compared with {reference}: a difference of {median} people (paired per iteration, 90% interval {low} to {high}), at a cost of {cost} that year ({price})."
    }
    ConclusionGrows {
        nl: "**Conclusie.** In scenario {scenario} groeit de wachtlijst van {start} op 1 januari {base} tot {end} in {horizon}{gap}",
        en: "**Conclusion.** In scenario {scenario} the waiting list grows from {start} on 1 January {base} to {end} in {horizon}{gap}"
    }
    ConclusionFalls {
        nl: "**Conclusie.** In scenario {scenario} daalt de wachtlijst van {start} op 1 januari {base} tot {end} in {horizon}{gap}",
        en: "**Conclusion.** In scenario {scenario} the waiting list falls from {start} on 1 January {base} to {end} in {horizon}{gap}"
    }
    ConclusionSteady {
        nl: "**Conclusie.** In scenario {scenario} blijft de wachtlijst ongeveer gelijk: {start} op 1 januari {base}, {end} in {horizon}{gap}",
        en: "**Conclusion.** In scenario {scenario} the waiting list stays about level: {start} on 1 January {base}, {end} in {horizon}{gap}"
    }
    ConclusionShort {
        nl: "; om iedereen op tijd te helpen zijn dan {gap} FTE casemanager méér nodig dan er zijn (90%-interval {low} tot {high}).",
        en: "; to help everyone in time, {gap} more case-manager FTE are then needed than there are (90% interval {low} to {high})."
    }
    ConclusionEnough {
        nl: "; er zijn dan genoeg casemanagers: FTE nodig min beschikbaar is {gap} (90%-interval {low} tot {high}).",
        en: "; there are then enough case managers: FTE needed minus available is {gap} (90% interval {low} to {high})."
    }
    MedianDifferenceNote {
        nl: "Een verschil (behoefte min cliënten, FTE nodig min beschikbaar, een scenario min de referentie) is per iteratie berekend; de mediaan van een verschil is daarom niet het verschil van de twee medianen.",
        en: "A difference (need minus clients, FTE needed minus available, a scenario minus the reference) is computed per iteration, so the median of a difference is not the difference of the two medians."
    }
    RunOverrides {
        nl: "Deze run wijkt af van het scenariobestand met: {overrides}.",
        en: "This run departs from the scenario file with: {overrides}."
    }
    KeyTreeknorm {
        nl: "Treeknorm: van wie geholpen wordt, is {within_start} binnen 4 weken gezien in {start} en {within_end} in {horizon} (norm 80%); van de wachtenden wacht {over_start} langer dan 6 weken op 1 januari {start} en {over_end} in {horizon}.",
        en: "Treeknorm: of the people seen, {within_start} were seen within 4 weeks in {start} and {within_end} in {horizon} (norm 80%); of those waiting, {over_start} have waited longer than 6 weeks on 1 January {start} and {over_end} in {horizon}."
    }
    KeyWaiting {
        nl: "Wachtlijst in scenario {scenario}: {start} op 1 januari {base}, {middle}{end} in {horizon}.{lost}",
        en: "Waiting list in scenario {scenario}: {start} on 1 January {base}, {middle}{end} in {horizon}.{lost}"
    }
    KeyWaitingMiddle { nl: "{value} in {year}, ", en: "{value} in {year}, " }
    KeyLost {
        nl: " In {year} overlijden of verhuizen naar een instelling {lost} mensen terwijl zij wachten.",
        en: " In {year}, {lost} people die or move to an institution while they wait."
    }

    // Table columns and rows.
    ColFirstJanuary { nl: "1 januari", en: "1 January" }
    ColClients { nl: "Cliënten", en: "Clients" }
    ColWaitingList { nl: "Wachtlijst", en: "Waiting list" }
    ColNeed { nl: "Behoefte (Zorgstandaard)", en: "Need (Zorgstandaard)" }
    ColFteAvailable { nl: "FTE beschikbaar", en: "FTE available" }
    ColFteNeeded { nl: "FTE nodig", en: "FTE needed" }
    ColCostInYear { nl: "Kosten in het jaar", en: "Cost in the year" }
    ColLostWhileWaiting { nl: "Verloren tijdens wachten", en: "Lost while waiting" }
    ColCost { nl: "Kosten", en: "Cost" }
    ColChain { nl: "Keten", en: "Chain" }
    ColPeriods { nl: "Perioden", en: "Periods" }
    ColResidents65 { nl: "Inwoners 65+", en: "Residents 65+" }
    ColAtHome { nl: "Thuiswonend met dementie", en: "At home with dementia" }
    ColMeanClients { nl: "Cliënten (gem.)", en: "Clients (mean)" }
    ColInflow { nl: "Instroom", en: "Inflow" }
    ColOutDied { nl: "Uit: overleden", en: "Out: died" }
    ColOutInstitution { nl: "Uit: instelling", en: "Out: institution" }
    ColOutOther { nl: "Uit: overig", en: "Out: other" }
    ColUptake { nl: "Bereik", en: "Uptake" }
    ColInflowRate { nl: "Instroom per thuiswonende per jaar", en: "Inflow per person at home per year" }
    ColExits { nl: "Uitstroom per cliëntjaar", en: "Exits per client-year" }
    ColDuration { nl: "Duur in zorg (jaar)", en: "Time in care (years)" }
    ColCaseload { nl: "Caseload per FTE", en: "Caseload per FTE" }
    ColWaitingShare { nl: "Wachtend per cliënt", en: "Waiting per client" }
    RowTotal { nl: "**Totaal**", en: "**Total**" }
    RowPooled { nl: "**Gepoold**", en: "**Pooled**" }
    ColUncertainInput { nl: "Onzekere invoer", en: "Uncertain input" }
    ColRhoFte { nl: "ρ met FTE nodig", en: "ρ with FTE needed" }
    ColRhoWaiting { nl: "ρ met wachtlijst", en: "ρ with waiting list" }

    // The data photo, method, sources, limitations and reproducibility.
    PoolingParagraph {
        nl: "Gepoold over {k} ketens met een random-effectsmodel ({method}) is het bereik {pooled} (95%-betrouwbaarheidsinterval {ci_low}–{ci_high}). De ketens verschillen onderling (I² = {i2}); een nieuwe keten zou met 95% kans een bereik hebben tussen {pi_low} en {pi_high} (voorspellingsinterval). Aantallen onder de 10 staan als \"<10\".",
        en: "Pooled over {k} chains with a random-effects model ({method}), uptake is {pooled} (95% confidence interval {ci_low}–{ci_high}). The chains differ (I² = {i2}); a new chain would have an uptake between {pi_low} and {pi_high} with 95% probability (prediction interval). Counts below 10 are shown as \"<10\"."
    }
    MethodDataPhoto {
        nl: "**Datafoto.** Per keten tellen we per periode de cliënten, de instroom en de uitstroom (overlijden, instelling, overig). Daaruit volgen het bereik (cliënten per thuiswonende met dementie in de regio), de instroom per thuiswonende per jaar, de uitstroomkansen per cliëntjaar en de caseload per FTE.",
        en: "**Data photo.** For every chain and period we count clients, inflow and outflow (death, institution, other). From these follow uptake (clients per person with dementia living at home in the region), inflow per person at home per year, exit rates per client-year and the caseload per FTE."
    }
    MethodPooling {
        nl: "**Poolen.** De ketens verschillen; een random-effectsmodel combineert ze en neemt het verschil tussen ketens mee in de onzekerheid. {draws}",
        en: "**Pooling.** Chains differ; a random-effects model combines them and carries the between-chain variation into the uncertainty. {draws}"
    }
    PoolingJointDraws {
        nl: "Bereik, instroom en de drie uitstroomkansen worden samen getrokken, met de samenhang die de ketens laten zien (een keten die snel plekken vult, ziet ook snel mensen vertrekken).",
        en: "Uptake, inflow and the three exit rates are drawn together, with the correlation the chains show (a chain that fills its places fast also sees people leave fast)."
    }
    PoolingIndependentDraws {
        nl: "Met één keten is de samenhang tussen bereik, instroom en uitstroom onbekend: ze worden onafhankelijk getrokken.",
        en: "With one chain the correlation between uptake, inflow and outflow is unknown: they are drawn independently."
    }
    MethodNational {
        nl: "**Landelijk.** Het aantal mensen met dementie komt uit de bevolkingsprognose ({population}) maal de leeftijds- en geslachtsspecifieke prevalentie ({prevalence}); daarvan wonen er (mediaan) {at_home} thuis en heeft {diagnosed} een diagnose. Het bereik van de ketens wordt toegepast op alle thuiswonenden: het landelijke volume \"als elke regio werkte als deze ketens\".",
        en: "**National.** People with dementia come from the population prognosis ({population}) times age- and sex-specific prevalence ({prevalence}); of them (median) {at_home} live at home and {diagnosed} are diagnosed. The chains' uptake is applied to everyone at home: the national volume \"if every region worked like these chains\"."
    }
    MethodNeed {
        nl: "**Behoefte.** Volgens de Zorgstandaard Dementie heeft iedere thuiswonende met een diagnose recht op casemanagement; we nemen aan dat {need} van hen het nodig heeft (mediaan van de aanname).",
        en: "**Need.** Under the Zorgstandaard Dementie everyone diagnosed and living at home is entitled to case management; we assume {need} of them need it (median of the assumption)."
    }
    MethodProjection {
        nl: "**Projectie.** Per maand tot {horizon}, {regions}. Instroom uit de groeiende groep thuiswonenden, uitstroom volgens de gepoolde kansen, capaciteit = FTE × caseload (mediaan {caseload} cliënten per FTE). Wie geen plek heeft, komt op de wachtlijst. De wachtrij reageert op wachten: wachtenden kunnen overlijden of naar een instelling gaan, en haken vaker af naarmate de wachttijd oploopt; bij lange wachttijden wordt minder verwezen; casemanagers nemen onder druk in de loop van maanden meer cliënten aan, tot een plafond van {stretch} extra (mediaan, bereikt bij twee keer de norm). {drivers} Onvervulde vraag is de som van afgeschrikte verwijzingen, afhakers en wie tijdens het wachten overlijdt of wordt opgenomen.",
        en: "**Projection.** Month by month to {horizon}, {regions}. Inflow from the growing number of people at home, outflow at the pooled rates, capacity = FTE × caseload (median {caseload} clients per FTE). Who finds no place joins the waiting list. The queue reacts to waiting: people waiting may die or move to an institution, and leave more often as waits grow; long waits deter referrals; case managers take on more clients under pressure over months, up to a ceiling of {stretch} more (median, reached at twice the norm). {drivers} Unmet demand is the sum of deterred referrals, people who leave the list and people who die or are admitted while waiting."
    }
    ProjectionRegionsDiffer {
        nl: "in twaalf regionale wachtrijen waarvan de vraag ten opzichte van de capaciteit verschilt (zoals tussen netwerken, waarvan sommige geen wachtlijst hebben en andere maanden wachttijd); elke regio begint in haar eigen evenwicht",
        en: "in twelve regional queues whose demand relative to capacity differs (as between networks, some without a waiting list and others with months of waiting); each region starts in its own steady state"
    }
    ProjectionRegionsEqual {
        nl: "in twaalf gelijke regionale wachtrijen (de spreiding tussen regio's staat in deze run op nul); elke regio begint in haar evenwicht",
        en: "in twelve equal regional queues (the spread between regions is zero in this run); each region starts in its steady state"
    }
    ProjectionDriversLearned {
        nl: "Verwijzing, capaciteit en afhaken bewegen in de tijd: elk volgt een jaarlijkse willekeurige wandeling; tot de laatste telling leert de calibratie waar ze heen gingen, daarna trekt elke iteratie haar eigen toekomst, zodat de banden met de horizon breder worden.",
        en: "Referral, capacity and leaving the list move in time: each follows a yearly random walk; up to the last count the calibration learns where they went, after it every iteration draws its own future, so the bands widen with the horizon."
    }
    ProjectionDriversDrawn {
        nl: "Verwijzing, capaciteit en afhaken bewegen in de tijd: elk volgt een jaarlijkse willekeurige wandeling die elke iteratie zelf trekt, zodat de banden met de horizon breder worden.",
        en: "Referral, capacity and leaving the list move in time: each follows a yearly random walk that every iteration draws itself, so the bands widen with the horizon."
    }
    ProjectionDriversConstant {
        nl: "Verwijzing, capaciteit en afhaken liggen in deze run vast in de tijd.",
        en: "Referral, capacity and leaving the list are fixed in time in this run."
    }
    MethodCalibration {
        nl: "**Calibratie.** De onzekere invoer is afgestemd op de landelijke tellingen ({observations} waarnemingen van HHM, NZa en anderen tot {start}) met sequentiële Monte Carlo; zie de toetsing hieronder. De wachtlijst op 1 januari van het basisjaar hoort daarbij. Een gepubliceerde wachttijd wordt vergeleken met wat zij meet: de gemiddelde wachttijd van HHM (2018) met die van wie in dat jaar werd geholpen, maal een geleerde definitiefactor; de NZa-cijfers (2021, 2022) met de wachttijd die regio's opgeven voor een nieuwe verwijzing, gemiddeld over regio's en maanden. Tot {start} volgen alle scenario's dezelfde geschiedenis; hun beleid begint daarna.",
        en: "**Calibration.** The uncertain inputs are calibrated to the national counts ({observations} observations from HHM, NZa and others up to {start}) by sequential Monte Carlo; see the check below. The waiting list on 1 January of the base year is among them. A published wait is compared with what it measures: HHM's mean wait (2018) with that of the people seen that year, times a learned definition factor; the NZa figures (2021, 2022) with the wait regions state for a new referral, averaged over regions and months. Up to {start} every scenario follows the same history; its policy starts after it."
    }
    MethodNotCalibrated {
        nl: "**Calibratie.** Deze run is niet afgestemd op de landelijke tellingen (`--no-calibration` of geen bruikbare waarnemingen): de banden zijn die van de aannames vooraf.",
        en: "**Calibration.** This run is not calibrated to the national counts (`--no-calibration` or no usable observations): the bands are those of the prior assumptions."
    }
    MethodCost {
        nl: "**Kosten.** {hours} uur per cliënt per maand × {tariff} per uur (medianen).",
        en: "**Cost.** {hours} hours per client per month × {tariff} per hour (medians)."
    }
    MethodUncertainty {
        nl: "**Onzekerheid.** {iterations} Monte Carlo-iteraties; elke iteratie trekt alle onzekere invoer opnieuw. We geven de mediaan en het 90%-interval (5e–95e percentiel).",
        en: "**Uncertainty.** {iterations} Monte Carlo iterations; each draws every uncertain input anew. We give the median and the 90% interval (5th–95th percentile)."
    }
    SourcePopulation {
        nl: "Bevolking: {files} (herkomst en licentie: data/README.md).",
        en: "Population: {files} (origin and licence: data/README.md)."
    }
    SourcePrevalence {
        nl: "Prevalentie van dementie naar leeftijd en geslacht: {files} (herkomst: data/README.md).",
        en: "Prevalence of dementia by age and sex: {files} (origin: data/README.md)."
    }
    SourceNational {
        nl: "Landelijke cijfers: {files}, uit: {sources}.",
        en: "National figures: {files}, from: {sources}."
    }
    SourceChainsIllustrative {
        nl: "Ketendata: {files}, illustratief (synthetisch), gegenereerd met `omvang generate-chains`; de ware parameters staan in src/model/synthetic.rs.",
        en: "Chain data: {files}, illustrative (synthetic), generated with `omvang generate-chains`; the true parameters are in src/model/synthetic.rs."
    }
    SourceChainsMeasured {
        nl: "Ketendata: {files}, de datafoto's van de deelnemende ketens.",
        en: "Chain data: {files}, the data photos of the participating chains."
    }
    LimitFewChains {
        nl: "De schatting rust op {k} ketens. Met zo weinig ketens is het verschil tussen ketens slecht bepaald; het voorspellingsinterval is daarom breed.",
        en: "The estimate rests on {k} chains. With so few chains the between-chain variation is poorly determined, so the prediction interval is wide."
    }
    LimitIllustrative {
        nl: "De ketendata zijn illustratief (synthetisch). Vervang ze door echte datafoto's voordat u conclusies trekt.",
        en: "The chain data are illustrative (synthetic). Replace them with real data photos before drawing conclusions."
    }
    LimitSolidChains {
        nl: "Solide ketens laten volwassen casemanagement zien. De extrapolatie geeft het volume als elke regio zo werkte; dat is geen telling.",
        en: "Solid chains show mature case management. The extrapolation gives the volume if every region worked like them; it is not a count."
    }
    LimitRegionsEqual {
        nl: "De twaalf regionale wachtrijen zijn in deze run gelijk: verschillen tussen netwerken, waardoor sommige een wachtlijst hebben terwijl het land als geheel genoeg plekken heeft, zitten er niet in.",
        en: "The twelve regional queues are equal in this run: differences between networks, which give some a waiting list while the country as a whole has places enough, are left out."
    }
    LimitRegions {
        nl: "De twaalf regionale wachtrijen zijn even groot en staan voor de spreiding van wachttijden tussen netwerken, niet voor de netwerken zelf: het model geeft geen cijfers per regio.",
        en: "The twelve regional queues are of equal size and stand for the spread of waits between networks, not for the networks themselves: the model gives no figures per region."
    }
    LimitUnpublished {
        nl: "Voor uren per cliënt, tarief, het aandeel met behoefte en de capaciteitsgroei bestaan geen gepubliceerde waarden; de scenario's geven ze brede verdelingen.",
        en: "Hours per client, tariff, the share in need and capacity growth have no published values; the scenarios give them wide distributions."
    }
    LimitDrivers {
        nl: "Hoe sterk verwijzing, capaciteit en afhaken van jaar tot jaar bewegen is niet gepubliceerd: de scenario's geven het brede verdelingen en de tellingen van {first}–{last} leren er weinig over. De banden voor de toekomst worden daardoor breder met de horizon; `omvang backtest` laat zien hoe goed het model voorspelde wat later geteld werd.",
        en: "How much referral, capacity and leaving the list move from year to year is not published: the scenarios give it wide distributions and the counts of {first}–{last} say little about it. The bands for the future therefore widen with the horizon; `omvang backtest` shows how well the model forecast what was counted later."
    }
    LimitDriversPrior {
        nl: "Hoe sterk verwijzing, capaciteit en afhaken van jaar tot jaar bewegen is niet gepubliceerd: de scenario's geven het brede verdelingen, en omdat deze run niet gecalibreerd is volgt ook de geschiedenis die verdelingen. De banden worden daardoor breder met de horizon.",
        en: "How much referral, capacity and leaving the list move from year to year is not published: the scenarios give it wide distributions, and as this run is not calibrated its history follows them too. The bands therefore widen with the horizon."
    }
    LimitDriversConstant {
        nl: "Verwijzing, capaciteit en afhaken liggen in deze run vast voor de hele projectie, terwijl ze in werkelijkheid van jaar tot jaar bewegen: de banden voor de toekomst zijn daardoor te smal. `omvang backtest` laat zien hoeveel.",
        en: "Referral, capacity and leaving the list are fixed for the whole projection in this run, while in reality they move from year to year: the bands for the future are therefore too narrow. `omvang backtest` shows by how much."
    }
    ReproVersion { nl: "omvang {version}, scenario {path} (SHA-256 {sha}).", en: "omvang {version}, scenario {path} (SHA-256 {sha})." }
    ReproRun {
        nl: "Seed {seed}, iteraties {iterations}, jaren {base}–{horizon}; gedraaid op {started} (de uitkomsten hangen niet af van het aantal threads).",
        en: "Seed {seed}, iterations {iterations}, years {base}–{horizon}; run on {started} (results do not depend on the thread count)."
    }
    ReproCommand { nl: "Opnieuw maken: {command}", en: "To reproduce: {command}" }
    ReproFile { nl: "{path}: SHA-256 {sha}", en: "{path}: SHA-256 {sha}" }

    // The comparison.
    ComparisonIntro {
        nl: "{n} scenario's met dezelfde seed ({seed}) en {iterations} iteraties, zodat elke iteratie in elk scenario dezelfde onzekere invoer trekt en de verschillen gepaard zijn. Referentie: **{reference}**.",
        en: "{n} scenarios with the same seed ({seed}) and {iterations} iterations, so every iteration draws the same uncertain inputs in every scenario and the differences are paired. Reference: **{reference}**."
    }
    ComparisonKey {
        nl: "Scenario **{scenario}**: wachtlijst in {year} {waiting}; het verschil met {reference} is {median} (gepaard per iteratie, mediaan; 90%-interval {low} tot {high}); kosten in {year} {cost} ({price}).",
        en: "Scenario **{scenario}**: waiting list in {year} {waiting}; the difference with {reference} is {median} (paired per iteration, median; 90% interval {low} to {high}); cost in {year} {cost} ({price})."
    }
    ComparisonPerScenario {
        nl: "De rapporten per scenario (in de mappen naast deze) geven de datafoto van de ketens, de gevoeligheid en alle grafieken per scenario.",
        en: "The reports per scenario (in the folders beside this one) give the chains' data photo, the sensitivity and every chart per scenario."
    }
    ComparisonRepro {
        nl: "{scenario}: {path} (SHA-256 {sha}), seed {seed}, {iterations} iteraties, omvang {version}",
        en: "{scenario}: {path} (SHA-256 {sha}), seed {seed}, {iterations} iterations, omvang {version}"
    }

    // Charts: shared labels.
    ChartSourceOne {
        nl: "Bron: omvang {version}, scenario {names} ({iterations} iteraties, seed {seed}); {data}; {chains}.",
        en: "Source: omvang {version}, scenario {names} ({iterations} iterations, seed {seed}); {data}; {chains}."
    }
    ChartSourceMany {
        nl: "Bron: omvang {version}, scenario's {names} ({iterations} iteraties, seed {seed}); {data}; {chains}.",
        en: "Source: omvang {version}, scenarios {names} ({iterations} iterations, seed {seed}); {data}; {chains}."
    }
    ChartChainsIllustrative { nl: "ILLUSTRATIEVE (synthetische) ketendata", en: "ILLUSTRATIVE (synthetic) chain data" }
    ChartChainsMeasured { nl: "datafoto van de ketens", en: "chains' data photo" }
    AxisYear { nl: "Jaar", en: "Year" }
    LegendMedian { nl: "Mediaan", en: "Median" }
    LegendMedianValue { nl: "Mediaan {value}", en: "Median {value}" }
    Legend50 { nl: "50%-interval", en: "50% interval" }
    Legend90 { nl: "90%-interval", en: "90% interval" }
    LegendNationalCount { nl: "Landelijke telling ({sources})", en: "National count ({sources})" }
    LegendNationalCountValue { nl: "Landelijke telling {count} ({year})", en: "National count {count} ({year})" }

    // Charts of one run.
    FanClientsTitle { nl: "Cliënten in casemanagement dementie", en: "Clients in dementia case management" }
    FanClientsCaption {
        nl: "Het aantal mensen met casemanagement aan het eind van elke maand: mediaan (lijn) met 50%- en 90%-interval (banden); de punten zijn landelijke tellingen.",
        en: "The number of people in case management at the end of each month: median (line) with 50% and 90% intervals (bands); the dots are national counts."
    }
    AxisClients { nl: "Cliënten (aantal)", en: "Clients (number)" }
    FanWaitingTitle { nl: "Wachtlijst casemanagement dementie", en: "Waiting list for dementia case management" }
    FanWaitingCaption {
        nl: "Het aantal mensen dat wacht op casemanagement aan het eind van elke maand, met 50%- en 90%-interval; de punten zijn landelijke tellingen.",
        en: "The number of people waiting for case management at the end of each month, with 50% and 90% intervals; the dots are national counts."
    }
    AxisWaiting { nl: "Wachtenden (aantal)", en: "People waiting (number)" }
    LegendFteAvailable { nl: "FTE beschikbaar (mediaan)", en: "FTE available (median)" }
    LegendFteNeeded { nl: "FTE nodig (mediaan)", en: "FTE needed (median)" }
    FanFteTitle { nl: "Casemanagers: beschikbaar en nodig", en: "Case managers: available and needed" }
    FanFteCaption {
        nl: "Beschikbare FTE casemanager tegenover de FTE die nodig zijn voor alle cliënten en wachtenden; waar de oranje band boven de blauwe ligt, groeit de wachtlijst.",
        en: "Case-manager FTE available against the FTE needed for all clients and people waiting; where the orange band lies above the blue one, the waiting list grows."
    }
    AxisFte { nl: "FTE casemanager", en: "Case-manager FTE" }
    FanCostTitle { nl: "Kosten van casemanagement per jaar", en: "Cost of case management per year" }
    FanCostCaption {
        nl: "De kosten van casemanagement per kalenderjaar in miljoenen euro, met 50%- en 90%-interval.",
        en: "The cost of case management per calendar year in millions of euros, with 50% and 90% intervals."
    }
    AxisCost { nl: "€ mln per jaar", en: "€ million per year" }
    AxisCostPriced { nl: "€ mln per jaar ({price})", en: "€ million per year ({price})" }
    TornadoTitle { nl: "Wat bepaalt {what} in {year}?", en: "What drives the {what} in {year}?" }
    TornadoCaption {
        nl: "Rangcorrelatie van elke onzekere invoer met {what} in {year} over alle iteraties: hoe langer de balk, hoe meer die invoer de uitkomst bepaalt (blauw: een hogere waarde geeft meer, oranje: minder).",
        en: "Rank correlation of each uncertain input with the {what} in {year} over all iterations: the longer the bar, the more that input drives the outcome (blue: a higher value gives more, orange: less)."
    }
    TornadoFteNeeded { nl: "het aantal benodigde FTE", en: "FTE needed" }
    TornadoWaitingList { nl: "de wachtlijst", en: "waiting list" }
    AxisSpearman { nl: "Spearmans rangcorrelatie (ρ)", en: "Spearman's rank correlation (ρ)" }
    FunnelTitle { nl: "Bereik per keten tegen de grootte van de regio", en: "Uptake per chain against region size" }
    FunnelCaption {
        nl: "Het bereik van elke keten (cliënten per thuiswonende met dementie) tegen het aantal thuiswonenden in de regio; ketens buiten de lijnen wijken meer af van het gepoolde bereik dan toeval verklaart.",
        en: "Each chain's uptake (clients per person with dementia at home) against the number of people at home in its region; chains outside the lines differ from the pooled uptake more than chance explains."
    }
    AxisAtHomeInRegion { nl: "Thuiswonenden met dementie in de regio (schatting)", en: "People with dementia at home in the region (estimate)" }
    AxisUptake { nl: "Bereik (% van de thuiswonenden met dementie)", en: "Uptake (% of people with dementia at home)" }
    LegendPooledUptake { nl: "Gepoold bereik {value}%", en: "Pooled uptake {value}%" }
    LegendLimits95 { nl: "95%-controlegrenzen", en: "95% control limits" }
    LegendLimits998 { nl: "99,8%-controlegrenzen", en: "99.8% control limits" }
    HistogramTitle { nl: "Cliënten in casemanagement op 1 januari {year}: verdeling", en: "Clients in case management on 1 January {year}: distribution" }
    HistogramCaption {
        nl: "De verdeling van het geëxtrapoleerde landelijke aantal cliënten over de iteraties, met de mediaan (blauw) en de landelijke telling (oranje).",
        en: "The distribution of the extrapolated national number of clients over the iterations, with the median (blue) and the national count (orange)."
    }
    AxisShareOfIterations { nl: "Aandeel van de iteraties", en: "Share of iterations" }
    LegendMiddleIterations { nl: "Iteraties (middelste 99%)", en: "Iterations (middle 99%)" }

    // Projections by others beside the model.
    HeadingProjections { nl: "Projecties van anderen", en: "Projections by others" }
    ProjectionsIntro {
        nl: "Gepubliceerde projecties van het aantal mensen met dementie naast het model op 1 januari van hun jaar. Het model rekent met een trend in de leeftijdsspecifieke prevalentie (mediaan {trend} per decennium) en geeft de mediaan met het 90%-interval; de laatste kolom is het model bij constante leeftijdsspecifieke prevalentie (mediaan), zoals een projectie die alleen de vergrijzing doortrekt. Het model is niet op deze projecties afgestemd. Na de horizon ({horizon}) heeft het model geen waarde (–).",
        en: "Published projections of the number of people with dementia beside the model on 1 January of their year. The model includes a trend in age-specific prevalence (median {trend} per decade) and gives the median with its 90% interval; the last column is the model at constant age-specific rates (median), as a projection that carries only ageing forward. The model is not calibrated to these projections. Beyond the horizon ({horizon}) the model has no value (–)."
    }
    ColPublisher { nl: "Organisatie", en: "Publisher" }
    ColTheirFigure { nl: "Hun cijfer", en: "Their figure" }
    ColModelTrend { nl: "Model met trend (90%-interval)", en: "Model with trend (90% interval)" }
    ColModelConstantRates { nl: "Model bij constante prevalentie", en: "Model at constant rates" }
    QualifierAbout { nl: "ongeveer {value}", en: "about {value}" }
    QualifierMoreThan { nl: "ruim {value}", en: "more than {value}" }
    SourceProjections {
        nl: "Projecties van anderen (ter vergelijking, niet gebruikt in het model): {files}, uit: {sources}.",
        en: "Projections by others (for comparison, not used by the model): {files}, from: {sources}."
    }
    FanPeopleTitle { nl: "Mensen met dementie: het model en projecties van anderen", en: "People with dementia: the model and projections by others" }
    FanPeopleCaption {
        nl: "Het aantal mensen met dementie op 1 januari: het model met een trend in de prevalentie (mediaan met 50%- en 90%-interval), het model bij constante leeftijdsspecifieke prevalentie (gestreept, mediaan), landelijke schattingen (punten) en projecties van anderen tot de horizon (ruiten, met de naam van wie ze publiceerde).",
        en: "The number of people with dementia on 1 January: the model with a trend in prevalence (median with 50% and 90% intervals), the model at constant age-specific rates (dashed, median), national estimates (dots) and projections by others up to the horizon (diamonds, named by their publisher)."
    }
    FanPeopleCaptionAlone {
        nl: "Het aantal mensen met dementie op 1 januari: het model met een trend in de prevalentie (mediaan met 50%- en 90%-interval), het model bij constante leeftijdsspecifieke prevalentie (gestreept, mediaan) en landelijke schattingen (punten).",
        en: "The number of people with dementia on 1 January: the model with a trend in prevalence (median with 50% and 90% intervals), the model at constant age-specific rates (dashed, median) and national estimates (dots)."
    }
    AxisPeopleWithDementia { nl: "Mensen met dementie (aantal)", en: "People with dementia (number)" }
    LegendWithTrend { nl: "Met trend in de prevalentie (mediaan)", en: "With a prevalence trend (median)" }
    LegendConstantRates { nl: "Constante prevalentie (mediaan)", en: "Constant rates (median)" }
    LegendProjections { nl: "Projecties van anderen", en: "Projections by others" }
    LegendNationalEstimate { nl: "Landelijke schatting ({sources})", en: "National estimate ({sources})" }

    // The hindcast and calibration (checked against the national record).
    HeadingHindcast { nl: "Toetsing aan de landelijke cijfers", en: "Checked against the national record" }
    HindcastIntro {
        nl: "Elke gepubliceerde landelijke waarneming naast het model op dezelfde schaal (de landelijke modelwaarde maal de dekking van de waarneming): vooraf (zonder calibratie) en na calibratie, elk als mediaan met 90%-interval, en wat de telling volgens het model zou geven: de modelwaarde van de run met de meetfout van de waarneming. Een waarneming wordt aan dat laatste interval getoetst, zoals de backtest zijn voorspellingen toetst.",
        en: "Every published national observation beside the model on the same scale (the national model value times the observation's coverage): before calibration (prior) and after it (posterior), each as a median with its 90% interval, and what the count would show according to the model: the run's model value with the observation's measurement error. An observation is checked against that last interval, as the backtest checks its forecasts."
    }
    CalibrationDone {
        nl: "De run is gecalibreerd op deze waarnemingen: {particles} deeltjes in {stages} stappen, met een effectieve steekproefgrootte van {ess} aan het eind.",
        en: "The run was calibrated on these observations: {particles} particles in {stages} stages, with an effective sample size of {ess} at the end."
    }
    CalibrationNone {
        nl: "Deze run is niet gecalibreerd: de tabel geeft alleen het model vooraf.",
        en: "This run was not calibrated: the table gives the model before calibration only."
    }
    HindcastOutsidePosterior {
        nl: "{metric} op {date}: de waarneming {observed} ligt buiten het 90%-interval na calibratie ({low}–{high}).",
        en: "{metric} on {date}: the observation {observed} lies outside the 90% interval after calibration ({low}–{high})."
    }
    HindcastOutsidePrior {
        nl: "{metric} op {date}: de waarneming {observed} ligt buiten het 90%-interval van het model ({low}–{high}).",
        en: "{metric} on {date}: the observation {observed} lies outside the model's 90% interval ({low}–{high})."
    }
    HindcastOutsideCount {
        nl: "{metric} op {date}: de waarneming {observed} ligt buiten het 90%-interval van wat de telling volgens het model zou geven ({low}–{high}).",
        en: "{metric} on {date}: the observation {observed} lies outside the 90% interval of what the count would show according to the model ({low}–{high})."
    }
    HindcastAllInsideCount {
        nl: "Alle waarnemingen liggen binnen het 90%-interval van wat de telling volgens het model zou geven.",
        en: "Every observation lies within the 90% interval of what the count would show according to the model."
    }
    HindcastAllInside {
        nl: "Alle waarnemingen liggen binnen het 90%-interval na calibratie.",
        en: "Every observation lies within the 90% interval after calibration."
    }
    HindcastAllInsidePrior {
        nl: "Alle waarnemingen liggen binnen het 90%-interval van het model.",
        en: "Every observation lies within the model's 90% interval."
    }
    CalibrationIntro {
        nl: "Wat de calibratie van de onzekere invoer maakte: mediaan en 90%-interval vooraf en erna.",
        en: "What calibration made of the uncertain inputs: median and 90% interval before and after."
    }
    ColPrior { nl: "Vooraf", en: "Prior" }
    ColPosterior { nl: "Na calibratie", en: "Posterior" }
    ColPredictive { nl: "Telling volgens model", en: "Count per model" }
    HindcastTitle { nl: "Het model naast de landelijke cijfers", en: "The model beside the national record" }
    HindcastCaption {
        nl: "Per maat de landelijke waarnemingen (punten) met het 90%-interval van het model vooraf (grijs) en na calibratie (blauw, streep = mediaan), op de schaal van de waarneming.",
        en: "Per metric the national observations (dots) with the model's 90% interval before calibration (grey) and after it (blue, tick = median), on the observation's scale."
    }
    LegendObserved { nl: "Waargenomen", en: "Observed" }
    LegendPrior90 { nl: "Vooraf: 90%-interval", en: "Prior: 90% interval" }
    LegendPosterior90 { nl: "Na calibratie: 90%-interval en mediaan", en: "Posterior: 90% interval and median" }

    // The backtest (`omvang backtest`): forecasts from earlier dates.
    TitleBacktest { nl: "Omvang casemanagement dementie: backtest van {name}", en: "Volume of dementia case management: backtest of {name}" }
    HeadingBacktest { nl: "Hoe goed voorspelt het model?", en: "How well does the model forecast?" }
    BacktestIntro {
        nl: "Een backtest doet alsof het een eerder moment is: het model wordt alleen afgestemd op de landelijke waarnemingen die op dat moment (de oorsprong) bekend waren (een jaargemiddelde pas na afloop van zijn jaar) en voorspelt dan elke andere waarneming. Zo zien we hoe goed het model voorspelt wat het nog niet wist.",
        en: "A backtest pretends it is an earlier date: the model is calibrated only on the national observations known at that date (the origin; a yearly mean only once its year has ended), and then forecasts every other observation. This shows how well the model forecasts what it did not yet know."
    }
    BacktestCoverage {
        nl: "Van alle {pairs} paren van een oorsprong en een latere waarneming ligt de waarneming in {inside} gevallen binnen de 90%-band van het model ({share}). Bij een model dat zijn eigen onzekerheid goed kent is dat ongeveer 90%; met zo weinig paren, die ook van elkaar afhangen (dezelfde waarneming vanaf meer oorsprongen), is dat aandeel zelf onzeker.",
        en: "Of all {pairs} pairs of an origin and a later observation, the observation lies within the model's 90% band in {inside} of them ({share}). For a model that knows its own uncertainty this is about 90%; with so few pairs, which also depend on each other (the same observation from several origins), that share is itself uncertain."
    }
    BacktestNaive {
        nl: "Twee eenvoudige voorspellingen dienen als maatstaf: de laatste waarneming van dezelfde maat die op de oorsprong bekend was, doorgetrokken (*laatste waarde*), en de rechte lijn door de laatste twee (*rechte lijn*). Ze noemen geen onzekerheid: hun band is het getal zelf. De intervalscore (Gneiting en Raftery 2007) is de breedte van de 90%-band plus twintig keer de afstand waarmee de waarneming erbuiten valt: lager is beter; voor een eenvoudige voorspelling is dat twintig keer haar fout. Ze staat in de eenheid van de maat; een eenvoudige voorspelling wordt met het model vergeleken over de paren waarvoor zij bestaat. Het model voorspelt de gepubliceerde waarde, meetfout inbegrepen.",
        en: "Two simple forecasts serve as yardsticks: the last observation of the same metric known at the origin, carried forward (*last value*), and the straight line through the last two (*straight line*). They state no uncertainty: their band is the number itself. The interval score (Gneiting and Raftery 2007) is the width of the 90% band plus twenty times the distance by which the observation falls outside it: lower is better; for a simple forecast it is twenty times its error. It is in the metric's unit; a simple forecast is compared with the model over the pairs for which it exists. The model forecasts the published value, measurement error included."
    }
    BacktestOutside {
        nl: "{metric} op {date}, voorspeld vanaf {origin}: de waarneming {observed} ligt buiten de 90%-band van het model ({low}–{high}, mediaan {median}).",
        en: "{metric} on {date}, forecast from {origin}: the observation {observed} lies outside the model's 90% band ({low}–{high}, median {median})."
    }
    BacktestOutsideIntro { nl: "Waarnemingen buiten hun 90%-band:", en: "Observations outside their 90% band:" }
    BacktestAllInside { nl: "Elke waarneming ligt binnen haar 90%-band.", en: "Every observation lies within its 90% band." }
    ColForecaster { nl: "Voorspelling", en: "Forecast" }
    ColPairs { nl: "Paren", en: "Pairs" }
    ColInsideBand { nl: "Binnen 90%-band", en: "Inside 90% band" }
    ColMeanIntervalScore { nl: "Gemiddelde intervalscore", en: "Mean interval score" }
    ColModelSamePairs { nl: "Model op dezelfde paren", en: "Model on the same pairs" }
    ForecasterModel { nl: "Model", en: "Model" }
    ForecasterLast { nl: "Laatste waarde", en: "Last value" }
    ForecasterLine { nl: "Rechte lijn", en: "Straight line" }
    HeadingSettings { nl: "Instellingen", en: "Settings" }
    BacktestSettings {
        nl: "Scenario {scenario}; {iterations} iteraties per oorsprong, seed {seed}; omvang {version}.",
        en: "Scenario {scenario}; {iterations} iterations per origin, seed {seed}; omvang {version}."
    }
    BacktestOriginCalibrated {
        nl: "Oorsprong {origin}: afgestemd op {observations} waarnemingen in {stages} stappen (effectieve steekproefgrootte aan het eind {ess}); {forecasts} latere waarnemingen voorspeld.",
        en: "Origin {origin}: calibrated on {observations} observations in {stages} stages (effective sample size at the end {ess}); {forecasts} later observations forecast."
    }
    BacktestOriginPrior {
        nl: "Oorsprong {origin}: niet afgestemd ({observations} waarnemingen tot dan), het model vooraf; {forecasts} latere waarnemingen voorspeld.",
        en: "Origin {origin}: not calibrated ({observations} observations up to then), the prior model; {forecasts} later observations forecast."
    }
    BacktestTitle { nl: "Voorspellingen vanaf eerdere momenten", en: "Forecasts from earlier dates" }
    BacktestCaption {
        nl: "Per maat de landelijke waarde zoals het model die voorspelde vanaf elke oorsprong, afgestemd op de waarnemingen tot dan (lijn: mediaan, band: 90%-interval, één kleur per oorsprong), met de waarnemingen (punten) op landelijke schaal: de gepubliceerde waarde gedeeld door haar dekking.",
        en: "Per metric the national value as the model forecast it from each origin, calibrated on the observations up to then (line: median, band: 90% interval, one colour per origin), with the observations (dots) on the national scale: the published value divided by its coverage."
    }
    LegendOrigin { nl: "Vanaf {date}", en: "From {date}" }
    LegendObservedNational { nl: "Waargenomen (landelijk)", en: "Observed (national)" }

    // Charts of a comparison.
    CompareWaitingTitle { nl: "Wachtlijst per scenario", en: "Waiting list per scenario" }
    CompareWaitingCaption {
        nl: "De wachtlijst in elk scenario: mediaan (lijn) met 50%-interval (band).",
        en: "The waiting list in each scenario: median (line) with 50% interval (band)."
    }
    CompareFteTitle { nl: "Benodigde casemanagers per scenario", en: "Case managers needed per scenario" }
    CompareFteCaption {
        nl: "De FTE casemanager die nodig zijn voor alle cliënten en wachtenden in elk scenario: mediaan met 50%-interval.",
        en: "The case-manager FTE needed for all clients and people waiting in each scenario: median with 50% interval."
    }
    CompareCostTitle { nl: "Kosten per jaar per scenario", en: "Cost per year per scenario" }
    CompareCostCaption {
        nl: "De kosten van casemanagement per kalenderjaar in elk scenario in miljoenen euro: mediaan met 50%-interval.",
        en: "The cost of case management per calendar year in each scenario in millions of euros: median with 50% interval."
    }
    DifferenceTitle { nl: "Wachtlijst: {scenario} min {reference}", en: "Waiting list: {scenario} minus {reference}" }
    DifferenceCaption {
        nl: "Het verschil in wachtlijst op 1 januari tussen {scenario} en {reference}, per iteratie gepaard: onder de nul is de wachtlijst in {scenario} korter.",
        en: "The difference in the waiting list on 1 January between {scenario} and {reference}, paired per iteration: below zero the waiting list in {scenario} is shorter."
    }
    AxisDifference { nl: "Verschil in wachtenden", en: "Difference in people waiting" }

    // Metrics without a table column of their own, and units (the workbook).
    MetricPeopleWithDementia { nl: "Mensen met dementie", en: "People with dementia" }
    MetricPeopleWithDementiaConstantRates { nl: "Mensen met dementie bij constante prevalentie", en: "People with dementia at constant rates" }
    MetricNeedGap { nl: "Behoefte min cliënten", en: "Need minus clients" }
    MetricClientsExtrapolated { nl: "Cliënten bij gepoold bereik", en: "Clients at the pooled uptake" }
    MetricCoverage { nl: "Cliënten per thuiswonende", en: "Clients per person at home" }
    MetricWaitingOverNorm { nl: "Wachtend langer dan de norm", en: "Waiting longer than the norm" }
    MetricArrivals { nl: "Aanmeldingen", en: "Referrals" }
    MetricAdmissions { nl: "Opnames in zorg", en: "Admissions to care" }
    MetricMeanWaitWeeks { nl: "Gemiddelde wachttijd (weken)", en: "Mean wait (weeks)" }
    MetricStatedWaitWeeks { nl: "Opgegeven wachttijd, gemiddeld over regio's (weken)", en: "Stated wait, mean over regions (weeks)" }
    MetricShareOverNorm { nl: "Aandeel wachtend langer dan de norm", en: "Share waiting longer than the norm" }
    MetricShareWithin4Weeks { nl: "Aandeel binnen 4 weken geholpen (norm 80%)", en: "Share seen within 4 weeks (norm 80%)" }
    MetricFteGap { nl: "FTE tekort (nodig min beschikbaar)", en: "FTE gap (needed minus available)" }
    MetricFteNeededZorgstandaard { nl: "FTE nodig volgens de Zorgstandaard", en: "FTE needed under the Zorgstandaard" }
    MetricFteRecruitmentZorgstandaard { nl: "Werving voor de Zorgstandaard (FTE per jaar)", en: "Recruitment for the Zorgstandaard (FTE a year)" }
    MetricUnmetDemand { nl: "Onvervulde vraag (per jaar)", en: "Unmet demand (per year)" }
    MetricWaitingListMean { nl: "Wachtlijst, jaargemiddelde", en: "Waiting list, yearly average" }
    MetricLeftWaitingList { nl: "Van de wachtlijst afgehaakt", en: "Left the waiting list" }
    MetricDeterredReferrals { nl: "Niet aangemeld door de wachttijd", en: "Referrals deterred by the wait" }
    MetricCaseloadStretch { nl: "Rek van de caseload (cliënten per FTE t.o.v. de standaard)", en: "Caseload stretch (clients per FTE against the standard)" }
    KeyUnmet {
        nl: "Onvervulde vraag in {year}: {unmet} mensen (afgeschrikte verwijzingen, mensen die van de wachtlijst afhaken en mensen die overlijden of worden opgenomen terwijl ze wachten), naast een wachtlijst van gemiddeld {mean} over dat jaar.",
        en: "Unmet demand in {year}: {unmet} people (referrals deterred by long waits, people who leave the waiting list, and people who die or are admitted to a nursing home while waiting), beside a waiting list averaging {mean} over that year."
    }
    KeyRecruitment {
        nl: "De Zorgstandaard vraagt in {horizon} {fte} FTE; vanaf de laatste telling ({start}) is dat {per_year} FTE werving per jaar (netto, bovenop vervanging van wie vertrekt).",
        en: "The Zorgstandaard needs {fte} FTE in {horizon}; from the last national count ({start}) that is {per_year} FTE recruited a year (net, on top of replacing those who leave)."
    }
    MetricCostZorgstandaard { nl: "Kosten volgens de Zorgstandaard", en: "Cost under the Zorgstandaard" }
    MetricCaseManagers { nl: "Casemanagers (personen)", en: "Case managers (people)" }
    MetricLeavers { nl: "Casemanagers die vertrekken of met pensioen gaan", en: "Case managers leaving or retiring" }
    MetricTraineesStarted { nl: "Gestarte opleidingen casemanagement", en: "Trainees started" }
    MetricTraineesQualified { nl: "Gediplomeerde casemanagers die instromen", en: "Trainees qualified into the role" }
    MetricHires { nl: "Zij-instromers (wijkverpleging)", en: "Lateral hires (district nursing)" }

    // The inverse question (`omvang target`).
    HeadingTarget { nl: "Hoeveel opleiden?", en: "How many to train?" }
    ComparisonWorkforce { nl: "Casemanagers in scenario {scenario}: {people} op 1 januari {year}, {diff} ten opzichte van {reference} (gepaard per iteratie, mediaan); de wachtlijst op 1 januari {mid} is korter dan in {reference} in {share} van de gepaarde iteraties.", en: "Case managers in scenario {scenario}: {people} on 1 January {year}, {diff} against {reference} (paired per iteration, median); the waiting list on 1 January {mid} is shorter than in {reference} in {share} of the paired iterations." }
    WorkforceTitle { nl: "Casemanagers: instroom en uitstroom", en: "Case managers: inflow and outflow" }
    WorkforceCaption { nl: "Boven: casemanagers (personen) op 1 januari, mediaan met 50%- en 90%-band. Onder: per jaar de mediaan van wie instroomt (na de opleiding of als zij-instromer) en wie vertrekt of met pensioen gaat. Voor de beleidsstart volgt het personeel het gekalibreerde groeipad; verloop, deeltijdfactor en opleiding zijn aannames.", en: "Top: case managers (people) on 1 January, median with 50% and 90% bands. Bottom: per year the median of those who join (after the training or as lateral hires) and those who leave or retire. Before the policy start the workforce follows the calibrated growth path; turnover, part-time factor and training are assumptions." }
    AxisCaseManagers { nl: "Casemanagers (personen)", en: "Case managers (people)" }
    AxisPeoplePerYear { nl: "Personen per jaar", en: "People a year" }
    LegendCaseManagers { nl: "Casemanagers (mediaan, 50%- en 90%-band)", en: "Case managers (median, 50% and 90% bands)" }
    LegendQualified { nl: "Na de opleiding ingestroomd", en: "Qualified from training" }
    LegendHires { nl: "Zij-instromers", en: "Lateral hires" }
    LegendLeavers { nl: "Vertrokken of met pensioen", en: "Left or retired" }
    HeadingWorkforce { nl: "Casemanagers", en: "Case managers" }
    WorkforceParagraph { nl: "Op 1 januari {year} werken naar schatting {people} casemanagers ({fte} FTE). In {year} beginnen {started} mensen aan de opleiding, stromen er {qualified} na de opleiding en {hires} als zij-instromer in, en vertrekken er {leavers} of gaan met pensioen. Landelijk is over aantallen casemanagers, verloop, opleiding en deeltijd niets gepubliceerd (alleen de FTE-tellingen van de NZa): die parameters zijn aannames met brede priors, en de gebruikelijke instroom is zo gekozen dat het personeel zonder beleid groeit zoals gekalibreerd.", en: "On 1 January {year} an estimated {people} case managers work ({fte} FTE). In {year} {started} people start the training, {qualified} join after it and {hires} as lateral hires, and {leavers} leave or retire. Nothing national is published on the number of case managers, turnover, training or part-time work (only the NZa's FTE counts): these parameters are assumptions with wide priors, and the usual inflow is set so that without a policy the workforce grows as calibrated." }
    TargetNorm {
        nl: "Om de wachttijd landelijk in {year} binnen de norm van {norm} weken te brengen (een wachtlijst van niet meer dan {norm} weken aan verwijzingen), moeten vanaf {start} jaarlijks {answer} extra verpleegkundigen de opleiding tot casemanager dementie beginnen, bovenop de {usual} die dat nu al doen.",
        en: "To bring the national wait within the {norm}-week norm in {year} (a waiting list of no more than {norm} weeks of referrals), {answer} extra nurses a year must start the case-management training from {start}, on top of the {usual} who already do."
    }
    TargetNeed {
        nl: "Om eind {year} de FTE te hebben die de behoefte volgens de Zorgstandaard vraagt, moeten vanaf {start} jaarlijks {answer} extra verpleegkundigen de opleiding tot casemanager dementie beginnen, bovenop de {usual} die dat nu al doen.",
        en: "To have by the end of {year} the FTE that the need under the Zorgstandaard asks for, {answer} extra nurses a year must start the case-management training from {start}, on top of the {usual} who already do."
    }
    TargetUnreachable {
        nl: "In {share} van de iteraties haalt zelfs {max} extra per jaar het doel niet: daar is opleiden alleen niet genoeg.",
        en: "In {share} of the iterations even {max} extra a year do not reach the goal: there training alone is not enough."
    }
    TargetNotReachable { nl: "niet haalbaar", en: "not reachable" }
    TargetMethod {
        nl: "Per iteratie gezocht met bisectie (tot op één opleideling per jaar) in {n} gekalibreerde iteraties, elk met dezelfde toevalsgetallen bij elk aantal opleidelingen; mediaan met 90%-interval. Het verloop, de deeltijdfactor en de duur en het rendement van de opleiding van casemanagers zijn nergens landelijk gepubliceerd: het zijn aannames met brede priors (docs/MODEL.md §3b).",
        en: "Searched per iteration by bisection (to one trainee a year) in {n} calibrated iterations, each with the same random numbers at every number of trainees; median with 90% interval. The turnover, part-time factor and the length and yield of the training of case managers are not published nationally: they are assumptions with wide priors (docs/MODEL.md §3b)."
    }
    UnitPeople { nl: "personen", en: "people" }
    UnitPeoplePerYear { nl: "personen per jaar", en: "people per year" }
    UnitFte { nl: "FTE", en: "FTE" }
    UnitEuroPerYear { nl: "euro per jaar", en: "euro per year" }
    UnitWeeks { nl: "weken", en: "weeks" }
    UnitShare { nl: "aandeel (0–1)", en: "share (0–1)" }
    UnitRatio { nl: "verhouding", en: "ratio" }
    UnitNumber { nl: "getal", en: "number" }

    // The workbook (`tables.xlsx`): sheet names and column headers.
    SheetSummary { nl: "samenvatting", en: "summary" }
    SheetHindcast { nl: "hindcast", en: "hindcast" }
    SheetCalibration { nl: "calibratie", en: "calibration" }
    SheetDataPhoto { nl: "datafoto", en: "data photo" }
    ColScenario { nl: "Scenario", en: "Scenario" }
    ColMetric { nl: "Maat", en: "Metric" }
    ColMetricKey { nl: "Kolomnaam", en: "Column name" }
    ColYear { nl: "Jaar", en: "Year" }
    ColUnit { nl: "Eenheid", en: "Unit" }
    ColMean { nl: "Gemiddelde", en: "Mean" }
    ColDate { nl: "Datum", en: "Date" }
    ColObserved { nl: "Waargenomen", en: "Observed" }
    ColCoverage { nl: "Dekking", en: "Coverage" }
    ColPriorMedian { nl: "Vooraf: mediaan", en: "Prior: median" }
    ColPriorLow { nl: "Vooraf: 5%", en: "Prior: 5%" }
    ColPriorHigh { nl: "Vooraf: 95%", en: "Prior: 95%" }
    ColPosteriorMedian { nl: "Na calibratie: mediaan", en: "Posterior: median" }
    ColPosteriorLow { nl: "Na calibratie: 5%", en: "Posterior: 5%" }
    ColPosteriorHigh { nl: "Na calibratie: 95%", en: "Posterior: 95%" }
    ColPredictiveMedian { nl: "Telling volgens model: mediaan", en: "Count per model: median" }
    ColPredictiveLow { nl: "Telling volgens model: 5%", en: "Count per model: 5%" }
    ColPredictiveHigh { nl: "Telling volgens model: 95%", en: "Count per model: 95%" }
    ColSource { nl: "Bron", en: "Source" }
    ColParameter { nl: "Parameter", en: "Parameter" }

    // The uncertain inputs (drivers).
    DriverPrevalenceMultiplier { nl: "Prevalentie (factor)", en: "Prevalence (multiplier)" }
    DriverPrevalenceTrend { nl: "Trend prevalentie per decennium", en: "Prevalence trend per decade" }
    DriverShareAtHome { nl: "Aandeel thuiswonend", en: "Share living at home" }
    DriverDiagnosedShare { nl: "Aandeel met diagnose", en: "Share diagnosed" }
    DriverNeedShare { nl: "Aandeel met behoefte", en: "Share in need" }
    DriverCaseload { nl: "Caseload per FTE", en: "Caseload per FTE" }
    DriverHours { nl: "Uren per cliënt per maand", en: "Hours per client per month" }
    DriverTariff { nl: "Tarief per uur", en: "Tariff per hour" }
    DriverCostIndex { nl: "Kostenindex per jaar", en: "Cost index per year" }
    DriverFteGrowth { nl: "Groei FTE per jaar", en: "FTE growth per year" }
    DriverZorgstandaard { nl: "Verwijzing richting Zorgstandaard", en: "Referral towards Zorgstandaard" }
    DriverShareIntensive { nl: "Aandeel intensief", en: "Share intensive" }
    DriverLeaveList { nl: "Vertrek van de wachtlijst (per jaar)", en: "Leaving the waiting list (per year)" }
    DriverLeaveListGrowth { nl: "Toename van dat vertrek met de wachttijd", en: "Growth of leaving with the wait" }
    DriverReferralElasticity { nl: "Elasticiteit van verwijzingen voor wachttijd", en: "Elasticity of referrals to the wait" }
    DriverCaseloadStretch { nl: "Maximale rek in de caseload", en: "Largest caseload stretch" }
    DriverRegionalSpread { nl: "Spreiding van de vraag tussen regio's", en: "Spread of demand between regions" }
    DriverReferralVolatility { nl: "Jaarlijkse beweeglijkheid van de verwijzing", en: "Yearly volatility of referral" }
    DriverCapacityVolatility { nl: "Jaarlijkse beweeglijkheid van de capaciteit", en: "Yearly volatility of capacity" }
    DriverLeaveListVolatility { nl: "Jaarlijkse beweeglijkheid van afhaken van de wachtlijst", en: "Yearly volatility of leaving the waiting list" }
    DriverInitialWaitingScale { nl: "Wachtlijst op 1 januari van het basisjaar (factor op die van de ketens)", en: "Waiting list on 1 January of the base year (factor on the chains')" }
    DriverMeanWaitDefinition { nl: "Definitiefactor gepubliceerde gemiddelde wachttijd", en: "Definition factor of published mean waits" }
    DriverTurnover { nl: "Verloop van casemanagers", en: "Turnover of case managers" }
    DriverRetirement { nl: "Pensionering van casemanagers", en: "Retirement of case managers" }
    DriverPartTime { nl: "Deeltijdfactor van casemanagers", en: "Part-time factor of case managers" }
    DriverTrainingMonths { nl: "Duur van de opleiding tot casemanager", en: "Length of the case-management training" }
    DriverTrainingCompletion { nl: "Rendement van de opleiding", en: "Completion of the training" }
    DriverTrainedShare { nl: "Aandeel opgeleiden in de gebruikelijke instroom", en: "Trained share of the usual inflow" }
    DriverUptake { nl: "Bereik ketens (gepoold)", en: "Chain uptake (pooled)" }
    DriverInflow { nl: "Instroom (gepoold)", en: "Inflow rate (pooled)" }
    DriverExitDeath { nl: "Uitstroom: overlijden", en: "Exit: death" }
    DriverExitInstitution { nl: "Uitstroom: instelling", en: "Exit: institution" }
    DriverExitOther { nl: "Uitstroom: overig", en: "Exit: other" }
    DriverWaitingShare { nl: "Wachtenden per cliënt bij start", en: "Waiting per client at start" }
    // Notes about the inputs and the model (`data::Note`), in the report's limitations and on
    // the command line.
    NoteReadAs { nl: "{file}: gelezen als {format}", en: "{file}: read as {format}" }
    FormatSeparated { nl: "{encoding}, gescheiden door {separator}", en: "{encoding}, {separator}-separated" }
    FormatTab { nl: "tabs", en: "tab" }
    FormatBom { nl: "UTF-8 met byte-order mark", en: "UTF-8 with byte-order mark" }
    FormatDecimalComma { nl: ", decimale komma's", en: ", decimal commas" }
    FormatCrlf { nl: ", CRLF-regeleinden", en: ", CRLF line ends" }
    NotePopulationJumps {
        nl: "{file}: {cells} bevolkingscel(len) veranderen meer dan {threshold} van het ene jaar op het andere, het sterkst in jaar {year}, geslacht {sex}, leeftijd {age}: {after} na {before} in {previous}; controleer op een tikfout",
        en: "{file}: {cells} population cell(s) change by more than {threshold} from one year to the next, most at year {year}, sex {sex}, age {age}: {after} after {before} in {previous}; check for a typo"
    }
    NoteDistantPeriods {
        nl: "{file}: {periods} ketenperiode(s) liggen meer dan {years} jaar van het basisjaar {base} (de eerste op regel {line}: {start} tot {end}); hun kansen beschrijven {base} mogelijk niet: controleer run.base_year of het bestand",
        en: "{file}: {periods} chain period(s) lie more than {years} years from the base year {base} (first on line {line}: {start} to {end}); their rates may not describe {base}: check run.base_year or the file"
    }
    NoteUptakeOutliers {
        nl: "{k} van {n} ketens hebben een bereik ver buiten dat van de andere (meer dan {mads} robuuste standaardafwijkingen van het log-bereik van de mediaan): {chains}{more}; controleer hun cliënten en population_65plus",
        en: "{k} of {n} chains have an uptake far outside the others' (more than {mads} robust standard deviations of log-uptake from the median): {chains}{more}; check their clients and population_65plus"
    }
    NoteUptakeOutlier { nl: "{chain} ({times} keer de mediaan)", en: "{chain} ({times} times the median)" }
    NoteAndMore { nl: " en {n} meer", en: " and {n} more" }
    NoteOneChain {
        nl: "slechts één keten ({chain}): de spreiding tussen ketens is onbekend en komt uit de prior (half-normaal, schaal {scale}), dus de landelijke kansen zijn met die spreiding onzeker",
        en: "only one chain ({chain}): the spread between chains is unknown and comes from the prior (half-normal, scale {scale}), so national rates are uncertain by that spread"
    }
    NotePriorDominates {
        nl: "{k} ketens zeggen weinig over hoeveel ketens verschillen in {rates}: de prior op de spreiding tussen ketens (half-normaal, schaal {scale}) bepaalt hun onzekerheid",
        en: "{k} chains say little about how much chains differ in {rates}: the prior on the between-chain spread (half-normal, scale {scale}) sets their uncertainty"
    }
}
