//! Naming the pattern of a cytopenia: isolated neutropenia or lymphopenia, both, bicytopenia and
//! pancytopenia, with the anaemia and thrombocytopenia cut-offs of the knowledge base.

use crate::assessment::{Counts, Pattern};
use crate::kb::KnowledgeBase;

/// The pattern for the latest counts.
pub fn pattern(kb: &KnowledgeBase, counts: &Counts) -> Pattern {
    let below =
        |count: &Option<crate::assessment::Count>| count.as_ref().and_then(|c| c.below_reference()).unwrap_or(false);
    // Neutropenia: below the applicable interval; without one, below the cytopenia cut-off.
    let neutropenia = counts
        .anc
        .as_ref()
        .is_some_and(|c| c.below_reference().unwrap_or(c.result.value < kb.cytopenias.neutropenia.value));
    let lymphopenia = below(&counts.alc);
    let wbc_low = below(&counts.wbc);
    let differential_known = counts.anc.is_some() || counts.alc.is_some();
    let white_low = neutropenia || lymphopenia || wbc_low;
    if !white_low {
        return Pattern::None;
    }
    let anemia = counts.hemoglobin.as_ref().is_some_and(|c| c.result.value < kb.cytopenias.anemia.value);
    let thrombocytopenia =
        counts.platelets.as_ref().is_some_and(|c| c.result.value < kb.cytopenias.thrombocytopenia.value);
    match (anemia, thrombocytopenia) {
        (true, true) => return Pattern::Pancytopenia,
        (true, false) | (false, true) => return Pattern::Bicytopenia,
        (false, false) => {}
    }
    match (neutropenia, lymphopenia) {
        (true, true) => Pattern::NeutropeniaAndLymphopenia,
        (true, false) => Pattern::IsolatedNeutropenia,
        (false, true) => Pattern::IsolatedLymphopenia,
        (false, false) if !differential_known => Pattern::LeukopeniaUndifferentiated,
        (false, false) => Pattern::LeukopeniaOther,
    }
}
