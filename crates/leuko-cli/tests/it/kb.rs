//! `leuko kb check` passes on the bundled knowledge base and fails, naming file and line, on a
//! broken copy; `leuko kb show` prints an entry.

use std::path::Path;

use crate::{leuko, stderr, stdout};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// Replaces, in the knowledge-base file `file` below `dir`, the first occurrence of each `from`
/// by its `to`.
fn edit(dir: &Path, file: &str, edits: &[(&str, &str)]) {
    let path = dir.join(file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&path, text).unwrap();
}

#[test]
fn bundled_knowledge_base_checks() {
    let output = leuko(&["kb", "check"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("is valid"));
}

#[test]
fn broken_knowledge_base_fails_with_file_and_line() {
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    let dir = std::env::temp_dir().join(format!("leuko-kb-check-{}", std::process::id()));
    copy_dir(&kb, &dir);
    // A threshold citing a source that does not exist, and a LOINC code with a wrong check digit.
    edit(&dir, "grading/ctcae.toml", &[("source = \"S1\"", "source = \"S999\"")]);
    edit(&dir, "terminology/analytes.toml", &[("\"742-7\"", "\"742-4\"")]);
    // A next test proposed as a kind that is not a test.
    edit(&dir, "causes/marrow.toml", &[("kind = \"bone-marrow-exam\"", "kind = \"g-csf\"")]);
    // A drug risk factor naming a finding that does not exist.
    edit(&dir, "drugs/immunomodulators.toml", &[("finding = \"renal-impairment\"", "finding = \"renal-impairmnet\"")]);
    // A film finding reported by an examination the engine does not know.
    edit(&dir, "findings/smear-marrow.toml", &[("examination = [\"blood-film\"]", "examination = [\"blood-smear\"]")]);
    // An alert level that is not one of the three.
    edit(
        &dir,
        "findings/labs.toml",
        &[("listed = { result = \"normal\", terms = [\"b12\"", "listed = { result = \"fine\", terms = [\"b12\"")],
    );
    edit(
        &dir,
        "management/supportive.toml",
        &[
            (
                "except_leading_causes = [\"post-viral-transient-neutropenia\"]",
                "except_leading_causes = [\"post-viral-neutropenia\"]",
            ),
            ("patterns = [\"pancytopenia\", \"isolated-lymphopenia\"]", "patterns = [\"pancytopaenia\"]"),
        ],
    );
    edit(
        &dir,
        "management/thresholds.toml",
        &[(
            "level_by_grade = [\"info\", \"warning\", \"warning\", \"critical\"]",
            "level_by_grade = [\"info\", \"warning\", \"loud\", \"critical\"]",
        )],
    );
    // A text finding standing for a finding that does not exist.
    edit(
        &dir,
        "findings/history.toml",
        &[("stands_for = \"chronic-over-3-months\"", "stands_for = \"chronic-neutropenia\"")],
    );
    // A drug-template action for a drug another template covers (clozapine: idiosyncratic), one
    // for a drug that does not exist, and a plan that is no drug template naming a drug.
    edit(
        &dir,
        "management/cause-specific.toml",
        &[
            ("for_drugs = [\"methotrexate\"]", "for_drugs = [\"clozapine\"]"),
            ("for_drugs = [\"azathioprine\", ", "for_drugs = [\"azathioprin\", "),
            (
                "unless_finding = \"duffy-null\", text = \"Duffy phenotype",
                "unless_finding = \"duffy-null\", for_drugs = [\"clozapine\"], text = \"Duffy phenotype",
            ),
        ],
    );
    // An action outside the plans naming a drug.
    edit(
        &dir,
        "management/febrile-neutropenia.toml",
        &[("kind = \"blood-cultures\"\nurgency", "kind = \"blood-cultures\"\nfor_drugs = [\"clozapine\"]\nurgency")],
    );
    // A finding the engine reads by name (COPD, scored by MASCC and CISNE) defined under
    // another id.
    edit(&dir, "findings/management.toml", &[("id = \"copd\"", "id = \"chronic-lung-disease\"")]);
    let output = leuko(&["kb", "check", "--dir", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("kb/grading/ctcae.toml:") && message.contains("\"S999\" is not registered"), "{message}");
    assert!(message.contains("kb/findings/") && message.contains("the engine reads finding \"copd\""), "{message}");
    assert!(message.contains("kb/terminology/analytes.toml:") && message.contains("742-4"), "{message}");
    assert!(message.contains("kb/causes/marrow.toml:") && message.contains("next test kind \"g-csf\""), "{message}");
    assert!(
        message.contains("kb/drugs/immunomodulators.toml:") && message.contains("unknown finding \"renal-impairmnet\""),
        "{message}"
    );
    assert!(
        message.contains("kb/findings/smear-marrow.toml:")
            && message.contains("examination \"blood-smear\" is not one of"),
        "{message}"
    );
    assert!(
        message.contains("kb/management/supportive.toml:")
            && message.contains("unknown cause \"post-viral-neutropenia\""),
        "{message}"
    );
    assert!(
        message.contains("kb/findings/labs.toml:")
            && message.contains("listed.result \"fine\" is not negative or normal"),
        "{message}"
    );
    assert!(
        message.contains("kb/management/thresholds.toml:") && message.contains("alert level \"loud\""),
        "{message}"
    );
    assert!(message.contains("\"pancytopaenia\" is not a pattern word"), "{message}");
    assert!(
        message.contains("kb/findings/history.toml:") && message.contains("unknown finding \"chronic-neutropenia\""),
        "{message}"
    );
    assert!(
        message.contains("kb/management/cause-specific.toml:")
            && message.contains("action for drug \"clozapine\", whose cause template is another plan's"),
        "{message}"
    );
    assert!(message.contains("has an action for unknown drug \"azathioprin\""), "{message}");
    assert!(message.contains("plan \"plan-chronic-idiopathic-neutropenia\" is not a drug template"), "{message}");
    assert!(
        message.contains("kb/management/febrile-neutropenia.toml:")
            && message.contains("for_drugs applies only to an action of a drug template's plan"),
        "{message}"
    );
}

#[test]
fn show_prints_an_entry() {
    let output = leuko(&["kb", "show", "S31"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("Andersohn"));
    let output = leuko(&["kb", "show", "no-such-id"]);
    assert_eq!(output.status.code(), Some(1));
}

/// `docs/kb.md` is generated from `kb/` and must not drift (helix's "check uncommitted
/// documentation changes"). Regenerate with `LEUKO_UPDATE_DOCS=1 cargo test -p leuko-cli`.
#[test]
fn kb_document_is_up_to_date() {
    let output = leuko(&["kb", "doc"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let generated = stdout(&output);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/kb.md");
    if std::env::var_os("LEUKO_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/kb.md is out of date: run LEUKO_UPDATE_DOCS=1 cargo test -p leuko-cli");
}
