//! The analytes leuko reasons about, and how a result relates to them.
//!
//! The set is fixed in code because the reasoning modules name analytes directly (grading needs
//! "the WBC", pattern needs "the platelets"); everything else about an analyte — its codes, text
//! synonyms, units and intervals — lives in the knowledge base.

use std::fmt;

/// A laboratory quantity or vital sign leuko reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Analyte {
    /// White blood cells (leukocytes).
    Wbc,
    /// Neutrophils, all forms (absolute neutrophil count when a count).
    Anc,
    /// Segmented neutrophils (manual differential).
    SegmentedNeutrophils,
    /// Band neutrophils.
    Bands,
    /// Lymphocytes (absolute lymphocyte count when a count).
    Alc,
    /// Variant (atypical) lymphocytes.
    VariantLymphocytes,
    /// Monocytes.
    Monocytes,
    /// Eosinophils.
    Eosinophils,
    /// Basophils.
    Basophils,
    /// Blasts.
    Blasts,
    /// Nucleated red blood cells.
    Nrbc,
    /// Haemoglobin.
    Hemoglobin,
    /// Mean corpuscular volume.
    Mcv,
    /// Platelets.
    Platelets,
    /// Reticulocytes.
    Reticulocytes,
    /// Vitamin B12.
    B12,
    /// Folate.
    Folate,
    /// Copper.
    Copper,
    /// Zinc.
    Zinc,
    /// Ceruloplasmin.
    Ceruloplasmin,
    /// Homocysteine.
    Homocysteine,
    /// CD4+ T cells.
    Cd4,
    /// C-reactive protein.
    Crp,
    /// Body temperature.
    Temperature,
    /// Systolic blood pressure.
    SystolicBp,
    /// Glucose.
    Glucose,
    /// Heart rate.
    HeartRate,
    /// Respiratory rate.
    RespiratoryRate,
    /// Alanine aminotransferase.
    Alt,
    /// Aspartate aminotransferase.
    Ast,
    /// Ferritin.
    Ferritin,
    /// Triglycerides.
    Triglycerides,
}

impl Analyte {
    /// Every analyte, in a fixed order.
    pub const ALL: [Analyte; 32] = [
        Analyte::Wbc,
        Analyte::Anc,
        Analyte::SegmentedNeutrophils,
        Analyte::Bands,
        Analyte::Alc,
        Analyte::VariantLymphocytes,
        Analyte::Monocytes,
        Analyte::Eosinophils,
        Analyte::Basophils,
        Analyte::Blasts,
        Analyte::Nrbc,
        Analyte::Hemoglobin,
        Analyte::Mcv,
        Analyte::Platelets,
        Analyte::Reticulocytes,
        Analyte::B12,
        Analyte::Folate,
        Analyte::Copper,
        Analyte::Zinc,
        Analyte::Ceruloplasmin,
        Analyte::Homocysteine,
        Analyte::Cd4,
        Analyte::Crp,
        Analyte::Temperature,
        Analyte::SystolicBp,
        Analyte::Glucose,
        Analyte::HeartRate,
        Analyte::RespiratoryRate,
        Analyte::Alt,
        Analyte::Ast,
        Analyte::Ferritin,
        Analyte::Triglycerides,
    ];

    /// The knowledge-base id (`kb/terminology/analytes.toml`).
    pub fn id(self) -> &'static str {
        match self {
            Analyte::Wbc => "wbc",
            Analyte::Anc => "anc",
            Analyte::SegmentedNeutrophils => "segmented-neutrophils",
            Analyte::Bands => "bands",
            Analyte::Alc => "alc",
            Analyte::VariantLymphocytes => "variant-lymphocytes",
            Analyte::Monocytes => "monocytes",
            Analyte::Eosinophils => "eosinophils",
            Analyte::Basophils => "basophils",
            Analyte::Blasts => "blasts",
            Analyte::Nrbc => "nrbc",
            Analyte::Hemoglobin => "hemoglobin",
            Analyte::Mcv => "mcv",
            Analyte::Platelets => "platelets",
            Analyte::Reticulocytes => "reticulocytes",
            Analyte::B12 => "b12",
            Analyte::Folate => "folate",
            Analyte::Copper => "copper",
            Analyte::Zinc => "zinc",
            Analyte::Ceruloplasmin => "ceruloplasmin",
            Analyte::Homocysteine => "homocysteine",
            Analyte::Cd4 => "cd4",
            Analyte::Crp => "crp",
            Analyte::Temperature => "temperature",
            Analyte::SystolicBp => "systolic-bp",
            Analyte::Glucose => "glucose",
            Analyte::HeartRate => "heart-rate",
            Analyte::RespiratoryRate => "respiratory-rate",
            Analyte::Alt => "alt",
            Analyte::Ast => "ast",
            Analyte::Ferritin => "ferritin",
            Analyte::Triglycerides => "triglycerides",
        }
    }

    /// Looks an analyte up by its knowledge-base id.
    pub fn from_id(id: &str) -> Option<Analyte> {
        Analyte::ALL.into_iter().find(|analyte| analyte.id() == id)
    }

    /// Position in [`Analyte::ALL`], for per-analyte tables.
    pub(crate) fn index(self) -> usize {
        Analyte::ALL.iter().position(|&analyte| analyte == self).unwrap_or(0)
    }
}

impl fmt::Display for Analyte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What kind of quantity a result reports (LOINC property).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    /// Number concentration (LOINC NCnc): cells per volume.
    Count,
    /// Number fraction (LOINC NFr): per 100 leukocytes (or erythrocytes).
    Fraction,
    /// Any other level: mass or substance concentration, volume, temperature.
    Level,
}

impl Property {
    /// The knowledge-base word for this property.
    pub fn id(self) -> &'static str {
        match self {
            Property::Count => "count",
            Property::Fraction => "fraction",
            Property::Level => "level",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<Property> {
        match id {
            "count" => Some(Property::Count),
            "fraction" => Some(Property::Fraction),
            "level" => Some(Property::Level),
            _ => None,
        }
    }
}
