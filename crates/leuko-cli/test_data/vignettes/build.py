#!/usr/bin/env python3
"""Builds the project's own leukopenia test vignettes OWN-001 ... (vignettes.json beside this file).

Adapted from shared/eval/build.py (same record layout, same validation). Every vignette is based on a
published case report, teaching case or (marked as such) a series' description cited in "source";
PROVENANCE.md lists the citations and the filled-in values. Values not
in the source are listed in "filled_in". CTCAE v5 grades are recomputed here from the day-0 values
as reported (LLN 4.0 x10^9/L for WBC, 1.8 x10^9/L for ANC) and the build fails if a stated grade
disagrees. usage: python3 build.py
"""
import json
import os
import sys

L = {
    "WBC": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count"),
    "ANC": ("751-8", "Neutrophils [#/volume] in Blood by Automated count"),
    "NEUTP": ("770-8", "Neutrophils/100 leukocytes in Blood by Automated count"),
    "LYM": ("731-0", "Lymphocytes [#/volume] in Blood by Automated count"),
    "LYMP": ("736-9", "Lymphocytes/100 leukocytes in Blood by Automated count"),
    "MONO": ("742-7", "Monocytes [#/volume] in Blood by Automated count"),
    "MONOP": ("5905-5", "Monocytes/100 leukocytes in Blood by Automated count"),
    "EOSP": ("713-8", "Eosinophils/100 leukocytes in Blood by Automated count"),
    "HGB": ("718-7", "Hemoglobin [Mass/volume] in Blood"),
    "MCV": ("787-2", "MCV [Entitic volume] by Automated count"),
    "PLT": ("777-3", "Platelets [#/volume] in Blood by Automated count"),
    "RETIC": ("4679-7", "Reticulocytes/100 erythrocytes in Blood"),
    "ZN": ("5763-8", "Zinc [Mass/volume] in Serum or Plasma"),
    "CRP": ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    "ALT": ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "AST": ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "LDH": ("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma"),
    "ESR": ("4537-7", "Erythrocyte sedimentation rate by Westergren method"),
    "SEGP": ("769-0", "Segmented neutrophils/100 leukocytes in Blood by Manual count"),
    "BANDP": ("764-1", "Neutrophils.band form/100 leukocytes in Blood by Manual count"),
    "METAP": ("740-1", "Metamyelocytes/100 leukocytes in Blood by Manual count"),
    "LYMPM": ("737-7", "Lymphocytes/100 leukocytes in Blood by Manual count"),
    "MONOPM": ("744-3", "Monocytes/100 leukocytes in Blood by Manual count"),
    "EOSPM": ("714-6", "Eosinophils/100 leukocytes in Blood by Manual count"),
    "HCT": ("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count"),
    "TBIL": ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    "HAPTO": ("4542-7", "Haptoglobin [Mass/volume] in Serum or Plasma"),
    "FERR": ("2276-4", "Ferritin [Mass/volume] in Serum or Plasma"),
    "CREAT": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
    "B12": ("2132-9", "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma"),
    "FOLATE": ("2284-8", "Folate [Mass/volume] in Serum or Plasma"),
    "CU": ("5631-7", "Copper [Mass/volume] in Serum or Plasma"),
}


def lab(day, key, value, unit, comment=None, name=None):
    """key is a shortcut of L, or None for an analyte without a confirmed LOINC code (name required)."""
    code, lname = L[key] if key else (None, None)
    name = name or lname
    row = {"day": day, "code": code, "name": name, "value": value, "unit": unit}
    if comment:
        row["comment"] = comment
    return row


def med(name, atc, start, stop, dose=None):
    m = {"name": name, "atc": atc, "start_day": start, "stop_day": stop}
    if dose:
        m["dose"] = dose
    return m


def cond(name, icd10=None, snomed=None):
    return {"name": name, "icd10": icd10, "snomed": snomed}


def patient(age, sex, ancestry=None, pregnant=False):
    return {"age_years": age, "sex": sex, "ancestry_or_duffy": ancestry, "pregnant": pregnant}


def must(phrase, kinds, target=None):
    return {"phrase": phrase, "kinds": kinds, "target": target}


FACTOR = {"10*3/uL": 1.0, "K/uL": 1.0, "x10^9/L": 1.0, "cells/mm3": 0.001, "/uL": 0.001, "/mm3": 0.001}


def grade(x, cuts):
    if x is None:
        return None
    for g, c in ((4, cuts[3]), (3, cuts[2]), (2, cuts[1]), (1, cuts[0])):
        if x < c:
            return g
    return 0


def presentation(v):
    """First day-0 WBC and ANC as reported, in 10^9/L (ANC from WBC x neutrophil % if needed)."""
    day0 = [r for r in v["labs"] if r["day"] == 0]
    first = lambda code: next((r for r in day0 if r["code"] == code), None)
    w, a = first("6690-2"), first("751-8")
    wbc = w["value"] * FACTOR[w["unit"]] if w else None
    if a:
        return wbc, a["value"] * FACTOR[a["unit"]]
    # automated neutrophil %, else manual segmented + band % (metamyelocytes and younger are not counted)
    pct = [first("770-8")] if first("770-8") else [first("769-0"), first("764-1")]
    pct = [r["value"] for r in pct if r]
    return wbc, (wbc * sum(pct) / 100 if (pct and wbc is not None) else None)



V = []
add = V.append

# ============================================================================================== drug
add({
    "id": "OWN-001",
    "source": "Jabr FI. 'Methimazole-Induced Severe Febrile Neutropenia Responding to Recombinant Human Granulocyte "
              "Colony Stimulating Factor' (letter to the editor). Southern Medical Journal, "
              "https://sma.org/southern-medical-journal/article/methimazole-induced-severe-febrile-neutropenia-responding-to-"
              "recombinant-human-granulocyte-colony-stimulating-factor/ (opening of the letter read; year not shown)",
    "patient": patient(42, "female", "not reported"),
    "labs": [
        lab(-21, "WBC", 6200, "/mm3", "count three weeks before presentation"),
        lab(-21, "NEUTP", 71, "%"),
        lab(0, "WBC", 700, "/mm3"),
        lab(0, "NEUTP", 2, "%"),
        lab(0, "LYMP", 82, "%"),
    ],
    "medications": [med("methimazole (thiamazole)", "H03BB02", -90, None, "started 3 months before presentation; dose not stated")],
    "conditions": [cond("Graves disease", "E05.00", "353295004")],
    "findings": ["fever, sore throat and odynophagia for 7 days",
                 "two pustules on the right hand after a minor laceration (incised and drained)",
                 "whitish patches over the oropharyngeal mucosa",
                 "mild non-painful cervical lymphadenopathy",
                 "rapid streptococcal test negative; monospot test positive"],
    "expected": {
        "cause_category": "drug", "cause": "methimazole (thiamazole)-induced agranulocytosis",
        "cause_id_keywords": ["methimazole", "thiamazole", "antithyroid"], "urgent": True,
        "also_acceptable_in_top3": ["EBV (infectious mononucleosis)-associated neutropenia"],
        "must_recommend": ["stop methimazole and do not re-expose", "empiric broad-spectrum IV antibiotics within 60 minutes",
                           "blood cultures", "consider G-CSF", "alternative definitive Graves treatment (radioiodine/surgery)"],
        "must_not_recommend": ["switching to propylthiouracil (cross-reactivity)"],
        "must": [must("stop methimazole", ["stop-drug"], "methimazole"),
                 must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [],
    },
    "filled_in": ["methimazole start day -90 from 'initiated 3 months prior' (dose not stated)",
                  "day -21 for the earlier count ('three weeks earlier')", "ICD-10/SNOMED codes for Graves disease",
                  "temperature not given (fever stated)"],
    "withheld_from_inputs": ["lumbar puncture normal; urine, throat and blood cultures negative; chest radiograph normal "
                             "(results after presentation)"],
    "notes": "Day 0 = admission. The positive monospot makes EBV a defensible alternative; the author attributed the "
             "agranulocytosis to methimazole and treated with G-CSF. Remainder of the letter was behind a paywall.",
})

add({
    "id": "OWN-002",
    "source": "ENT congress abstract (Thieme e-journals, 2022): metamizole-induced agranulocytosis presenting as "
              "tonsillitis with a thigh phlegmon and necrotising fasciitis, doi:10.1055/s-0042-1746551 "
              "(title and authors not shown in the copy read)",
    "patient": patient(50, "female", "German (European); not otherwise reported"),
    "labs": [
        lab(0, "WBC", 1.01, "10*3/uL"),
        lab(0, "NEUTP", 0.9, "%", "granulocytes reported as below 1 %"),
        lab(0, "CRP", 30.68, "mg/dL"),
        lab(0, None, 237.8, "pg/mL", name="Interleukin 6 [Mass/volume] in Serum or Plasma"),
    ],
    "medications": [med("metamizole (dipyrone)", "N02BB02", -7, -7, "taken 7 days before presentation; dose not stated")],
    "conditions": [],
    "findings": ["fever and sore throat for 7 days", "acute tonsillitis with cervical lymphadenopathy",
                 "pain in the left thigh; extensive phlegmon of the thigh on inspection"],
    "expected": {
        "cause_category": "drug", "cause": "metamizole (dipyrone)-induced agranulocytosis with tonsillitis and thigh phlegmon",
        "cause_id_keywords": ["metamizole", "dipyrone", "metamizol"], "urgent": True,
        "must_recommend": ["empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "urgent surgical review of the thigh (necrotising fasciitis)", "never re-expose to metamizole",
                           "consider G-CSF", "protective isolation"],
        "must_not_recommend": [],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("do not re-expose to metamizole", ["stop-drug"], "metamizol")],
        "must_not": [],
    },
    "filled_in": ["age 50 and nationality (age not given; German-language congress)",
                  "metamizole as a single day -7 entry ('had taken metamizole 7 days ago')",
                  "granulocytes '<1 %' entered as 0.9 %"],
    "withheld_from_inputs": ["necrotising fasciitis diagnosed at surgery (after presentation)"],
    "notes": "Treated with piperacillin/tazobactam and clindamycin, emergency surgery with VAC therapy and split-skin graft, "
             "G-CSF for 3 days; 29 days in hospital.",
})

add({
    "id": "OWN-003",
    "source": "Martinc B. 'Severe agranulocytosis during prolonged trimethoprim-sulfamethoxazole therapy in an elderly male: "
              "a case report with causality assessment and literature review'. Int J Basic Clin Pharmacol 2025, "
              "doi:10.18203/2319-2003.ijbcp20253378",
    "patient": patient(84, "male", "Slovenian (European)"),
    "labs": [
        lab(0, "WBC", 1.2, "x10^9/L"),
        lab(0, "ANC", 0.01, "x10^9/L"),
        lab(0, "LYM", 0.52, "x10^9/L"),
        lab(0, "CRP", 112, "mg/L"),
    ],
    "medications": [med("trimethoprim-sulfamethoxazole (co-trimoxazole)", "J01EE01", -23, None,
                        "80/400 mg, two tablets every 12 hours; continued beyond the intended stop date after a documentation error")],
    "conditions": [cond("Urinary tract infection", "N39.0", "68566005"),
                   cond("Inpatient rehabilitation after critical illness", None, None)],
    "findings": ["fever 39.4 °C", "diffuse erythematous rash", "hospital day 24 of rehabilitation stay"],
    "expected": {
        "cause_category": "drug", "cause": "trimethoprim-sulfamethoxazole-induced agranulocytosis",
        "cause_id_keywords": ["trimethoprim", "sulfamethoxazole", "cotrimoxazole"], "urgent": True,
        "must_recommend": ["stop trimethoprim-sulfamethoxazole", "empiric broad-spectrum IV antibiotics within 60 minutes",
                           "blood cultures", "consider G-CSF (age > 65, ANC < 0.1)"],
        "must_not_recommend": [],
        "must": [must("stop trimethoprim-sulfamethoxazole", ["stop-drug"], "trimethoprim"),
                 must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [],
    },
    "filled_in": ["TMP-SMX start day -23 (started at admission to rehabilitation; the abstract gives 31 days of use in total)",
                  "nationality from the Slovenian institution", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "TMP-SMX stopped, ciprofloxacin then cefuroxime, filgrastim; leukocytes 7.6 and neutrophils 4.46 x10^9/L within "
             "7 days. Naranjo score 7 (probable).",
})

add({
    "id": "OWN-004",
    "source": "Lakhani N, Thompson W, Bombassaro AM. 'Probable linezolid-induced pancytopenia'. Can J Infect Dis Med "
              "Microbiol 2005;16(5):286-288, doi:10.1155/2005/961613",
    "patient": patient(75, "male", "Canadian; not otherwise reported"),
    "labs": [
        lab(-19, "WBC", 6.8, "x10^9/L", "one week into linezolid: counts consistent with baseline"),
        lab(-19, "PLT", 210, "x10^9/L"),
        lab(0, "WBC", 2.9, "x10^9/L"),
        lab(0, None, 2.5, "x10^12/L", name="Erythrocytes [#/volume] in Blood by Automated count"),
        lab(0, "HGB", 71, "g/L"),
        lab(0, "PLT", 59, "x10^9/L"),
    ],
    "medications": [med("linezolid", "J01XX08", -25, None, "600 mg twice daily (day 26 of therapy at presentation)")],
    "conditions": [cond("MRSA diabetic foot osteomyelitis", "M86.171", None),
                   cond("Diabetes mellitus", "E11.9", "44054006"),
                   cond("Chronic renal insufficiency", "N18.9", "709044004"),
                   cond("Cardiac disease", "I51.9", None),
                   cond("Iron deficiency anaemia", "D50.9", "87522002")],
    "findings": ["admitted with acute renal failure from dehydration", "missed the planned weekly blood counts after week 1",
                 "outpatient linezolid course"],
    "expected": {
        "cause_category": "drug", "cause": "linezolid-induced myelosuppression (pancytopenia)",
        "cause_id_keywords": ["linezolid", "oxazolidinone"], "urgent": False,
        "must_recommend": ["stop linezolid (switch MRSA therapy)", "weekly, then repeat CBC until recovery",
                           "transfusion as needed"],
        "must_not_recommend": ["bone marrow biopsy for a reversible drug effect", "G-CSF"],
        "must": [must("stop linezolid", ["stop-drug"], "linezolid"),
                 must("repeat CBC until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [must("bone marrow biopsy", ["bone-marrow-exam"]), must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["day -19 WBC 6.8 and platelets 210 (source: 'after one week his counts were consistent with baseline', "
                  "values not given)", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "No differential reported, so there is no ANC grade. Linezolid stopped, transfused; counts improved within a "
             "week and were at baseline 2 months later (Naranjo: probable).",
})

add({
    "id": "OWN-005",
    "source": "'Neutropenia related to valacyclovir and valganciclovir in 2 renal transplant patients and treatment with "
              "granulocyte colony stimulating factor: a case report'. Exp Clin Transplant 2010;8(2):181-183, PMID 20565377 "
              "(case 1; authors not shown in the copy read)",
    "patient": patient(18, "male", "not reported"),
    "labs": [
        lab(-60, "WBC", 7.4, "x10^9/L", "around the time of transplantation"),
        lab(0, "WBC", 1.7, "x10^9/L"),
    ],
    "medications": [
        med("valganciclovir", "J05AB14", -60, None, "CMV prophylaxis; dose not stated"),
        med("mycophenolate mofetil", "L04AA06", -60, None),
        med("cyclosporine (ciclosporin)", "L04AD01", -60, None),
    ],
    "conditions": [cond("Kidney transplant from a living donor", "Z94.0", None)],
    "findings": ["renal transplant recipient", "kidney function at baseline", "no fever reported"],
    "expected": {
        "cause_category": "drug", "cause": "valganciclovir-associated neutropenia after kidney transplantation",
        "cause_id_keywords": ["valganciclovir", "ganciclovir"], "urgent": False,
        "also_acceptable_in_top3": ["mycophenolate-associated neutropenia"],
        "must_recommend": ["hold or dose-adjust valganciclovir (and review mycophenolate) with the transplant team",
                           "CBC with differential and repeat counts", "consider G-CSF if neutropenia persists"],
        "must_not_recommend": ["stopping cyclosporine (rejection risk; not myelotoxic)"],
        "must": [must("hold valganciclovir", ["stop-drug"], "valganciclovir"),
                 must("repeat CBC with differential", ["repeat-cbc", "monitoring"])],
        "must_not": [must("stop cyclosporine", ["stop-drug"], "cyclosporin")],
    },
    "filled_in": ["time since transplant (day -60 for transplant and all three drugs)", "day -60 WBC 7.4",
                  "'no fever reported' (none mentioned in the abstract)"],
    "withheld_from_inputs": [],
    "notes": "Authors stopped mycophenolate first, then valganciclovir; neutropenia persisted and G-CSF raised neutrophils "
             "to 2.2 x10^9/L within 24 h. Neutrophil count at presentation not given (no ANC grade).",
})

add({
    "id": "OWN-006",
    "source": "Sahar N, Ratajczak T, Conger NG. 'Ceftaroline-Induced Agranulocytosis'. J Med Cases 2016;7(6):197-201, "
              "doi:10.14740/jmc2489w",
    "patient": patient(24, "male", "Caucasian"),
    "labs": [
        lab(-26, "WBC", 8.2, "K/uL", "ceftaroline day 15"),
        lab(-26, "NEUTP", 82, "%"),
        lab(0, "WBC", 0.5, "K/uL", "ceftaroline day 41"),
        lab(0, "ANC", 0.0, "K/uL"),
        lab(5, "WBC", 3.3, "K/uL", "5 days after stopping ceftaroline"),
        lab(8, "WBC", 11.2, "K/uL"),
    ],
    "medications": [med("ceftaroline fosamil", "J01DI02", -40, None, "600 mg IV every 8 h, planned 6-week course (OPAT)")],
    "conditions": [cond("MRSA tricuspid valve infective endocarditis", "I33.0", None),
                   cond("Septic pulmonary emboli", "I26.90", None),
                   cond("Opioid (IV heroin) use disorder", "F11.20", None)],
    "findings": ["on day 41 of a 6-week IV ceftaroline course for MRSA endocarditis",
                 "admission blood cultures grew MRSA; tricuspid vegetation on echocardiography"],
    "expected": {
        "cause_category": "drug", "cause": "ceftaroline (beta-lactam)-induced agranulocytosis during a prolonged course",
        "cause_id_keywords": ["ceftaroline", "beta-lactam", "cephalosporin"], "urgent": True,
        "must_recommend": ["stop ceftaroline and switch to a non-beta-lactam anti-MRSA agent", "daily CBC until recovery",
                           "blood cultures and empiric cover if febrile", "neutropenic precautions"],
        "must_not_recommend": [],
        "must": [must("stop ceftaroline", ["stop-drug"], "ceftaroline"),
                 must("repeat CBC until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [],
    },
    "filled_in": ["ICD-10 codes"],
    "withheld_from_inputs": [],
    "notes": "Urgent because ANC 0 in a patient with active infection (endocarditis under treatment); temperature on day 41 "
             "was not stated in the text read. WBC 3.3 five days and 11.2 eight days after stopping ceftaroline.",
})

add({
    "id": "OWN-007",
    "source": "Berei J, Nathani R, Ashat D (University of Iowa). Poster abstract: azathioprine-induced pancytopenia with a "
              "deleterious NUDT15 allele and normal TPMT activity in Crohn's disease. ACG 2025 Annual Meeting, "
              "https://acg2025.eventscribe.net/ajaxcalls/PosterInfo.asp?PosterID=751858",
    "patient": patient(54, "female", "Hispanic"),
    "labs": [
        lab(-21, None, 25.2, "IU/mL", name="Thiopurine methyltransferase [Enzymatic activity] in Red Blood Cells",
            comment="normal 22-44 IU/mL"),
        lab(-21, "WBC", 6400, "/uL", "normal CBC before azathioprine"),
        lab(-21, "PLT", 260000, "/uL"),
        lab(0, "WBC", 1100, "/uL"),
        lab(0, "ANC", 6, "/uL"),
        lab(0, "HGB", 10.7, "g/dL"),
        lab(0, "PLT", 56000, "/uL"),
        lab(0, "AST", 54, "U/L"),
        lab(0, "ALT", 63, "U/L"),
    ],
    "medications": [med("azathioprine", "L04AX01", -21, None, "250 mg daily (2.3 mg/kg)"),
                    med("infliximab", "L04AB02", -21, None)],
    "conditions": [cond("Crohn's disease, ileocolonic with perianal disease", "K50.819", "34000006")],
    "findings": ["fever, malaise and oral ulcerations three weeks after starting azathioprine"],
    "expected": {
        "cause_category": "drug", "cause": "azathioprine (thiopurine) myelotoxicity with a deleterious NUDT15 variant",
        "cause_id_keywords": ["azathioprine", "thiopurine", "nudt15"], "urgent": True,
        "also_acceptable_in_top3": ["infliximab-associated neutropenia"],
        "must_recommend": ["stop azathioprine", "empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "NUDT15 genotype (TPMT activity was normal) and thiopurine metabolites", "consider G-CSF"],
        "must_not_recommend": [],
        "must": [must("stop azathioprine", ["stop-drug"], "azathioprine"),
                 must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("NUDT15 genotyping", ["order-test"], "nudt15")],
        "must_not": [],
    },
    "filled_in": ["day -21 baseline WBC 6400 and platelets 260000 (source: 'normal complete blood cell count')",
                  "infliximab start day (started together with azathioprine)", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["at least one deleterious NUDT15 allele, no TPMT variant; 6-MMP 13,441 and 6-TGN 59 pmol/8x10^8 RBC"],
    "notes": "Treated with cefepime and filgrastim; discharged after two weeks with improved counts.",
})

add({
    "id": "OWN-008",
    "source": "Bae J, Choe BH, Kang B. 'Prevention of thiopurine-induced early leukopenia in a Korean pediatric patient with "
              "Crohn's disease who turned out to possess homozygous mutations in NUDT15 R139C'. Yeungnam Univ J Med 2020 "
              "(epub ahead of print)",
    "patient": patient(12, "female", "Korean (East Asian)"),
    "labs": [
        lab(-14, "WBC", 8970, "/uL", "two weeks earlier"),
        lab(0, "WBC", 3370, "/uL", "day 17 of azathioprine"),
        lab(21, "WBC", 5120, "/uL", "3 weeks after stopping azathioprine"),
    ],
    "medications": [med("azathioprine", "L04AX01", -17, None, "0.5 mg/kg/day (low starting dose)")],
    "conditions": [cond("Crohn's disease", "K50.90", "34000006")],
    "findings": ["significant hair loss since starting azathioprine", "no fever", "NUDT15 genotype not yet known"],
    "expected": {
        "cause_category": "drug", "cause": "early thiopurine (azathioprine) leukopenia in a NUDT15 poor metaboliser",
        "cause_id_keywords": ["azathioprine", "thiopurine", "nudt15"], "urgent": False,
        "must_recommend": ["hold azathioprine", "NUDT15 (and TPMT) genotyping", "repeat CBC"],
        "must_not_recommend": ["G-CSF", "bone marrow biopsy"],
        "must": [must("hold azathioprine", ["stop-drug"], "azathioprine"),
                 must("NUDT15 genotyping", ["order-test"], "nudt15"),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("G-CSF", ["g-csf"]), must("bone marrow biopsy", ["bone-marrow-exam"])],
    },
    "filled_in": ["day -14 for the 8,970/uL count ('dropped ... in 2 weeks')", "'no fever' (none reported)"],
    "withheld_from_inputs": ["homozygous NUDT15 R139C"],
    "notes": "Trend case: WBC fell by more than half in 2 weeks on a low dose with alopecia; azathioprine stopped, WBC "
             "5,120/uL 3 weeks later. No differential reported (no ANC grade).",
})

add({
    "id": "OWN-009",
    "source": "'A rare case of extremely low-dose methotrexate toxicity', Society of Hospital Medicine meeting abstract, "
              "https://shmabstracts.org/abstract/a-rare-case-of-extremely-low-dose-methotrexate-toxicity/",
    "patient": patient(89, "male", "not reported"),
    "labs": [
        lab(-90, "WBC", 10000, "/uL", "three months before presentation"),
        lab(-90, "HGB", 12.6, "g/dL"),
        lab(-90, "PLT", 295000, "/uL"),
        lab(0, "WBC", 3500, "/uL", "blood smear: macrocytosis without overt dysplasia"),
        lab(0, "HGB", 7.8, "g/dL"),
        lab(0, "PLT", 24000, "/uL"),
        lab(0, "RETIC", 0.2, "%"),
        lab(0, "CREAT", 2.4, "mg/dL"),
        lab(0, None, 347, "pg/mL", name="Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma"),
        lab(0, "FERR", 426, "ng/mL"),
        lab(0, "LDH", 291, "U/L"),
        lab(0, "CRP", 59.9, "mg/L"),
    ],
    "medications": [med("methotrexate", "L04AX03", -730, None, "2.5 mg once weekly, oral"),
                    med("hydroxychloroquine", "P01BA02", -730, None, "200 mg daily")],
    "conditions": [cond("Rheumatoid arthritis", "M06.9", "69896004"),
                   cond("Chronic kidney disease", "N18.9", "709044004")],
    "findings": ["itchy red rash for two weeks", "multiple annular purpuric lesions with central erosion on limbs and back",
                 "no fever"],
    "expected": {
        "cause_category": "drug", "cause": "low-dose methotrexate toxicity (pancytopenia) with chronic kidney disease",
        "cause_id_keywords": ["methotrexate"], "urgent": False,
        "must_recommend": ["stop methotrexate", "leucovorin (folinic acid) rescue and folic acid", "repeat CBC",
                           "review renal dosing"],
        "must_not_recommend": [],
        "must": [must("stop methotrexate", ["stop-drug"], "methotrexate"),
                 must("leucovorin rescue", ["supplement"], "leucovorin"),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [],
    },
    "filled_in": ["methotrexate and hydroxychloroquine start day -730 (long-standing treatment)", "'no fever' (none reported)",
                  "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["skin biopsy: interface dermatitis consistent with a methotrexate reaction",
                             "methotrexate level undetectable; viral, fungal and autoimmune work-up negative"],
    "notes": "Trend case (normal counts 3 months earlier). Methotrexate and hydroxychloroquine stopped, folic acid and "
             "leucovorin; platelets 239K at one week and WBC 7.6K at two weeks. No differential reported (no ANC grade).",
})

add({
    "id": "OWN-010",
    "source": "Clinical vignette 52 (febrile neutropenia after adjuvant TAC chemotherapy for breast cancer), miphidic.com "
              "teaching blog, https://miphidic.com/2016/01/17/clinical-vignette-52/ (answer: low-risk febrile neutropenia)",
    "patient": patient(35, "female", "not reported"),
    "labs": [
        lab(0, "ANC", 0.13, "x10^9/L"),
    ],
    "medications": [
        med("docetaxel", "L01CD02", -31, -10, "3-weekly adjuvant TAC, cycle 2 given 10 days ago"),
        med("doxorubicin", "L01DB01", -31, -10),
        med("cyclophosphamide", "L01AA01", -31, -10),
    ],
    "conditions": [cond("Breast cancer stage II, after resection", "C50.919", "254837009")],
    "findings": ["temperature up to 38.5 °C with headache", "nausea without vomiting or diarrhoea",
                 "blood pressure 104/63 mmHg", "clinical examination otherwise unremarkable", "chest X-ray normal",
                 "10 days after the second cycle of adjuvant chemotherapy", "presented to the outpatient clinic"],
    "expected": {
        "cause_category": "drug", "cause": "chemotherapy-induced febrile neutropenia, low risk (MASCC 26)",
        "cause_id_keywords": ["chemotherapy", "chemo", "cytotoxic"], "urgent": True,
        "must_recommend": ["empiric antibiotics within 60 minutes", "blood cultures",
                           "MASCC >= 21: outpatient oral fluoroquinolone + amoxicillin-clavulanate after >= 4 h observation",
                           "G-CSF secondary prophylaxis for later cycles may be considered"],
        "must_not_recommend": [],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [],
    },
    "filled_in": ["age 35 ('young woman')", "chemotherapy start day -31 and stop day -10 (cycle 1 three weeks before cycle 2)",
                  "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "MASCC: mild symptoms 5, no hypotension 5, no COPD 4, solid tumour 4, no IV fluids 3, outpatient 3, age < 60 2 "
             "= 26 (low risk). WBC not given (no WBC grade). Teaching vignette, not a published patient.",
})

# ============================================================================================ marrow
add({
    "id": "OWN-011",
    "source": "'A 24-Year-Old Man with Hepatitis-Associated Aplastic Anemia', Hospital Medicine 2011 meeting abstract 1017 "
              "(Englewood Hospital and Medical Center), https://www.shmabstracts.com/abstract/a-24yearold-man-with-"
              "hepatitisassociated-aplastic-anemia/",
    "patient": patient(24, "male", "not reported"),
    "labs": [
        lab(-90, "ALT", 1826, "U/L", "outpatient labs during acute hepatitis three months earlier"),
        lab(-90, "AST", 1530, "U/L"),
        lab(0, "WBC", 1.1, "K/uL", "manual differential; smear: leukopenia with predominant lymphocytes, marked thrombocytopenia"),
        lab(0, "SEGP", 19, "%"),
        lab(0, "BANDP", 1, "%"),
        lab(0, "LYMPM", 78, "%"),
        lab(0, "HGB", 12.3, "g/dL"),
        lab(0, "PLT", 3, "K/uL"),
    ],
    "medications": [med("hydroxyzine", "N05BB01", -95, -80, "for pruritus during the hepatitis")],
    "conditions": [cond("Acute hepatitis of unknown cause 3 months earlier, resolved", "K72.00", None)],
    "findings": ["easy bruising and bleeding for several days", "gingival bleeding and haematochezia",
                 "mucosal haemorrhagic bullae; haematomas on both arms; scattered ecchymoses",
                 "nausea, vomiting and jaundice three months earlier; hepatitis B, C and HIV negative at that time",
                 "maximum temperature 37.8 °C", "liver function tests and PT/PTT now normal",
                 "hepatitis A IgM, HBsAg, anti-HBc, anti-HCV and ANA negative; CD55/CD59 normal", "works as a landscaper"],
    "expected": {
        "cause_category": "marrow", "cause": "hepatitis-associated aplastic anaemia (severe)",
        "cause_id_keywords": ["aplastic", "hepatitis-associated", "marrow failure"], "urgent": True,
        "must_recommend": ["urgent haematology referral", "bone marrow aspirate and biopsy with cytogenetics",
                           "platelet transfusion for bleeding", "HLA typing / transplant evaluation or ATG + ciclosporin",
                           "neutropenic precautions"],
        "must_not_recommend": [],
        "must": [must("urgent haematology referral", ["hematology-referral"]),
                 must("bone marrow aspirate and biopsy", ["bone-marrow-exam"]),
                 must("transplant evaluation or immunosuppressive therapy", ["transplant-evaluation", "immunosuppression"])],
        "must_not": [],
    },
    "filled_in": ["day -90 for the hepatitis labs ('three months prior')", "hydroxyzine days", "units K/uL for the counts",
                  "ICD-10 code"],
    "withheld_from_inputs": ["bone marrow devoid of almost all cellular elements; normal cytogenetics; flow: reduced CD4/CD8"],
    "notes": "Urgent: ANC 0.22 x10^9/L with bleeding from concurrent severe thrombocytopenia. Transferred for definitive "
             "treatment (text cut). Bilirubin 39.2 (units not given) left out.",
})

add({
    "id": "OWN-012",
    "source": "Case report (Candida albicans appendicitis in a patient with myelofibrosis progressing from essential "
              "thrombocythaemia), MDedge Hematology-Oncology, https://mdedge9-ma1.mdedge.com/hematology-oncology/article/"
              "77462/leukemia-myelodysplasia-transplantation/c-albicans-appendicitis (presentation read; authors not shown)",
    "patient": patient(62, "male", "white"),
    "labs": [
        lab(-180, "PLT", 400, "x10^9/L", "platelets controlled around 400 on hydroxyurea"),
        lab(0, "WBC", 3.26, "x10^9/L"),
        lab(0, "HGB", 7.9, "g/dL"),
        lab(0, "PLT", 46, "x10^9/L"),
    ],
    "medications": [med("hydroxyurea (hydroxycarbamide)", "L01XX05", -6000, None, "long-term cytoreduction for essential thrombocythaemia")],
    "conditions": [cond("Essential thrombocythaemia, diagnosed 17 years ago", "D47.3", "109994006"),
                   cond("Hypertension", "I10", "38341003")],
    "findings": ["worsening exertional dyspnoea and fatigue over 2 months", "decreased appetite; 8 lb weight loss",
                 "occasional blood transfusions required in the past"],
    "expected": {
        "cause_category": "marrow", "cause": "myelofibrosis (post-essential thrombocythaemia) entering an accelerated phase",
        "cause_id_keywords": ["myelofib", "myeloproliferative", "accelerated"], "urgent": False,
        "also_acceptable_in_top3": ["hydroxyurea myelosuppression", "transformation to AML/MDS"],
        "must_recommend": ["haematology referral", "peripheral smear", "bone marrow aspirate and biopsy with reticulin stain",
                           "molecular testing (JAK2/CALR/MPL)"],
        "must_not_recommend": [],
        "must": [must("haematology referral", ["hematology-referral"]),
                 must("bone marrow biopsy", ["bone-marrow-exam"]),
                 must("peripheral smear", ["peripheral-smear"])],
        "must_not": [],
    },
    "filled_in": ["hydroxyurea start day (treated since diagnosis 17 years ago)", "day -180 for the platelet value "
                  "('controlled around 400 x 10^9/L')", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["bone marrow: 100 % cellularity, 8-10 % CD34+ blasts, dysplastic megakaryocytes, increased "
                             "reticulin fibrosis"],
    "notes": "Treated with cytarabine/idarubicin induction as a bridge to allogeneic transplant (the report then describes "
             "Candida appendicitis). No differential given (no ANC grade).",
})

add({
    "id": "OWN-013",
    "source": "Abramson N. 'Pancytopenia and large spleen' (hairy cell leukaemia), ASH Image Bank #00013040 (2012) and "
              "Blood 2009;113(23):5701 (Blood Work)",
    "patient": patient(67, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2.4, "x10^9/L", "smear: occasional oval and tear-shaped red cells"),
        lab(0, "ANC", 0.8, "x10^9/L"),
        lab(0, "HGB", 11.2, "g/dL"),
        lab(0, "PLT", 110, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["left-sided abdominal pain while getting out of a golf-course sand trap",
                 "very large spleen on examination", "previously well; no medications",
                 "brother recently died of metastatic colon cancer"],
    "expected": {
        "cause_category": "marrow", "cause": "hairy cell leukaemia",
        "cause_id_keywords": ["hairy"], "urgent": False,
        "also_acceptable_in_top3": ["splenic marginal zone lymphoma", "primary myelofibrosis"],
        "must_recommend": ["peripheral smear review", "peripheral blood flow cytometry (CD11c, CD25, CD103)",
                           "bone marrow biopsy", "haematology referral"],
        "must_not_recommend": [],
        "must": [must("peripheral smear review", ["peripheral-smear"]),
                 must("flow cytometry", ["order-test"], "flow"),
                 must("haematology referral or bone marrow biopsy", ["hematology-referral", "bone-marrow-exam"])],
        "must_not": [],
    },
    "filled_in": ["all counts: WBC 2.4, ANC 0.8, Hb 11.2, platelets 110 (source: 'mild anemia', 'mild thrombocytopenia', "
                  "'moderate degree of granulocytopenia')"],
    "withheld_from_inputs": ["rare hairy lymphocytes on the smear; TRAP-positive B cells with CD11c; marrow infiltration"],
    "notes": "Observed at first; two pulmonary infections within 2 years led to pentostatin, after which the spleen was not "
             "palpable and the pancytopenia resolved.",
})

# ======================================================================================== autoimmune
add({
    "id": "OWN-014",
    "source": "Zhao M. 'ANA-Negative Presentation of SLE in Man with Severe Autoimmune Neutropenia'. Case Rep Med "
              "(Hindawi) 2016, https://www.hindawi.com/journals/crim/2016/6853936/",
    "patient": patient(53, "male", "not reported"),
    "labs": [
        lab(0, "ANC", 90, "/uL", "reported as < 100"),
        lab(0, "FERR", 1237, "ng/mL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["daily fevers (neutropenic fever)", "oral ulcers on the lower lip", "malar-like rash across the nose",
                 "discoid-like rash on the extensor surfaces of elbows and knees", "low C3 and C4",
                 "positive direct Coombs test", "bilateral pleural effusions on CT chest",
                 "work-up for infection and haematological malignancy negative"],
    "expected": {
        "cause_category": "autoimmune", "cause": "autoimmune neutropenia of systemic lupus erythematosus (ANA-negative)",
        "cause_id_keywords": ["lupus", "systemic lupus"], "urgent": True,
        "must_recommend": ["empiric broad-spectrum antibiotics within 60 minutes", "blood cultures",
                           "anti-dsDNA, ANA, complement, anti-neutrophil antibodies", "rheumatology referral",
                           "corticosteroids once infection is covered"],
        "must_not_recommend": [],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("anti-dsDNA antibodies", ["order-test"], "dna"),
                 must("rheumatology referral", ["rheumatology-referral"])],
        "must_not": [],
    },
    "filled_in": ["ANC '< 100' entered as 90 /uL"],
    "withheld_from_inputs": ["weakly positive anti-dsDNA, ANA negative, raised rheumatoid factor; high-titre anti-neutrophil "
                             "antibodies; skin biopsy suggestive of lupus; MRI suggesting CNS vasculitis"],
    "notes": "Fevers resolved 2 days after IV methylprednisolone 25 mg twice daily; ANC 2000 after two weeks. WBC not given "
             "(no WBC grade).",
})

add({
    "id": "OWN-015",
    "source": "'Alloimmune neonatal neutropenia: Presentation of three cases and review of the literature' (case 1). "
              "Congress abstract, Thieme e-journals 2006, doi:10.1055/s-2006-946410 (authors not shown in the copy read)",
    "patient": patient(0.003, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 6860, "/uL", "first postnatal count"),
        lab(0, "ANC", 686, "/uL"),
        lab(7, "WBC", 3190, "/uL", "minimum"),
        lab(7, "ANC", 120, "/uL", "minimum"),
    ],
    "medications": [],
    "conditions": [cond("Preterm newborn, 35+3 weeks of gestation", "P07.38", None)],
    "findings": ["born at 35+3 weeks of gestation, birth weight 1650 g", "first day of life",
                 "no clinical signs of infection"],
    "expected": {
        "cause_category": "autoimmune", "cause": "alloimmune (isoimmune) neonatal neutropenia",
        "cause_id_keywords": ["alloimmune", "isoimmune"], "urgent": False,
        "also_acceptable_in_top3": ["neonatal sepsis", "neutropenia of prematurity / maternal hypertension"],
        "must_recommend": ["exclude infection", "anti-neutrophil (HNA) antibody testing in mother and infant",
                           "serial counts until recovery (weeks)"],
        "must_not_recommend": ["bone marrow biopsy"],
        "must": [must("anti-neutrophil antibody testing", ["order-test"], "antibod"),
                 must("serial counts", ["repeat-cbc", "monitoring"])],
        "must_not": [must("bone marrow biopsy", ["bone-marrow-exam"])],
    },
    "filled_in": ["age 1 day", "'no clinical signs of infection' (common causes such as infection were excluded)",
                  "day 7 for the minimum counts (day not given; recovery started on days 14-17)", "ICD-10 code"],
    "withheld_from_inputs": ["maternal IgG anti-neutrophil alloantibodies"],
    "notes": "Normal WBC hiding severe neutropenia (WBC grade 0, ANC grade 3 with the adult LLN convention). Counts rose "
             "towards normal from day 14 to 17.",
})

add({
    "id": "OWN-016",
    "source": "'Autoimmune neutropenia following therapy for chronic lymphocytic leukaemia: a report of three cases' "
              "(case 1). Br J Haematol 2006, doi:10.1111/j.1365-2141.2006.06436.x",
    "patient": patient(66, "female", "British (European)"),
    "labs": [
        lab(-30, "LYM", 0.6, "x10^9/L", "after the fourth FC cycle"),
        lab(-30, "PLT", 85, "x10^9/L"),
        lab(0, "WBC", 1.0, "x10^9/L"),
        lab(0, "ANC", 0.2, "x10^9/L"),
        lab(0, "PLT", 80, "x10^9/L"),
    ],
    "medications": [
        med("fludarabine (oral)", "L01BB05", -120, -30, "24 mg/m2 days 1-5, four cycles"),
        med("cyclophosphamide (oral)", "L01AA01", -120, -30, "150 mg/m2 days 1-5, four cycles"),
    ],
    "conditions": [cond("Chronic lymphocytic leukaemia, Binet stage C", "C91.10", "92814006")],
    "findings": ["severe mouth ulceration", "returned one month after completing fludarabine-cyclophosphamide",
                 "persistent thrombocytopenia and lymphopenia after treatment", "no fever reported"],
    "expected": {
        "cause_category": "autoimmune", "cause": "autoimmune neutropenia complicating CLL after fludarabine-based therapy",
        "cause_id_keywords": ["autoimmune", "cll", "chronic lymphocytic"], "urgent": False,
        "also_acceptable_in_top3": ["fludarabine/chemotherapy myelosuppression", "CLL marrow infiltration"],
        "must_recommend": ["haematology referral", "anti-neutrophil antibody testing", "bone marrow examination",
                           "G-CSF (filgrastim) for severe neutropenia with mouth ulceration",
                           "antibiotics at once if fever develops"],
        "must_not_recommend": [],
        "must": [must("haematology referral", ["hematology-referral"]),
                 must("anti-neutrophil antibody testing", ["order-test"], "antibod")],
        "must_not": [],
    },
    "filled_in": ["nationality", "day -30 lymphocytes 0.6 and platelets 85 ('post-treatment lymphopenia and persistent "
                  "thrombocytopenia')", "day 0 WBC 1.0 and platelets 80", "cycle days (4-weekly cycles assumed)",
                  "'no fever reported'"],
    "withheld_from_inputs": ["antibody-proven autoimmune neutropenia (anti-neutrophil antibodies)"],
    "notes": "Neutrophils recovered after a prolonged course of filgrastim; later R-CD normalised the counts. Mouth ulceration "
             "without documented fever: not urgent by the README flag (borderline).",
})

# ========================================================================================= infection
add({
    "id": "OWN-017",
    "source": "Rathod SG, Yaseen S. 'Brucellosis Infection - A Leukaemia Mimic' (letter). J Clin Diagn Res "
              "2023;17(1):OL01, doi:10.7860/JCDR/2023/59878.17436",
    "patient": patient(65, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 1.0, "x10^9/L"),
        lab(0, "NEUTP", 33, "%"),
        lab(0, "LYMP", 60, "%"),
        lab(0, "MONOP", 5, "%"),
        lab(0, "EOSP", 0, "%"),
        lab(0, "HGB", 8.7, "g/dL"),
    ],
    "medications": [med("amlodipine", "C08CA01", -1095, None, "5 mg once daily for 3 years")],
    "conditions": [cond("Hypertension", "I10", "38341003")],
    "findings": ["fever for one month with nocturnal sweats", "generalised weakness and abdominal pain",
                 "hepatosplenomegaly (liver 4 cm and spleen 5 cm below the costal margins)",
                 "HIV, hepatitis B and C, ANA, anti-dsDNA, direct and indirect Coombs, EBV and CMV serology negative",
                 "enteric fever serology negative", "works as a sheep herder"],
    "expected": {
        "cause_category": "infection", "cause": "brucellosis with leukopenia and hepatosplenomegaly",
        "cause_id_keywords": ["brucell"], "urgent": True,
        "also_acceptable_in_top3": ["visceral leishmaniasis", "lymphoma / leukaemia"],
        "must_recommend": ["empiric antibiotics within 60 minutes", "blood cultures (prolonged incubation)",
                           "Brucella serology", "doxycycline plus rifampicin or an aminoglycoside for 6 weeks"],
        "must_not_recommend": ["stopping amlodipine"],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("Brucella serology", ["order-test"], "brucell")],
        "must_not": [must("stop amlodipine", ["stop-drug"], "amlodipine")],
    },
    "filled_in": ["amlodipine start day from 'past three years'"],
    "withheld_from_inputs": ["Brucella abortus and melitensis titres > 1:640", "bone marrow: trilineage hyperplasia with left shift"],
    "notes": "The occupation came out only on re-interview. Fever with ANC 0.33 x10^9/L: urgent by the README flag.",
})

add({
    "id": "OWN-018",
    "source": "Akaike T, Ishizuka K, Tominaga N, Motohashi I. 'Scrub typhus: the clinical significance of the eschar'. "
              "BMJ Case Rep 2023, doi:10.1136/bcr-2023-255404",
    "patient": patient(84, "male", "Japanese (East Asian)"),
    "labs": [
        lab(0, "WBC", 3800, "/uL"),
        lab(0, "NEUTP", 96.0, "%"),
        lab(0, "LYMP", 2.5, "%"),
        lab(0, "PLT", 42000, "/uL"),
        lab(0, "AST", 86, "U/L"),
        lab(0, "ALT", 35, "U/L"),
        lab(0, "CRP", 8.03, "mg/dL"),
        lab(0, None, 1.1, "IU/L", name="Myeloperoxidase Ab [Units/volume] in Serum"),
    ],
    "medications": [med("prednisolone", "H02AB06", -1000, None, "5 mg/day"),
                    med("azathioprine", "L04AX01", -1000, None, "50 mg/day")],
    "conditions": [cond("Microscopic polyangiitis", "M31.7", "239932002"),
                   cond("End-stage kidney disease on haemodialysis", "N18.6", "46177005")],
    "findings": ["fever and chills since the morning", "temperature 39.1 °C", "heart rate 100/min, blood pressure 118/65 mmHg, "
                 "respiratory rate 20/min", "leisure gardening", "5 mm eschar on the medial right lower leg"],
    "expected": {
        "cause_category": "infection", "cause": "scrub typhus (Orientia tsutsugamushi)",
        "cause_id_keywords": ["scrub", "tsutsugamushi", "rickett"], "urgent": False,
        "must_recommend": ["doxycycline or minocycline", "Orientia PCR of the eschar / serology", "repeat CBC"],
        "must_not_recommend": ["G-CSF", "bone marrow biopsy"],
        "must": [must("doxycycline or minocycline", ["treat-infection", "empiric-antibiotics"], "cycline")],
        "must_not": [must("G-CSF", ["g-csf"]), must("bone marrow biopsy", ["bone-marrow-exam"])],
    },
    "filled_in": ["age 84 ('in his 80s')", "prednisolone and azathioprine start days", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["PCR of the eschar biopsy positive for Orientia tsutsugamushi"],
    "notes": "Leukopenia is from lymphopenia (ANC 3.6 x10^9/L); thrombocytopenia 42,000/uL. Resolved with minocycline 200 "
             "mg/day for 7 days.",
})

add({
    "id": "OWN-019",
    "source": "'Rare Case of Isolated Plasmodium Vivax Malaria Presenting with Pancytopenia: A Case Report', Biomedical "
              "Journal of Scientific & Technical Research, as reproduced at https://biomedres01.blogspot.com/2022/02/"
              "rare-case-of-isolated-plasmodium-vivax.html (authors not shown in the copy read)",
    "patient": patient(17, "female", "South Asian (country not shown in the copy read)"),
    "labs": [
        lab(0, "WBC", 2740, "/uL"),
        lab(0, "HGB", 10.4, "g/dL"),
        lab(0, "PLT", 16000, "/uL"),
        lab(0, "RETIC", 3, "%"),
        lab(0, "CRP", 48, "mg/L"),
        lab(0, "LDH", 443, "U/L"),
        lab(0, "FERR", 1021, "ng/mL"),
        lab(0, None, 890, "ng/mL", name="Fibrin D-dimer [Mass/volume] in Platelet poor plasma"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["high-grade fever with rigors and chills for 5 days", "vomiting, loose motions and reduced appetite",
                 "temperature 101 F; pulse 92/min; blood pressure 100/70 mmHg", "dehydrated and pale",
                 "bruises on arms and thighs", "spleen palpable two finger-breadths below the costal margin; 13 cm on ultrasound",
                 "liver and renal function normal", "dengue serology and COVID-19 PCR negative",
                 "lives in a malaria-endemic area"],
    "expected": {
        "cause_category": "infection", "cause": "Plasmodium vivax malaria with pancytopenia",
        "cause_id_keywords": ["malaria", "plasmodium", "vivax"], "urgent": False,
        "also_acceptable_in_top3": ["dengue", "enteric fever", "visceral leishmaniasis"],
        "must_recommend": ["thick and thin blood films / malaria rapid test", "antimalarial treatment",
                           "blood cultures", "platelet support if bleeding"],
        "must_not_recommend": ["G-CSF"],
        "must": [must("malaria smear or rapid test", ["order-test", "peripheral-smear"], "malaria")],
        "must_not": [must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["'lives in a malaria-endemic area' (setting implied by the report, country not shown)",
                  "CRP unit mg/L and D-dimer unit ng/mL (units not shown)"],
    "withheld_from_inputs": ["peripheral smear: early trophozoites of Plasmodium vivax", "blood and urine cultures: no growth"],
    "notes": "Started on IV antimalarial therapy (text cut). No differential given (no ANC grade), so not urgent by the "
             "README flag despite fever.",
})

add({
    "id": "OWN-020",
    "source": "Shourick J, Dinh A, Matt M, Salomon J, Davido B. 'Severe neutropenia revealing a rare presentation of dengue "
              "fever: a case report'. BMC Res Notes 2017;10:415, doi:10.1186/s13104-017-2732-4 (PMC5561569)",
    "patient": patient(26, "female", "French (European)"),
    "labs": [
        lab(0, "WBC", 1.9, "x10^9/L"),
        lab(0, "ANC", 0.42, "x10^9/L"),
        lab(0, "PLT", 95, "x10^9/L"),
        lab(0, "ALT", 88, "U/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever on return from a trip to Thailand", "previously healthy", "no localising signs of bacterial infection"],
    "expected": {
        "cause_category": "infection", "cause": "dengue fever with severe transient neutropenia",
        "cause_id_keywords": ["dengue", "arbovir", "flavivir"], "urgent": True,
        "also_acceptable_in_top3": ["malaria", "acute viral hepatitis"],
        "must_recommend": ["malaria smears/rapid test at once", "dengue NS1 antigen / serology", "blood cultures",
                           "protective isolation", "antibiotics can be withheld once dengue is confirmed and the patient is stable"],
        "must_not_recommend": [],
        "must": [must("dengue NS1 antigen", ["order-test"], "dengue"),
                 must("malaria smear or rapid test", ["order-test", "peripheral-smear"], "malaria"),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [],
    },
    "filled_in": ["all values: WBC 1.9, ANC 0.42 (source: 'severe neutropenia (<500/mm3)'), platelets 95 ('thrombocytopenia'), "
                  "ALT 88 ('mild hepatic cytolysis')", "nationality (French hospital)",
                  "'no localising signs of bacterial infection'"],
    "withheld_from_inputs": ["dengue NS1 antigen positive"],
    "notes": "Fever with ANC < 0.5: urgent by the README flag. The authors spared antibiotics once NS1 returned positive; "
             "outcome favourable.",
})

add({
    "id": "OWN-021",
    "source": "'Severe transient neutropenia associated with acute human immunodeficiency virus type 1 infection'. "
              "Eur J Intern Med 2005;16(2):120-122, doi:10.1016/j.ejim.2004.09.015 (PMID 15833679; abstract read)",
    "patient": patient(50, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2100, "/mm3"),
        lab(0, "ANC", 500, "/mm3"),
        lab(0, "PLT", 92000, "/mm3"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["flu-like illness with fever, sore throat and myalgia", "no new medications"],
    "expected": {
        "cause_category": "infection", "cause": "acute (primary) HIV-1 infection with transient neutropenia",
        "cause_id_keywords": ["hiv", "retrovir"], "urgent": False,
        "also_acceptable_in_top3": ["EBV/CMV mononucleosis", "post-viral neutropenia"],
        "must_recommend": ["4th-generation HIV antigen/antibody test and HIV RNA", "repeat CBC",
                           "sexual-history and risk assessment"],
        "must_not_recommend": ["bone marrow biopsy for a transient viral neutropenia"],
        "must": [must("HIV antigen/antibody and RNA test", ["order-test"], "hiv"),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("bone marrow biopsy", ["bone-marrow-exam"])],
    },
    "filled_in": ["WBC 2100/mm3", "findings 'flu-like illness with fever, sore throat and myalgia' (the abstract recommends "
                  "HIV testing in a flu-like or mononucleosis-like syndrome)", "'no new medications'"],
    "withheld_from_inputs": ["early HIV-1 seroconversion"],
    "notes": "Boundary case: ANC exactly 0.5 x10^9/L is grade 3 and, with no sepsis, not urgent by the README flag. "
             "Neutropenia regressed spontaneously and quickly.",
})

add({
    "id": "OWN-022",
    "source": "'Prolonged Self-Resolving Neutropenia Following Asymptomatic COVID-19 Infection', case report, Cureus "
              "(ScienceOpen record https://www.scienceopen.com/document?vid=17e15957-5e0d-412e-b69f-baac870c0429; authors "
              "not shown in the copy read)",
    "patient": patient(20, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2.1, "x10^9/L"),
        lab(0, "ANC", 355, "/uL"),
        lab(0, None, 15000, "U/L", name="Creatine kinase [Enzymatic activity/volume] in Serum or Plasma"),
    ],
    "medications": [],
    "conditions": [cond("Exertional rhabdomyolysis", "M62.82", None)],
    "findings": ["young healthy male in Navy training admitted with rhabdomyolysis after intense exercise",
                 "neutropenia found incidentally", "asymptomatic SARS-CoV-2 infection one month earlier",
                 "afebrile; no signs of infection", "no medications"],
    "expected": {
        "cause_category": "infection", "cause": "post-viral neutropenia after asymptomatic COVID-19",
        "cause_id_keywords": ["covid", "sars-cov-2", "post-viral"], "urgent": False,
        "must_recommend": ["repeat CBC (watchful waiting)", "B12, folate, copper, HIV as basic exclusions",
                           "tell the patient to report fever"],
        "must_not_recommend": ["bone marrow biopsy", "G-CSF"],
        "must": [must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("bone marrow biopsy", ["bone-marrow-exam"]), must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["age 20", "creatine kinase value (rhabdomyolysis stated, value not given)", "ICD-10 code"],
    "withheld_from_inputs": ["evaluation negative for other infection, nutritional deficiency and malignancy"],
    "notes": "Watchful waiting instead of marrow biopsy; neutropenia resolved spontaneously.",
})

# ======================================================================================= nutritional
add({
    "id": "OWN-023",
    "source": "'Acquired Hyperzincaemia Due to Zinc-Laden Denture Adhesives Leading to Hypocupraemia as a Cause of "
              "Neutropenia'. Eur J Case Rep Intern Med 2021, doi:10.12890/2021_002983 (PMC8667996; University of Arkansas "
              "for Medical Sciences; abstract read)",
    "patient": patient(34, "female", "not reported"),
    "labs": [
        lab(0, "WBC", 1.6, "x10^9/L"),
        lab(0, "ANC", 0.35, "x10^9/L"),
        lab(0, "HGB", 9.1, "g/dL"),
        lab(0, "PLT", 180, "x10^9/L"),
    ],
    "medications": [med("zinc-containing denture adhesive cream (heavy daily use)", None, -1000, None)],
    "conditions": [cond("Gastric bypass surgery", "Z98.84", None)],
    "findings": ["fever (neutropenic fever)", "abdominal pain and diarrhoea", "wears dentures"],
    "expected": {
        "cause_category": "nutritional", "cause": "copper deficiency from zinc denture adhesive (after gastric bypass)",
        "cause_id_keywords": ["copper", "zinc", "hypocupr"], "urgent": True,
        "must_recommend": ["empiric broad-spectrum antibiotics within 60 minutes", "blood and urine cultures",
                           "serum copper, ceruloplasmin and zinc", "stop the zinc denture adhesive", "copper replacement"],
        "must_not_recommend": [],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("serum copper", ["order-test"], "copper"),
                 must("stop the zinc denture adhesive", ["stop-drug", "remove-exposure"], "zinc")],
        "must_not": [],
    },
    "filled_in": ["all counts (abstract: 'neutropenic fever', anaemia and neutropenia)", "denture adhesive as a medication row "
                  "with start day -1000", "'wears dentures'"],
    "withheld_from_inputs": ["low copper and high zinc levels", "ESBL urinary tract infection and small-bowel bacterial overgrowth"],
    "notes": "Urgent label follows the source's 'neutropenic fever' (ANC value filled).",
})

add({
    "id": "OWN-024",
    "source": "'Severe neutropenia with gelatinous bone marrow transformation in anorexia nervosa: a case report'. "
              "Int J Eat Disord 2003;33:360-363, doi:10.1002/eat.10143 (abstract read)",
    "patient": patient(28, "female", "not reported"),
    "labs": [
        lab(-14, "WBC", 2150, "/uL", "on admission"),
        lab(0, "WBC", 980, "/uL"),
        lab(0, "ANC", 276, "/uL"),
    ],
    "medications": [],
    "conditions": [cond("Anorexia nervosa", "F50.00", "56882008")],
    "findings": ["body mass index 12.3 kg/m2", "lost 34 % of body weight within 2 years", "oedema and amenorrhoea",
                 "no fever or signs of infection"],
    "expected": {
        "cause_category": "nutritional", "cause": "starvation (anorexia nervosa) with gelatinous marrow transformation",
        "cause_id_keywords": ["anorexia", "malnutrition", "starvation"], "urgent": False,
        "must_recommend": ["careful nutritional rehabilitation (refeeding-syndrome precautions)",
                           "check B12, folate, copper", "repeat CBC", "antibiotics at once if fever develops"],
        "must_not_recommend": ["G-CSF"],
        "must": [must("nutritional rehabilitation", ["supplement"], "nutri"),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["day -14 for the admission count (the count 'gradually decreased')", "'no fever or signs of infection'"],
    "withheld_from_inputs": ["bone marrow biopsy: gelatinous transformation with hypocellularity"],
    "notes": "Trend case: WBC falling during admission. Neutropenia improved to the admission level with IV nutrition.",
})

add({
    "id": "OWN-025",
    "source": "Clarke V, Weston-Smith S. 'Severe folate-deficiency pancytopenia'. BMJ Case Rep 2010, "
              "doi:10.1136/bcr.03.2010.2851",
    "patient": patient(50, "female", "British (European)"),
    "labs": [
        lab(0, "WBC", 3.2, "x10^9/L", "film: moderate macrocytosis, hypersegmented neutrophils, marked anisocytosis, "
                                       "polychromasia"),
        lab(0, "HGB", 2.6, "g/dL"),
        lab(0, "PLT", 17, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [cond("Alcohol dependence", "F10.20", "66590003"),
                   cond("Mild liver impairment", "K76.9", None)],
    "findings": ["recurrent nasal and rectal bleeding", "stable and alert despite the counts", "keen to avoid admission"],
    "expected": {
        "cause_category": "nutritional", "cause": "severe folate deficiency (alcohol-related) with pancytopenia",
        "cause_id_keywords": ["folate", "folic"], "urgent": False,
        "also_acceptable_in_top3": ["vitamin B12 deficiency", "alcohol-related marrow suppression"],
        "must_recommend": ["serum folate and B12 (treat B12 until the result is known)", "oral folic acid",
                           "slow red-cell transfusion; platelets for bleeding"],
        "must_not_recommend": ["transplant work-up"],
        "must": [must("serum folate and B12", ["order-test"], "fol"),
                 must("folic acid", ["supplement"], "fol")],
        "must_not": [must("transplant evaluation", ["transplant-evaluation"])],
    },
    "filled_in": ["nationality (East Sussex hospital)", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["serum folate 0.8 ng/mL (normal 2.5-13.5); normal vitamin B12"],
    "notes": "Rapid improvement of leukopenia and thrombocytopenia with folic acid (two B12 injections given while awaiting "
             "assays). No differential given (no ANC grade).",
})

# ============================================================================================= toxic
add({
    "id": "OWN-026",
    "source": "Kassim T, Chintalacheruvu L, Bhatty O, et al. 'A Case of Levamisole-Induced Agranulocytosis'. Case Rep "
              "Hematol 2018;2018:7341835, doi:10.1155/2018/7341835 (PMC5828115)",
    "patient": patient(68, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 1.9, "x10^9/L"),
        lab(0, "ANC", 95, "cells/mm3"),
    ],
    "medications": [med("insulin", "A10A", -3650, None)],
    "conditions": [cond("End-stage renal disease on haemodialysis", "N18.6", "46177005"),
                   cond("Type 2 diabetes mellitus, insulin-treated", "E11.9", "44054006"),
                   cond("Essential hypertension", "I10", "38341003"),
                   cond("Cocaine dependence", "F14.20", None)],
    "findings": ["recurrent diarrhoea", "documented fever for one day", "temperature 39.1 °C",
                 "blood pressure 106/78 mmHg, heart rate 96/min, SpO2 93 % on room air",
                 "uses cocaine about three times a week for five years; used cocaine earlier on the day of presentation",
                 "urine drug screen positive for cocaine"],
    "expected": {
        "cause_category": "drug", "cause": "levamisole-adulterated cocaine agranulocytosis",
        "cause_id_keywords": ["levamisole", "cocaine"], "urgent": True,
        "must_recommend": ["empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "urine levamisole (GC-MS) within 24-48 h", "stop cocaine use"],
        "must_not_recommend": [],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("stop cocaine use", ["remove-exposure", "stop-drug"], "cocaine")],
        "must_not": [],
    },
    "filled_in": ["temperatures converted from kelvin (312.2 K = 39.05 °C)", "insulin as a class row (insulin-dependent "
                  "diabetes)", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "Peak temperature 313.6 K (40.45 °C) on hospital day 1. Neutropenia turned around after four days of cocaine "
             "abstinence. Categorised as toxic (street-drug adulterant) rather than drug.",
})

add({
    "id": "OWN-027",
    "source": "Ahn JS, Moon JD, Kang W, et al. 'Acute radiation syndrome in a non-destructive testing worker: a case "
              "report'. Ann Occup Environ Med 2018;30:59, doi:10.1186/s40557-018-0270-8",
    "patient": patient(31, "male", "Korean (East Asian)"),
    "labs": [
        lab(0, "WBC", 1400, "cells/mm3"),
        lab(0, "HGB", 7.1, "g/dL"),
        lab(0, "PLT", 14000, "/uL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["works in non-destructive testing (industrial gamma radiography) without radiation shielding",
                 "flagged by the national occupational exposure registry as overexposed",
                 "anorexia, general weakness, prostration and mild dizziness for several days",
                 "bruises and bleeding at venepuncture sites"],
    "expected": {
        "cause_category": "toxic", "cause": "acute radiation syndrome (haematopoietic) from occupational gamma exposure",
        "cause_id_keywords": ["radiation", "irradiat"], "urgent": False,
        "must_recommend": ["remove from radiation work", "urgent haematology referral", "platelet and red-cell transfusion",
                           "biodosimetry (lymphocyte kinetics, dicentric assay)", "consider G-CSF after high-dose exposure"],
        "must_not_recommend": [],
        "must": [must("remove from radiation exposure", ["remove-exposure"], "radiation"),
                 must("urgent haematology referral", ["hematology-referral"])],
        "must_not": [],
    },
    "filled_in": [],
    "withheld_from_inputs": ["bone marrow: pancytopenia of radiation injury", "dose estimate > 1.4 Gy (95 % CI 1.1-1.6) from "
                             "lymphocyte depletion kinetics"],
    "notes": "No differential reported, so ANC and the urgent flag cannot be set from the numbers; bleeding with platelets "
             "14,000/uL is an emergency in its own right. Treated with transfusions and removed from work.",
})

# ======================================================================================== congenital
add({
    "id": "OWN-028",
    "source": "Vahid MA. 'Chediak-Higashi syndrome', ASH Image Bank image set 60528 (2025), "
              "https://imagebank.hematology.org/imageset/60528/chediakhigashi-syndrome",
    "patient": patient(5, "female", "Asian"),
    "labs": [
        lab(0, "ANC", 0.11, "10*3/uL"),
        lab(0, "HGB", 9, "g/dL"),
        lab(0, "PLT", 27, "10*3/uL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["distinctive silver hair", "persistent and recurrent respiratory infections", "petechiae"],
    "expected": {
        "cause_category": "congenital", "cause": "Chediak-Higashi syndrome (LYST)",
        "cause_id_keywords": ["chediak", "lyst"], "urgent": True,
        "also_acceptable_in_top3": ["Griscelli syndrome", "haemophagocytic lymphohistiocytosis (accelerated phase)"],
        "must_recommend": ["peripheral smear for giant granules", "hair-shaft microscopy", "LYST genetic testing",
                           "assess for accelerated phase (HLH)", "antibiotics for active infection; prophylaxis",
                           "referral for haematopoietic stem cell transplantation"],
        "must_not_recommend": ["reassurance"],
        "must": [must("peripheral smear", ["peripheral-smear"]),
                 must("haematology/transplant referral", ["hematology-referral", "transplant-evaluation"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": [],
    "withheld_from_inputs": ["smear: large granules in neutrophils, monocytes and lymphocytes",
                             "hair microscopy: irregular melanin clumps"],
    "notes": "Urgent: ANC 0.11 x10^9/L with infections and petechiae from concurrent thrombocytopenia. WBC not given.",
})

add({
    "id": "OWN-029",
    "source": "Mansoor MS, Khan MBS. 'A case of cyclic neutropenia in adults'. J Pak Med Assoc 2012;62(3), "
              "https://jpma.org.pk/article-details/3312",
    "patient": patient(22, "male", "Pakistani (South Asian)"),
    "labs": [
        lab(0, "WBC", 2.0, "x10^9/L", "smear: increased large granular lymphocytes"),
        lab(0, "ANC", 0.15, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever, non-bloody diarrhoea with abdominal pain and sore throat for 3 days",
                 "dysphagia and mouth ulcers", "similar week-long episodes every month for the past 6 months"],
    "expected": {
        "cause_category": "congenital", "cause": "cyclic neutropenia (adult-onset presentation)",
        "cause_id_keywords": ["cyclic", "elane", "periodic"], "urgent": True,
        "also_acceptable_in_top3": ["T-cell large granular lymphocytic leukaemia"],
        "must_recommend": ["empiric antibiotics within 60 minutes", "blood cultures",
                           "serial CBCs two to three times a week for 6 weeks", "ELANE sequencing", "G-CSF"],
        "must_not_recommend": ["reassurance without serial counts"],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("serial CBCs for 6 weeks", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["WBC 2.0 and ANC 0.15 (source: neutropenia with increased LGLs; nadirs below 0.2 x10^9/L every 3 weeks)"],
    "withheld_from_inputs": ["later serial counts: neutrophils below 0.2 x10^9/L every 3 weeks",
                             "bone marrow: decreased neutrophil precursors during episodes"],
    "notes": "Episodes treated with G-CSF and ceftriaxone. The LGL excess is a deliberate distractor.",
})

add({
    "id": "OWN-030",
    "source": "Manougian HH, Mehta B, Beekman MK, Murphy PM, McDermott DH. 'Neutropenia, Recurrent Infections, and Warts in "
              "a 6-year-old Boy' (Index of Suspicion). Pediatrics in Review (presentation read)",
    "patient": patient(6, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 1.5, "K/uL"),
        lab(0, "ANC", 0.2, "K/uL"),
        lab(0, "LYM", 0.5, "K/uL"),
    ],
    "medications": [],
    "conditions": [cond("Laryngomalacia in infancy, resolved", None, None)],
    "findings": ["acute abdominal pain, fever, haematuria, cough and rhinorrhoea", "left ear pain for 2 days",
                 "temperature 39.2 °C; heart rate 120/min", "non-toxic appearance",
                 "recurrent ear infections in the winter months", "weight fell from the 52nd to the 19th percentile in 2 years",
                 "warts"],
    "expected": {
        "cause_category": "congenital", "cause": "WHIM syndrome (CXCR4 gain-of-function)",
        "cause_id_keywords": ["whim", "cxcr4", "myelokathexis"], "urgent": True,
        "also_acceptable_in_top3": ["severe congenital neutropenia", "GATA2 deficiency"],
        "must_recommend": ["empiric antibiotics within 60 minutes", "blood cultures", "immunoglobulins and lymphocyte subsets",
                           "CXCR4 genetic testing", "G-CSF or plerixafor; immunoglobulin replacement if low"],
        "must_not_recommend": ["reassurance"],
        "must": [must("empiric antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("CXCR4 genetic testing", ["order-test"], "cxcr4")],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["all counts: WBC 1.5, ANC 0.2, lymphocytes 0.5 K/uL (article's numbers not read; values are the medians "
                  "reported for WHIM patients off treatment in the SCNIR family study, Blood 2019;134(Suppl 1):215)"],
    "withheld_from_inputs": ["CXCR4 variant (authors include the NIAID WHIM group)"],
    "notes": "Fever with ANC < 0.5: urgent. Counts filled; the clinical presentation is as published.",
})

# ==================================================================================== constitutional
add({
    "id": "OWN-031",
    "source": "Representative patient from Denic S, et al. 'Prevalence, phenotype and inheritance of benign neutropenia in "
              "Arabs'. BMC Blood Disord 2009;9:3 (1,032 healthy Emiratis; benign neutropenia 10.7 %, ANC 0.5-1.0 in 2.3 %; "
              "autosomal dominant pattern)",
    "patient": patient(30, "male", "Emirati Arab; Duffy phenotype not tested"),
    "labs": [
        lab(-365, "ANC", 1.1, "x10^9/L", "previous screening count"),
        lab(0, "WBC", 3.4, "x10^9/L"),
        lab(0, "ANC", 1.2, "x10^9/L"),
        lab(0, "HGB", 14.8, "g/dL"),
        lab(0, "PLT", 240, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["found on a national premarital sickle-cell and thalassaemia screening count", "well; no recurrent infections",
                 "father and sister have also been told their white count is low", "no medications", "normal examination"],
    "expected": {
        "cause_category": "constitutional", "cause": "benign familial (ethnic) neutropenia, probably Duffy-null associated",
        "cause_id_keywords": ["benign", "familial", "duffy"], "urgent": False,
        "must_recommend": ["Duffy phenotype", "repeat CBC", "reassurance; no further work-up if Duffy-null and well"],
        "must_not_recommend": ["bone marrow biopsy", "G-CSF"],
        "must": [must("Duffy phenotype", ["order-test"], "duffy"),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("bone marrow biopsy", ["bone-marrow-exam"]), must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["the whole patient is a representative of the study population (age, counts, family history matching the "
                  "dominant inheritance described); no single published patient"],
    "withheld_from_inputs": [],
    "notes": "Stable counts over a year. Duffy-null is common on the Arabian peninsula (clinical-tables.md §2.4).",
})

add({
    "id": "OWN-032",
    "source": "Representative patient from Richardson CM, Davis EA, Vyas GR, DiPaula BA, McMahon RP, Kelly DL. "
              "'Evaluation of the Safety of Clozapine Use in Patients With Benign Neutropenia'. J Clin Psychiatry "
              "2016;77(11):e1454-e1459 (26 patients, 73 % African American; mean lowest ANC 1.4 before and 1.5 x10^3/mm3 "
              "after clozapine; no severe neutropenia)",
    "patient": patient(34, "male", "African American; Duffy phenotype not tested"),
    "labs": [
        lab(-400, "ANC", 1.2, "K/uL", "before clozapine"),
        lab(-70, "ANC", 1.4, "K/uL", "pre-clozapine baseline"),
        lab(0, "WBC", 3.2, "K/uL", "routine weekly clozapine monitoring"),
        lab(0, "ANC", 1.3, "K/uL"),
    ],
    "medications": [med("clozapine", "N05AH02", -56, None, "titrated to 300 mg/day")],
    "conditions": [cond("Treatment-resistant schizophrenia", "F20.9", "58214004")],
    "findings": ["week 8 of clozapine; psychosis improving", "no fever, sore throat or infection",
                 "low neutrophil counts recorded for years before clozapine"],
    "expected": {
        "cause_category": "constitutional", "cause": "benign ethnic (Duffy-null associated) neutrophil count on clozapine",
        "cause_id_keywords": ["duffy", "ethnic", "benign"], "urgent": False,
        "also_acceptable_in_top3": ["mild clozapine-associated neutropenia"],
        "must_recommend": ["continue clozapine (BEN table: ANC >= 1000/uL is the normal range)", "Duffy phenotype",
                           "routine ANC monitoring schedule"],
        "must_not_recommend": ["stopping clozapine", "G-CSF", "bone marrow biopsy"],
        "must": [must("Duffy phenotype", ["order-test"], "duffy"),
                 must("continue routine ANC monitoring", ["monitoring", "repeat-cbc"])],
        "must_not": [must("stop clozapine", ["stop-drug"], "clozapine"), must("G-CSF", ["g-csf"]),
                     must("bone marrow biopsy", ["bone-marrow-exam"])],
    },
    "filled_in": ["the whole patient is a representative of the series (age = mean age at initiation, ANC values = series "
                  "means, dose and timing chosen); no single published patient"],
    "withheld_from_inputs": [],
    "notes": "Do-no-harm case: the pre-clozapine trend shows the count is constitutional. Under the US label's BEN table "
             "clozapine continues; under the general table ANC 1,000-1,499 also means continue with 3x weekly counts.",
})

# ===================================================================================== hypersplenism
add({
    "id": "OWN-033",
    "source": "Arunath V, Liyanarachchi MS, Gajealan S, Weerasekara K. 'A Sri Lankan child with hypersplenism secondary to "
              "pre-hepatic portal hypertension, successfully managed with partial splenic artery embolization: a case report "
              "and review of the literature'. Ann Pediatr Surg 2022;18:1-4, doi:10.1186/s43159-022-00175-2",
    "patient": patient(13, "female", "Sri Lankan (South Asian)"),
    "labs": [
        lab(0, "WBC", 1700, "/mm3", "smear: pancytopenia without abnormal cells"),
        lab(0, "NEUTP", 9.8, "%"),
        lab(0, "LYMP", 88.7, "%"),
        lab(0, "HGB", 9.5, "g/dL"),
        lab(0, "PLT", 42000, "/mm3"),
        lab(0, "RETIC", 1.9, "%"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["referred for isolated splenomegaly with pancytopenia", "pale", "no bleeding, haematemesis or melaena",
                 "massive splenomegaly 10 cm below the costal margin without hepatomegaly", "complete liver profile normal",
                 "ANA and anti-dsDNA negative; Ham test and urine haemosiderin negative; haemoglobin HPLC normal"],
    "expected": {
        "cause_category": "hypersplenism", "cause": "hypersplenism from extrahepatic portal vein obstruction (pre-hepatic portal hypertension)",
        "cause_id_keywords": ["portal", "hypersplen"], "urgent": False,
        "also_acceptable_in_top3": ["Gaucher disease", "haematological malignancy"],
        "must_recommend": ["abdominal ultrasound with Doppler of the portal venous system", "upper endoscopy for varices",
                           "thrombophilia screen", "paediatric hepatology/haematology referral"],
        "must_not_recommend": ["G-CSF"],
        "must": [must("abdominal ultrasound with Doppler", ["order-test"], "ultrasound")],
        "must_not": [must("G-CSF", ["g-csf"])],
    },
    "filled_in": [],
    "withheld_from_inputs": ["ultrasound: cavernous transformation of the portal vein, splenic length 17 cm",
                             "mesenteric angiogram: portal vein thrombosis"],
    "notes": "Managed with partial splenic artery embolisation. ANC 0.17 x10^9/L from sequestration, not marrow failure.",
})

# ========================================================================================== spurious
add({
    "id": "OWN-034",
    "source": "ASH Image Bank / Blood image: polymorphonuclear neutrophil agglutination in a 78-year-old man with heart "
              "failure admitted for coronary angiography, https://ashpublications.com/view-large/figure/7984802/"
              "zh89990941980001.jpeg (author not shown in the copy read)",
    "patient": patient(78, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 3.8, "x10^9/L", "EDTA sample; peripheral smear shows agglutinates of neutrophils at the smear edges"),
        lab(0, "ANC", 1.6, "x10^9/L", "automated"),
        lab(0, "HGB", 13.5, "g/dL"),
        lab(0, "PLT", 220, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [cond("Heart failure", "I50.9", "84114007")],
    "findings": ["admitted for elective coronary angiography", "no fever or infection"],
    "expected": {
        "cause_category": "spurious", "cause": "pseudoleukopenia from in-vitro neutrophil agglutination (EDTA)",
        "cause_id_keywords": ["spurious", "pseudo", "agglutin"], "urgent": False,
        "must_recommend": ["review the smear", "repeat the count on citrate/heparin or a capillary sample"],
        "must_not_recommend": ["G-CSF", "bone marrow biopsy"],
        "must": [must("review the smear", ["peripheral-smear"]),
                 must("repeat count with another anticoagulant", ["repeat-cbc"])],
        "must_not": [must("G-CSF", ["g-csf"]), must("bone marrow biopsy", ["bone-marrow-exam"])],
        "verified_ctcae_wbc_grade": 0, "verified_ctcae_anc_grade": 0,
    },
    "filled_in": ["ANC 1.6, Hb 13.5 and platelets 220 (source: 'mild leukopenia (3.8 x 10^9/L) and normal platelets and "
                  "hemoglobin')", "verified grades assume a normal count once the agglutination is avoided", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "The patient went home without further investigation.",
})

add({
    "id": "OWN-035",
    "source": "Wang S, Wang X, Shu L. 'A case report of pseudoleukopenia: playing hide-and-seek'. J Lab Med 2023;47(2):81-85, "
              "doi:10.1515/labmed-2022-0155",
    "patient": patient(75, "female", "Chinese (East Asian)"),
    "labs": [
        lab(0, "WBC", 2.1, "x10^9/L", "EDTA sample; leukocyte aggregates on the smear; aggregation attenuated after 30 min at 37 °C"),
        lab(0, "ANC", 1.0, "x10^9/L"),
        lab(0, "HGB", 11.9, "g/dL"),
        lab(0, "PLT", 185, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [cond("Ischaemic stroke", "I63.9", "422504002")],
    "findings": ["inpatient after a stroke", "being treated for an infection"],
    "expected": {
        "cause_category": "spurious", "cause": "pseudoleukopenia from in-vitro leukoagglutination",
        "cause_id_keywords": ["spurious", "pseudo", "agglutin"], "urgent": False,
        "must_recommend": ["review the smear", "repeat with another anticoagulant or after warming to 37 °C"],
        "must_not_recommend": ["G-CSF", "bone marrow biopsy"],
        "must": [must("review the smear", ["peripheral-smear"]),
                 must("repeat the count (other anticoagulant / 37 °C)", ["repeat-cbc"])],
        "must_not": [must("G-CSF", ["g-csf"]), must("bone marrow biopsy", ["bone-marrow-exam"])],
        "verified_ctcae_wbc_grade": 0, "verified_ctcae_anc_grade": 0,
    },
    "filled_in": ["all counts (abstract gives no values)", "'being treated for an infection' (abstract: 'after anti-infection "
                  "treatment ... the leukoagglutination gradually weakened')", "verified grades"],
    "withheld_from_inputs": ["comparison of counts in different anticoagulants and temperatures"],
    "notes": "The degree of agglutination varied with disease activity and faded as the infection was treated.",
})

add({
    "id": "OWN-036",
    "source": "Aljohani M, Alfetayeh A, Alwasaidi T. 'Neutrophil Aggregation in a Relapsed Case of Idiopathic "
              "Thrombocytopenic Purpura: A Case Report'. Cureus 2025, doi:10.7759/cureus.79076 (PMC11915188)",
    "patient": patient(67, "male", "Saudi Arab; Duffy phenotype not tested"),
    "labs": [
        lab(0, "WBC", 2.4, "x10^9/L", "EDTA sample at room temperature; neutrophil aggregates and platelet clumps on the smear"),
        lab(0, "ANC", 0.6, "x10^9/L"),
        lab(0, "HGB", 13.2, "g/dL"),
        lab(0, "PLT", 18, "x10^9/L", "platelet clumps seen"),
    ],
    "medications": [],
    "conditions": [cond("Immune thrombocytopenic purpura, relapsed", "D69.3", "32273002")],
    "findings": ["no fever", "no mucosal bleeding"],
    "expected": {
        "cause_category": "spurious", "cause": "pseudoneutropenia (and pseudothrombocytopenia) from EDTA/cold-induced aggregation",
        "cause_id_keywords": ["spurious", "pseudo", "aggregat"], "urgent": False,
        "also_acceptable_in_top3": ["relapsed ITP (for the platelets)"],
        "must_recommend": ["review the smear", "repeat with citrate or a sample kept at 37 °C"],
        "must_not_recommend": ["G-CSF"],
        "must": [must("review the smear", ["peripheral-smear"]),
                 must("repeat the count (citrate / 37 °C)", ["repeat-cbc"])],
        "must_not": [must("G-CSF", ["g-csf"])],
        "verified_ctcae_wbc_grade": 0, "verified_ctcae_anc_grade": 0,
    },
    "filled_in": ["all counts (abstract gives no values)", "nationality from the Saudi institution", "'no fever', 'no mucosal "
                  "bleeding'", "verified grades (neutrophils normal once aggregation avoided; the platelet count may also be "
                  "truly low from ITP)"],
    "withheld_from_inputs": ["counts repeated in citrate and at 37 °C"],
    "notes": "Cold agglutination and EDTA both contributed; some of the thrombocytopenia was also spurious.",
})

# ============================================================================================= other
add({
    "id": "OWN-037",
    "source": "'Pregnancy complicated with agranulocytosis' (gestation-induced agranulocytosis). Medicine (Baltimore) 2016, "
              "doi:10.1097/MD.0000000000005717 (PMC5207571; authors not shown in the copy read)",
    "patient": patient(25, "female", "Chinese (East Asian)", pregnant=True),
    "labs": [
        lab(-180, "WBC", 7.1, "x10^9/L", "first-trimester antenatal count"),
        lab(-180, "ANC", 4.6, "x10^9/L"),
        lab(0, "ANC", 0.17, "x10^9/L"),
        lab(0, None, 40, "{titer}", name="Nuclear Ab titer in Serum", comment="ANA positive at 1:40"),
    ],
    "medications": [],
    "conditions": [cond("Pregnancy, 38 weeks, first gestation", "Z3A.38", None)],
    "findings": ["intermittent fever since the last trimester, maximum temperature 38.8 °C",
                 "no abnormality on examinations before pregnancy and in the first trimester",
                 "no antibiotics, antithyroid or cytotoxic drugs"],
    "expected": {
        "cause_category": "other", "cause": "gestation-induced (pregnancy-associated) agranulocytosis",
        "cause_id_keywords": ["pregnan", "gestation"], "urgent": True,
        "also_acceptable_in_top3": ["autoimmune neutropenia"],
        "must_recommend": ["empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "joint obstetric-haematology plan for delivery", "consider G-CSF"],
        "must_not_recommend": [],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("haematology referral", ["hematology-referral"])],
        "must_not": [],
    },
    "filled_in": ["day -180 first-trimester counts (source: 'no abnormality ... in the first trimester')",
                  "'no antibiotics, antithyroid or cytotoxic drugs' (the report calls the agranulocytosis gestation-induced)",
                  "ICD-10 code"],
    "withheld_from_inputs": ["bone marrow biopsy: agranulocytosis with normal erythroid and megakaryocytic lines"],
    "notes": "Fever with ANC 0.17 x10^9/L: urgent. WBC not given (no WBC grade).",
})

add({
    "id": "OWN-038",
    "source": "Helbig G, Torba K, Pająk J, Kyrcz-Krzemień S. 'Sarcoidosis with bone marrow involvement' (clinical image). "
              "Pol Arch Med Wewn, copy read at http://doczz.pl/doc/2020321/sarcoidosis-with-bone-marrow-involvement "
              "(year not printed in the copy read; events 2010-2014)",
    "patient": patient(46, "male", "Polish (European)"),
    "labs": [
        lab(0, "ANC", 1.1, "x10^9/L", "differential leucocyte count otherwise normal"),
        lab(0, "HGB", 10.5, "g/dL"),
        lab(0, "PLT", 3, "x10^9/L"),
        lab(0, None, 8.27, "mg/L", name="Beta-2-Microglobulin [Mass/volume] in Serum or Plasma"),
    ],
    "medications": [],
    "conditions": [cond("Sarcoidosis stage I diagnosed 2010, not followed up", "D86.9", "31541009")],
    "findings": ["progressive weakness and dyspnoea", "bilateral hilar adenopathy and subpleural reticular opacities "
                 "(stage II) on chest imaging", "hepatomegaly (16 cm) and massive splenomegaly (20 cm) on ultrasound",
                 "overall condition good", "immunoglobulins and protein electrophoresis normal",
                 "HIV, HBV, HCV, CMV and EBV excluded; blood and urine cultures negative; tuberculosis excluded"],
    "expected": {
        "cause_category": "autoimmune", "cause": "sarcoidosis with bone marrow (and splenic) involvement",
        "cause_id_keywords": ["sarcoid"], "urgent": False,
        "also_acceptable_in_top3": ["hypersplenism", "lymphoma"],
        "must_recommend": ["haematology referral", "bone marrow biopsy (granulomas; exclude lymphoma)",
                           "platelet transfusion for platelets 3 x10^9/L", "corticosteroids once diagnosed"],
        "must_not_recommend": [],
        "must": [must("bone marrow biopsy", ["bone-marrow-exam"]),
                 must("haematology referral", ["hematology-referral"])],
        "must_not": [],
    },
    "filled_in": ["nationality (Katowice centre)", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": ["bone marrow trephine: non-caseating granulomas"],
    "notes": "Platelets were transfused before referral. WBC not given (no WBC grade).",
})


# ======================================================================== added in session 5 (probes)
add({
    "id": "OWN-039",
    "source": "Cho YY, Shon HS, Yoon HD. 'Management of a Pregnant Patient with Graves' Disease Complicated by "
              "Propylthiouracil Induced Agranulocytosis'. Korean J Intern Med 2005;20(4):335-338, "
              "doi:10.3904/kjim.2005.20.4.335 (PMC3891081; https://kjim.org/journal/view.php?number=15668; abstract and "
              "opening of the case report read)",
    "patient": patient(28, "female", "Korean (East Asian)", pregnant=True),
    "labs": [
        lab(0, "WBC", 1600, "/mm3"),
        lab(0, "ANC", 213, "/mm3"),
        lab(0, "LYM", 963, "/mm3"),
        lab(0, "PLT", 233, "x10^3/mm3"),
    ],
    "medications": [med("propylthiouracil", "H03BA02", -28, None,
                        "300 mg (daily assumed), resumed at 20 weeks of gestation from a local clinic")],
    "conditions": [cond("Graves disease (hyperthyroidism diagnosed 10 years earlier), relapse at 20 weeks of gestation",
                        "E05.00", "353295004"),
                   cond("Pregnancy, 24 weeks", "Z3A.24", None)],
    "findings": ["feeling feverish, with palpitations",
                 "temperature 39 °C, pulse 110/min, blood pressure 110/70 mmHg, respiratory rate 23/min",
                 "alert; regular heart rhythm without murmur",
                 "diffuse goitre and mild ophthalmopathy",
                 "no evidence of an upper respiratory tract infection on examination",
                 "thionamide taken on and off over 10 years for hyperthyroidism, none recently until the relapse",
                 "blood count reported normal when propylthiouracil was restarted 4 weeks earlier"],
    "expected": {
        "cause_category": "drug", "cause": "propylthiouracil-induced agranulocytosis (in pregnancy)",
        "cause_id_keywords": ["propylthiouracil", "antithyroid"], "urgent": True,
        "also_acceptable_in_top3": ["neutropenia of Graves disease (hyperthyroidism itself)", "sepsis-related neutropenia"],
        "must_recommend": ["stop propylthiouracil at once and never re-expose", "empiric broad-spectrum IV antibiotics "
                           "within 60 minutes", "blood cultures", "consider G-CSF",
                           "joint endocrine-obstetric plan for definitive treatment (thyroidectomy in the second "
                           "trimester; beta-blocker and iodine as a bridge)"],
        "must_not_recommend": ["switching to methimazole/carbimazole (cross-reactivity)",
                               "radioactive iodine during pregnancy"],
        "must": [must("stop propylthiouracil", ["stop-drug"], "propylthiouracil"),
                 must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [],
    },
    "filled_in": ["propylthiouracil start day -28 (resumed at 20 weeks, presentation at 24 weeks); dose '300 mg' taken as "
                  "daily", "nationality (Daegu, Korea)", "ICD-10 codes (Graves disease, 24 weeks of gestation) and SNOMED "
                  "code", "platelet unit written as x10^3/mm3 (source: 233 x 10^3/mm3)"],
    "withheld_from_inputs": [],
    "notes": "Fever 39 °C with ANC 213/mm3 while still taking the drug: urgent. Propylthiouracil was stopped and broad-"
             "spectrum antibiotics given; the agranulocytosis resolved within 10 days. After a short course of a beta-"
             "blocker and Lugol solution a total thyroidectomy was done at 28 weeks; labour was induced at 40 weeks and a "
             "healthy 3,370 g boy was born. Only the abstract and the opening of the case section were read.",
})

add({
    "id": "OWN-040",
    "source": "Fernandopulle KHBP, Bavanthan J. 'Rituximab Induced Late Onset Neutropenia'. International Journal of "
              "Research and Reports in Hematology 2022;5(2):6-10, http://research.sdpublishers.net/id/eprint/1737 "
              "(abstract read)",
    "patient": patient(73, "male", "not reported"),
    "labs": [
        lab(0, "ANC", 0.04, "x10^9/L"),
    ],
    "medications": [med("rituximab", "L01FA01", -154, -133,
                        "four doses for autoimmune haemolytic anaemia (weekly schedule assumed); last dose about 19 weeks "
                        "before presentation")],
    "conditions": [cond("Autoimmune haemolytic anaemia, treated with rituximab", "D59.1", None)],
    "findings": ["acutely ill with life-threatening sepsis on arrival",
                 "four doses of rituximab completed about 19 weeks earlier for autoimmune haemolytic anaemia"],
    "expected": {
        "cause_category": "drug", "cause": "rituximab-induced late-onset neutropenia with sepsis",
        "cause_id_keywords": ["rituximab"], "urgent": True,
        "also_acceptable_in_top3": ["sepsis-related neutropenia", "autoimmune neutropenia",
                                    "lymphoproliferative disorder"],
        "must_recommend": ["empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "G-CSF (given in the source, with prompt recovery)",
                           "hold further rituximab until the count recovers; weigh re-treatment carefully",
                           "immunoglobulin levels (hypogammaglobulinaemia after rituximab)"],
        "must_not_recommend": ["reassurance or discharge (sepsis)"],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("hold further rituximab doses", ["stop-drug"], "rituximab")],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["rituximab days -154 to -133 (four doses, weekly schedule assumed; last dose 19 weeks = 133 days before "
                  "presentation); dose per infusion not stated", "ICD-10 code for autoimmune haemolytic anaemia",
                  "WBC, haemoglobin and platelets not in the text read and not entered (no WBC grade)"],
    "withheld_from_inputs": [],
    "notes": "Sepsis with ANC 0.04 x10^9/L: urgent. He recovered completely after prompt G-CSF. Only the abstract was read: "
             "the infection site, culture results, temperature and other counts are unknown. Late-onset neutropenia: "
             "ANC falling at least 4 weeks after the last rituximab dose, usually 1-5 months.",
})

# ======================================================================================== autoimmune
add({
    "id": "OWN-041",
    "source": "Basnayake DB, Kannangara T, Welagedara L, Bandara V, Herath J. 'Fever of unknown origin in a male patient "
              "with systemic lupus erythematosus'. Caspian J Intern Med 2017;8(3):217-219, "
              "https://caspjim.com/browse.php?a_id=752 (Teaching Hospital Kandy, Sri Lanka; abstract read)",
    "patient": patient(21, "male", "Sri Lankan (South Asian)"),
    "labs": [
        lab(0, "WBC", 2.4, "x10^9/L"),
        lab(0, "ANC", 1.3, "x10^9/L"),
        lab(0, "LYM", 0.8, "x10^9/L"),
        lab(0, "HGB", 9.6, "g/dL"),
        lab(0, "PLT", 96, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever for one month without a source found (fever of unknown origin)",
                 "loss of appetite and weight loss",
                 "reduced hair growth",
                 "oral ulcer",
                 "cervical and axillary lymphadenopathy (raising concern for a haematological malignancy)",
                 "ESR high while CRP is normal"],
    "expected": {
        "cause_category": "autoimmune", "cause": "systemic lupus erythematosus with pancytopenia (leukopenia) at presentation",
        "cause_id_keywords": ["lupus", "sle"], "urgent": False,
        "also_acceptable_in_top3": ["lymphoma", "tuberculosis", "Kikuchi-Fujimoto disease"],
        "must_recommend": ["ANA, anti-dsDNA and complement (C3/C4)", "rheumatology referral",
                           "exclude infection and lymphoma (cultures, HIV, lymph node biopsy if serology unhelpful)",
                           "corticosteroids once SLE is confirmed"],
        "must_not_recommend": ["G-CSF for mild neutropenia of SLE"],
        "must": [must("ANA and anti-dsDNA antibodies", ["order-test"], "dna"),
                 must("rheumatology referral", ["rheumatology-referral"])],
        "must_not": [must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["all counts: WBC 2.4, ANC 1.3, lymphocytes 0.8, haemoglobin 9.6, platelets 96 (source: 'pancytopenia', "
                  "no values in the abstract)", "nationality (Teaching Hospital Kandy)", "ESR and CRP as a finding "
                  "without values ('high ESR with normal CRP')"],
    "withheld_from_inputs": ["anti-nuclear factor (ANA) positive", "anti-double-stranded DNA antibodies positive",
                             "low complement (hypocomplementaemia)"],
    "notes": "Fever with a filled ANC of 1.3 x10^9/L: not urgent by the flag; the label follows the source (treated with "
             "oral prednisolone alone, no febrile-neutropenia management reported). Clinical and laboratory improvement "
             "within one week of prednisolone. Only the abstract was read; the actual counts are unknown. The keyword "
             "'sle' is a substring match and could also hit unrelated labels.",
})

# ======================================================================================= nutritional
add({
    "id": "OWN-042",
    "source": "'Pernicious Anemia Presenting As Pancytopenia', Hospital Medicine 2015 meeting abstract 611 (Tulane "
              "University Health Sciences Center, New Orleans), https://www.shmabstracts.com/abstract/pernicious-anemia-"
              "presenting-as-pancytopenia/ (authors not shown in the copy read)",
    "patient": patient(50, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 3.0, "K/uL", "no differential reported"),
        lab(0, "HGB", 4.4, "g/dL"),
        lab(0, "PLT", 41000, "/uL"),
        lab(0, "MCV", 115, "fL"),
        lab(0, "TBIL", 2.1, "mg/dL"),
        lab(0, "LDH", 4848, "U/L"),
        lab(0, "HAPTO", 7, "mg/dL"),
        lab(0, None, 0.9, "%", name="Reticulocyte count, corrected (reticulocyte index)",
            comment="reported as less than 1 %"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["shortness of breath worsening over one month, now on minimal exertion",
                 "nausea and bilious vomiting",
                 "no haemoptysis, haematemesis, haematochezia or melena; no easy bruising or bleeding",
                 "no recent illness or sick contacts",
                 "takes no medications; no alcohol or illicit drugs",
                 "temperature 37.0 °C (reported as 98.6 °F), blood pressure 131/69 mmHg, pulse 97/min",
                 "pale conjunctivae without scleral icterus; no lymphadenopathy, murmur or hepatosplenomegaly",
                 "neurological examination normal",
                 "HIV and hepatitis serology negative"],
    "expected": {
        "cause_category": "nutritional", "cause": "vitamin B12 deficiency from pernicious anaemia with pancytopenia and "
                                                  "intramedullary haemolysis",
        "cause_id_keywords": ["b12", "cobalamin", "pernicious"], "urgent": False,
        "also_acceptable_in_top3": ["folate deficiency", "myelodysplastic syndrome", "thrombotic microangiopathy"],
        "must_recommend": ["serum B12 and folate (with methylmalonic acid) before any transfusion or treatment",
                           "peripheral smear (hypersegmented neutrophils, no schistocytes)",
                           "intramuscular B12 replacement once sampled", "intrinsic factor / parietal cell antibodies",
                           "careful red-cell transfusion for Hb 4.4 g/dL"],
        "must_not_recommend": ["transplant work-up"],
        "must": [must("serum B12 and folate", ["order-test"], "b12"),
                 must("intramuscular vitamin B12", ["supplement"], "b12")],
        "must_not": [must("transplant evaluation", ["transplant-evaluation"])],
    },
    "filled_in": ["units not shown in the abstract: WBC K/uL, haemoglobin g/dL, platelets /uL, bilirubin mg/dL, LDH U/L, "
                  "haptoglobin mg/dL", "corrected reticulocyte count '< 1 %' entered as 0.9 %", "temperature 98.6 °F converted to 37.0 °C"],
    "withheld_from_inputs": ["vitamin B12 59 (low) and methylmalonic acid 7443 (high), folate normal (15.6)",
                             "antibodies to intrinsic factor and parietal cells positive",
                             "bone marrow biopsy: hypercellular, no lymphoproliferative disorder or acute leukaemia",
                             "oesophagogastroduodenoscopy: gastric pH 8, otherwise unremarkable"],
    "notes": "WBC 3.0 K/uL is grade 1 (boundary: not below 3.0). No differential given (no ANC grade). Treated with "
             "intramuscular vitamin B12. Not urgent: afebrile, no ANC, no sepsis; the severe anaemia still needs prompt "
             "care.",
})

add({
    "id": "OWN-043",
    "source": "Textbook case study: 78-year-old man referred for haematology consultation after unexpected bleeding "
              "following a total knee operation (preliminary diagnosis: refractory anaemia with excess blasts), "
              "myelodysplastic-syndromes chapter of a clinical haematology textbook, as reproduced at "
              "https://www.guwsmedical.info/bone-marrow/case-study-yrf.html (book, authors and year not shown in the "
              "copy read)",
    "patient": patient(78, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2.3, "x10^9/L", "manual differential on the day of the haematology consultation"),
        lab(0, "SEGP", 3, "%"),
        lab(0, "BANDP", 4, "%"),
        lab(0, "METAP", 2, "%"),
        lab(0, None, 3, "%", name="Myelocytes/100 leukocytes in Blood by Manual count"),
        lab(0, "LYMPM", 60, "%"),
        lab(0, "MONOPM", 7, "%"),
        lab(0, "EOSPM", 3, "%"),
        lab(0, None, 18, "%", name="Blasts/100 leukocytes in Blood by Manual count"),
        lab(0, "HGB", 10.8, "g/dL"),
        lab(0, "HCT", 31, "%"),
        lab(0, "MCV", 81, "fL"),
        lab(0, "PLT", 15.0, "x10^9/L"),
    ],
    "medications": [],
    "conditions": [cond("Recent total knee arthroplasty", "Z96.659", None)],
    "findings": ["unexpected bleeding from the operative site after a total knee operation",
                 "readmitted within 4 weeks of the operation because the wound kept oozing",
                 "routine coagulation tests were normal at the pre-operative review",
                 "no organomegaly on examination", "no petechiae"],
    "expected": {
        "cause_category": "marrow", "cause": "myelodysplastic syndrome with excess blasts (refractory anaemia with "
                                             "excess blasts) in an older man",
        "cause_id_keywords": ["myelodysplast", "mds"], "urgent": True,
        "also_acceptable_in_top3": ["acute myeloid leukaemia (blasts just under the 20 % threshold)",
                                    "other marrow infiltration"],
        "must_recommend": ["urgent haematology referral", "bone marrow aspirate and biopsy with cytogenetics once the "
                           "platelet count allows", "platelet transfusion for bleeding with platelets 15 x10^9/L",
                           "neutropenic precautions; low threshold for antibiotics (the source started prophylactic "
                           "antibiotics)"],
        "must_not_recommend": ["reassurance"],
        "must": [must("urgent haematology referral", ["hematology-referral"]),
                 must("bone marrow aspirate and biopsy with cytogenetics", ["bone-marrow-exam"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["ancestry not reported", "ICD-10 code for the knee arthroplasty",
                  "no medications listed (none stated in the case)",
                  "myelocytes and blasts entered without a LOINC code"],
    "withheld_from_inputs": ["haematologist's preliminary diagnosis of refractory anaemia with excess blasts "
                             "(marrow and cytogenetics pending, results not given)"],
    "notes": "Teaching case from a textbook, not a journal case report. Urgent by the README flag: ANC 0.16 x10^9/L "
             "(segmented + band 7 % of 2.3) with bleeding from concurrent severe thrombocytopenia. The marrow was "
             "deferred until platelets were raised by transfusion; prophylactic antibiotics were started because of the "
             "low white count. Circulating blasts 18 % (differential sums to 100 %).",
})

# ============================================================================================== drug
add({
    "id": "OWN-044",
    "source": "Case report of clozapine-induced agranulocytosis in a 34-year-old man with chronic schizophrenia "
              "(with a review of incidence, natural history and mechanisms), abstract in the Yonsei University "
              "repository, https://ir.ymlib.yonsei.ac.kr/handle/22282913/178007 (title, authors, journal and year not "
              "shown in the copy read)",
    "patient": patient(34, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2700, "/uL", "count on day 25 of clozapine treatment"),
        lab(0, "NEUTP", 4, "%", "differential method not stated"),
        lab(6, "NEUTP", 43, "%", "six days after clozapine was stopped; WBC back in the normal range (value not shown)"),
    ],
    "medications": [med("clozapine", "N05AH02", -24, None, "day 25 of treatment at presentation; dose not stated")],
    "conditions": [cond("Chronic schizophrenia", "F20.9", "58214004")],
    "findings": ["chronic schizophrenia; clozapine started 25 days ago",
                 "no fever at the time of the count"],
    "expected": {
        "cause_category": "drug", "cause": "clozapine-induced agranulocytosis",
        "cause_id_keywords": ["clozapine"], "urgent": False,
        "also_acceptable_in_top3": [],
        "must_recommend": ["stop clozapine now and do not rechallenge", "daily CBC with differential until recovery",
                           "neutropenic precautions; tell the patient to report fever at once",
                           "empiric broad-spectrum IV antibiotics if fever develops", "haematology consultation; "
                           "consider G-CSF", "switch to another antipsychotic with psychiatric input"],
        "must_not_recommend": [],
        "must": [must("stop clozapine", ["stop-drug"], "clozapine"),
                 must("daily CBC until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [],
    },
    "filled_in": ["count unit /uL ('WBC count of 2700', unit not shown)",
                  "neutrophil % entered as an automated count (method not stated)",
                  "clozapine start day -24 from 'Day 25 of clozapine treatment'",
                  "'no fever at the time of the count' (fever is first reported on the following day)",
                  "ancestry not reported", "ICD-10/SNOMED codes"],
    "withheld_from_inputs": [],
    "notes": "Day 0 = day 25 of clozapine, when agranulocytosis (ANC 0.108 x10^9/L) was found and clozapine was stopped. "
             "Not urgent by the README flag on day 0 (no fever or sign of infection stated); on the next day he had a "
             "temperature of 38 C and received cefotaxime for 4 days, which would make the follow-up day urgent. "
             "Counts recovered within 6 days of stopping the drug.",
})

# ========================================================================================= infection
add({
    "id": "OWN-045",
    "source": "Gollard R, Khoury J. 'HIV and Myelodysplasia' (Images in HIV/AIDS). The AIDS Reader 2009;19(4):156-157, "
              "https://patientcareonline.com/view/hiv-and-myelodysplasia",
    "patient": patient(58, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 2700, "/uL", "first hospital admission; differential reported as normal; smear: pancytopenia "
                                   "with occasional pseudo-Pelger-Huet neutrophils, no circulating blasts"),
        lab(0, "HGB", 9.1, "g/dL"),
        lab(0, "MCV", 115, "fL"),
        lab(0, None, 18, "%", name="Erythrocyte distribution width [Ratio] by Automated count"),
        lab(0, "PLT", 50000, "/uL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever, temperature above 39 °C", "no known HIV diagnosis before this admission",
                 "chest radiograph clear", "CT: minimal retroperitoneal lymphadenopathy",
                 "parvovirus B19 antibody titres negative; no evidence of Epstein-Barr virus infection"],
    "expected": {
        "cause_category": "infection", "cause": "advanced HIV infection (AIDS, CD4 39/uL) presenting with pancytopenia "
                                                "and HIV-associated myelodysplasia",
        "cause_id_keywords": ["hiv"], "urgent": False,
        "also_acceptable_in_top3": ["primary myelodysplastic syndrome", "CMV infection"],
        "must_recommend": ["HIV antigen/antibody test (and CD4 count, viral load once positive)",
                           "blood cultures for fever above 39 C with pancytopenia",
                           "B12 and folate for the macrocytosis", "opportunistic-infection work-up (CMV, mycobacteria)",
                           "haematology referral / bone marrow examination if cytopenias persist",
                           "antiretroviral therapy once HIV is confirmed"],
        "must_not_recommend": ["reassurance"],
        "must": [must("HIV antigen/antibody test", ["order-test"], "hiv"),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["'no known HIV diagnosis before this admission' (the report calls the myelodysplasia the primary "
                  "manifestation of his HIV infection)", "ancestry not reported (Las Vegas practice)",
                  "RDW entered without a LOINC code",
                  "no neutrophil % or ANC (the report says only that the differential was normal)"],
    "withheld_from_inputs": ["HIV serology positive", "CD4+ count 39/uL",
                             "CMV DNA PCR 77,000 copies/mL"],
    "notes": "Fever with leukopenia but no ANC in the text read; the differential was called normal, so the ANC is "
             "probably not below 0.5 and no sepsis is described: not urgent by the README flag (the recommendations "
             "still include blood cultures). Macrocytosis and pseudo-Pelger-Huet cells make primary MDS a deliberate "
             "distractor. The rest of the report (marrow, treatment, course) was not read.",
})

# ============================================================================================ marrow
add({
    "id": "OWN-046",
    "source": "Minish et al. Case report: T-cell large granular lymphocytic leukaemia diagnosed after recurrent severe "
              "febrile neutropenia and three non-diagnostic bone marrow biopsies. Cureus 2020, PMID 33029465 "
              "(abstract read via PubMed; full author list and title not shown in the copy read)",
    "patient": patient(63, "male", "not reported"),
    "labs": [
        lab(0, "ANC", 20, "cells/mm3", "reference range 1,700-7,000 cells/mm3"),
    ],
    "medications": [],
    "conditions": [cond("Recurrent severe febrile neutropenia of unexplained cause for 13 months", "D70.9", None)],
    "findings": ["persistent fevers", "previously healthy",
                 "recurrent episodes of severe febrile neutropenia over the past 13 months",
                 "three bone marrow biopsies over those 13 months gave no diagnosis",
                 "no known malignancy; no immunosuppressive therapy"],
    "expected": {
        "cause_category": "marrow", "cause": "T-cell large granular lymphocytic leukaemia",
        "cause_id_keywords": ["lgl", "large granular"], "urgent": True,
        "also_acceptable_in_top3": ["chronic idiopathic / autoimmune neutropenia", "Felty syndrome",
                                    "hypoplastic myelodysplastic syndrome"],
        "must_recommend": ["empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "peripheral blood flow cytometry for LGLs (CD3/CD8/CD57) and TCR gene rearrangement",
                           "haematology referral", "immunosuppression (methotrexate, cyclophosphamide or ciclosporin) "
                           "once T-LGL is confirmed"],
        "must_not_recommend": ["reassurance"],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"]),
                 must("peripheral blood flow cytometry (LGL panel)", ["order-test"], "flow"),
                 must("haematology referral", ["hematology-referral"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["temperature not given (persistent fevers stated)", "ICD-10 code for the chronic neutropenia",
                  "ancestry not reported", "no WBC or differential in the abstract read (no WBC grade)"],
    "withheld_from_inputs": ["fourth bone marrow biopsy without clonal proliferation; clonal T-cell receptor gene "
                             "rearrangement identified, establishing T-cell LGL leukaemia"],
    "notes": "Fever with ANC 0.02 x10^9/L: urgent. The authors suggest LGL leukaemia may be an under-recognised cause "
             "of severe neutropenia without overt malignancy or immunosuppressive therapy. Only the abstract was read.",
})

add({
    "id": "OWN-047",
    "source": "Vesta KS, Medina PJ. 'Valproic acid-induced neutropenia'. Ann Pharmacother 2003;37(6):819-821, "
              "doi:10.1345/aph.1C381 (PMID 12773069; abstract read)",
    "patient": patient(56, "female", "White (as stated); not otherwise reported"),
    "labs": [
        lab(0, "ANC", 47, "cells/mm3", "nadir reached during valproic acid therapy"),
    ],
    "medications": [med("valproic acid", "N03AG01", -2, None, "for seizure control; dose not stated")],
    "conditions": [cond("Infectious brain abscess", "G06.0", None),
                   cond("Tonic-clonic seizures caused by the brain abscess", "R56.9", None)],
    "findings": ["tonic-clonic seizures caused by an infectious brain abscess",
                 "valproic acid started for the seizures; severe neutropenia appeared after 2 days of therapy"],
    "expected": {
        "cause_category": "drug", "cause": "valproic acid-induced severe neutropenia",
        "cause_id_keywords": ["valpro"], "urgent": True,
        "also_acceptable_in_top3": ["antibiotic (beta-lactam)-induced neutropenia", "sepsis-related neutropenia"],
        "must_recommend": ["stop valproic acid and switch to another antiepileptic drug; do not rechallenge",
                           "broad-spectrum antimicrobial cover adequate for profound neutropenia alongside the "
                           "abscess treatment", "blood cultures if febrile", "daily CBC with differential until "
                           "recovery", "neutropenic precautions; consider G-CSF",
                           "review every other new drug (antibiotics) as a co-suspect"],
        "must_not_recommend": ["reassurance"],
        "must": [must("stop valproic acid", ["stop-drug"], "valpro"),
                 must("broad-spectrum antimicrobial therapy for an established infection with ANC < 0.5",
                      ["empiric-antibiotics", "treat-infection"]),
                 must("daily CBC until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["valproic acid start day -2 (source: neutropenia after 2 days of therapy); the nadir count is taken "
                  "as day 0 (its timing relative to the start is not stated)", "ICD-10 codes (G06.0, R56.9)",
                  "no WBC entered (not in the abstract; no WBC grade)"],
    "withheld_from_inputs": [],
    "notes": "ANC 47 cells/mm3 (0.047 x10^9/L) with an active infection (brain abscess) while still taking the drug: "
             "urgent. The count returned to normal after valproic acid was stopped; Naranjo scale: probable. The "
             "abscess treatment (antibiotics, surgery) is not described in the abstract, so no other drug is "
             "entered; a real work-up would weigh beta-lactams as co-suspects.",
})

add({
    "id": "OWN-048",
    "source": "Lupo J, Bernard S, Wintenberger C, Baccard M, Vabret A, Antona D, Timsit JF, Morand P. 'Fatal measles "
              "without rash in immunocompetent adult, France' (letter). Emerg Infect Dis 2012;18(3):521-523, "
              "https://wwwnc.cdc.gov/eid/article/18/3/11-1300 (DOI not shown in the copy read)",
    "patient": patient(29, "female", "French (European); not otherwise reported"),
    "labs": [
        lab(0, "WBC", 2.2, "x10^9/L"),
        lab(0, "LYM", 0.2, "x10^9/L"),
        lab(0, "HGB", 9, "g/dL", "non-regenerative anaemia"),
        lab(0, "PLT", 135.0, "x10^9/L"),
    ],
    "medications": [med("pristinamycin", "J01FG01", -5, -1, "prescribed by the GP for presumed sinusitis; duration "
                                                            "not stated"),
                    med("prednisone", "H02AB07", -5, -1, "60 mg/day for 5 days"),
                    med("levofloxacin", "J01MA12", 0, None, "started on admission"),
                    med("ceftriaxone", "J01DD04", 0, None, "started on admission")],
    "conditions": [],
    "findings": ["fever, cough, runny nose (coryza) and diarrhoea with a 10 kg weight loss over 10 days",
                 "treated by her GP 5 days earlier as sinusitis (pristinamycin, prednisone 60 mg/day for 5 days) "
                 "without improvement",
                 "temperature 38.5 °C (fever) and shortness of breath on admission",
                 "body mass index 17.5 kg/m2",
                 "smoker; one past episode of depression; no other relevant history",
                 "no rash and no enanthem",
                 "no documented measles vaccination",
                 "lives in Grenoble, France, in 2011, during the national measles epidemic",
                 "chest radiograph: bilateral diffuse interstitial infiltrates"],
    "expected": {
        "cause_category": "infection", "cause": "measles (rubeola) without rash, with pneumonitis, leukopenia and "
                                                "profound lymphopenia",
        "cause_id_keywords": ["measles", "rubeola"], "urgent": False,
        "also_acceptable_in_top3": ["HIV infection (acute or advanced)", "influenza or other viral pneumonia",
                                    "corticosteroid-related lymphopenia"],
        "must_recommend": ["measles IgM serology and RT-PCR (throat/nasal swab, urine, blood)",
                           "airborne isolation until measles is excluded; notify public health",
                           "HIV antigen/antibody test (weight loss, lymphopenia)",
                           "blood cultures and respiratory pathogen work-up", "close watch for respiratory failure "
                           "(ICU review)", "repeat CBC"],
        "must_not_recommend": ["reassurance or discharge"],
        "must": [must("measles IgM / RT-PCR", ["order-test"], "measles"),
                 must("HIV antigen/antibody test", ["order-test"], "hiv")],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["day 0 = admission (the letter's day 1)", "pristinamycin stop day -1 (duration not stated; taken as "
                  "ending with the 5-day prednisone course)", "nationality (Grenoble)",
                  "no neutrophil count entered (not in the text read; no ANC grade)"],
    "withheld_from_inputs": ["isolated IgM against measles virus on broad serology (letter's day 6)",
                             "measles virus genotype D4 (epidemic strain)",
                             "extensive testing found no underlying immunosuppressive disease"],
    "notes": "Fever 38.5 °C with WBC 2.2 and lymphocytes 0.2 x10^9/L but no ANC and no sepsis described: not urgent by "
             "the README flag, although she needed close respiratory monitoring. Severe respiratory failure on the "
             "letter's day 3 (ICU); measles IgM on day 6; treated with ribavirin, corticosteroids and IV "
             "immunoglobulin; lymphocytes recovered but she died of intractable ARDS. Prednisone before admission is a "
             "deliberate distractor for the lymphopenia.",
})

add({
    "id": "OWN-049",
    "source": "'Hemophagocytic Lymphohistiocytosis (HLH) Disguised as Sepsis', Society of Hospital Medicine (Hospital "
              "Medicine meeting) abstract, https://shmabstracts.org/abstract/hemophagocytic-lymphohistiocytosis-hlh-"
              "disguised-as-sepsis/ (case presentation read; authors, meeting year and abstract number not shown in the "
              "copy read)",
    "patient": patient(29, "female", "white (Caucasian)"),
    "labs": [
        lab(0, "WBC", 2900, "/uL", "emergency department; reference range 4,800-10,800/uL"),
        lab(0, "ANC", 1600, "/uL", "reference range 2,000-8,000/uL"),
        lab(0, "HGB", 11, "g/dL"),
        lab(0, "PLT", 79000, "/uL"),
        lab(0, "AST", 195, "IU/L"),
        lab(0, "ALT", 130, "IU/L"),
        lab(0, None, 740, "IU/L", name="Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"),
        lab(0, "TBIL", 2.1, "mg/dL"),
        lab(0, None, 1.4, "mg/dL", name="Bilirubin.direct [Mass/volume] in Serum or Plasma"),
        lab(0, "LDH", 761, "IU/L"),
        lab(0, None, 6.41, "ug/mL", name="Fibrin D-dimer [Mass/volume] in Platelet poor plasma"),
        lab(0, None, 117, "mg/dL", name="Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay"),
        lab(0, "FERR", 1020, "ng/mL"),
        lab(0, None, 131, "mg/dL", name="Triglyceride [Mass/volume] in Serum or Plasma"),
        lab(5, "ANC", 1000, "/uL", "fevers and cytopenias persisting on the day of the marrow biopsy"),
        lab(5, "HGB", 7.7, "g/dL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever, sore throat and pain in the epigastrium and right upper quadrant for 5 days",
                 "temperature 40 °C (fever) with heart rate 114/min",
                 "liver and spleen palpable on examination; abdominal ultrasound confirms hepatosplenomegaly",
                 "EBV PCR positive with positive EBV IgM and IgG, consistent with a recent primary EBV infection",
                 "HIV screening test negative",
                 "fibrin split products raised (between 10 and 40 ug/mL); disseminated intravascular coagulation "
                 "suspected"],
    "expected": {
        "cause_category": "other",
        "cause": "secondary haemophagocytic lymphohistiocytosis triggered by primary EBV infection in a young adult",
        "cause_id_keywords": ["hemophagocytic", "haemophagocytic", "hlh"], "urgent": False,
        "also_acceptable_in_top3": ["primary EBV infection (infectious mononucleosis) without HLH",
                                    "sepsis with disseminated intravascular coagulation",
                                    "lymphoma (as an HLH trigger)"],
        "must_recommend": ["urgent haematology review for suspected HLH (HLH-2004 criteria)",
                           "soluble CD25 (sIL-2R) with repeat ferritin, fasting triglycerides and fibrinogen",
                           "bone marrow aspirate and biopsy (haemophagocytosis; exclude lymphoma)",
                           "blood cultures for fever of 40 °C; empiric antibiotics while sepsis is not excluded",
                           "support of the coagulopathy (DIC screen, cryoprecipitate/platelets if bleeding)"],
        "must_not_recommend": ["reassurance or discharge as a simple viral illness"],
        "must": [must("urgent haematology review for suspected HLH", ["hematology-referral"]),
                 must("soluble CD25 (sIL-2R) for the HLH-2004 criteria", ["order-test"], "cd25"),
                 must("bone marrow aspirate and biopsy", ["bone-marrow-exam"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["ancestry entered as white from 'Caucasian'", "ALT unit IU/L taken from its reference range (value "
                  "printed without a unit)", "day 5 for the follow-up haemoglobin and ANC (the source: persisting until "
                  "day 5, when the marrow was taken)", "D-dimer, fibrinogen, alkaline phosphatase, direct bilirubin and "
                  "triglycerides entered without a LOINC code"],
    "withheld_from_inputs": ["bone marrow biopsy on day 5: mildly hypercellular marrow with prominent haemophagocytosis",
                             "soluble IL-2 receptor 999 pg/mL (high-normal), measured after transfer",
                             "blood cultures negative by day 3"],
    "notes": "Day 0 = emergency department presentation. Treated first as sepsis with DIC secondary to EBV and given "
             "broad-spectrum antibiotics, stopped when blood cultures were negative by day 3; fevers and cytopenias "
             "persisted, the marrow on day 5 showed prominent haemophagocytosis and HLH was diagnosed on day 8, after "
             "which she was transferred to a tertiary centre. Not urgent by the README flag: ANC 1.6 x10^9/L (not below "
             "0.5) and sepsis was suspected but not borne out (negative cultures; the title calls it a sepsis mimic); the "
             "recommendations still need same-day haematology review. An adult EBV-triggered case (the existing EBV-HLH "
             "record DEV-034 is a child). Only the case presentation of the abstract was read.",
})

add({
    "id": "OWN-050",
    "source": "'Mycophenolate mofetil-induced agranulocytosis in a renal transplant recipient'. Clinical and Experimental "
              "Nephrology 2010;14(6):637-640, doi:10.1007/s10157-010-0323-y, http://link.springer.com/article/10.1007%2F"
              "s10157-010-0323-y (abstract read; authors not shown in the copy read)",
    "patient": patient(27, "female", "not reported"),
    "labs": [
        lab(0, "WBC", 2800, "/uL", "postoperative day 113; no differential in the abstract"),
        lab(14, "ANC", 0, "/uL", "within two weeks of the first mycophenolate dose reduction"),
    ],
    "medications": [
        med("mycophenolate mofetil", "L04AA06", -113, None, "maintenance immunosuppression since transplantation; dose "
                                                           "not stated"),
        med("tacrolimus", "L04AD02", -113, None, "maintenance immunosuppression; dose not stated"),
        med("corticosteroid (agent not stated)", "H02AB", -113, None, "maintenance; agent and dose not stated"),
        med("basiliximab", "L04AC02", -113, -109, "induction at transplantation"),
    ],
    "conditions": [cond("Kidney transplant recipient (living donor: her mother), 113 days after transplantation",
                        "Z94.0", None)],
    "findings": ["living-donor kidney transplant from her mother about 16 weeks (113 days) ago",
                 "blood count and white cell differential were normal before the transplant",
                 "white cell count falling since about the 70th postoperative day",
                 "no evidence of viral or other systemic infection and no malignancy"],
    "expected": {
        "cause_category": "drug", "cause": "mycophenolate mofetil-associated leukopenia progressing to agranulocytosis "
                                           "after kidney transplantation",
        "cause_id_keywords": ["mycophenol"], "urgent": False,
        "also_acceptable_in_top3": ["tacrolimus-induced neutropenia", "CMV infection after transplantation",
                                    "other drug-induced neutropenia (e.g. co-trimoxazole or valganciclovir prophylaxis)"],
        "must_recommend": ["CBC with differential (absolute neutrophil count) now and closely repeated",
                           "reduce or hold mycophenolate with the transplant team; switch (e.g. to azathioprine) if "
                           "the neutrophil count keeps falling",
                           "CMV PCR and review of other myelotoxic drugs",
                           "G-CSF if severe neutropenia develops"],
        "must_not_recommend": [],
        "must": [must("reduce or hold mycophenolate with the transplant team", ["stop-drug"], "mycophenol"),
                 must("CBC with differential and close repeat counts", ["repeat-cbc", "monitoring"])],
        "must_not": [],
    },
    "filled_in": ["transplant and all four drugs started on day -113 (POD 113 = day 0); basiliximab stop day -109 "
                  "(standard two-dose induction assumed)", "corticosteroid entered as a class row (H02AB; agent not "
                  "stated)", "day 14 for the neutrophil count of 0/uL ('within 2 weeks')", "ICD-10 code for the "
                  "transplant", "ancestry not reported", "no differential on day 0 (none in the abstract; no ANC grade)"],
    "withheld_from_inputs": [],
    "notes": "Day 0 = postoperative day 113, WBC 2,800/uL while still on mycophenolate, tacrolimus and a steroid. The "
             "authors reduced mycophenolate, yet the neutrophil count fell to 0/uL within 2 weeks; a further reduction "
             "with G-CSF helped only briefly; stopping mycophenolate and switching to azathioprine restored the count "
             "without rejection. The authors stress monitoring the differential, not only the WBC. Not urgent on day 0 "
             "(no ANC, no fever reported). Only the abstract was read.",
})

add({
    "id": "OWN-051",
    "source": "American Society of Hematology, Fellows case study: 'Case Study: 32-Year-Old Female with Multiple "
              "Ecchymoses' (severe aplastic anaemia; educational objective: treatment of aplastic anaemia in a younger "
              "patient), http://www.hematology.org/Fellows/Case-Studies/2851.aspx (author and year not shown in the "
              "copy read)",
    "patient": patient(32, "female", "not reported"),
    "labs": [
        lab(0, "WBC", 800, "/mm3", "no differential reported"),
        lab(0, "HGB", 7.5, "g/dL"),
        lab(0, "PLT", 15000, "/mm3"),
        lab(0, None, 15000, "/mm3", name="Reticulocytes [#/volume] in Blood"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fatigue, easy bruising and heavy menstrual bleeding for three months",
                 "multiple ecchymoses on the arms and legs",
                 "lactate dehydrogenase within the normal range",
                 "direct antiglobulin (Coombs) test negative"],
    "expected": {
        "cause_category": "marrow", "cause": "acquired (idiopathic) severe aplastic anaemia in a young adult",
        "cause_id_keywords": ["aplastic"], "urgent": False,
        "also_acceptable_in_top3": ["hypocellular myelodysplastic syndrome", "paroxysmal nocturnal haemoglobinuria",
                                    "acute leukaemia (hypocellular)"],
        "must_recommend": ["urgent haematology referral", "blood film review by a haematologist",
                           "bone marrow aspirate and trephine with cytogenetics",
                           "PNH flow cytometry, B12/folate, liver tests, viral serology (hepatitis, HIV, EBV, "
                           "parvovirus) and drug/toxin history",
                           "HLA typing of the patient and sibling; immunosuppression (horse ATG + ciclosporin) if no "
                           "matched donor",
                           "irradiated, leukodepleted blood products; platelet support for bleeding"],
        "must_not_recommend": ["reassurance", "G-CSF with an erythropoiesis-stimulating agent as interim treatment"],
        "must": [must("urgent haematology referral", ["hematology-referral"]),
                 must("bone marrow aspirate and trephine biopsy", ["bone-marrow-exam"]),
                 must("PNH flow cytometry", ["order-test"], "pnh"),
                 must("HLA typing for transplant or immunosuppressive therapy", ["transplant-evaluation",
                                                                                 "immunosuppression"])],
        "must_not": [must("reassurance", ["reassurance"]),
                     must("G-CSF as interim treatment", ["g-csf"])],
    },
    "filled_in": ["absolute reticulocyte count entered without a LOINC code", "ancestry not reported",
                  "no medications or exposures listed (the case states none; 'idiopathic' is inferred from the absence "
                  "of any stated cause)", "no differential reported (no ANC grade)"],
    "withheld_from_inputs": ["bone marrow biopsy: cellularity about 5 %, no dysplasia, normal cytogenetics",
                             "HLA typing: no match with her only sibling; no unrelated donor found at first search"],
    "notes": "Teaching case from ASH's fellows case-study series, not a journal case report. Severe aplastic anaemia "
             "(platelets and reticulocytes below the Camitta thresholds). The intended answer is horse ATG plus "
             "ciclosporin while a donor search continues. Not urgent by the README flag only because no differential "
             "was reported (WBC 0.8 x10^9/L makes an ANC below 0.5 likely, and she has bleeding with platelets "
             "15 x10^9/L); the recommendations still call for urgent haematology.",
})

add({
    "id": "OWN-052",
    "source": "'AML with myelodysplasia-related changes' (Blood Work image). Blood 2017;130(15):1775, "
              "http://ashpublications.net/blood/article-split/130/15/1775/36389/AML-with-myelodysplasia-related-changes "
              "(authors not shown in the copy read)",
    "patient": patient(62, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 3.6, "x10^9/L", "blood film: leukoerythroblastic picture with minimal anisopoikilocytosis"),
        lab(0, "ANC", 2.35, "x10^9/L"),
        lab(0, None, 0.05, "x10^9/L", name="Myelocytes [#/volume] in Blood"),
        lab(0, None, 0.27, "x10^9/L", name="Blasts [#/volume] in Blood"),
        lab(0, None, 2, "/100 WBC", name="Nucleated erythrocytes/100 leukocytes in Blood"),
        lab(0, "HGB", 95, "g/L"),
        lab(0, "PLT", 41, "x10^9/L"),
        lab(0, "LDH", 560, "U/L"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["previously healthy",
                 "unwell for the past week with chest pain, shortness of breath and headaches",
                 "no hepatosplenomegaly and no lymphadenopathy on examination"],
    "expected": {
        "cause_category": "marrow", "cause": "acute myeloid leukaemia with myelodysplasia-related changes (complex "
                                             "karyotype) presenting with leukopenia, anaemia and thrombocytopenia",
        "cause_id_keywords": ["myeloid", "aml"], "urgent": False,
        "also_acceptable_in_top3": ["myelodysplastic syndrome with excess blasts",
                                    "primary myelofibrosis / acute panmyelosis with myelofibrosis",
                                    "marrow infiltration by metastatic cancer (leukoerythroblastic film)"],
        "must_recommend": ["urgent haematology referral", "bone marrow aspirate and trephine with flow cytometry, "
                           "cytogenetics and molecular testing (peripheral-blood flow and cytogenetics if the aspirate "
                           "is a dry tap)", "cardiac work-up of the chest pain with transfusion for symptomatic anaemia"],
        "must_not_recommend": ["G-CSF before the diagnosis is made", "reassurance"],
        "must": [must("urgent haematology referral", ["hematology-referral"]),
                 must("bone marrow aspirate and trephine biopsy", ["bone-marrow-exam"])],
        "must_not": [must("G-CSF", ["g-csf"]), must("reassurance", ["reassurance"])],
    },
    "filled_in": ["ancestry not reported", "myelocytes, blasts and nucleated red cells entered without a LOINC code",
                  "nucleated red cells unit written as /100 WBC (source: 2 per 100 white cells)"],
    "withheld_from_inputs": ["peripheral blood flow immunophenotyping: 25 % blasts, CD34+/CD117+/CD13+/CD33+/MPO-/CD56+",
                             "bone marrow: aspirate unsuccessful; biopsy hypercellular with panmyelosis, MF-2 reticulin "
                             "fibrosis and 40-50 % CD34+ blasts",
                             "peripheral blood karyotype complex (including -5, -7, +8); PML-RARA, RUNX1-RUNX1T1, "
                             "CBFB-MYH11, BCR-ABL1 and JAK2 negative"],
    "notes": "Blood Work image, not a full case report. Low-WBC presentation of non-APL AML: leukopenia (3.6 x10^9/L) "
             "with a normal neutrophil count, few circulating blasts, nucleated red cells and a raised LDH. Acute "
             "panmyelosis with myelofibrosis was considered first; the complex karyotype classified it as AML with "
             "myelodysplasia-related changes (WHO 2008/2016). Not urgent by the README flag (afebrile, ANC 2.35). The "
             "treatment and outcome are not in the text read.",
})

add({
    "id": "OWN-053",
    "source": "Abbas MT (Department of Medicine, Hamad General Hospital, Doha, Qatar). Case report of life-threatening "
              "neutropenia (ANC zero) on day 25 of piperacillin/tazobactam for a mediastinal abscess (keywords: "
              "piperacillin/tazobactam, neutropenia, mediastinal abscess). Journal of Clinical and Diagnostic Research, "
              "http://www.jcdr.net/article_fulltext.asp?id=118 (summary and introduction read; full title only partly "
              "shown ('... Life-Threatening Neutropenia'); year, volume and DOI not shown in the copy read)",
    "patient": patient(57, "male", "not reported (treated in Doha, Qatar)"),
    "labs": [
        lab(0, "WBC", 1900, "/uL", "day 25 of piperacillin/tazobactam"),
        lab(0, "ANC", 0, "/uL", "absolute neutrophil count reported as zero"),
        lab(0, "SEGP", 0, "%", "neutrophils reported as 0 %"),
        lab(0, "LYMPM", 87, "%"),
        lab(0, "MONOPM", 8, "%"),
        lab(0, "EOSPM", 5, "%"),
    ],
    "medications": [med("piperacillin-tazobactam", "J01CR05", -24, None,
                        "4.5 g IV every 8 hours since admission for the mediastinal abscess")],
    "conditions": [cond("Mediastinal abscess (presented as a mediastinal mass), drained at thoracotomy", "J85.3", None)],
    "findings": ["admitted 24 days earlier with a mediastinal mass that proved to be a mediastinal abscess",
                 "abscess drained at thoracotomy; on intravenous piperacillin/tazobactam 4.5 g every 8 hours since "
                 "admission (now day 25 of therapy)",
                 "new leukopenia on the routine count; haemoglobin and platelet count unchanged from earlier in the "
                 "admission"],
    "expected": {
        "cause_category": "drug",
        "cause": "piperacillin-tazobactam (beta-lactam)-induced agranulocytosis during a prolonged course",
        "cause_id_keywords": ["piperacillin", "tazobactam", "beta-lactam"], "urgent": True,
        "also_acceptable_in_top3": ["sepsis- or infection-related neutropenia (mediastinal abscess)",
                                    "other drug-induced neutropenia (co-administered drugs not described)"],
        "must_recommend": ["stop piperacillin/tazobactam and do not re-expose",
                           "continue treating the mediastinal abscess with a non-beta-lactam regimen adequate for "
                           "profound neutropenia",
                           "blood cultures and urgent review if febrile", "protective (reverse) isolation",
                           "consider G-CSF (given in the source)", "daily CBC with differential until recovery"],
        "must_not_recommend": ["reassurance or continuing the same antibiotic"],
        "must": [must("stop piperacillin/tazobactam", ["stop-drug"], "piperacillin"),
                 must("antimicrobial cover for the abscess with ANC 0 (non-beta-lactam)",
                      ["treat-infection", "empiric-antibiotics"]),
                 must("daily CBC with differential until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["piperacillin/tazobactam start day -24 (count taken on the 25th day of therapy)",
                  "differential percentages entered as a manual count (method not stated)",
                  "ICD-10 code for the mediastinal abscess", "ancestry not reported",
                  "temperature not stated in the text read (no fever entered); haemoglobin and platelet values not "
                  "given (stated as unchanged)",
                  "other medications during the admission not described (none entered)"],
    "withheld_from_inputs": ["bone marrow examination after the drug was stopped: maturation arrest of the granulocyte "
                             "series with the other lineages normal"],
    "notes": "ANC zero while still on the drug and with an active deep infection (mediastinal abscess): urgent, as for "
             "OWN-047. Piperacillin/tazobactam was stopped, G-CSF (filgrastim 300 ug daily) started and the patient moved "
             "to reverse isolation; the neutrophil count rose to 4200/uL by the fourth day. Only the summary and the "
             "introduction were read, so the replacement antibiotic, culture results and temperature are unknown.",
})

add({
    "id": "OWN-054",
    "source": "García-Mira Y, Casado A, Garrido B, Martínez-Cristóbal A (Servicio de Reumatología, Hospital Universitari "
              "de La Ribera, Alzira). 'Agranulocitosis por hidroxicloroquina: a propósito de un caso' (poster 21). XXII "
              "Congreso de la Sociedad Valenciana de Reumatología, April 2019, "
              "https://svreumatologia.com/agranulocitosis-hidroxicloroquina-proposito-caso/ (poster abstract read, in "
              "Spanish; no DOI)",
    "patient": patient(56, "female", "Spanish (European); not otherwise reported"),
    "labs": [
        lab(0, "WBC", 0.8, "x10^9/L"),
        lab(0, "ANC", 0.1, "x10^9/L"),
        lab(0, "LYM", 0.3, "x10^9/L"),
    ],
    "medications": [
        med("hydroxychloroquine", "P01BA02", -2190, None, "since 2012; dose not stated"),
        med("rituximab", "L01FA01", -1825, -150, "six-monthly courses from 2013; last infusion in October 2017"),
        med("prednisone", "H02AB07", -2190, None, "medium-to-low dose; start not stated"),
    ],
    "conditions": [cond("Undifferentiated connective tissue disease for 15 years (polyarthritis, ANA and "
                        "anticentromere antibodies positive)", "M35.9", None),
                   cond("Sjögren syndrome, confirmed by salivary gland biopsy", "M35.00", "83901003"),
                   cond("Distal symmetric sensory polyneuropathy", "G62.9", None),
                   cond("Raynaud phenomenon", "I73.00", None)],
    "findings": ["admitted with fever and no apparent source of infection",
                 "15-year history of undifferentiated connective tissue disease with polyarthritis, biopsy-proven "
                 "Sjögren syndrome, sensory polyneuropathy and Raynaud phenomenon; antinuclear and anticentromere "
                 "antibodies positive",
                 "treated with hydroxychloroquine since 2012, six-monthly rituximab courses from 2013 to 2017 (last in "
                 "October 2017) and medium-to-low dose prednisone, with a partial response"],
    "expected": {
        "cause_category": "drug", "cause": "hydroxychloroquine-induced agranulocytosis with fever",
        "cause_id_keywords": ["hydroxychloroquine"], "urgent": True,
        "also_acceptable_in_top3": ["rituximab-induced late-onset neutropenia (last dose about 5 months earlier)",
                                    "autoimmune neutropenia of Sjögren syndrome / connective tissue disease",
                                    "large granular lymphocytic leukaemia"],
        "must_recommend": ["stop hydroxychloroquine and do not re-expose",
                           "hold further rituximab until the cause is clear",
                           "empiric broad-spectrum IV antibiotics within 60 minutes", "blood cultures",
                           "consider G-CSF", "haematology input; marrow aspirate if the count does not recover"],
        "must_not_recommend": ["reassurance or discharge"],
        "must": [must("stop hydroxychloroquine", ["stop-drug"], "hydroxychloroquine"),
                 must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["day 0 = admission in March 2018", "hydroxychloroquine start day -2190 (source: 'since 2012', month "
                  "not stated); dose not stated", "rituximab start day -1825 (from 2013) and stop day -150 (last "
                  "infusion October 2017); dose not stated", "prednisone start day -2190 (start not stated; assumed "
                  "with hydroxychloroquine); dose described only as medium-to-low",
                  "nationality from the Spanish (Valencian) hospital", "ICD-10/SNOMED codes",
                  "temperature not given (fever stated)"],
    "withheld_from_inputs": ["bone marrow aspirate normal",
                             "rechallenge: hydroxychloroquine restarted in November 2018; one month later admitted with "
                             "community-acquired pneumonia and agranulocytosis again (WBC 0.7, neutrophils 0.5, "
                             "lymphocytes 0.1 x10^9/L), with a normal marrow aspirate again"],
    "notes": "Fever with ANC 0.1 x10^9/L while still taking hydroxychloroquine: urgent. Rituximab (last infusion about 5 "
             "months earlier) is a deliberate co-suspect for late-onset neutropenia and Sjögren syndrome for autoimmune "
             "neutropenia; the authors stopped both drugs, and the recurrence on hydroxychloroquine rechallenge (without "
             "rituximab) pointed to hydroxychloroquine. The course after hydroxychloroquine was stopped the second time "
             "was favourable on prednisone alone. Only the poster abstract was read.",
})

add({
    "id": "OWN-055",
    "source": "'Levetiracetam-induced neutropenia following traumatic brain injury' (case study). Brain Injury, pages "
              "115-117, published online 25 August 2014, doi:10.3109/02699052.2014.947622 (abstract read; authors, "
              "volume and issue year not shown in the copy read)",
    "patient": patient(52, "male", "not reported"),
    "labs": [
        lab(0, "ANC", 200, "/uL", "nadir; neutropenia first noted on day 3 of levetiracetam"),
    ],
    "medications": [med("levetiracetam", "N03AX14", -2, None,
                        "seizure prophylaxis after traumatic brain injury; dose not stated")],
    "conditions": [cond("Blunt traumatic brain injury", "S06.9", None)],
    "findings": ["hospitalised with a blunt traumatic brain injury",
                 "levetiracetam started for post-traumatic seizure prophylaxis; neutropenia appeared on the third day "
                 "of therapy",
                 "isolated neutropenia (no other cytopenia reported)"],
    "expected": {
        "cause_category": "drug", "cause": "levetiracetam-induced severe neutropenia after traumatic brain injury",
        "cause_id_keywords": ["levetiracetam"], "urgent": False,
        "also_acceptable_in_top3": ["sepsis- or infection-related neutropenia in a critically ill patient",
                                    "other drug-induced neutropenia (antibiotics, heparin, proton-pump inhibitors)"],
        "must_recommend": ["stop levetiracetam and switch seizure prophylaxis to another agent",
                           "daily CBC with differential until recovery",
                           "neutropenic precautions; blood cultures and empiric antibiotics if fever develops",
                           "review every other new drug as a co-suspect"],
        "must_not_recommend": ["reassurance (ANC 0.2 x10^9/L)"],
        "must": [must("stop levetiracetam", ["stop-drug"], "levetiracetam"),
                 must("daily CBC with differential until recovery", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["levetiracetam start day -2 (neutropenia on day 3 of therapy); the nadir count is placed on day 0 "
                  "(its exact day is not stated)", "count unit /uL ('absolute neutrophil count nadir of 200', unit not "
                  "shown)", "ICD-10 code for the brain injury", "ancestry not reported",
                  "no WBC entered (not in the abstract; no WBC grade)",
                  "no other medications entered (the abstract says only that none was implicated)",
                  "temperature not stated (no fever entered)"],
    "withheld_from_inputs": ["authors' assessment that no other medication could explain the neutropenia"],
    "notes": "ANC 200/uL (0.2 x10^9/L) with no fever or infection reported: not urgent by the README flag, although it "
             "needs same-day action. The neutropenia resolved quickly after levetiracetam was stopped. Only the "
             "abstract was read; the replacement antiepileptic and the other counts are unknown.",
})

add({
    "id": "OWN-056",
    "source": "Suzuki T, Katagiri T, Hara K. Case report of Felty's syndrome in a woman with rheumatoid arthritis of 10 years, "
              "granulocytopenia attributed to antigranulocyte antibodies, treated with prednisolone plus plasmapheresis "
              "(Japanese-language article, English abstract). Ryumachi 1989;29(1):52-56, PMID 2787058, abstract read at "
              "https://suppr.wilddata.cn/browses/detail/pubmed/2787058 (article title not shown in the copy read)",
    "patient": patient(44, "female", "not reported (Japanese-language journal)"),
    "labs": [
        lab(0, "WBC", 1900, "/mm3", "no differential in the abstract; granulocytopenia reported"),
    ],
    "medications": [],
    "conditions": [cond("Rheumatoid arthritis, seropositive, for 10 years", "M05.9", "69896004")],
    "findings": ["rheumatoid arthritis diagnosed 10 years ago",
                 "admitted because of fever",
                 "obvious splenomegaly",
                 "C-reactive protein strongly raised (5+ on a semiquantitative test)",
                 "rheumatoid factor positive (latex RA test 2+, RAHA titre 1:80)",
                 "LE cells positive; antinuclear antibody strongly positive"],
    "expected": {
        "cause_category": "autoimmune",
        "cause": "Felty syndrome (long-standing seropositive rheumatoid arthritis, splenomegaly and granulocytopenia) "
                 "with antigranulocyte antibodies",
        "cause_id_keywords": ["felty"], "urgent": False,
        "also_acceptable_in_top3": ["T-cell large granular lymphocytic leukaemia with rheumatoid arthritis",
                                    "systemic lupus erythematosus or lupus overlap (LE cells, strongly positive ANA)",
                                    "DMARD-induced neutropenia (treatment history not stated)"],
        "must_recommend": ["CBC with differential now for the absolute neutrophil count, then repeated",
                           "blood cultures and an infection work-up for the fever",
                           "empiric broad-spectrum IV antibiotics if the ANC is below 0.5 x10^9/L or she looks septic",
                           "blood film and flow cytometry for large granular lymphocytes",
                           "rheumatology referral: treat the rheumatoid disease (glucocorticoid, methotrexate; "
                           "rituximab or splenectomy if refractory)",
                           "G-CSF for severe neutropenia with infection"],
        "must_not_recommend": ["reassurance (fever with granulocytopenia)"],
        "must": [must("CBC with differential for the absolute neutrophil count, repeated",
                      ["repeat-cbc", "peripheral-smear", "monitoring"]),
                 must("blood cultures for the fever", ["blood-cultures"]),
                 must("rheumatology referral / treat the rheumatoid disease",
                      ["rheumatology-referral", "immunosuppression"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["ancestry not reported (Japanese-language journal)",
                  "RF titre: 'RAHA 80 times' written as a titre of 1:80",
                  "medications before admission not stated in the abstract; none entered",
                  "temperature not given (fever stated)",
                  "ICD-10/SNOMED codes for seropositive rheumatoid arthritis",
                  "no differential in the abstract (no ANC grade)"],
    "withheld_from_inputs": ["granulocyte-specific antinuclear antibodies positive and granulocyte-specific cytotoxicity "
                             "test strongly positive (antigranulocyte antibodies)",
                             "bone marrow smear: cell numbers reduced in the mature neutrophil stages"],
    "notes": "Day 0 = admission. Prednisolone 30 mg/day alone was not enough; plasmapheresis was added, after which the "
             "granulocyte count rose and the granulocytotoxicity titre fell. Not urgent by the README flag only because "
             "no ANC was reported (fever with WBC 1.9 x10^9/L); the recommendations still cover febrile neutropenia. The "
             "LE cells and ANA are a lupus distractor (ANA is common in Felty syndrome). Only the English abstract was "
             "read.",
})

add({
    "id": "OWN-057",
    "source": "Moreira-Pinto J, Passos-Coelho JL, Lopes F, Ataíde M, Oliveira P. 'Fatal Clostridium septicum febrile "
              "neutropenia during adjuvant chemotherapy for early breast cancer'. BMJ Case Rep 2020;13(5):e233778, "
              "doi:10.1136/bcr-2019-233778 (PMC7247384; abstract read)",
    "patient": patient(76, "female", "not reported"),
    "labs": [
        lab(0, "ANC", 370, "/uL", "grade 4 neutropenia, printed in the abstract as '370 μL/mL'"),
    ],
    "medications": [
        med("docetaxel", "L01CD02", -9, -9, "first cycle of adjuvant TCH 9 days before presentation; dose not stated"),
        med("carboplatin", "L01XA02", -9, -9, "first cycle of adjuvant TCH; dose not stated"),
        med("trastuzumab", "L01FD01", -9, -9, "first cycle of adjuvant TCH; dose not stated"),
    ],
    "conditions": [cond("Early breast cancer, hormone receptor-positive, ERBB2 (HER2)-amplified, on adjuvant "
                        "chemotherapy", "C50.919", "254837009")],
    "findings": ["first cycle of adjuvant docetaxel, carboplatin and trastuzumab 9 days ago",
                 "grade 1 oral mucositis noted the day before, managed conservatively",
                 "nausea, vomiting, chills and fever since today, followed by a generalised tonic-clonic seizure",
                 "febrile and hypotensive in the emergency department",
                 "mild abdominal tenderness",
                 "severe metabolic acidosis",
                 "abdominal CT: extensive ischaemic bowel changes with gas in the portal and mesenteric veins and "
                 "pneumoretroperitoneum"],
    "expected": {
        "cause_category": "drug",
        "cause": "chemotherapy-induced (docetaxel-carboplatin) febrile neutropenia with septic shock from neutropenic "
                 "enterocolitis, high risk (hypotension, MASCC 11)",
        "cause_id_keywords": ["chemotherapy", "docetaxel", "cytotoxic"], "urgent": True,
        "also_acceptable_in_top3": ["neutropenic enterocolitis / clostridial sepsis (the infectious complication)",
                                    "sepsis-related neutrophil consumption"],
        "must_recommend": ["blood cultures before antibiotics",
                           "empiric broad-spectrum IV antibiotics within 60 minutes with anaerobic cover for an "
                           "abdominal source (e.g. piperacillin-tazobactam or a carbapenem)",
                           "fluid resuscitation, vasopressors and ICU care for septic shock (high risk, MASCC < 21)",
                           "urgent surgical review of the ischaemic bowel",
                           "consider G-CSF (high-risk febrile neutropenia with sepsis)",
                           "withhold further chemotherapy until recovery"],
        "must_not_recommend": ["outpatient oral antibiotics (hypotensive, high risk)", "reassurance"],
        "must": [must("empiric broad-spectrum IV antibiotics within 60 minutes", ["empiric-antibiotics"]),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["chemotherapy day -9: mucositis 8 days after cycle 1, symptoms the next day, presentation assumed the "
                  "same day", "doses of docetaxel, carboplatin and trastuzumab not stated",
                  "ANC unit: the abstract prints '370 μL/mL'; entered as 370/uL",
                  "temperature and blood pressure values not given (fever and hypotension stated)",
                  "no COPD assumed for the MASCC score (not stated)", "ancestry not reported",
                  "ICD-10/SNOMED codes for breast cancer", "no WBC in the abstract (no WBC grade)"],
    "withheld_from_inputs": ["blood cultures taken on admission grew Clostridium septicum (reported after death)"],
    "notes": "Day 0 = emergency department presentation, day 9 after the first TCH cycle. MASCC: burden of illness "
             "severe 0, hypotension 0, no COPD 4 (assumed), solid tumour 4, needs IV fluids 0, outpatient onset 3, "
             "age >= 60 0 = 11 (high risk). Despite broad-spectrum antibiotics and fluid resuscitation she died 4 hours "
             "after admission. Only the abstract was read.",
})

add({
    "id": "OWN-058",
    "source": "Khokhar N. 'Bone marrow suppression in chronic hepatitis C' (four cases; case 1 used). Pak J Med Sci "
              "17(4):251-253, http://www.pakmedinet.com/printit.php?id=1178&choice=a (PakMediNet copy read; year not "
              "printed in the copy read, which shows only 'Jan'; no DOI shown)",
    "patient": patient(60, "female", "Pakistani (South Asian); not otherwise reported"),
    "labs": [
        lab(0, "WBC", 1700, "/uL", "reference range printed as 4000-10000"),
        lab(0, "HGB", 11, "g/dL"),
        lab(0, "PLT", 45000, "/uL"),
        lab(0, "ALT", 64, "U/L", "upper limit of normal printed as 40"),
        lab(0, None, 140, "mg/dL", name="Glucose [Mass/volume] in Serum or Plasma --fasting"),
    ],
    "medications": [],
    "conditions": [cond("Diabetes mellitus", "E11.9", "44054006"),
                   cond("Hypertension", "I10", "38341003")],
    "findings": ["abdominal swelling with fatigue and weakness",
                 "denies drug intake, alcohol misuse or previous surgery",
                 "blood pressure 150/90 mmHg",
                 "no ascites on examination; liver and spleen not enlarged",
                 "Coombs test negative"],
    "expected": {
        "cause_category": "infection",
        "cause": "chronic hepatitis C with bone marrow suppression (pancytopenia with leukopenia) found at diagnosis",
        "cause_id_keywords": ["hepatitis c", "hcv"], "urgent": False,
        "also_acceptable_in_top3": ["cirrhosis with hypersplenism / chronic liver disease",
                                    "aplastic anaemia or myelodysplastic syndrome",
                                    "HCV-associated immune cytopenia"],
        "must_recommend": ["viral hepatitis serology (anti-HCV with HCV RNA, HBsAg) and HIV test",
                           "peripheral blood smear and haematology referral; bone marrow examination for unexplained "
                           "pancytopenia in a 60-year-old",
                           "assess for cirrhosis and portal hypertension (liver ultrasound, synthetic function)",
                           "hepatology referral for antiviral therapy; avoid interferon-based regimens while cytopenic",
                           "repeat CBC"],
        "must_not_recommend": ["reassurance or discharge without work-up (WBC 1.7, platelets 45 x10^9/L)"],
        "must": [must("viral hepatitis serology including hepatitis C", ["order-test"], "hepatitis"),
                 must("haematology referral, smear or marrow examination for pancytopenia",
                      ["hematology-referral", "bone-marrow-exam", "peripheral-smear"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["day 0 = presentation (the report gives no dates)",
                  "nationality from the Pakistani journal (not stated for the patient)",
                  "diabetes type not stated; type 2 assumed for the ICD-10/SNOMED codes; codes for hypertension",
                  "ALT unit printed as 'µ/l', entered as U/L; counts printed per µl, entered as /uL",
                  "fasting glucose entered without a LOINC code",
                  "no medications entered: the report states no drug intake although she has diabetes and hypertension",
                  "no differential in the report (no ANC grade)",
                  "year of publication not printed in the copy read"],
    "withheld_from_inputs": ["anti-HCV antibody positive and HCV RNA detected in serum",
                             "bone marrow aspiration and biopsy: pancytopenia consistent with marrow suppression"],
    "notes": "Case 1 of a four-patient series in which marrow suppression was found when chronic hepatitis C was first "
             "diagnosed. No interferon or ribavirin could be given; she was managed conservatively, later developed "
             "ascites (diuretics), deteriorated over six months with hepatic encephalopathy and died after "
             "gastrointestinal bleeding. Not urgent: afebrile, no ANC, no sepsis. Hypersplenism from cirrhosis is a "
             "defensible alternative (later ascites) although the spleen was not palpable at presentation.",
})

add({
    "id": "OWN-059",
    "source": "Letter from the Department of Paediatrics, University of Münster (correspondence Dr J Roth). "
              "'rhG-CSF resistant neutropenia in SLE'. Ann Rheum Dis 56(6):396, https://ard.bmj.com/content/56/6/396 "
              "(opening of the letter read; full author list, year and DOI not shown in the copy read)",
    "patient": patient(10, "female", "not reported (German centre)"),
    "labs": [
        lab(0, "ANC", 650, "/uL", "printed as 650 neutrophils/µl at the relapse"),
        lab(0, "LYM", 800, "/uL", "printed as 800 lymphocytes/µl"),
    ],
    "medications": [],
    "conditions": [cond("Systemic lupus erythematosus, childhood onset at 9.5 years (ANA and anti-dsDNA positive, "
                        "hypocomplementaemia at diagnosis)", "M32.9", "55464009")],
    "findings": ["SLE diagnosed at 9.5 years with butterfly rash, oral ulcers, arthritis and serositis; white cell count "
                 "normal at diagnosis",
                 "remission after initial treatment; relapse about eight months later",
                 "signs of nephritis at the relapse"],
    "expected": {
        "cause_category": "autoimmune",
        "cause": "relapse (flare) of known childhood-onset systemic lupus erythematosus with neutropenia, lymphopenia "
                 "and nephritis",
        "cause_id_keywords": ["lupus", "systemic lupus"], "urgent": False,
        "also_acceptable_in_top3": ["drug-induced neutropenia from lupus immunosuppressants (treatment not stated)",
                                    "marrow suppression / haemophagocytosis in SLE",
                                    "infection-related neutropenia"],
        "must_recommend": ["repeat CBC with differential and follow the ANC closely",
                           "lupus activity work-up: complement C3/C4, anti-dsDNA, urinalysis and proteinuria",
                           "review current drugs (azathioprine, cyclophosphamide, others) as co-causes",
                           "paediatric rheumatology and nephrology: treat the flare (glucocorticoids with "
                           "immunosuppression)",
                           "blood cultures and empiric antibiotics if fever develops",
                           "bone marrow examination if the neutropenia persists"],
        "must_not_recommend": ["G-CSF for afebrile neutropenia of an SLE flare (failed here; can aggravate lupus)"],
        "must": [must("anti-dsDNA and complement for lupus activity", ["order-test"], "dna"),
                 must("rheumatology referral / treat the lupus flare", ["rheumatology-referral", "immunosuppression"]),
                 must("repeat CBC with differential", ["repeat-cbc", "monitoring"])],
        "must_not": [must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["age 10: SLE began at 9.5 years and the relapse came about eight months after remission (exact age "
                  "not stated)",
                  "day 0 = presentation with the relapse",
                  "counts printed per µl, entered as /uL",
                  "ancestry not reported (German centre)",
                  "treatment at the time of the relapse not stated in the text read; no medications entered",
                  "temperature not stated; no fever entered",
                  "ICD-10/SNOMED codes for SLE",
                  "no WBC in the text read (no WBC grade)",
                  "full author list, year and DOI not shown"],
    "withheld_from_inputs": ["bone marrow biopsy: general suppression of all cell lines"],
    "notes": "ANC 650/uL (0.65 x10^9/L) without stated fever or infection: not urgent by the README flag. The letter "
             "reports that the neutropenia did not respond to rhG-CSF and that the girl later died of untreatable "
             "fungal sepsis, so the must_not on G-CSF follows the source. Only the opening of the letter was read; the "
             "treatment before and after the relapse is unknown.",
})

add({
    "id": "OWN-060",
    "source": "Paris JF, Chagnon A, Marlier S, Brocq O, Yao N'Dri A, Carli P. 'Érythroblastopénie aiguë induite par le "
              "parvovirus B19 révélant une sphérocytose héréditaire à l'âge adulte' (poster no. 128; French-language "
              "case abstract with English summary), copy read at https://pdfslide.fr/documents/"
              "erythroblastopenie-aigue-induite-par-le-parvovirus-b19-revelant-une-spherocytose.html (journal or "
              "congress, year and DOI not shown in the copy read)",
    "patient": patient(35, "female", "white, non-Mediterranean (French report)"),
    "labs": [
        lab(0, "WBC", 3000, "/mm3", "moderate leukopenia; no differential given"),
        lab(0, "HGB", 8, "g/dL", "normochromic normocytic; printed as 8 g/100 ml"),
        lab(0, None, 46000, "/mm3", name="Reticulocytes [#/volume] in Blood",
            comment="anaemia not regenerative"),
        lab(0, None, 35, "umol/L", name="Bilirubin.total [Moles/volume] in Serum or Plasma"),
        lab(0, "LDH", 895, "U/L"),
        lab(2, "HGB", 5.3, "g/dL", "worsening, poorly tolerated anaemia; two red-cell units transfused urgently"),
        lab(12, None, 298000, "/mm3", name="Reticulocytes [#/volume] in Blood", comment="reticulocyte crisis"),
        lab(18, "HGB", 10, "g/dL"),
    ],
    "medications": [],
    "conditions": [],
    "findings": ["fever to 40 °C for 3 days with chills, joint pains, headache and vomiting",
                 "no notable past medical history",
                 "slight yellowing of the conjunctivae and an enlarged spleen; examination otherwise normal",
                 "haptoglobin below 0.1 g/L",
                 "no thrombocytopenia",
                 "mild rise in liver enzymes (values not given)"],
    "expected": {
        "cause_category": "infection",
        "cause": "parvovirus B19 transient aplastic crisis (acute erythroblastopenia) with leukopenia, revealing "
                 "previously unknown hereditary spherocytosis in an adult",
        "cause_id_keywords": ["parvo", "b19"], "urgent": False,
        "also_acceptable_in_top3": ["autoimmune haemolytic anaemia with marrow suppression",
                                    "other acute viral infection (EBV, CMV) with haemolysis",
                                    "haemophagocytic lymphohistiocytosis"],
        "must_recommend": ["parvovirus B19 IgM and PCR",
                           "blood film (spherocytes) and haemolysis work-up (DAT; osmotic fragility or EMA binding "
                           "once away from transfusion)",
                           "group and crossmatch; transfusion for symptomatic or falling haemoglobin",
                           "repeat CBC and reticulocyte count until the reticulocyte response",
                           "droplet precautions; keep away from pregnant and immunocompromised contacts"],
        "must_not_recommend": ["reassurance or discharge (haemoglobin 8 g/dL falling, no reticulocyte response)",
                               "G-CSF for a moderate transient viral leukopenia"],
        "must": [must("parvovirus B19 IgM / PCR", ["order-test"], "parvo"),
                 must("blood film", ["peripheral-smear"]),
                 must("repeat CBC and reticulocyte count", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"]), must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["day 0 = admission; the report's J2, J12 and J18 entered as days 2, 12 and 18",
                  "absolute reticulocytes and bilirubin (umol/L) entered without a LOINC code",
                  "haptoglobin '< 0.1 g/L', 'no thrombocytopenia' and the mild cytolysis entered as findings (no "
                  "values)",
                  "'no notable past medical history' (source: 'sans antécédent particulier'); hereditary spherocytosis "
                  "was not known, so no condition is entered",
                  "no differential given (no ANC grade)"],
    "withheld_from_inputs": ["myelogram at presentation: erythroblastopenia",
                             "anti-parvovirus B19 IgM positive (radio-immunoassay)",
                             "later haemolysis work-up away from transfusion: 25 % spherocytes on the film and a positive "
                             "osmotic fragility test (hereditary spherocytosis, Minkowski-Chauffard)"],
    "notes": "Day 0 = admission. The anaemia worsened to 5.3 g/dL on day 2 and needed urgent transfusion of two red-cell "
             "units; reticulocyte crisis on day 12; haemoglobin 10 g/dL on day 18, then stable at 11.5. The "
             "parvovirus aplastic crisis unmasked an occult hereditary spherocytosis at age 35 (no splenectomy "
             "mentioned in the text read). Fever with WBC 3.0 x10^9/L and no ANC: not urgent by the README flag. WBC "
             "3000/mm3 is a boundary value (3.0 is grade 1). Only the poster abstract was read.",
})

add({
    "id": "OWN-061",
    "source": "'Severe falciparum malaria with extremely high parasitemia with excellent response to artesunate', "
              "Society of Hospital Medicine (Hospital Medicine meeting) abstract, https://shmabstracts.org/abstract/"
              "severe-falciparum-malaria-with-extremely-high-parasitemia-with-excellent-response-to-artesunate/ "
              "(case presentation read; authors, meeting year and abstract number not shown in the copy read)",
    "patient": patient(37, "male", "not reported"),
    "labs": [
        lab(0, "WBC", 3.5, "K/uL", "printed as '3.5K cells/mL'"),
        lab(0, "SEGP", 72, "%", "reported as neutrophils 72 %"),
        lab(0, "BANDP", 4, "%"),
        lab(0, "LYMPM", 17, "%"),
        lab(0, "PLT", 100, "K/uL", "printed as '100K cells/uL'"),
        lab(1, "PLT", 35, "K/uL", "second hospital day"),
    ],
    "medications": [
        med("doxycycline", "J01AA02", -39, -36, "malaria prophylaxis taken only for a few days at the start of the trip"),
    ],
    "conditions": [],
    "findings": ["previously healthy",
                 "4 days of fever, nausea, muscle aches and headaches",
                 "back 2 weeks before the illness began from a 3-week holiday in Malawi",
                 "took doxycycline prophylaxis only for a few days at the start of the trip",
                 "dark urine and reduced urine output for 2 days",
                 "temperature 39 °C (fever) with marked dehydration, tachycardia, sweating and rigors",
                 "mild jaundice; tenderness in the left upper abdomen",
                 "transaminases about twice the upper limit",
                 "bilirubin, LDH and D-dimer raised with low haptoglobin (values not given)"],
    "expected": {
        "cause_category": "infection",
        "cause": "severe imported Plasmodium falciparum malaria (hyperparasitaemia, haemolysis, DIC) with leukopenia and "
                 "thrombocytopenia in a returning traveller",
        "cause_id_keywords": ["malaria", "falciparum", "plasmodium"], "urgent": False,
        "also_acceptable_in_top3": ["dengue", "enteric (typhoid) fever", "leptospirosis",
                                    "bacterial sepsis with DIC"],
        "must_recommend": ["thick and thin blood films and a malaria rapid antigen test at once, repeated if negative",
                           "IV artesunate for severe malaria (jaundice, haemolysis, DIC, high parasitaemia)",
                           "blood cultures; empiric antibiotics until bacterial sepsis is excluded",
                           "high-dependency monitoring (glucose, lactate, renal function, mental status)",
                           "repeat CBC and platelet count"],
        "must_not_recommend": ["reassurance or discharge as a viral illness",
                               "G-CSF (ANC 2.66 x10^9/L; leukopenia of acute infection)"],
        "must": [must("malaria smear or rapid test", ["order-test", "peripheral-smear"], "malaria"),
                 must("blood cultures", ["blood-cultures"])],
        "must_not": [must("reassurance", ["reassurance"]), must("G-CSF", ["g-csf"])],
    },
    "filled_in": ["day 0 = emergency department visit; the platelet count of 35K 'the second day' entered as day 1",
                  "count units written as K/uL (printed as '3.5K cells/mL' and '100K cells/Ul')",
                  "differential entered as a manual count (neutrophils 72 % as segmented, bands 4 %)",
                  "doxycycline days -39 to -36 (3-week trip ending 2 weeks before a 4-day illness; 'a few days' taken "
                  "as 3)",
                  "ancestry not reported",
                  "atovaquone-proguanil and IV artesunate, given after the smear, are not entered as inputs"],
    "withheld_from_inputs": ["peripheral smear: 25 % parasitaemia with ring forms, doublets and triplets, suspicious for "
                             "Plasmodium falciparum"],
    "notes": "Day 0 = emergency department. One dose of atovaquone-proguanil while IV artesunate was obtained from the "
             "CDC, given the same day; on day 1 still febrile and tachycardic with severe headache and altered mental "
             "status (head CT normal), platelets 35K; improved from day 2, parasitaemia fell, 3 days of IV "
             "artesunate then oral atovaquone-proguanil; well at 1 week. ANC 2.66 x10^9/L (manual differential), no "
             "neutropenia: not urgent by the README flag, although severe malaria is a medical emergency and the "
             "recommendations must say so. Only the case presentation of the abstract was read.",
})

add({
    "id": "OWN-062",
    "source": "'Convalescent Serologic Testing: Second Time's the Charm', Society of Hospital Medicine (Hospital "
              "Medicine meeting) abstract, https://www.shmabstracts.com/abstract/convalescent-serologic-testing-second-"
              "times-the-charm/ (case presentation read; authors, meeting year and abstract number not shown in the copy "
              "read)",
    "patient": patient(36, "female", "not reported"),
    "labs": [
        lab(0, "WBC", 3, "K/uL", "printed as '3 K/mm3'; no differential given"),
        lab(0, "HGB", 11.7, "g/dL"),
        lab(0, "PLT", 110, "K/uL", "printed as '110 K/mm3'"),
        lab(0, "CREAT", 1.5, "mg/dL"),
        lab(0, "AST", 576, "IU/L"),
        lab(0, "ALT", 584, "IU/L"),
        lab(0, None, 282, "IU/L", name="Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"),
        lab(0, "TBIL", 1, "mg/dL"),
    ],
    "medications": [
        med("azithromycin", "J01FA10", 0, None, "oral; started on admission for a lobar infiltrate"),
        med("ceftriaxone", "J01DD04", 0, None, "IV; started on admission"),
        med("doxycycline", "J01AA02", 1, None, "oral; added on the report's day 2"),
    ],
    "conditions": [],
    "findings": ["previously healthy; works as a hairstylist",
                 "3 days of fever, dry cough and a throbbing headache with mild photophobia",
                 "generalised weakness and lethargy; no confusion",
                 "no recent travel",
                 "fell into a Midwestern river while canoeing 2 weeks before the illness",
                 "temperature 100.8 °F (fever)",
                 "conjunctival suffusion; crackles at both lung bases",
                 "no neck stiffness; liver and spleen not palpable; neurological examination normal",
                 "cerebrospinal fluid examination normal",
                 "serum acetaminophen level and acute viral hepatitis panel negative",
                 "chest radiograph: left lower lobe infiltrate"],
    "expected": {
        "cause_category": "infection",
        "cause": "leptospirosis after freshwater (river) exposure, with leukopenia, thrombocytopenia, hepatitis, acute "
                 "kidney injury and pneumonitis",
        "cause_id_keywords": ["leptospir"], "urgent": False,
        "also_acceptable_in_top3": ["ehrlichiosis or anaplasmosis", "Legionella or other atypical pneumonia",
                                    "acute viral hepatitis", "acute HIV infection"],
        "must_recommend": ["Leptospira serology (IgM/MAT) with a convalescent repeat, and Leptospira PCR of blood and "
                           "urine",
                           "doxycycline (covers leptospirosis and tick-borne rickettsial infection) or IV "
                           "ceftriaxone/penicillin",
                           "Ehrlichia/Anaplasma PCR or serology",
                           "blood cultures",
                           "repeat CBC, creatinine and liver tests; watch for pulmonary haemorrhage and renal failure"],
        "must_not_recommend": ["reassurance or discharge (pneumonitis, acute kidney injury, transaminases above 500)"],
        "must": [must("Leptospira serology / PCR", ["order-test"], "leptospir"),
                 must("treat leptospirosis (doxycycline or a beta-lactam)", ["treat-infection", "empiric-antibiotics"]),
                 must("repeat CBC", ["repeat-cbc", "monitoring"])],
        "must_not": [must("reassurance", ["reassurance"])],
    },
    "filled_in": ["day 0 = admission; the report's day 2 entered as day 1 (doxycycline start)",
                  "count units written as K/uL (printed as K/mm3)", "ancestry not reported",
                  "no differential given (no ANC grade)",
                  "azithromycin and ceftriaxone start day 0 and ongoing (duration not stated)"],
    "withheld_from_inputs": ["Leptospira antibody positive (titre 1:100) at the 3-month follow-up"],
    "notes": "Day 0 = admission. On the report's day 2 cough and hypoxia increased, diffuse myalgia and a faint "
             "maculopapular rash appeared, and chest CT showed multifocal patchy pneumonia with bilateral pleural "
             "effusions; bronchoscopy and lavage were normal; blood cultures negative. An extensive initial serology "
             "panel (including Leptospira, Ehrlichia, Legionella, Mycoplasma, EBV, CMV, HIV and Q fever) was negative, "
             "so the diagnosis was open at discharge; she improved on doxycycline and the convalescent Leptospira "
             "antibody at 3 months was positive (1:100). Fever with WBC 3.0 x10^9/L, no ANC and no sepsis: not urgent "
             "by the README flag. WBC 3.0 is a boundary value (grade 1). Only the case presentation of the abstract "
             "was read.",
})


# Grades worked out by hand from each record's first day-0 WBC and ANC (CTCAE v5.0, LLN 4.0 / 1.8 x 10^9/L).
# The build recomputes them and fails if a stated grade disagrees. None = the record has no such count.
EXPECTED_GRADES = {
    "OWN-001": (4, 4), "OWN-002": (3, 4), "OWN-003": (3, 4), "OWN-004": (2, None), "OWN-005": (3, None),
    "OWN-006": (4, 4), "OWN-007": (3, 4), "OWN-008": (1, None), "OWN-009": (1, None), "OWN-010": (None, 4),
    "OWN-011": (3, 4), "OWN-012": (1, None), "OWN-013": (2, 3), "OWN-014": (None, 4), "OWN-015": (0, 3),
    "OWN-016": (3, 4), "OWN-017": (3, 4), "OWN-018": (1, 0), "OWN-019": (2, None), "OWN-020": (3, 4),
    "OWN-021": (2, 3), "OWN-022": (2, 4), "OWN-023": (3, 4), "OWN-024": (4, 4), "OWN-025": (1, None),
    "OWN-026": (3, 4), "OWN-027": (3, None), "OWN-028": (None, 4), "OWN-029": (2, 4), "OWN-030": (3, 4),
    "OWN-031": (1, 2), "OWN-032": (1, 2), "OWN-033": (3, 4), "OWN-034": (1, 1), "OWN-035": (2, 2),
    "OWN-036": (2, 3), "OWN-037": (None, 4), "OWN-038": (None, 2),
    "OWN-039": (3, 4), "OWN-040": (None, 4), "OWN-041": (2, 2), "OWN-042": (1, None),
    "OWN-043": (2, 4), "OWN-044": (2, 4), "OWN-045": (2, None), "OWN-046": (None, 4),
    "OWN-047": (None, 4), "OWN-048": (2, None), "OWN-049": (2, 1), "OWN-050": (2, None),
    "OWN-051": (4, None), "OWN-052": (1, 0),
    "OWN-053": (3, 4), "OWN-054": (4, 4), "OWN-055": (None, 4), "OWN-056": (3, None), "OWN-057": (None, 4),
    "OWN-058": (3, None), "OWN-059": (None, 3), "OWN-060": (1, None), "OWN-061": (1, 0), "OWN-062": (1, None),
}

KINDS = {"empiric-antibiotics", "blood-cultures", "stop-drug", "repeat-cbc", "peripheral-smear", "order-test",
         "hematology-referral", "bone-marrow-exam", "rheumatology-referral", "g-csf", "neutropenic-precautions",
         "antimicrobial-prophylaxis", "supplement", "immunosuppression", "treat-infection", "remove-exposure",
         "transplant-evaluation", "monitoring", "reassurance"}
CATEGORIES = {"drug", "marrow", "autoimmune", "infection", "nutritional", "toxic", "congenital", "constitutional",
              "hypersplenism", "spurious", "other"}
KEY_ORDER = ("id", "source", "patient", "labs", "medications", "conditions", "findings", "expected", "filled_in",
             "withheld_from_inputs", "notes")


class BuildError(Exception):
    pass


def fail(vid, msg):
    raise BuildError(f"{vid}: {msg}")


def check(v):
    vid, e = v["id"], v["expected"]
    wbc, anc = presentation(v)
    got = (grade(wbc, (4.0, 3.0, 2.0, 1.0)), grade(anc, (1.8, 1.5, 1.0, 0.5)))
    if vid not in EXPECTED_GRADES:
        fail(vid, "no stated grades in EXPECTED_GRADES")
    if got != EXPECTED_GRADES[vid]:
        fail(vid, f"stated grades {EXPECTED_GRADES[vid]} but day-0 values give {got} (WBC {wbc}, ANC {anc})")
    for k in ("ctcae_wbc_grade", "ctcae_anc_grade"):
        if k in e and e[k] != got[k == "ctcae_anc_grade"]:
            fail(vid, f"{k} written in the record disagrees with the computed grade")
    e["ctcae_wbc_grade"], e["ctcae_anc_grade"] = got
    e["presentation_wbc_1e9_per_L"] = None if wbc is None else round(wbc, 5)
    e["presentation_anc_1e9_per_L"] = None if anc is None else round(anc, 5)
    e.setdefault("also_acceptable_in_top3", [])
    if e["cause_category"] not in CATEGORIES:
        fail(vid, f"unknown cause_category {e['cause_category']!r}")
    if not isinstance(e["urgent"], bool):
        fail(vid, "urgent must be true or false")
    kw = e.get("cause_id_keywords")
    if not kw or len(kw) > 3 or any(not isinstance(w, str) or w != w.lower() for w in kw):
        fail(vid, "cause_id_keywords must be 1-3 lower-case strings")
    if not e.get("must"):
        fail(vid, "at least one structured 'must' entry is required")
    for m in e["must"] + e["must_not"]:
        if set(m) != {"phrase", "kinds", "target"} or not m["phrase"] or not m["kinds"]:
            fail(vid, f"malformed must/must_not entry {m}")
        bad = set(m["kinds"]) - KINDS
        if bad:
            fail(vid, f"unknown kinds {bad}")
        if m["target"] is not None and (not isinstance(m["target"], str) or m["target"] != m["target"].lower()):
            fail(vid, f"target must be null or lower case: {m['target']!r}")
    for r in v["labs"]:
        if r["code"] in ("6690-2", "751-8", "731-0", "742-7") and r["unit"] not in FACTOR:
            fail(vid, f"count with unknown unit {r['unit']!r}")
        if not r["unit"] or not r["name"]:
            fail(vid, f"lab row without unit or name: {r}")
    if any(m["start_day"] is not None and m["stop_day"] is not None and m["stop_day"] < m["start_day"]
           for m in v["medications"]):
        fail(vid, "medication stops before it starts")
    if v["patient"]["pregnant"] and v["patient"]["sex"] != "female":
        fail(vid, "pregnant but not female")
    for k in ("filled_in", "withheld_from_inputs"):
        v.setdefault(k, [])
    ordered = {k: v[k] for k in KEY_ORDER}
    v.clear()
    v.update(ordered)


def main():
    ids = [v["id"] for v in V]
    if len(ids) != len(set(ids)):
        raise BuildError("duplicate ids")
    if ids != [f"OWN-{i:03d}" for i in range(1, len(ids) + 1)]:
        raise BuildError("ids must run OWN-001, OWN-002, ... without gaps")
    extra = set(EXPECTED_GRADES) - set(ids)
    if extra:
        raise BuildError(f"EXPECTED_GRADES has ids without a record: {sorted(extra)}")
    for v in V:
        check(v)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vignettes.json")
    with open(out, "w") as f:
        json.dump(V, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(V)} vignettes written to {out}; every stated CTCAE grade matches the day-0 values")
    for v in V:
        e = v["expected"]
        print(f"  {v['id']} {e['cause_category']:<14} urgent={e['urgent']!s:<5} wbc_g={e['ctcae_wbc_grade']} "
              f"anc_g={e['ctcae_anc_grade']}  {e['cause']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as err:
        print(f"BUILD FAILED: {err}", file=sys.stderr)
        sys.exit(1)
