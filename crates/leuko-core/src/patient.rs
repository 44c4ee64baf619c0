//! Who the patient is at `as_of`: age and age band, pregnancy and documented Duffy-null status.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::assessment::{AgeBand, DataQualityFlag, PatientSummary};
use crate::kb::{KnowledgeBase, Sex};
use crate::labs::TextResult;
use crate::record::{CodeSystem, ConditionStatus, ObservationValue, PatientRecord};
use crate::text::{find_any, fold};

/// Age in years at `as_of`: completed calendar years plus the fraction of the current year of
/// life, so that a child is exactly 1.0 on the first birthday.
pub(crate) fn age_years(birth: NaiveDate, as_of: DateTime<Utc>) -> f64 {
    let today = as_of.date_naive();
    if today < birth {
        return (today - birth).num_days() as f64 / 365.25;
    }
    let mut years = today.year() - birth.year();
    let birthday = |years: i32| {
        birth
            .with_year(birth.year() + years)
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(birth.year() + years, 3, 1).unwrap_or(birth))
    };
    if birthday(years) > today {
        years -= 1;
    }
    let last = birthday(years);
    let next = birthday(years + 1);
    let span = (next - last).num_days().max(1) as f64;
    f64::from(years) + (today - last).num_days() as f64 / span
}

fn age_band(birth: Option<NaiveDate>, as_of: DateTime<Utc>) -> AgeBand {
    let Some(birth) = birth else { return AgeBand::Unknown };
    let days = (as_of.date_naive() - birth).num_days();
    let today = as_of.date_naive();
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    if days < 28 {
        AgeBand::Neonate
    } else if years < 1 {
        AgeBand::Infant
    } else if years < 18 {
        AgeBand::Child
    } else {
        AgeBand::Adult
    }
}

/// Builds the patient summary and the warnings it raises.
pub(crate) fn summarise(
    kb: &KnowledgeBase,
    record: &PatientRecord,
    texts: &[TextResult],
    as_of: DateTime<Utc>,
    warnings: &mut Vec<DataQualityFlag>,
) -> PatientSummary {
    let defs = &kb.patient_status;
    let age = record.birth_date.map(|birth| age_years(birth, as_of));
    if let Some(age) = age
        && age < 0.0
    {
        warnings.push(DataQualityFlag {
            code: "birth-after-as-of",
            message: format!(
                "the birth date {} is after the assessment time; age-specific intervals cannot be chosen",
                record.birth_date.map(|d| d.to_string()).unwrap_or_default()
            ),
            subject: record.id.clone(),
        });
    }
    if record.birth_date.is_none() {
        warnings.push(DataQualityFlag {
            code: "age-unknown",
            message: "no birth date: adult reference intervals were assumed; they are wrong for children and neonates"
                .to_owned(),
            subject: record.id.clone(),
        });
    }

    // Pregnancy: an active condition coded or worded as pregnancy, or a pregnancy-status observation.
    let mut pregnant = record.conditions.iter().any(|condition| {
        if condition.status == ConditionStatus::Resolved
            || condition.abatement.is_some_and(|t| t <= as_of)
            || condition.onset.is_some_and(|t| t > as_of)
        {
            return false;
        }
        let coded = condition.codes.iter().any(|coding| match coding.system {
            CodeSystem::Snomed => defs.pregnancy_snomed.contains(&coding.code),
            CodeSystem::Icd10 => {
                let code = coding.code.replace('.', "").to_uppercase();
                defs.pregnancy_icd10.iter().any(|prefix| code.starts_with(prefix.as_str()))
            }
            _ => false,
        });
        coded
            || condition.text.as_deref().is_some_and(|text| find_any(&fold(text), &defs.pregnancy_text, true).is_some())
    });
    for observation in &record.observations {
        if observation.time.is_some_and(|t| t > as_of) {
            continue;
        }
        if observation.loinc_codes().any(|code| defs.pregnancy_observation_loinc.iter().any(|c| c == code))
            && let ObservationValue::Text(value) = &observation.value
            && defs.pregnancy_observation_true.contains(&fold(value))
        {
            pregnant = true;
        }
    }

    // Duffy-null: documented phenotype/genotype only; ancestry is never a proxy.
    let mut duffy_null_evidence = None;
    for text in texts {
        if text.time.is_some_and(|t| t > as_of) {
            continue;
        }
        let name = fold(&text.name);
        if find_any(&name, &defs.duffy_observation_text, false).is_none()
            && !defs.duffy_observation_text.iter().any(|p| name.contains(p.as_str()))
        {
            continue;
        }
        let value = fold(&text.value);
        let phenotype = defs.duffy_phenotype_values.iter().any(|v| value.contains(v.as_str()));
        let genotype = name.contains("rs2814778")
            && defs.duffy_genotype_values.iter().any(|v| value == *v || value.contains(&format!("{v} ")));
        if phenotype || genotype {
            duffy_null_evidence = Some(text.observation.clone());
            break;
        }
    }
    if duffy_null_evidence.is_none() {
        for condition in &record.conditions {
            if condition.status == ConditionStatus::Resolved || condition.onset.is_some_and(|t| t > as_of) {
                continue;
            }
            let texts = condition.text.iter().chain(condition.codes.iter().filter_map(|c| c.display.as_ref()));
            if texts.into_iter().any(|t| find_any(&fold(t), &defs.duffy_condition_text, true).is_some()) {
                duffy_null_evidence = Some(condition.id.clone());
                break;
            }
        }
    }

    PatientSummary {
        id: record.id.clone(),
        age_years: age.filter(|a| *a >= 0.0),
        age_band: if age.is_some_and(|a| a < 0.0) { AgeBand::Unknown } else { age_band(record.birth_date, as_of) },
        sex: record.sex.unwrap_or(Sex::Unknown),
        pregnant,
        duffy_null: duffy_null_evidence.is_some(),
        duffy_null_evidence,
        ancestry: record.ancestry.clone(),
    }
}
